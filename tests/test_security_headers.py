"""Content-Security-Policy (django-csp): every page carries it, and the templates give it
nothing to forbid — no inline script, no inline event handler, no inline style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.views.test_url_access import (  # noqa: F401  (scenario is a fixture)
    ISSUED_SCENARIO,
    _fill,
    _url,
    all_patterns,
    scenario,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# The report templates are rendered by WeasyPrint into the PDF; their HTML preview is served
# with its own policy (footprint/views/reports.py), which allows inline styles and no script.
WEB_TEMPLATES = sorted(p for p in TEMPLATES.rglob("*.html") if "reports" not in p.relative_to(TEMPLATES).parts)


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _script_sources(header: str) -> list[str]:
    directives = _directives(header)
    return directives.get("script-src", directives.get("default-src", []))


def test_the_policy_allows_only_our_own_scripts_and_styles(client, db):
    header = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = _directives(header)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"] and directives["form-action"] == ["'self'"]


def test_every_page_answered_to_a_logged_in_auditor_carries_the_policy(scenario):  # noqa: F811
    from django.apps import apps
    from simple_history.manager import HistoryManager

    # Rows made by migrations may have no history record (main's migration 0004 now writes
    # them); the admin's history pages need one for _fill to name.
    for model in apps.get_models():
        if isinstance(getattr(model, "history", None), HistoryManager):
            recorded = model.history.values_list(model._meta.pk.attname, flat=True)
            model.history.bulk_history_create(
                list(model._default_manager.exclude(pk__in=recorded)))  # one query, not one a row
    client = Client()
    client.force_login(scenario["users"]["auditor"])
    checked, problems = 0, []
    for name, route, params in all_patterns():
        case = scenario["issued" if name.split(":")[-1] in ISSUED_SCENARIO else "default"]
        url = _url(name, _fill(name, route, params, case))
        response = client.get(url)
        if name == "logout":  # GET is refused (405) but check it still; log in again anyway
            client.force_login(scenario["users"]["auditor"])
        header = response.get("Content-Security-Policy")
        if not header:
            problems.append(f"{url} ({name}) → {response.status_code}: no Content-Security-Policy")
            continue
        sources = _script_sources(header)
        if "'unsafe-inline'" in sources or "'unsafe-eval'" in sources or not sources:
            problems.append(f"{url} ({name}): script sources {sources}")
        checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 50  # the walk really covered the URLconf


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style\b", re.I)
JS_URL = re.compile(r"javascript:", re.I)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


@pytest.mark.parametrize("template", WEB_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_web_templates_have_no_inline_script_handlers_or_styles(template):
    # comments blanked (same length, so line numbers stay right): they never reach the browser
    text = TEMPLATE_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), template.read_text(encoding="utf-8"))
    for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (INLINE_HANDLER, "on…= handler"),
                          (INLINE_STYLE, "inline style"), (JS_URL, "javascript: URL")):
        match = pattern.search(text)
        assert match is None, (
            f"{what} in {template.relative_to(TEMPLATES)} line {text[:match.start()].count(chr(10)) + 1}: "
            "the Content-Security-Policy blocks it; use a data- attribute read by static/js/app.js "
            "or a class in static/css/app.css"
        )
