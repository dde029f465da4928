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


@contextmanager
def exclusive(path: Path, *, wait: float = 900.0):
    """Hold `path`'s lock file; yields False if another process held it for `wait` seconds (the
    caller then does the work itself rather than wait for ever on a stuck process)."""
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    held = False
                    break
                time.sleep(0.05)
        yield held
    finally:
        os.close(fd)  # closing releases the lock
