"""Validators shared by the models and the pcf-study/1 reader (no ORM here)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DOT_SEGMENTS = frozenset({".", ".."})
DOT_SEGMENT_MESSAGE = _("不能是“.”或“..”：在网址和文件路径中它表示当前目录或上级目录。")


def validate_not_dot_segment(value: str) -> None:
    """Report numbers and product codes are path segments — of URLs (/studies/<number>/…,
    …/products/<code>/) and of folders (media/studies/<number>/images/) — where "." and ".."
    mean this folder and its parent."""
    if value in DOT_SEGMENTS:
        raise ValidationError(DOT_SEGMENT_MESSAGE, code="dot_segment")
