"""What the test processes of one run (pytest-xdist workers) make once and share through files.

A thing is made by one process while it holds the thing's lock file (flock); the others wait for
it and read what it left. A lock dies with its process: a crashed maker leaves the thing to the
next process that asks. Without pytest-xdist there is one process and nothing to share.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

_folder: dict[str, Path] = {}


def share_in(folder: Path | None) -> None:
    """The run's shared folder (tests/conftest.py sets it once per process), or None."""
    if folder is None:
        _folder.pop("path", None)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        _folder["path"] = folder


def folder() -> Path | None:
    return _folder.get("path")


def run_folder(tmp_path_factory) -> Path | None:
    """The temporary folder every worker of this run shares (each worker's basetemp is a folder
    of it); None when the run has one process."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    return tmp_path_factory.getbasetemp().parent / "shared"


def write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_bytes(data)
    os.replace(partial, path)  # never seen half written


def try_lock(path: Path, *, wait: bool) -> int | None:
    """The open lock file of `path`, locked (close it to release); None when another process
    holds it and `wait` is false."""
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextmanager
def exclusive(path: Path, *, wait: float = 900.0):
    """Hold `path`'s lock; yields False if another process held it for `wait` seconds (the
    caller then does the work itself rather than wait for ever on a stuck process)."""
    deadline = time.monotonic() + wait
    fd = try_lock(path, wait=False)
    while fd is None and time.monotonic() < deadline:
        time.sleep(0.05)
        fd = try_lock(path, wait=False)
    try:
        yield fd is not None
    finally:
        if fd is not None:
            os.close(fd)  # closing releases the lock
