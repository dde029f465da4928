"""Product images of a study (report section 2.3): upload, caption, delete, list, thumbnail.

The images are files studies/<report number>/images/<caption>.<ext> in the default storage
(local disk or an S3-compatible bucket; reports/assets.py reads them from there); the caption
printed under a figure is the file name without extension, so changing a caption renames the
file. The report prints them sorted by name.

Uploads are not trusted: the size is limited, Pillow must recognise the content as JPEG or
PNG (whatever the name says), and the picture is decoded and encoded again, which drops
anything that is not pixels (EXIF with GPS positions, comments, trailing data) and turns a
photo the right way up. File names are built here from the caption, never taken as a path,
and an existing image is only ever addressed by a name found in the folder's listing.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ...models import Study
from .. import data_version
from ..freeze import ensure_study_editable

FORMATS = {"JPEG": ".jpg", "PNG": ".png"}
# Longest side of a stored image: 2,400 px is about 380 dpi across a 16 cm wide figure.
MAX_SIDE = 2400
# Refused before decoding (Pillow's bomb guard only warns below 179 megapixels).
MAX_PIXELS = 60_000_000
THUMBNAIL_SIDE = 320
CAPTION_MAX_LENGTH = 80
# Characters that file systems or URLs reserve; a caption cannot contain them.
_RESERVED = set('/\\:*?"<>|%#')


# What a report may embed of a study's images (reports/assets.py serves them from here).
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MAX_BYTES = 10 * 1024 * 1024


def study_images_folder(report_number: str) -> str:
    """The folder of the study's images in the default storage."""
    return f"studies/{report_number}/images"


def study_image_names(report_number: str) -> list[str]:
    """File names of the study's uploaded product images, sorted (captions are the names)."""
    folder = study_images_folder(report_number)
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(
        name for name in files
        if not name.startswith(".") and Path(name).suffix.lower() in IMAGE_TYPES
        and default_storage.size(f"{folder}/{name}") <= MAX_BYTES
    )


@dataclass(frozen=True)
class StudyImage:
    name: str      # file name in the study's folder
    caption: str   # what the report prints under the figure
    size: int      # bytes
    width: int
    height: int
    version: int = 0  # modification time (ns): changes whenever the file does


def max_upload_bytes() -> int:
    return int(getattr(settings, "STUDY_IMAGE_MAX_BYTES", 5 * 1024 * 1024))


def study_images(study: Study) -> list[StudyImage]:
    """The study's images in report order."""
    folder = study_images_folder(study.report_number)
    images = []
    for name in study_image_names(study.report_number):
        stored = f"{folder}/{name}"
        try:
            with default_storage.open(stored, "rb") as handle, Image.open(handle) as image:
                width, height = image.size
        except (OSError, UnidentifiedImageError):
            width = height = 0
        modified = default_storage.get_modified_time(stored)
        images.append(StudyImage(name, caption_of(name), default_storage.size(stored), width, height,
                                 int(modified.timestamp() * 1_000_000_000)))
    return images


def caption_of(name: str) -> str:
    return name.rsplit(".", 1)[0]


def clean_caption(caption: str) -> str:
    """The caption as it will be stored, or ValidationError saying what is wrong with it."""
    caption = " ".join(unicodedata.normalize("NFC", caption or "").split())
    if not caption:
        raise ValidationError(_("请填写图片说明。"), code="required")
    # File names are limited to 255 bytes; 80 CJK characters take 240.
    if len(caption) > CAPTION_MAX_LENGTH or len(caption.encode("utf-8")) > 3 * CAPTION_MAX_LENGTH:
        raise ValidationError(_("图片说明不能超过 %(n)s 个字符。") % {"n": CAPTION_MAX_LENGTH},
                              code="max_length")
    bad = sorted({c for c in caption if c in _RESERVED or unicodedata.category(c).startswith("C")})
    if bad or caption.startswith("."):
        shown = " ".join(c if c.isprintable() else repr(c) for c in bad) or "."
        raise ValidationError(_("图片说明不能包含这些字符：%(chars)s") % {"chars": shown}, code="invalid")
    return caption


def existing_image(study: Study, name: str) -> str | None:
    """The storage name of the study's image called `name`, only if the folder lists it (no
    path built from what a request says)."""
    if name in study_image_names(study.report_number):
        return f"{study_images_folder(study.report_number)}/{name}"
    return None


def _caption_taken(study: Study, caption: str, *, other_than: str | None = None) -> bool:
    wanted = caption.casefold()
    return any(caption_of(n).casefold() == wanted and n != other_than
               for n in study_image_names(study.report_number))


def _locked(study: Study) -> Study:
    # The issuing step locks the same row: no image changes while a study is being issued.
    locked = Study.objects.select_for_update().get(pk=study.pk)
    ensure_study_editable(locked)
    return locked


def _reencoded(data: bytes) -> tuple[bytes, str]:
    """The picture decoded and encoded again (JPEG stays JPEG, PNG stays PNG), or
    ValidationError if the bytes are not a JPEG or PNG picture."""
    not_an_image = ValidationError(_("文件不是有效的 JPEG 或 PNG 图片。"), code="invalid_image")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise not_an_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    _("图片像素过多（%(w)s × %(h)s），请缩小后再上传。") % {"w": probe.width, "h": probe.height},
                    code="too_many_pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if kind == "JPEG":
                if picture.mode not in ("RGB", "L"):
                    picture = picture.convert("RGB")
                picture.save(out, "JPEG", quality=90, optimize=True)
            else:
                if picture.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    picture = picture.convert("RGBA")
                picture.save(out, "PNG", optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    return out.getvalue(), FORMATS[kind]


def _store(stored: str, data: bytes) -> None:
    """Write the image under exactly this storage name (replacing a file of that name)."""
    if default_storage.exists(stored):
        default_storage.delete(stored)
    saved = default_storage.save(stored, ContentFile(data))
    if saved != stored:  # the storage chose another name: do not keep a file nobody lists
        default_storage.delete(saved)
        raise ValidationError({"image": [_("图片未能保存，请重试。")]})


@transaction.atomic
def study_image_add(*, study: Study, data: bytes, filename: str, caption: str = "") -> StudyImage:
    """Store an uploaded image; the caption defaults to the uploaded file's name.

    Raises ValidationError keyed "image" (the file) or "caption"."""
    study = _locked(study)
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ValidationError({"image": [_("图片不能超过 %(mb)s MB。") % {"mb": f"{limit / 1024 / 1024:g}"}]})
    if Path(filename).suffix.lower() not in IMAGE_TYPES:
        raise ValidationError({"image": [_("只能上传 JPEG 或 PNG 图片（.jpg、.jpeg、.png）。")]})
    try:
        caption = clean_caption(caption or caption_of(Path(filename.replace("\\", "/")).name))
    except ValidationError as exc:
        raise ValidationError({"caption": exc.messages}) from exc
    if _caption_taken(study, caption):
        raise ValidationError({"caption": [_("已有说明为“%(caption)s”的图片。") % {"caption": caption}]})
    try:
        encoded, extension = _reencoded(data)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from exc
    if len(encoded) > MAX_BYTES:
        raise ValidationError({"image": [_("图片重新编码后过大，请缩小后再上传。")]})
    name = caption + extension
    _store(f"{study_images_folder(study.report_number)}/{name}", encoded)
    study.save(update_fields=["updated_at"])
    data_version.touch_studies([study.pk])  # the report prints the images; files send no signal
    with Image.open(io.BytesIO(encoded)) as image:
        width, height = image.size
    return StudyImage(name, caption, len(encoded), width, height)


@transaction.atomic
def study_image_rename(*, study: Study, name: str, caption: str) -> str:
    """Change an image's caption (its file name); returns the new file name."""
    study = _locked(study)
    stored = existing_image(study, name)
    if stored is None:
        raise ValidationError({"name": [_("图片 %(name)s 不存在。") % {"name": name}]})
    try:
        caption = clean_caption(caption)
    except ValidationError as exc:
        raise ValidationError({"caption": exc.messages}) from exc
    if _caption_taken(study, caption, other_than=name):
        raise ValidationError({"caption": [_("已有说明为“%(caption)s”的图片。") % {"caption": caption}]})
    new_name = caption + Path(name).suffix.lower()
    if new_name != name:
        # Storages cannot rename: write the new name, then remove the old one.
        with default_storage.open(stored, "rb") as handle:
            data = handle.read()
        if new_name.casefold() == name.casefold():
            # Only the case changes: on a case-insensitive disk both names are one file.
            default_storage.delete(stored)
            _store(f"{study_images_folder(study.report_number)}/{new_name}", data)
        else:
            _store(f"{study_images_folder(study.report_number)}/{new_name}", data)
            default_storage.delete(stored)
        study.save(update_fields=["updated_at"])
        data_version.touch_studies([study.pk])
    return new_name


@transaction.atomic
def study_image_delete(*, study: Study, name: str) -> None:
    study = _locked(study)
    stored = existing_image(study, name)
    if stored is None:
        raise ValidationError({"name": [_("图片 %(name)s 不存在。") % {"name": name}]})
    default_storage.delete(stored)
    study.save(update_fields=["updated_at"])
    data_version.touch_studies([study.pk])  # the report prints the images; files send no signal


def study_image_thumbnail(stored: str) -> tuple[bytes, str]:
    """A small copy of a stored image for the web page (PNG keeps transparency)."""
    with default_storage.open(stored, "rb") as handle, Image.open(handle) as image:
        kind = image.format
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        out = io.BytesIO()
        if kind == "PNG":
            image.save(out, "PNG")
            return out.getvalue(), "image/png"
        image.convert("RGB").save(out, "JPEG", quality=85)
        return out.getvalue(), "image/jpeg"


def copy_study_images(*, source: Study, target: Study) -> int:
    """Copy the images of a study to another (a revision starts with the issued images)."""
    names = study_image_names(source.report_number)
    for name in names:
        with default_storage.open(f"{study_images_folder(source.report_number)}/{name}", "rb") as handle:
            data = handle.read()
        _store(f"{study_images_folder(target.report_number)}/{name}", data)
    data_version.touch_studies([target.pk])  # files send no signal
    return len(names)
