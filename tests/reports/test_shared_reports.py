"""The demo reports are rendered once per test run, whichever test process asks first
(conftest.SharedReports): a second process reads them back, and a process never renders a
variant another one is rendering, it renders another meanwhile or waits."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from types import SimpleNamespace

import pytest

from . import conftest
from .conftest import Rendered, SharedReports


@pytest.fixture
def fake_renders(monkeypatch):
    """Renders without a database or WeasyPrint: the variant's name as its "PDF"."""
    rendered: list[str] = []

    def render_variant(key):
        rendered.append(key)
        return Rendered(f"%PDF {key}".encode(), "", [], [], None, _page_texts=(key,))

    monkeypatch.setattr(conftest, "_render_variant", render_variant)
    monkeypatch.setattr(conftest, "_load_demo_once", lambda stack, state: state.update(loaded=True))
    return rendered


BLOCKER = SimpleNamespace(unblock=contextlib.nullcontext)


def test_a_second_process_reads_what_the_first_rendered(tmp_path, fake_renders):
    first, second = SharedReports(tmp_path, BLOCKER), SharedReports(tmp_path, BLOCKER)
    assert first.get("zh", "en")["en"].pdf == b"%PDF en"
    got = second.get("en", "zh")
    assert list(got) == ["en", "zh"] and got["zh"].pdf == b"%PDF zh" and got["zh"].page_texts() == ["zh"]
    assert (first.renders, second.renders) == (2, 0) and fake_renders == ["zh", "en"]


def test_a_variant_being_rendered_elsewhere_is_waited_for_after_the_others(tmp_path, fake_renders):
    other = SharedReports(tmp_path, BLOCKER)  # "another process": its own lock file handle
    fd = other._lock("zh", wait=True)
    this = SharedReports(tmp_path, BLOCKER)
    got = {}
    worker = threading.Thread(target=lambda: got.update(this.get("zh", "en")))
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "en.pickle").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fake_renders == ["en"] and worker.is_alive()  # rendered en, now waits for zh
        other._store("zh", Rendered(b"%PDF zh elsewhere", "", [], [], None, _page_texts=("zh",)))
    finally:
        os.close(fd)  # "the other process" is done (or the test failed: never leave it waiting)
    worker.join(10)
    assert got["zh"].pdf == b"%PDF zh elsewhere" and got["en"].pdf == b"%PDF en"
    assert this.renders == 1 and fake_renders == ["en"]
