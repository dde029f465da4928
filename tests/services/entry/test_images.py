"""Product images: only real JPEG/PNG pictures, re-encoded, named by their caption, frozen with
the study, copied into a revision."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

from footprint.choices import StudyStatus
from footprint.services.entry import images as image_services
from footprint.services.entry.images import study_image_names, study_images_folder
from footprint.services.freeze import StudyFrozenError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    """The messages asserted are the source (Chinese) ones, whatever ran before."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def picture(kind="PNG", size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if kind == "PNG" else "RGB"
    Image.new(mode, size, color).save(out, kind, **save)
    return out.getvalue()


def _add(study, data, filename="产品.png", caption=""):
    return image_services.study_image_add(study=study, data=data, filename=filename, caption=caption)


def _names(study):
    return study_image_names(study.report_number)


def test_an_image_is_stored_under_its_caption_and_listed(seed_study):
    image = _add(seed_study, picture(), caption="  图  开关柜 外观 ")
    assert image.name == "图 开关柜 外观.png" and image.caption == "图 开关柜 外观"
    assert _names(seed_study) == ["图 开关柜 外观.png"]
    listed = image_services.study_images(seed_study)
    assert [(i.caption, i.width, i.height) for i in listed] == [("图 开关柜 外观", 64, 48)]


def test_the_caption_defaults_to_the_file_name_and_the_content_decides_the_extension(seed_study):
    image = _add(seed_study, picture("JPEG"), filename=r"C:\photos\IMG_0001.png")
    assert image.name == "IMG_0001.jpg"
    with Image.open((Path(settings.MEDIA_ROOT) / study_images_folder(seed_study.report_number)) / image.name) as stored:
        assert stored.format == "JPEG"


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(seed_study):
    for data in (b"%PDF-1.7 not a picture", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, b""):
        with pytest.raises(ValidationError) as exc:
            _add(seed_study, data, filename="photo.png")
        assert "不是有效的 JPEG 或 PNG 图片" in exc.value.message_dict["image"][0]
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    with pytest.raises(ValidationError):
        _add(seed_study, gif.getvalue(), filename="photo.png")
    with pytest.raises(ValidationError) as exc:
        _add(seed_study, picture(), filename="photo.gif")
    assert "image" in exc.value.message_dict
    assert _names(seed_study) == []


def test_an_oversize_file_is_refused(seed_study, settings):
    settings.STUDY_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        _add(seed_study, picture(size=(300, 300), color=None) + b"\0" * 1000)
    assert "不能超过" in exc.value.message_dict["image"][0]


def test_metadata_is_dropped_and_large_pictures_are_scaled_down(seed_study):
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x0112] = 6  # Orientation: rotated 90°, so the stored picture is turned upright
    data = picture("JPEG", size=(3000, 1000), exif=exif.tobytes())
    image = _add(seed_study, data, caption="大图")
    stored = ((Path(settings.MEDIA_ROOT) / study_images_folder(seed_study.report_number)) / image.name).read_bytes()
    assert b"secret description" not in stored
    assert (image.width, image.height) == (800, 2400)


def test_captions_are_checked(seed_study):
    _add(seed_study, picture(), caption="外观")
    for caption, message in (("外观", "已有说明"), ("外 观/../x", "不能包含"), ("a\x00b", "不能包含"),
                             (".hidden", "不能包含"), ("长" * 81, "不能超过"), ("50%", "不能包含")):
        with pytest.raises(ValidationError) as exc:
            _add(seed_study, picture("JPEG"), caption=caption)
        assert message in exc.value.message_dict["caption"][0], caption
    assert _names(seed_study) == ["外观.png"]


def test_rename_and_delete_only_address_listed_files(seed_study, media):
    _add(seed_study, picture(), caption="一")
    _add(seed_study, picture(), caption="二")
    secret = media / "secret.png"
    secret.write_bytes(picture())
    for name in ("../../secret.png", "三.png", "一"):
        with pytest.raises(ValidationError):
            image_services.study_image_delete(study=seed_study, name=name)
        with pytest.raises(ValidationError):
            image_services.study_image_rename(study=seed_study, name=name, caption="x")
    assert secret.exists()
    with pytest.raises(ValidationError) as exc:
        image_services.study_image_rename(study=seed_study, name="一.png", caption="二")
    assert "已有说明" in exc.value.message_dict["caption"][0]
    assert image_services.study_image_rename(study=seed_study, name="一.png", caption="零") == "零.png"
    image_services.study_image_delete(study=seed_study, name="二.png")
    assert _names(seed_study) == ["零.png"]


@pytest.mark.parametrize("status", [StudyStatus.CLIENT_REVIEW, StudyStatus.ISSUED])
def test_locked_and_issued_studies_keep_their_images(seed_study, status):
    _add(seed_study, picture(), caption="一")
    seed_study.status = status
    seed_study.save()
    with pytest.raises(StudyFrozenError):
        _add(seed_study, picture(), caption="二")
    with pytest.raises(StudyFrozenError):
        image_services.study_image_rename(study=seed_study, name="一.png", caption="三")
    with pytest.raises(StudyFrozenError):
        image_services.study_image_delete(study=seed_study, name="一.png")
    assert _names(seed_study) == ["一.png"]


def test_a_revision_starts_with_the_issued_images(issued_seed_study_tiny, demo_users):
    from footprint.services.workflow import revisions

    folder = (Path(settings.MEDIA_ROOT) / study_images_folder(issued_seed_study_tiny.report_number))
    folder.mkdir(parents=True)
    (folder / "外观.png").write_bytes(picture())
    revision = revisions.study_revise(study=issued_seed_study_tiny, user=demo_users["auditor"])
    assert _names(revision) == ["外观.png"]
    image_services.study_image_delete(study=revision, name="外观.png")
    assert _names(issued_seed_study_tiny) == ["外观.png"]


def test_the_thumbnail_is_small(seed_study):
    image = _add(seed_study, picture("JPEG", size=(2000, 1000)), caption="大")
    data, content_type = image_services.study_image_thumbnail(
        (Path(settings.MEDIA_ROOT) / study_images_folder(seed_study.report_number)) / image.name)
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.size == (320, 160) and content_type == "image/jpeg"
