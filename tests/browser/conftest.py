"""Playwright fixtures: Debian's chromium (never a downloaded browser) against live_server.

Screenshots of the main pages go to $SCREENSHOT_DIR (default test-artifacts/screenshots/);
`SCREENSHOT_DIR=docs/screenshots` refreshes the README's pictures.
"""

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch", "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
]
OMNIBOX_POPUPS = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup"]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # Chromium keeps only the last --disable-features it is given, so this one repeats the
    # features Playwright disables (its own switch comes first; test_chromium_flags.py checks
    # the list still covers it) and adds the omnibox's pop-ups: two WebUI pages per browser
    # context, never shown headless, that follow every navigation (a third of the browser
    # process's CPU in these tests).
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + OMNIBOX_POPUPS),
]
LAPTOP = {"width": 1366, "height": 900}
ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent

# One chromium for a run of browser tests in a row (a test process may run other tests in
# between: it is closed before them, see pytest_runtest_teardown). Not one per module: a launch
# costs a second or two. Only one sync Playwright instance can run in a thread.
_chromium: dict = {}


def _close_chromium() -> None:
    _chromium.pop("idle pages", None)
    if _chromium:
        _chromium.pop("browser").close()
        _chromium.pop("playwright").stop()


_next_test: dict = {}


def _browser_test(item) -> bool:
    return item is not None and HERE in Path(item.path).resolve().parents


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _next_test["item"] = nextitem
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if not _browser_test(nextitem):  # in case the test did not ask for the browser fixture
        _close_chromium()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh test installs it)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not _chromium:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _chromium["playwright"] = playwright
        _chromium["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    browser = _chromium["browser"]
    before = set(browser.contexts)
    yield browser
    kept = {page.context for page in _chromium.get("idle pages", [])}  # new_page's, for the next test
    for context in browser.contexts:  # the contexts the test opened itself
        if context not in before and context not in kept:
            context.close()
    # Playwright's event loop counts as running in this thread while it is started: the next
    # test, if not a browser test, gets the thread without it (and the live server, if this
    # was the last test, stops with no browser left to call it).
    if not _browser_test(_next_test.get("item")):
        _close_chromium()


# ------------------------------------------------------------------ the demo, committed
# Browser tests commit (the live server reads the database from other connections), so
# tests/conftest.py's `demo` always builds for real in them (half a second to a second each).
# Each of them starts from an emptied database, though, so the build's rows are the same every
# time: recorded by the first test from a given starting state, written back by the next ones
# (tests/snapshots.py's recording and replay). The starting state is the settings and every
# table's row count and highest key, but for the content types and permissions, which the
# emptying re-creates under new keys (no row of the demo refers to them).
_RECREATED_WHEN_EMPTIED = {"django_content_type", "auth_permission"}
_committed_demo: dict = {}  # starting state -> Recording, or None: not replayable


@pytest.fixture
def demo(transactional_db, snapshot_tracker):
    """The full demo (as tests/conftest.py's `demo`), for tests that commit. Recorded by the
    first process of the run to need it from this starting state and replayed by all (a real
    build issues DEMO-2: a render and a signature)."""
    from django.db import transaction

    from tests import snapshots

    written_before = snapshot_tracker.other_writes or snapshot_tracker.applied
    with transaction.atomic():  # the replay's foreign keys are checked at its end
        tables = [t for t in snapshots._tables() if t not in _RECREATED_WHEN_EMPTIED]
        state = (snapshots._context(), tuple(sorted(snapshots._fingerprint(tables).items())))
        if written_before:  # not replayable: built for real
            _load_demo()
            return
        if state not in _committed_demo:
            _committed_demo[state], built_now = _shared_committed_demo(state)
            if built_now:
                return  # this test's demo is the real build
        recording = _committed_demo[state]
        if recording is None:
            _load_demo()
            return
        snapshot_tracker.quiet = True
        try:
            snapshots._replay(recording)
        finally:
            snapshot_tracker.quiet = False


def _shared_committed_demo(state):
    """(the run's recording of the committed demo from `state`, whether it was made here by
    building the demo for real): read from the run's shared folder if another process made it,
    else recorded here and left there for the others."""
    import hashlib
    import pickle

    from tests import shared_run

    folder = shared_run.folder()
    if folder is None:
        return _record_committed_demo(state), True
    shared = folder / f"committed-demo-{hashlib.sha256(repr(state).encode()).hexdigest()[:24]}.pickle"
    with shared_run.exclusive(shared) as held:
        if shared.exists():
            return pickle.loads(shared.read_bytes()), False
        recording = _record_committed_demo(state)
        if held:
            shared_run.write_atomically(shared, pickle.dumps(recording))
        return recording, True


def _load_demo() -> None:
    from footprint.services.demo.seed import load_demo

    load_demo()


def _record_committed_demo(state):
    """Build the demo for real; its Recording, or None if a replay would not be exact (also
    when it wrote a table that emptying the database recreates)."""
    from tests import snapshots

    _result, recording = snapshots.record_build(_load_demo, state[0])
    if recording is None or set(recording.tables) & _RECREATED_WHEN_EMPTIED:
        return None
    return recording


# ------------------------------------------------------------------ pages, kept between tests
# A new browser context costs a renderer process and Playwright's set-up of a page (half a
# second here), and the first page it loads comes into a cold renderer (another half). So a
# test's page comes from a context an earlier test used, emptied of all a test can leave in it
# (_recycle): the page left, cookies, the HTTP cache, the origin's storage, routes, listeners,
# permissions; viewport and timeout are set anew. A failed test's contexts are closed instead.
# prefers-reduced-motion (a setting users have too): Bootstrap's modals and fades then open
# and close at once instead of after their 0.15 to 0.3 s transitions.
PLAYWRIGHT_VIEWPORT = {"width": 1280, "height": 720}  # a new context's, when none is given


def _leave(dialog) -> None:
    dialog.accept()


def _recycle(page, origin: str) -> bool:
    """The page, as if its context were new (True), or its context closed (False)."""
    context = page.context
    try:
        if len(context.pages) != 1:
            raise RuntimeError("the test opened other pages")
        page.unroute_all(behavior="ignoreErrors")
        context.unroute_all(behavior="ignoreErrors")
        # Nothing of the test's pages runs on; leaving unsaved changes is agreed to (the stage
        # editor asks), as closing the context would have.
        page.on("dialog", _leave)
        try:
            page.goto("about:blank")
        finally:
            page.remove_listener("dialog", _leave)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.clearBrowserCache")
        cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        cdp.detach()
        context.clear_cookies()
        context.clear_permissions()
        return True
    except Exception:  # noqa: BLE001 - whatever went wrong, a new context will do
        context.close()
        return False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if report.failed:
        item.browser_test_failed = True


@pytest.fixture
def new_page(browser, live_server, request):
    """new_page(username=None, *, viewport=LAPTOP, timeout=45_000): a page as in a new browser
    context (Chinese, reduced motion), logged in as `username` if given (sign_in). JavaScript
    errors and what the Content-Security-Policy blocked fail the test (page.errors lists them)."""
    idle = _chromium.setdefault("idle pages", [])
    handed_out = []

    def open_page(username=None, *, viewport=LAPTOP, timeout=45_000):
        page = idle.pop() if idle else browser.new_context(
            locale="zh-CN", reduced_motion="reduce").new_page()
        page.set_viewport_size(viewport)
        # Generous: a PDF rendered while other test processes share the cores can take 15 s; a
        # timeout only decides how long a failing wait takes to fail.
        page.context.set_default_timeout(timeout)
        errors: list[str] = []

        def on_error(exc):
            errors.append(str(exc))

        def on_console(msg):
            print("browser console:", msg.type, msg.text)
            # Something the Content-Security-Policy blocked (an inline script, handler or
            # style) is a defect of the page: chromium reports it as a console error.
            if msg.type == "error" and "Content Security Policy" in msg.text:
                errors.append(msg.text)

        page.on("pageerror", on_error)
        page.on("console", on_console)
        page.errors = errors
        page.base = live_server.url
        handed_out.append((page, on_error, on_console))
        if username:
            sign_in(page.context, live_server.url, username)
        return page

    yield open_page
    failed = getattr(request.node, "browser_test_failed", False)
    for page, on_error, on_console in handed_out:
        page.remove_listener("pageerror", on_error)
        page.remove_listener("console", on_console)
        if failed:
            page.context.close()
        elif _recycle(page, live_server.url):
            idle.append(page)
    errors = [error for page, _, _ in handed_out for error in page.errors]
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot_dir() -> Path:
    target = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))
    if not target.is_absolute():
        target = ROOT / target
    target.mkdir(parents=True, exist_ok=True)
    return target


def login(page, username: str, password: str) -> None:
    """Through the login form, landing on the dashboard (for tests that start there)."""
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")
    page.wait_for_url(page.base + "/")


def sign_in(context, base_url: str, username: str) -> None:
    """Logged in as `username` by the session cookie the login form would set, without loading
    a page: for tests about what comes after logging in (the form is clicked by
    test_journey.py and test_auditor_workflow.py's first test)."""
    from django.conf import settings
    from django.test import Client

    from footprint.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base_url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


# The page has loaded and what it fetches after loading has arrived: no htmx element waits for
# its "load" trigger or a response, and the fonts are in. Waiting for this, not for
# "networkidle", spares the half second of quiet that "networkidle" waits out on every page.
SETTLED_JS = """() => document.readyState === "complete" && document.fonts.status === "loaded"
  && !document.querySelector('[hx-trigger="load"], .htmx-request, .htmx-swapping, .htmx-settling')"""


def settle(page) -> None:
    page.wait_for_function(SETTLED_JS)


_DRAFT_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>@page {{ size: A4; }}
</style></head><body><h1>{number}</h1><p>draft · {language}</p></body></html>"""


@pytest.fixture
def tiny_draft_report(monkeypatch, settings, tmp_path):
    """For tests of the draft download link, not of the report's pages (tests/reports/ render
    those): the draft job renders a one-page real PDF (WeasyPrint) instead of the full report.
    Returns an Event the render waits for (set: no wait), so that a test can look at the page
    while the render is underway, whatever the speed of the machine."""
    from django.utils.html import escape
    from weasyprint import HTML

    from footprint.reports import pdf

    settings.MEDIA_ROOT = str(tmp_path / "media")  # no draft cached by an earlier test is served
    proceed = threading.Event()
    proceed.set()

    def render_study_pdf(study, *, language=None, final=False):
        assert proceed.wait(timeout=60), "the test never let the render finish"
        return HTML(string=_DRAFT_PAGE.format(number=escape(study.report_number),
                                              language=escape(language or study.language))).write_pdf()

    # draft_cache imports it from the module when the job runs (the live server's thread)
    monkeypatch.setattr(pdf, "render_study_pdf", render_study_pdf)
    yield proceed
    proceed.set()  # a test that failed while a render waited does not leave it waiting
