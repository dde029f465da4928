"""What an uploaded evidence file is, from its bytes (never its name).

The binary types come from their magic bytes through `filetype` (a small, dependency-free
library of signatures). Two checks are ours because no signature answers them:
- an XLSX is a zip like any Office file: it must hold `[Content_Types].xml` and the `xl/`
  part, and no macros (`vbaProject.bin`: an .xlsm renamed .xlsx is refused);
- a CSV has no magic bytes at all: it must decode as text (UTF-8 or, as Excel in Chinese
  saves it, GB18030), hold no NUL or other control characters, and not look like markup.
Pictures are also opened by Pillow (`verify`), so a PNG header on garbage is refused.
"""

from __future__ import annotations

import io
import zipfile

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ...choices import EvidenceKind

CONTENT_TYPES = {
    EvidenceKind.PDF: "application/pdf",
    EvidenceKind.PNG: "image/png",
    EvidenceKind.JPEG: "image/jpeg",
    EvidenceKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    EvidenceKind.CSV: "text/csv",
}
EXTENSIONS = {
    EvidenceKind.PDF: ".pdf",
    EvidenceKind.PNG: ".png",
    EvidenceKind.JPEG: ".jpg",
    EvidenceKind.XLSX: ".xlsx",
    EvidenceKind.CSV: ".csv",
}
# Extensions a name may carry for each kind (a .jpeg is a .jpg).
NAME_EXTENSIONS = {**{k: {v} for k, v in EXTENSIONS.items()}, EvidenceKind.JPEG: {".jpg", ".jpeg"}}

_BY_MIME = {
    "application/pdf": EvidenceKind.PDF,
    "image/png": EvidenceKind.PNG,
    "image/jpeg": EvidenceKind.JPEG,
}
_ALLOWED_CONTROL = {"\t", "\n", "\r"}


def _refused(detail: str = "") -> ValidationError:
    message = _("只能上传 PDF、PNG、JPEG、XLSX 或 CSV 文件（按文件内容判断，与文件名无关）。")
    if detail:
        message = f"{message} {detail}"
    return ValidationError(message, code="evidence_type")


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        return False
    return not any(n.lower().endswith("vbaproject.bin") for n in names)


def _csv_text(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        return None
    if any(ord(c) < 32 and c not in _ALLOWED_CONTROL for c in text) or "\x7f" in text:
        return None
    if text.lstrip().startswith("<"):  # HTML, SVG or XML under a .csv name
        return None
    return text


def _picture_ok(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def sniff(data: bytes) -> EvidenceKind:
    """The kind of the file, or ValidationError saying it is not an accepted one."""
    if not data:
        raise ValidationError(_("文件是空的。"), code="empty")
    guess = filetype.guess(data)
    if guess is not None:
        kind = _BY_MIME.get(guess.mime)
        if kind in (EvidenceKind.PNG, EvidenceKind.JPEG):
            if not _picture_ok(data):
                raise _refused(_("图片内容已损坏。"))
            return kind
        if kind is not None:
            return kind
        if guess.extension in ("xlsx", "zip") and _is_xlsx(data):
            return EvidenceKind.XLSX
        if guess.extension == "xlsx":
            raise _refused(_("含宏的工作簿不能上传。"))
        raise _refused(_("该文件是 %(type)s。") % {"type": guess.mime})
    if _csv_text(data) is not None:
        return EvidenceKind.CSV
    raise _refused()


def download_name(original_name: str, kind: str) -> str:
    """The name a download carries: the uploaded name, with the extension of what the file
    really is when the name says otherwise (a PNG uploaded as bill.pdf downloads as
    bill.pdf.png, so that nothing opens it as a PDF)."""
    lowered = original_name.lower()
    if any(lowered.endswith(ext) for ext in NAME_EXTENSIONS[EvidenceKind(kind)]):
        return original_name
    return original_name + EXTENSIONS[EvidenceKind(kind)]
