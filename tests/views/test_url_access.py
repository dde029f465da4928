"""Every URL pattern of the URLconf, requested as every persona, GET and POST.

Rules, checked for every pattern (patterns added later are walked automatically):
- anonymous: redirected to the login page (pages) or refused 401/403 (API), except PUBLIC ones;
- a contact of another company: 404 for anything that names an object of the scenario study
  (405 only where the view accepts that method from nobody);
- everyone in scope: never 404 and never a server error;
- ROLE_DENIED lists what a role must be refused with 403.
A pattern with a parameter this test cannot fill fails loudly: add it to `_fill`.
"""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from footprint.choices import StudyStatus as S
from footprint.models import ActivityRecord, Comment, Study
from footprint.services import workflow

PERSONAS = ["anonymous", "auditor", "alice", "lead", "client", "client2", "admin"]
# URL names anyone may open without logging in.
PUBLIC = {
    "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete", "set_language", "verify_index", "verify_report",
    "admin:login", "admin:logout", "healthz",
}
# (url name, method) → personas that must get 403 (their role may not do this), given the
# POST data in POST_DATA. In scope they may see the study; their role may not act.
ROLE_DENIED = {
    ("study_transition", "POST"): {"client", "lead", "alice"},
    ("api_study_transition", "POST"): {"client", "lead", "alice"},
    ("comment_resolve", "POST"): {"client", "alice"},
    ("comment_reopen", "POST"): {"client", "alice"},
    ("api_study_import", "POST"): {"client", "client2"},
}
POST_DATA = {
    "study_transition": {"action": "send_for_review"},
    "api_study_transition": {"action": "send_for_review"},
}
# Patterns whose object must be an issued study (DEMO-2, of client2's company).
ISSUED_SCENARIO = {"issued_pdf", "verify_report"}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            if p.name is None:
                continue
            params = list(getattr(p.pattern, "converters", {}) or p.pattern.regex.groupindex)
            unnamed = p.pattern.regex.groups - len(p.pattern.regex.groupindex)
            params += [f"_{i}" for i in range(unnamed)]  # positional groups of re_path()
            yield f"{namespace}{p.name}", prefix + str(p.pattern), params


def all_patterns():
    seen = {}
    for name, route, params in _walk(get_resolver().url_patterns):
        seen.setdefault(name, (route, params))
    return sorted((name, route, params) for name, (route, params) in seen.items())


@pytest.fixture
def scenario(demo_users, auditor, signing):
    """The seed study sent to its company (client's); DEMO-2 issued (client2's company)."""
    seed = Study.objects.get(report_number="202508175GHG")
    workflow.study_send_for_review(study=seed, user=demo_users["auditor"])
    comment = Comment.objects.create(study=seed, author=demo_users["auditor"], text="检查")
    demo2 = Study.objects.get(report_number="DEMO-2")
    # Issued without rendering a PDF: this test is about access, not signing.
    data = b"%PDF-1.7 stand-in"
    demo2.issued_pdf.save("DEMO-2.pdf", ContentFile(data), save=False)
    demo2.issued_sha256 = hashlib.sha256(data).hexdigest()
    demo2.status, demo2.verification_code = S.ISSUED, "code-demo-2"
    demo2.sent_to_client_at = timezone.now()
    demo2.issued_snapshot = {"results": {"products": []}}
    demo2.save()
    return {
        "default": {"study": seed, "comment": comment, "insider": "client", "outsider": "client2"},
        "issued": {"study": demo2, "comment": None, "insider": "client2", "outsider": "client"},
        "users": {**demo_users, "alice": auditor},
    }


def _admin_object(name: str):
    """admin:footprint_activityrecord_change → an ActivityRecord."""
    from django.apps import apps

    try:
        app_label, rest = name.split(":", 1)[1].split("_", 1)
        if app_label == "auth" and rest.startswith("user_"):
            app_label = "footprint"  # the custom user model keeps auth's URL names
        model_name = rest.rsplit("_", 1)[0]
        model_name = model_name.removesuffix("_simple")
        return apps.get_model(app_label, model_name)._default_manager.first()
    except (LookupError, ValueError):
        return None


def _fill(name: str, route: str, params: list[str], case: dict) -> dict:
    study = case["study"]
    activity = ActivityRecord.objects.filter(stage__study_product__study=study).first()
    values = {}
    for param in params:
        segment = _segment_before(route, param)
        if param == "report_number":
            values[param] = study.report_number
        # The web application's pages (issue 3): companies, products, factors, exports.
        elif param == "company_pk" or (param == "pk" and segment == "companies"):
            values[param] = study.company_id
        elif name == "product_edit" and param == "pk":
            values[param] = study.study_products.first().product_id
        elif param == "product_code":
            values[param] = study.study_products.first().product.code
        elif param == "fmt":
            values[param] = "json"
        elif param == "pk" and segment == "factors":
            values[param] = activity.factor_id
        elif param == "code":
            values[param] = study.verification_code or "no-code"
        elif param == "comment_id" or (param == "pk" and segment == "comments"):
            values[param] = case["comment"].pk if case["comment"] else 0
        elif param in ("activity_id", "activity_pk") or (param == "pk" and segment == "activities"):
            values[param] = activity.pk
        elif param in ("study_product_id", "product_id") or (param == "pk" and segment == "products"):
            values[param] = study.study_products.first().pk
        elif param == "stage":
            values[param] = "production"
        elif param == "name" and segment == "images":
            values[param] = _study_image(study)
        elif param == "uidb64":
            values[param] = "MQ"
        elif param == "token":
            values[param] = "set-password"
        elif name.startswith("admin:") and param == "app_label":
            values[param] = "footprint"
        elif name.startswith("admin:") and param in ("object_id", "id"):
            obj = _admin_object(name)
            values[param] = str(obj.pk if obj is not None else study.pk)
        elif name.startswith("admin:") and param == "content_type_id":
            values[param] = ContentType.objects.get_for_model(Study).pk
        elif name.endswith("_simple_history") and param in ("_0", "_1"):
            # django-simple-history's re_path: (object_id, history_id), positional
            obj = _admin_object(name)
            values[param] = obj.pk if param == "_0" else obj.history.first().history_id
        elif name.startswith("admin:") and param == "version_id":
            obj = _admin_object(name)
            record = obj.history.first() if obj is not None and hasattr(obj, "history") else None
            values[param] = record.history_id if record else 1
        else:
            pytest.fail(
                f"URL pattern {name!r} ({route}) has a parameter {param!r} that test_url_access "
                f"does not know how to fill: teach _fill() which object it names."
            )
    return values


def _study_image(study) -> str:
    """A product image of the study (a file in the test's MEDIA_ROOT), made on first use."""
    import io

    from PIL import Image

    from footprint.reports import assets

    folder = assets.study_images_dir(study.report_number)
    if not assets.study_images(study.report_number):
        folder.mkdir(parents=True, exist_ok=True)
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, "PNG")
        (folder / "外观.png").write_bytes(out.getvalue())
    return assets.study_images(study.report_number)[0]


def _segment_before(route: str, param: str) -> str:
    """studies/<report_number>/activities/<int:pk>/ → "activities" for pk."""
    import re

    match = re.search(r"<(?:\w+:)?" + param + ">", route)
    parts = [p for p in route[: match.start()].split("/") if p] if match else []
    return parts[-1] if parts else ""


def _url(name: str, values: dict) -> str:
    from django.urls import reverse

    args = [values.pop(k) for k in sorted(k for k in values if k.startswith("_"))]
    return reverse(name, args=args) if args else reverse(name, kwargs=values)


_REFERENCE: dict[tuple[str, str], int] = {}  # the administrator's status, per pattern and method


def _request(client, method, url, data):
    sid = transaction.savepoint()
    try:
        if method == "GET":
            return client.get(url)
        return client.post(url, data)
    finally:
        # whatever the request did (a resolved comment, a transition) is undone for the next
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_pattern_answers_each_persona_by_scope_and_role(scenario, persona, settings):
    users = scenario["users"]
    problems = []
    admin_client = Client()
    admin_client.force_login(users["admin"])
    client = Client()
    if persona != "anonymous":
        client.force_login(users[persona])
    for name, route, params in all_patterns():
        case = scenario["issued" if name.split(":")[-1] in ISSUED_SCENARIO else "default"]
        url = _url(name, _fill(name, route, params, case))
        scoped = "report_number" in params or "code" in params
        is_admin = name.startswith("admin:")
        for method in ("GET",) if is_admin else ("GET", "POST"):
            data = POST_DATA.get(name, {})
            try:
                response = _request(client, method, url, data)
                key = (name, method)
                if key not in _REFERENCE:
                    _REFERENCE[key] = _request(admin_client, method, url, data).status_code
                reference = _REFERENCE[key]
            except Exception as exc:  # a server error: report it with the URL
                problems.append(f"{persona} {method} {url} ({name}): raised {exc!r}")
                continue
            finally:
                # POST /accounts/logout/ (and the admin's) ends the session: log in again
                for c, who in ((client, persona), (admin_client, "admin")):
                    if who != "anonymous" and "_auth_user_id" not in c.session:
                        c.force_login(users[who])
            code = response.status_code
            where = f"{persona} {method} {url} ({name}) → {code}"
            if code >= 500 and code != 501:
                problems.append(f"{where}: server error")
            elif name in PUBLIC:
                if code in (302,) and "login" in response.get("Location", "") and name != "logout":
                    problems.append(f"{where}: public page asks for login")
            elif persona == "anonymous":
                if is_admin or not route.startswith("api/"):
                    ok = code == 302 and "login" in response["Location"] or code == 405 == reference
                else:
                    ok = code in (401, 403)
                if not ok:
                    problems.append(f"{where}: anonymous must be sent to log in")
            elif is_admin:
                if persona != "admin" and not (code == 302 and "login" in response["Location"]):
                    problems.append(f"{where}: only administrators enter the admin")
            elif scoped and persona == case["outsider"]:
                expected = 405 if reference == 405 else 404
                if code != expected:
                    problems.append(f"{where}: another company's contact must get {expected}")
            else:
                denied = ROLE_DENIED.get((name, method), set())
                if persona in denied and code != 403:
                    problems.append(f"{where}: this role must get 403")
                if persona not in denied and code == 403 and (name, method) in ROLE_DENIED:
                    problems.append(f"{where}: this role must not get 403")
                if scoped and code == 404:
                    problems.append(f"{where}: in scope, must not be 404")
    assert not problems, "\n".join(problems)


def test_the_walk_covers_the_workflow_pages(db):
    names = {name for name, _route, _params in all_patterns()}
    assert {"study_workflow", "study_transition", "comment_create", "comment_resolve",
            "study_history", "issued_pdf", "verify_report", "api_study_list",
            "api_study_detail", "api_study_export", "api_schema"} <= names
