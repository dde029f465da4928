"""What the PDF renderer may load, and from where: the URL policy of the report.

WeasyPrint fetches every URL a document mentions. User text is always escaped, so it cannot
add a URL; this policy is the second wall: the report's own URLs use two private schemes and
everything else (file:, http:, https:, data:, ftp:, relative paths …) is refused.

- ``report-asset:<name>``  a file in ``static/reports/`` (stylesheet, seal placeholder);
- ``study-media:<report number>/<name>``  an uploaded image of the study being rendered,
  ``studies/<report number>/images/<name>`` in the default storage (local disk or an
  S3-compatible bucket); only that study's folder, one plain file name.

Paths must stay inside their folder (no ``..``, no symlink escape on local disk), and only
known file types are served. `pdf.py` wraps this in WeasyPrint's fetcher class.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.files.storage import default_storage

from ..services.entry.images import IMAGE_TYPES, MAX_BYTES, study_images_folder

ASSET_SCHEME = "report-asset"
MEDIA_SCHEME = "study-media"
ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class AssetRefused(ValueError):
    """The URL is not one the report may load."""


@dataclass(frozen=True)
class Asset:
    mime_type: str
    path: Path | None = None    # a report asset, on disk with the code
    storage_name: str = ""      # an uploaded image, in the default storage

    def read_bytes(self) -> bytes:
        if self.path is not None:
            return self.path.read_bytes()
        with default_storage.open(self.storage_name, "rb") as handle:
            return handle.read()


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
    return Asset(mime, path=path)


def _study_image(report_number: str, name: str) -> Asset:
    """One plain file name in the study's folder of the default storage."""
    if (not name or any(c in name for c in "/\\\x00") or name.startswith(".")
            or Path(name).suffix.lower() not in IMAGE_TYPES):
        raise AssetRefused(name)
    folder = study_images_folder(report_number)
    storage_name = f"{folder}/{name}"
    try:
        if default_storage.size(storage_name) > MAX_BYTES:
            raise AssetRefused(name)
    except (OSError, ValueError) as exc:  # missing, or outside the storage's location
        raise AssetRefused(name) from exc
    # On local disk the file must not be a link out of the study's folder; an object
    # storage has no links (its names are keys, and it has no local path).
    try:
        local = Path(default_storage.path(storage_name))
    except NotImplementedError:
        local = None
    if local is not None and local.exists():
        root = Path(default_storage.path(folder)).resolve()
        if not local.resolve().is_relative_to(root) or not local.is_file():
            raise AssetRefused(name)
    return Asset(IMAGE_TYPES[Path(name).suffix.lower()], storage_name=storage_name)


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
        return _study_image(report_number, name)
    raise AssetRefused(url)


def guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
