"""The flags the browser tests give chromium do what conftest.py says: Chromium keeps only the
last --disable-features, so ours must still carry every feature Playwright's own switch
disables (a Playwright upgrade may add some), and the omnibox's pop-up pages are not made."""

import contextlib
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def _descendants_command_lines(pid: int) -> list[list[str]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            with contextlib.suppress(OSError):  # it has ended since
                found.append((Path("/proc") / str(child) / "cmdline").read_bytes().decode().split("\0"))
    return found


def test_our_disabled_features_cover_playwrights_and_the_omnibox_pages_are_not_made(browser):
    launched = [args for args in _descendants_command_lines(os.getpid())
                if any(a.startswith("--remote-debugging-pipe") for a in args)]
    assert launched, "the chromium Playwright launched was not found among this process's children"
    switches = [a.split("=", 1)[1].split(",") for a in launched[0] if a.startswith("--disable-features=")]
    assert len(switches) >= 2, switches  # Playwright's, then ours
    effective = set(switches[-1])
    for earlier in switches[:-1]:
        assert set(earlier) <= effective, f"Playwright now also disables {set(earlier) - effective}"

    session = browser.new_browser_cdp_session()
    context = browser.new_context()
    try:
        context.new_page()
        targets = session.send("Target.getTargets")["targetInfos"]
    finally:
        context.close()
        session.detach()
    assert not [t["url"] for t in targets if "omnibox-popup" in t["url"]]
