"""Playwright fixtures: Debian's chromium (never a downloaded browser) against live_server.

Screenshots of the main pages go to $SCREENSHOT_DIR (default test-artifacts/screenshots/);
`SCREENSHOT_DIR=docs/screenshots` refreshes the README's pictures.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
LAPTOP = {"width": 1366, "height": 900}
ROOT = Path(__file__).resolve().parent.parent.parent


# Module scope: one chromium per test module, closed before the next module starts its own
# (two sync Playwright instances cannot run in one thread).
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh test installs it)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    # Generous: a PDF rendered while other test processes share the cores can take 15 s; a
    # timeout only decides how long a failing wait takes to fail.
    context.set_default_timeout(45_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def console(msg):
        print("browser console:", msg.type, msg.text)
        # Something the Content-Security-Policy blocked (an inline script, handler or style)
        # is a defect of the page: chromium reports it as a console error.
        if msg.type == "error" and "Content Security Policy" in msg.text:
            errors.append(msg.text)

    page.on("console", console)
    page.base = live_server.url
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def screenshot_dir() -> Path:
    target = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))
    if not target.is_absolute():
        target = ROOT / target
    target.mkdir(parents=True, exist_ok=True)
    return target


def login(page, username: str, password: str) -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")
    page.wait_for_url(page.base + "/")
