"""What the PDF renderer may load, and from where: the URL policy of the report.

WeasyPrint fetches every URL a document mentions. User text is always escaped, so it cannot
add a URL; this policy is the second wall: the report's own URLs use two private schemes and
everything else (file:, http:, https:, data:, ftp:, relative paths …) is refused.

- ``report-asset:<name>``  a file in ``static/reports/`` (stylesheet, seal placeholder);
- ``study-media:<report number>/<name>``  an uploaded image of the study being rendered,
  in ``MEDIA_ROOT/studies/<report number>/images/``; only that study's folder.

Paths are resolved and must stay inside their folder (no ``..``, no symlink escape), and only
known file types are served. `pdf.py` wraps this in WeasyPrint's fetcher class.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings

from ..services.entry.images import IMAGE_TYPES, MAX_BYTES, study_images_dir

ASSET_SCHEME = "report-asset"
MEDIA_SCHEME = "study-media"
ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class AssetRefused(ValueError):
    """The URL is not one the report may load."""


@dataclass(frozen=True)
class Asset:
    path: Path
    mime_type: str


def assets_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "reports"


def asset_url(name: str) -> str:
    return f"{ASSET_SCHEME}:{name}"


def media_url(report_number: str, name: str) -> str:
    return f"{MEDIA_SCHEME}:{report_number}/{name}"


def _inside(root: Path, relative: str, allowed: dict[str, str]) -> Asset:
    if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/"):
        raise AssetRefused(relative)
    parts = relative.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise AssetRefused(relative)
    root = root.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise AssetRefused(relative)
    mime = allowed.get(path.suffix.lower())
    if mime is None:
        raise AssetRefused(relative)
    if path.stat().st_size > MAX_BYTES:
        raise AssetRefused(relative)
    return Asset(path, mime)


def resolve(url: str, *, report_number: str) -> Asset:
    """The file a report URL stands for, or AssetRefused."""
    scheme, colon, rest = url.partition(":")
    if not colon or "?" in rest or "#" in rest:
        raise AssetRefused(url)
    scheme = scheme.lower()
    rest = unquote(rest)
    if scheme == ASSET_SCHEME:
        return _inside(assets_dir(), rest, ASSET_TYPES)
    if scheme == MEDIA_SCHEME:
        number, slash, name = rest.partition("/")
        if not slash or number != report_number:
            raise AssetRefused(url)
        return _inside(study_images_dir(report_number), name, IMAGE_TYPES)
    raise AssetRefused(url)


def guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
