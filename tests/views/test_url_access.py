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

import functools
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from footprint.choices import StudyStatus as S
from footprint.models import ActivityRecord, Comment, Study
from footprint.services.entry.images import study_image_names, study_images_folder
from footprint.services.workflow import transitions

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
    ("api_study_import", "POST"): {"client", "client2", "lead"},
    # Evidence: the company's contacts upload too; only their own files do they delete.
    ("study_evidence", "POST"): {"lead", "alice"},
    ("evidence_delete", "POST"): {"lead", "alice", "client"},
    ("api_evidence_list", "POST"): {"lead", "alice"},
    # importing a factor library: auditors and administrators (access.can_import_factors)
    ("factor_import", "GET"): {"client", "client2", "lead"},
    ("factor_import", "POST"): {"client", "client2", "lead"},
    ("factor_import_confirm", "POST"): {"client", "client2", "lead"},
    ("factor_import_cancel", "POST"): {"client", "client2", "lead"},
}
POST_DATA = {
    "study_transition": {"action": "send_for_review"},
    "api_study_transition": {"action": "send_for_review"},
}
# The PACT host API (docs/pact.md): OAuth client credentials only, HTTPS only. A session is no
# credential there: every persona, logged in or not, gets a 4xx from these.
PACT = {"pact_auth_token", "pact_footprint_list", "pact_footprint_detail", "pact_events"}
# Patterns whose object must be an issued study (DEMO-2, of client2's company).
ISSUED_SCENARIO = {"issued_pdf", "issued_pdf_language", "verify_report", "study_pact_json"}


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
def scenario(demo_users, auditor, signing, monkeypatch):
    """The seed study sent to its company (client's); DEMO-2 issued (client2's company)."""
    # A draft report is a stand-in PDF here: this test is about who may fetch it, not what it
    # prints (tests/reports/ render it). A real render is 10–50 s per persona.
    from footprint.reports import pdf

    monkeypatch.setattr(pdf, "render_study_pdf",
                        lambda study, *, language=None, final=False: b"%PDF-1.7 stand-in draft")
    seed = Study.objects.get(report_number="202508175GHG")
    transitions.study_send_for_review(study=seed, user=demo_users["auditor"])
    comment = Comment.objects.create(study=seed, author=demo_users["auditor"], text="检查")
    demo2 = Study.objects.get(report_number="DEMO-2")
    # Issued without rendering a PDF: this test is about access, not signing.
    data = b"%PDF-1.7 stand-in"
    demo2.issued_pdf.save("DEMO-2.pdf", ContentFile(data), save=False)
    demo2.issued_sha256 = hashlib.sha256(data).hexdigest()
    english = b"%PDF-1.7 stand-in, English"
    demo2.issued_alt_pdf.save("DEMO-2_en.pdf", ContentFile(english), save=False)
    demo2.issued_alt_language, demo2.issued_alt_sha256 = "en", hashlib.sha256(english).hexdigest()
    demo2.status, demo2.verification_code = S.ISSUED, "code-demo-2"
    demo2.sent_to_client_at = timezone.now()
    demo2.issued_snapshot = {"results": {"products": []}}
    demo2.save()
    return {
        "default": {"study": seed, "comment": comment, "insider": "client", "outsider": "client2"},
        "issued": {"study": demo2, "comment": None, "insider": "client2", "outsider": "client"},
        "users": {**demo_users, "alice": auditor},
    }


def _admin_object(name: str, study=None):
    """admin:footprint_activityrecord_change → an ActivityRecord (an evidence file of `study`,
    made on first use, when the demo has none)."""
    from django.apps import apps

    try:
        app_label, rest = name.split(":", 1)[1].split("_", 1)
        if app_label == "auth" and rest.startswith("user_"):
            app_label = "footprint"  # the custom user model keeps auth's URL names
        model_name = rest.rsplit("_", 1)[0]
        model_name = model_name.removesuffix("_simple")
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None
    obj = model._default_manager.first()
    if obj is None and model_name == "evidencefile" and study is not None:
        obj = _evidence(study)
    return obj


def _fill(name: str, route: str, params: list[str], case: dict) -> dict:
    study = case["study"]
    def activity():  # read only for the patterns that name one
        return ActivityRecord.objects.filter(stage__study_product__study=study).first()

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
            values[param] = activity().factor_id
        elif param == "code":
            values[param] = study.verification_code or "no-code"
        elif param == "comment_id" or (param == "pk" and segment == "comments"):
            values[param] = case["comment"].pk if case["comment"] else 0
        elif param in ("activity_id", "activity_pk") or (param == "pk" and segment == "activities"):
            values[param] = activity().pk
        elif param in ("study_product_id", "product_id") or (param == "pk" and segment == "products"):
            values[param] = study.study_products.first().pk
        elif param == "stage":
            values[param] = "production"
        elif param == "language":
            values[param] = "en"
        elif param == "name" and segment == "images":
            values[param] = _study_image(study)
        elif param == "pk" and segment == "evidence":
            values[param] = _evidence(study).pk
        elif param == "client_pk":
            from footprint.models import PactClient

            values[param] = PactClient.objects.get(client_id="pact-demo").pk
        elif param == "pf_id":
            values[param] = "00000000-0000-0000-0000-000000000000"
        elif param == "job_id" and name in ("study_import_preview", "factor_import_preview"):
            from footprint.models import BackgroundJob

            # A large upload's preview job (no study yet): the queue was down, the upload gone.
            what = "study" if name == "study_import_preview" else "library"
            values[param] = BackgroundJob.objects.get_or_create(
                kind="preview", status="failed", key=f"url-access-{what}", user=study.created_by,
                defaults={"payload": {"what": what, "path": f"imports/url-access-{what}.json",
                                      "name": "upload.json", "token": "0" * 32, "replace": False,
                                      "language": "zh-hans", "shown": 200},
                          "reason": "后台任务队列暂时不可用"})[0].pk
        elif param == "job_id" and name == "factor_import_job":
            from footprint.models import BackgroundJob

            values[param] = BackgroundJob.objects.get_or_create(
                kind="library_import", status="done", key="url-access-library", user=study.created_by,
                defaults={"payload": {"path": "imports/url-access.csv", "name": "library.csv",
                                      "counts": {"new": 1, "changed": 0, "unchanged": 0}}})[0].pk
        elif param == "job_id":
            from footprint.models import BackgroundJob

            values[param] = BackgroundJob.objects.get_or_create(study=study, kind="issue",
                                                                status="failed")[0].pk
        elif param == "request_id":
            values[param] = _data_request(study).pk
        elif param == "uidb64":
            values[param] = "MQ"
        elif param == "token":
            values[param] = "set-password"
        elif name.startswith("admin:") and param == "app_label":
            values[param] = "footprint"
        elif name.startswith("admin:") and param in ("object_id", "id"):
            obj = _admin_object(name, study)
            values[param] = str(obj.pk if obj is not None else study.pk)
        elif name.startswith("admin:") and param == "content_type_id":
            values[param] = ContentType.objects.get_for_model(Study).pk
        elif name.endswith("_simple_history") and param in ("_0", "_1"):
            # django-simple-history's re_path: (object_id, history_id), positional
            obj = _admin_object(name, study)
            record = obj.history.first()  # reference data made by a migration has none
            values[param] = obj.pk if param == "_0" else (record.history_id if record else 1)
        elif name.startswith("admin:") and param == "version_id":
            obj = _admin_object(name, study)
            record = obj.history.first() if obj is not None and hasattr(obj, "history") else None
            values[param] = record.history_id if record else 1
        else:
            pytest.fail(
                f"URL pattern {name!r} ({route}) has a parameter {param!r} that test_url_access "
                f"does not know how to fill: teach _fill() which object it names."
            )
    return values


def _data_request(study):
    """A data request of the study, sent to its company, with one row (made on first use)."""
    import datetime as dt

    from footprint.models import DataRequest, DataRequestRow

    data_request = DataRequest.objects.filter(study=study).first()
    if data_request is None:
        data_request = DataRequest.objects.create(
            study=study, title="能源数据", due_date=dt.date(2030, 1, 1), status="sent",
            sent_at=timezone.now(), created_by=study.auditors.first() or study.created_by)
        row = DataRequestRow.objects.create(request=data_request, study_product=study.study_products.first(),
                                            stage="production", name="生产用电", unit="kWh")
        row.evidence.add(_evidence(study))  # the company's bill, served under the request's URL
    return data_request


def _study_image(study) -> str:
    """A product image of the study (a file in the test's MEDIA_ROOT), made on first use."""
    import io

    from PIL import Image


    folder = (Path(settings.MEDIA_ROOT) / study_images_folder(study.report_number))
    if not study_image_names(study.report_number):
        folder.mkdir(parents=True, exist_ok=True)
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, "PNG")
        (folder / "外观.png").write_bytes(out.getvalue())
    return study_image_names(study.report_number)[0]


def _evidence(study):
    """An evidence file of the study, uploaded by its auditor (made on first use)."""
    from django.core.files.base import ContentFile

    from footprint.models import EvidenceFile, User

    evidence = EvidenceFile.objects.filter(study=study).first()
    if evidence is None:
        data = b"%PDF-1.4 evidence"
        evidence = EvidenceFile(study=study, original_name="bill.pdf", kind="pdf", size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(),
                                uploaded_by=User.objects.get(username="auditor"))
        evidence.file.save("bill.pdf", ContentFile(data), save=False)
        evidence.save()
    return evidence


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


def _session_cookie(client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def _log_in_again(client, persona, users, cookie_before):
    """POST /accounts/logout/ (and the admin's) ends the session: log in again. Only a response
    that changed the session cookie can have: the others' sessions are not read back."""
    if (persona != "anonymous" and _session_cookie(client) != cookie_before
            and "_auth_user_id" not in client.session):
        client.force_login(users[persona])


def _reference(admin_client, users, method, url, data, key, problems) -> int | None:
    """The administrator's status for this request (once per process)."""
    if key not in _REFERENCE:
        cookie = _session_cookie(admin_client)
        try:
            _REFERENCE[key] = _request(admin_client, method, url, data).status_code
        except Exception as exc:  # a server error: report it with the URL
            problems.append(f"admin {method} {url} ({key[0]}): raised {exc!r}")
            return None
        finally:
            _log_in_again(admin_client, "admin", users, cookie)
    return _REFERENCE[key]


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
            key = (name, method)
            cookie = _session_cookie(client)
            try:
                response = _request(client, method, url, data)
            except Exception as exc:  # a server error: report it with the URL
                problems.append(f"{persona} {method} {url} ({name}): raised {exc!r}")
                continue
            finally:
                _log_in_again(client, persona, users, cookie)
            code = response.status_code
            if persona == "admin":
                _REFERENCE.setdefault(key, code)
            # Asked only by the checks that need it (405 or not): most personas' answers are
            # judged without the administrator's, whose pages are the dearest to render.
            reference = functools.partial(_reference, admin_client, users, method, url, data,
                                          key, problems)
            where = f"{persona} {method} {url} ({name}) → {code}"
            if code >= 500 and code != 501:
                problems.append(f"{where}: server error")
            elif name in PACT:
                if not 400 <= code < 500:
                    problems.append(f"{where}: the PACT API answers a session with a 4xx")
            elif name in PUBLIC:
                if code in (302,) and "login" in response.get("Location", "") and name != "logout":
                    problems.append(f"{where}: public page asks for login")
            elif persona == "anonymous":
                if is_admin or not route.startswith("api/"):
                    ok = code == 302 and "login" in response["Location"] or code == 405 == reference()
                else:
                    ok = code in (401, 403)
                if not ok:
                    problems.append(f"{where}: anonymous must be sent to log in")
            elif is_admin:
                if persona != "admin" and not (code == 302 and "login" in response["Location"]):
                    problems.append(f"{where}: only administrators enter the admin")
            elif scoped and persona == case["outsider"]:
                expected = 405 if reference() == 405 else 404
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


# ------------------------------------------------------------------ every data-changing POST
# Each POST below is sent with data that changes something, as every persona. Those allowed
# must change it; everyone else must be refused (403, or 404 outside their scope) and leave
# everything as it was. The study is the seed study, sent to its company once and back in
# draft (so its contact sees it and its data may change); `auditor` is assigned to it, `lead`
# is its lead verifier; `alice` (auditor) and `victor` (lead verifier) are not assigned.
WRITERS = {"auditor", "admin"}                  # the study's auditors (and administrators)
STAFF_CREATORS = {"auditor", "alice", "admin"}  # who creates studies and companies
EVERYONE_WHO_SEES = {"auditor", "alice", "lead", "victor", "client", "admin"}
CHANGE_PERSONAS = ["auditor", "alice", "lead", "victor", "client", "client2", "admin"]


def _form_fields(html: str, form_id: str = "", action: str = "") -> list[tuple[str, str]]:
    """The values a browser would submit from one form of the page, unchanged."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms, self.current, self.textarea, self.select = [], None, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.current = {"id": a.get("id", ""), "action": a.get("action") or "", "fields": []}
                self.forms.append(self.current)
            elif self.current is None or "name" not in a and tag != "option":
                return
            elif tag == "input":
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                if kind not in ("submit", "button", "file", "image"):
                    self.current["fields"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
            elif tag == "textarea":
                self.textarea = [a["name"], ""]
            elif tag == "select":
                self.select = [a["name"], None]
            elif tag == "option" and self.select is not None and ("selected" in a or self.select[1] is None):
                self.select[1] = a.get("value", "")  # the selected option, else the first

        def handle_data(self, data):
            if self.textarea is not None:
                self.textarea[1] += data

        def handle_endtag(self, tag):
            if tag == "textarea" and self.textarea is not None:
                self.current["fields"].append(tuple(self.textarea))
                self.textarea = None
            elif tag == "select" and self.select is not None:
                self.current["fields"].append((self.select[0], self.select[1] or ""))
                self.select = None
            elif tag == "form":
                self.current = None

    parser = Parser()
    parser.feed(html)
    for form in parser.forms:
        if (form_id and form["id"] == form_id) or (not form_id and form["action"] in ("", action)
                                                    and form["fields"]):
            return form["fields"]
    raise AssertionError(f"no form {form_id or action!r} on the page")


# The administrator's forms, by (page, form id, action): every persona's test starts from the
# same scenario (its rows replayed with the same keys), so each page is read once per process.
_PAGE_FORMS: dict[tuple[str, str, str], list[tuple[str, str]]] = {}


def _from_page(admin_client, url, changes: dict, *, form_id: str = "", page: str = "") -> dict:
    """The page's form as the administrator sees it, with `changes` applied."""
    from django.utils.datastructures import MultiValueDict

    key = (page or url, form_id, url)
    if key not in _PAGE_FORMS:
        html = admin_client.get(page or url).content.decode()
        _PAGE_FORMS[key] = _form_fields(html, form_id=form_id, action=url)
    data = MultiValueDict()
    for name, value in _PAGE_FORMS[key]:
        data.appendlist(name, value)
    for name, value in changes.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def change_scenario(demo_users, auditor, lead_verifier, settings, tmp_path):
    """The seed study sent to its company and withdrawn to draft, with an open and a resolved
    comment, a product of the company not in the study yet, and one product image."""
    from footprint.models import Product

    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed = Study.objects.get(report_number="202508175GHG")
    transitions.study_send_for_review(study=seed, user=demo_users["auditor"])
    transitions.study_withdraw(study=seed, user=demo_users["auditor"])
    seed.refresh_from_db()
    open_comment = Comment.objects.create(study=seed, author=demo_users["auditor"], text="检查")
    resolved = Comment.objects.create(study=seed, author=demo_users["auditor"], text="已改",
                                      resolved=True, resolved_by=demo_users["auditor"])
    Product.objects.create(company=seed.company, code="EXTRA", name="附加产品", functional_unit="1 台")
    image = _study_image(seed)
    return {"study": seed, "open": open_comment, "resolved": resolved, "image": image,
            "users": {**demo_users, "alice": auditor, "victor": lead_verifier}}


def _state(study) -> tuple:
    """Everything a POST could change: every history table, comments, transitions, users'
    profiles, companies, products, factors and the study's image files."""
    from django.apps import apps

    from footprint.models import Company, EmissionFactor, Product, StudyTransition, User

    # every history table's row count in one query (this runs twice for each POST)
    tables = [m._meta.db_table for m in apps.get_models() if m.__name__.startswith("Historical")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(
            f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables))
        histories = tuple(cursor.fetchone())
    return (
        histories,
        tuple(Comment.objects.order_by("pk").values_list("pk", "text", "resolved")),
        StudyTransition.objects.count(),
        tuple(User.objects.order_by("pk").values_list("first_name", "organisation", "email")),
        tuple(Company.objects.order_by("pk").values_list()),
        tuple(Product.objects.order_by("pk").values_list()),
        EmissionFactor.objects.count(),
        tuple(study_image_names(study.report_number)),
    )


def _changes(case) -> list[tuple[str, list, object, set, str]]:
    """(url name, args, data or a function of the admin client giving it, allowed personas,
    kind: "form" | "json" | "upload")."""
    study = case["study"]
    number, company = study.report_number, study.company
    sp = study.study_products.select_related("product").first()
    code, product = sp.product.code, sp.product
    from footprint.models import EmissionFactor, Product

    extra = Product.objects.get(company=company, code="EXTRA")
    factor = EmissionFactor.objects.get(code="CN-GRID-2022", version=1)
    doc = None

    def import_doc():
        from footprint.services.interchange.exporting import study_to_document

        nonlocal doc
        if doc is None:
            doc = study_to_document(study, for_licensee=True)
            doc["report_number"] = "IMPORTED-COPY"
        return doc

    def page(name, args, changes, **kw):
        from django.urls import reverse

        return lambda admin: _from_page(admin, reverse(name, args=args), changes, **kw)

    study_fields = {"title": "改过的标题"}
    return [
        ("company_create", [], {"name": "新企业"}, STAFF_CREATORS, "form"),
        ("company_edit", [company.pk], page("company_edit", [company.pk], {"address": "新地址"}), WRITERS, "form"),
        ("product_create", [company.pk], {"code": "NEWP", "name": "新产品", "functional_unit": "1 台"}, WRITERS, "form"),
        ("product_edit", [product.pk], page("product_edit", [product.pk], {"name": "改名"}), WRITERS, "form"),
        ("study_create", [], page("study_edit", [number], {"report_number": "NEW-STUDY"}), STAFF_CREATORS, "form"),
        ("study_edit", [number], page("study_edit", [number], study_fields), WRITERS, "form"),
        ("study_narrative", [number], page("study_narrative", [number], {"purpose": "新的评价目的"}), WRITERS, "form"),
        ("study_translations", [number], page("study_translations", [number], {"text_purpose": "A new purpose"},
                                              form_id="translation-form"), WRITERS, "form"),
        ("study_product_add", [number], {"product": extra.pk, "annual_output": "10"}, WRITERS, "form"),
        ("study_product_stages", [number, code], page(
            "study_product_stages", [number, code], {"stage-included": "新的包含过程"}, form_id="stage-form"),
         WRITERS, "form"),
        ("study_product_output", [number, code], {f"out-{sp.pk}-annual_output": "12345"}, WRITERS, "form"),
        ("study_product_remove", [number, code], {}, WRITERS, "form"),
        ("study_team", [number], page("study_team", [number], {"certification_body": "新的认证机构"},
                                      form_id="team-form"), WRITERS, "form"),
        ("study_images", [number], {"caption": "新图片"}, WRITERS, "upload"),
        ("study_image_caption", [number, case["image"]], {"caption": "新说明"}, WRITERS, "form"),
        ("study_image_delete", [number, case["image"]], {}, WRITERS, "form"),
        ("study_transition", [number], {"action": "send_for_review"}, WRITERS, "form"),
        ("comment_create", [number], {"text": "新意见"}, EVERYONE_WHO_SEES, "form"),
        ("comment_resolve", [number, case["open"].pk], {}, {"auditor", "lead", "admin"}, "form"),
        ("comment_reopen", [number, case["resolved"].pk], {}, {"auditor", "lead", "admin"}, "form"),
        ("factor_create", [], {"code": "NEW-F", "name_zh": "新因子", "category": factor.category,
                               "gas": "CO2", "value": "1", "unit": "kg/kWh", "source": "测试"},
         {"auditor", "alice", "lead", "victor", "admin"}, "form"),
        ("factor_new_version", [factor.pk], page("factor_new_version", [factor.pk], {"value": "0.6"}),
         {"auditor", "alice", "lead", "victor", "admin"}, "form"),
        ("api_study_transition", [number], {"action": "send_for_review"}, WRITERS, "json"),
        ("api_study_comments", [number], {"text": "新意见"}, EVERYONE_WHO_SEES, "json"),
        ("api_study_import", [], lambda admin: import_doc(), STAFF_CREATORS, "json"),
        ("study_import_confirm", [], lambda admin: import_doc(), STAFF_CREATORS, "import"),
        ("factor_import_confirm", [], {"csv": FACTOR_LIBRARY_CSV}, STAFF_CREATORS, "factor_import"),
    ]


FACTOR_LIBRARY_CSV = (
    "code,name_zh,name_en,category,value,numerator_unit,denominator_unit,gas,region,data_year,"
    "source,published,notes\nMAT-NEW,新材料,,material,1.5,kg CO2e,kg,CO2e,CN,2024,测试,,\n")


def _post(client, url, data, kind):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    if kind == "json":
        return client.post(url, json.dumps(data), content_type="application/json")
    if kind == "upload":
        return client.post(url, {**data, "image": SimpleUploadedFile("new.png", _png(), "image/png")})
    if kind == "import":
        # the confirmation needs an upload of the same session first
        upload = SimpleUploadedFile("copy.json", json.dumps(data, ensure_ascii=False).encode(),
                                    "application/json")
        first = client.post(reverse("study_import"), {"file": upload})
        if first.status_code != 200:
            return first
        token = first.content.decode().split('name="token" value="')[1].split('"')[0]
        return client.post(url, {"token": token, "replace": "0"})
    if kind == "factor_import":
        upload = SimpleUploadedFile("library.csv", data["csv"].encode(), "text/csv")
        first = client.post(reverse("factor_import"), {"file": upload})
        if first.status_code != 200:
            return first
        token = first.content.decode().split('name="token" value="')[1].split('"')[0]
        return client.post(url, {"token": token})
    return client.post(url, data)


def _reset_images(study) -> None:
    """Files are not rolled back with the database: put the one image back as it was."""
    import shutil


    shutil.rmtree((Path(settings.MEDIA_ROOT) / study_images_folder(study.report_number)), ignore_errors=True)
    _study_image(study)


@pytest.mark.parametrize("persona", CHANGE_PERSONAS)
def test_every_data_changing_post_is_allowed_only_to_its_role_and_scope(change_scenario, persona):
    from django.urls import reverse

    users = change_scenario["users"]
    study = change_scenario["study"]
    admin_client = Client()
    admin_client.force_login(users["admin"])
    client = Client()
    client.force_login(users[persona])
    problems = []
    for name, args, data, allowed, kind in _changes(change_scenario):
        url = reverse(name, args=args)
        if callable(data):
            data = data(admin_client)
        sid = transaction.savepoint()
        try:
            before = _state(study)
            response = _post(client, url, data, kind)
            changed = _state(study) != before
        finally:
            transaction.savepoint_rollback(sid)
            _reset_images(study)
        code = response.status_code
        where = f"{persona} POST {url} ({name}) → {code}"
        if persona in allowed:
            if code in (403, 404) or code >= 500 or not changed:
                problems.append(f"{where}: must be allowed and change something (changed={changed})")
        else:
            # another company's contact: 404 for anything of the seed company (factors are
            # the library's, not a company's: 403)
            scoped = bool(args) and not name.startswith("factor_")
            expected = {404} if persona == "client2" and scoped else {403, 404}
            if code not in expected or changed:
                problems.append(f"{where}: must be refused with {sorted(expected)} and change nothing "
                                f"(changed={changed})")
    assert not problems, "\n".join(problems)
