"""A backup of the whole application: the database as Django fixtures plus every kept file of
the default storage, in one .tar.gz with a manifest of SHA-256 sums; and its restore.

The archive is portable between databases (SQLite demo → PostgreSQL) and storages (disk →
S3). For a large PostgreSQL installation, `pg_dump` plus a copy of the bucket is the faster
equivalent (docs/deployment.md); this pair is what a small installation, a move, or a test of
the backup uses. Draft PDFs (a cache) and pending import uploads are not kept.

Restore refuses a damaged archive before it changes anything, empties the database, loads
the fixtures, writes the files and then checks that every issued study's file is there and
matches its recorded SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

FORMAT = "pcf-backup/1"
# Rebuilt by `migrate` or of no value in a backup.
_EXCLUDED_MODELS = ["contenttypes", "auth.permission", "sessions", "admin.logentry",
                    "axes", "footprint.backgroundjob"]
# Cached or temporary files in the storage.
_SKIPPED_DIRS = ("drafts", "imports")


class BackupError(Exception):
    """The archive is damaged, of another format, or its restore did not verify."""


@dataclass
class RestoreReport:
    objects: int
    files: int
    issued_verified: int


def _walk(storage, folder: str = ""):
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing stored yet
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        path = f"{folder}/{sub}" if folder else sub
        if not folder and sub in _SKIPPED_DIRS:
            continue
        yield from _walk(storage, path)


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup_to(fileobj) -> dict:
    """Write the archive to a binary file object; returns its manifest."""
    out = io.StringIO()
    call_command("dumpdata", exclude=_EXCLUDED_MODELS, natural_foreign=True, natural_primary=True,
                 indent=None, stdout=out)
    database = out.getvalue().encode("utf-8")
    manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(),
                "database_sha256": hashlib.sha256(database).hexdigest(), "files": {}}
    with tarfile.open(fileobj=fileobj, mode="w:gz") as archive:
        _add(archive, "database.json", database)
        for name in _walk(default_storage):
            with default_storage.open(name, "rb") as handle:
                data = handle.read()
            manifest["files"][name] = hashlib.sha256(data).hexdigest()
            _add(archive, f"files/{name}", data)
        _add(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return manifest


def _read(fileobj) -> tuple[dict, bytes, dict[str, bytes]]:
    try:
        with tarfile.open(fileobj=fileobj, mode="r:gz") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            if "manifest.json" not in members or "database.json" not in members:
                raise BackupError("not a pcf backup: manifest.json or database.json missing")
            manifest = json.loads(archive.extractfile(members["manifest.json"]).read())
            database = archive.extractfile(members["database.json"]).read()
            files = {}
            for name in manifest.get("files", {}):
                member = members.get(f"files/{name}")
                if member is None:
                    raise BackupError(f"file missing from the archive: {name}")
                files[name] = archive.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"the archive cannot be read: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    if hashlib.sha256(database).hexdigest() != manifest["database_sha256"]:
        raise BackupError("database.json does not match its SHA-256")
    for name, data in files.items():
        if ".." in name.split("/") or name.startswith("/"):
            raise BackupError(f"refused file name in the archive: {name}")
        if hashlib.sha256(data).hexdigest() != manifest["files"][name]:
            raise BackupError(f"{name} does not match its SHA-256")
    return manifest, database, files


def restore_from(fileobj) -> RestoreReport:
    """Replace the database's content and the kept files with the archive's."""
    from ..models import Study
    from .workflow.issuing import IssuedFileMissing, issued_files, issued_pdf_bytes

    _manifest, database, files = _read(fileobj)  # everything verified before anything changes
    with transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
        fixture = io.StringIO(database.decode("utf-8"))
        from django.core import serializers

        objects = 0
        for obj in serializers.deserialize("json", fixture, handle_forward_references=True):
            obj.save()
            objects += 1
    for name, data in files.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(data))
        if stored != name:
            raise BackupError(f"the storage renamed {name} to {stored}")
    verified = 0
    for study in Study.objects.exclude(issued_sha256=""):
        for file in issued_files(study):  # every language's signed file
            try:
                issued_pdf_bytes(study, file.language)
            except (IssuedFileMissing, OSError) as exc:
                raise BackupError(f"issued file of {study.report_number} ({file.language}) did not verify: "
                                  f"{exc}") from exc
            verified += 1
    return RestoreReport(objects=objects, files=len(files), issued_verified=verified)
