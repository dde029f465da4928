"""The PACT v3 host API (footprint/api/pact.py), case by case as the official conformance
suite runs it (wbcsd/pact-conformance-service, docs/v3-test-cases-expected-results.md, every
mandatory V3.0 case: same requests, same expected statuses and bodies), and its scoping: two
clients, two companies, each client sees exactly what was granted to it."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from footprint.choices import StudyStatus
from footprint.models import PactClient, PactOutboundEvent, Study, StudyProduct
from footprint.services.demo.seed import PACT_DEMO_CLIENT
from footprint.services.pact import events as pact_events
from footprint.services.pact import publishing as pact_publishing
from footprint.services.pact.auth import set_secret
from footprint.services.pact.delivery import deliver
from footprint.services.workflow.issuing import issue_snapshot
from tests.pact_schema import assert_valid
from tests.snapshots import replay_or_build

pytestmark = pytest.mark.django_db
CE = "application/cloudevents+json; charset=UTF-8"
PARTICULARS = {"mass_per_unit_kg": "700", "fossil_carbon_kg": "15", "exempted_emissions_pct": "1"}


def _issue_without_pdf(study: Study) -> Study:
    """Issued as the workflow would, minus the PDF: this module is about the API."""
    StudyProduct.objects.filter(study=study).update(**PARTICULARS)
    study.refresh_from_db()
    snapshot = issue_snapshot(study)
    snapshot["certification_body"] = "测试认证机构"
    study.issued_snapshot = snapshot
    study.status = StudyStatus.ISSUED
    study.issued_at = study.sent_to_client_at = timezone.now()
    study.issue_date = timezone.localdate()
    study.verification_code = f"code-{study.pk}"
    study.issued_sha256 = "0" * 64
    study.save()
    pact_publishing.ensure_footprint_ids(study)
    return study


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(demo, snapshot_tracker):
    """DEMO-2 (company 2) and the seed (company 1, two products) issued; `pact-demo` granted
    DEMO-2's company (by the demo loader), `customer-b` granted the seed's company. Recorded
    once and replayed, like `demo`."""

    def build():
        _issue_without_pdf(Study.objects.get(report_number="DEMO-2"))
        seed = _issue_without_pdf(Study.objects.get(report_number="202508175GHG"))
        client_b = PactClient(client_id="customer-b", name="Customer B")
        set_secret(client_b, "customer-b-secret")
        client_b.save()
        client_b.grants.create(company=seed.company)
        return True

    replay_or_build("pact_world", build, snapshot_tracker)
    return {"demo2": Study.objects.get(report_number="DEMO-2"),
            "seed": Study.objects.get(report_number="202508175GHG"),
            "a": PactClient.objects.get(client_id=PACT_DEMO_CLIENT[0]),
            "b": PactClient.objects.get(client_id="customer-b")}


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token(client, client_id=PACT_DEMO_CLIENT[0], secret=PACT_DEMO_CLIENT[1]) -> str:
    response = client.post("/auth/token", "grant_type=client_credentials", secure=True,
                           content_type="application/x-www-form-urlencoded",
                           HTTP_AUTHORIZATION=_basic(client_id, secret))
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def get(client, url, bearer, secure=True):
    return client.get(url, secure=secure, HTTP_AUTHORIZATION=f"Bearer {bearer}")


def post_event(client, event, bearer, secure=True):
    return client.post("/3/events", json.dumps(event), content_type=CE, secure=secure,
                       HTTP_AUTHORIZATION=f"Bearer {bearer}")


def all_footprints(client, bearer) -> list[dict]:
    return get(client, "/3/footprints", bearer).json()["data"]


def event(kind, data, event_id="test-run-id-12345"):
    return {"specversion": "1.0", "id": event_id, "source": "https://webhook.example.com",
            "time": "2023-05-19T10:30:00Z", "type": kind, "data": data}


# ------------------------------------------------------------------- authentication
def test_case_1_token_with_valid_credentials(client, world):
    response = client.post("/auth/token", "grant_type=client_credentials", secure=True,
                           content_type="application/x-www-form-urlencoded",
                           HTTP_AUTHORIZATION=_basic(*PACT_DEMO_CLIENT))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("credentials", [("qYt3Xk2mPz8wLr1v", "Hs9dK2pQ7zXc4Vb1"),
                                         (PACT_DEMO_CLIENT[0], "wrong-secret")])
def test_case_2_token_with_invalid_credentials(client, world, credentials):
    response = client.post("/auth/token", "grant_type=client_credentials", secure=True,
                           content_type="application/x-www-form-urlencoded",
                           HTTP_AUTHORIZATION=_basic(*credentials))
    assert response.status_code in (400, 401)
    assert response.json() == {"error": "invalid_client", "error_description": "Client authentication failed"}


def test_token_endpoint_refuses_other_grants_and_garbage(client, world):
    def ask(body, auth):
        return client.post("/auth/token", body, secure=True,
                           content_type="application/x-www-form-urlencoded", HTTP_AUTHORIZATION=auth)

    assert ask("grant_type=password", _basic(*PACT_DEMO_CLIENT)).json()["error"] == "unsupported_grant_type"
    assert ask("grant_type=client_credentials", "Basic %%%not-base64").status_code == 401
    assert ask("grant_type=client_credentials", "").status_code == 401
    assert client.get("/auth/token", secure=True).status_code == 405


def test_tokens_end_with_the_secret_the_client_and_time(client, world, settings):
    bearer = token(client)
    assert get(client, "/3/footprints", bearer).status_code == 200
    a = world["a"]
    set_secret(a, "a-brand-new-secret")
    a.save()
    assert get(client, "/3/footprints", bearer).status_code == 401
    bearer = token(client, secret="a-brand-new-secret")
    PactClient.objects.filter(pk=a.pk).update(is_active=False)
    assert get(client, "/3/footprints", bearer).status_code == 401
    PactClient.objects.filter(pk=a.pk).update(is_active=True)
    settings.PACT_TOKEN_SECONDS = -1  # every token is past its lifetime
    response = get(client, "/3/footprints", bearer)
    assert response.status_code == 401
    assert response.json()["code"] == "TokenExpired"


# ------------------------------------------------------------------------ footprints
def test_case_3_get_footprint(client, world):
    bearer = token(client)
    first = all_footprints(client, bearer)[0]
    response = get(client, f"/3/footprints/{first['id']}", bearer)
    assert response.status_code == 200
    assert response.json()["data"]["id"] == first["id"]
    assert_valid(response.json()["data"])


def test_case_4_list_footprints(client, world):
    bearer = token(client)
    response = get(client, "/3/footprints", bearer)
    assert response.status_code in (200, 202)
    data = response.json()["data"]
    assert [fp["productIds"] for fp in data] == [["urn:pact:product:cn-uscc:91330100DEM0000002:RMU"]]
    for fp in data:
        assert_valid(fp)


def test_case_5_pagination_links(client, world):
    bearer = token(client, "customer-b", "customer-b-secret")
    response = get(client, "/3/footprints?limit=1", bearer)
    assert response.status_code == 200
    assert len(response.json()["data"]) == 1
    links = dict((rel, url) for url, rel in
                 (part.split("; rel=") for part in response["Link"].split(", ")))
    assert links['"next"'] == "<https://testserver/3/footprints?offset=1&limit=1>"
    assert links['"first"'] == "<https://testserver/3/footprints?offset=0&limit=1>"
    second = get(client, links['"next"'].strip("<>").replace("https://testserver", ""), bearer)
    assert second.status_code == 200
    assert len(second.json()["data"]) == 1
    assert 'rel="next"' not in second["Link"]  # the seed has two products: nothing follows
    assert {fp["id"] for fp in response.json()["data"] + second.json()["data"]} == {
        fp["id"] for fp in all_footprints(client, bearer)}
    assert get(client, "/3/footprints?limit=x", bearer).status_code == 400


@pytest.mark.parametrize("url", ["/3/footprints", "/3/footprints/{id}"])
def test_cases_6_and_7_invalid_token(client, world, url):
    bearer = token(client)
    url = url.format(id=all_footprints(client, bearer)[0]["id"])
    response = get(client, url, "very-invalid-access-token-0123456789abcdef")
    assert response.status_code in (400, 401)
    assert response.json() == {"code": "BadRequest", "message": "Invalid token provided"}
    assert client.get(url, secure=True).status_code == 401  # no token at all


def test_case_8_nonexistent_footprint(client, world):
    response = get(client, "/3/footprints/00000000-0000-0000-0000-000000000000", token(client))
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"
    assert get(client, "/3/footprints/non-existent-id", token(client)).json()["code"] == "BadRequest"


def test_cases_9_10_11_17_http_gives_no_token_and_no_data(client, world):
    bearer = token(client)
    fp_id = all_footprints(client, bearer)[0]["id"]
    response = client.post("/auth/token", "grant_type=client_credentials",
                           content_type="application/x-www-form-urlencoded",
                           HTTP_AUTHORIZATION=_basic(*PACT_DEMO_CLIENT))
    assert response.status_code >= 400 and "access_token" not in response.json()
    for url in ("/3/footprints", f"/3/footprints/{fp_id}"):
        response = get(client, url, bearer, secure=False)
        assert response.status_code == 403 and "data" not in response.json()
    response = post_event(client, event(pact_events.PUBLISHED_EVENT,
                                        {"pfIds": ["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]}),
                          bearer, secure=False)
    assert response.status_code == 403 and "data" not in response.json()


# ---------------------------------------------------------------------------- events
class _Recipient(BaseHTTPRequestHandler):
    """A data recipient's host: its own token endpoint and events endpoint."""

    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/auth/token":
            ok = self.headers.get("Authorization") == _basic("test_client_id", "test_client_secret")
            self._answer(200 if ok else 401, {"access_token": "recipient-token"} if ok else {})
        elif self.path == "/3/events":
            ok = self.headers.get("Authorization") == "Bearer recipient-token"
            if ok:
                type(self).received.append((self.headers.get("Content-Type"), json.loads(body)))
            self._answer(200 if ok else 401, None)
        else:
            self._answer(404, None)

    def _answer(self, status, payload):
        data = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def recipient(world):
    _Recipient.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recipient)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    a = world["a"]
    a.events_url = f"http://127.0.0.1:{server.server_address[1]}"
    a.events_client_id, a.events_client_secret = "test_client_id", "test_client_secret"
    a.save()
    yield _Recipient.received
    server.shutdown()


def test_cases_12_and_13_request_created_is_fulfilled_asynchronously(client, world, recipient):
    bearer = token(client)
    fp = all_footprints(client, bearer)[0]
    response = post_event(client, event(pact_events.REQUEST_CREATED_EVENT, {
        "productId": fp["productIds"], "comment": "Please send PCF data for this year."}), bearer)
    assert response.status_code == 200
    assert response.content == b""
    queued = PactOutboundEvent.objects.get()
    assert queued.delivered_at is None  # answered after the response, not within it
    assert deliver(queued.pk) is True
    ((content_type, sent),) = recipient
    assert content_type == CE
    assert sent["type"] == "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
    assert sent["data"]["requestEventId"] == "test-run-id-12345"
    assert [p["id"] for p in sent["data"]["pfs"]] == [fp["id"]]
    assert_valid(sent, "RequestFulfilledEvent")
    for pf in sent["data"]["pfs"]:
        assert_valid(pf)


def test_cases_14a_and_14b_unknown_product_is_rejected(client, world, recipient):
    bearer = token(client)
    response = post_event(client, event(pact_events.REQUEST_CREATED_EVENT, {
        "productId": ["urn:pact:null"], "comment": "Please send PCF data for this year."}), bearer)
    assert response.status_code == 200
    assert deliver(PactOutboundEvent.objects.get().pk) is True
    ((_content_type, sent),) = recipient
    assert sent["type"] == "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
    assert sent["data"] == {"requestEventId": "test-run-id-12345",
                            "error": {"code": "NotFound",
                                      "message": "The requested footprint could not be found."}}
    assert_valid(sent, "RequestRejectedEvent")


def test_a_request_never_answers_with_another_clients_footprints(client, world, recipient):
    seed_product = all_footprints(client, token(client, "customer-b", "customer-b-secret"))[0]
    post_event(client, event(pact_events.REQUEST_CREATED_EVENT,
                             {"productId": seed_product["productIds"]}), token(client))
    assert PactOutboundEvent.objects.get().event["type"].endswith("RequestRejectedEvent.3")


def test_undeliverable_events_stay_queued_and_are_retried_later(client, world):
    a = world["a"]
    a.events_url, a.events_client_id, a.events_client_secret = "http://127.0.0.1:9", "x", "y"
    a.save()
    post_event(client, event(pact_events.REQUEST_CREATED_EVENT, {"productId": ["urn:pact:null"]}),
               token(client))
    queued = PactOutboundEvent.objects.get()
    assert deliver(queued.pk) is False
    queued.refresh_from_db()
    assert queued.attempts == 1 and queued.last_error and not queued.abandoned
    assert queued.next_attempt_at > timezone.now()


def test_case_15_published_event_is_accepted(client, world):
    response = post_event(client, event(pact_events.PUBLISHED_EVENT, {
        "pfIds": ["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]}, "123e4567-e89b-12d3-a456-426614174000"),
        token(client))
    assert response.status_code == 200
    assert response.content == b""


def test_case_16_events_with_invalid_token(client, world):
    response = post_event(client, event(pact_events.PUBLISHED_EVENT, {
        "pfIds": ["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]}), "very-invalid-access-token-x")
    assert response.status_code in (400, 401)
    assert response.json()["code"] == "BadRequest"


@pytest.mark.parametrize("body", [
    event(pact_events.PUBLISHED_EVENT, {"pfIds": ["urn:gtin:4712345060507"]}),  # case 40
    event("org.example.Unknown", {}),
    {**event(pact_events.PUBLISHED_EVENT, {"pfIds": []}), "specversion": "0.3"},
    {"type": pact_events.PUBLISHED_EVENT},
    event(pact_events.REQUEST_CREATED_EVENT, {"validOn": "not a date"}),
    [1, 2, 3],
])
def test_case_40_malformed_events_are_refused(client, world, body):
    response = post_event(client, body, token(client))
    assert response.status_code == 400
    assert response.json()["code"] == "BadRequest"
    assert not PactOutboundEvent.objects.exists()


def test_case_40_odata_filter_is_refused(client, world):
    response = get(client, "/3/footprints?$filter=created ge '2023-01-15T10:15:30Z'", token(client))
    assert response.status_code == 400
    assert response.json()["code"] == "BadRequest"


def test_events_refuse_bodies_too_large_and_not_json(client, world):
    bearer = token(client)
    big = client.post("/3/events", b"{" + b" " * (1024 * 1024 + 1) + b"}", content_type=CE,
                      secure=True, HTTP_AUTHORIZATION=f"Bearer {bearer}")
    assert big.status_code == 413
    broken = client.post("/3/events", b"{not json", content_type=CE, secure=True,
                         HTTP_AUTHORIZATION=f"Bearer {bearer}")
    assert broken.status_code == 400


# -------------------------------------------------------------------------- filters
def _filter_params(fp: dict) -> dict:
    """As the conformance suite derives them from the first footprint of the list."""
    import datetime as dt

    def shifted(text, days):
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) + dt.timedelta(days=days)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    return {"productId": fp["productIds"][0], "companyId": fp["companyIds"][0],
            "geography": fp["pcf"].get("geographyCountry", ""), "classification": "",
            "validOn": fp["validityPeriodStart"], "validAfter": shifted(fp["validityPeriodStart"], -1),
            "validBefore": shifted(fp["validityPeriodEnd"], 1), "status": fp["status"]}


@pytest.mark.parametrize(("case", "query", "holds"), [
    (20, "productId={productId}", lambda fp, p: p["productId"] in fp["productIds"]),
    (21, "companyId={companyId}", lambda fp, p: p["companyId"] in fp["companyIds"]),
    (22, "geography={geography}", lambda fp, p: fp["pcf"].get("geographyCountry", "") == p["geography"]),
    (23, "classification={classification}", lambda fp, p: True),
    (24, "validOn={validOn}", lambda fp, p: fp["validityPeriodStart"] <= p["validOn"] <= fp["validityPeriodEnd"]),
    (25, "validAfter={validAfter}", lambda fp, p: fp["validityPeriodStart"] > p["validAfter"]),
    (26, "validBefore={validBefore}", lambda fp, p: fp["validityPeriodEnd"] < p["validBefore"]),
    (27, "status={status}", lambda fp, p: fp["status"] == p["status"]),
    (28, "status={status}&productId={productId}",
     lambda fp, p: fp["status"] == p["status"] and p["productId"] in fp["productIds"]),
    (29, "companyId={companyId}&companyId=aB3dE5fG&companyId=hI7jK9lM",
     lambda fp, p: p["companyId"] in fp["companyIds"]),
])
def test_cases_20_to_29_filters_match(client, world, case, query, holds):
    bearer = token(client, "customer-b", "customer-b-secret")
    every = all_footprints(client, bearer)
    params = _filter_params(every[0])
    response = get(client, "/3/footprints?" + query.format(**params), bearer)
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data, f"case {case}: the first footprint itself must match"
    assert all(holds(fp, params) for fp in data)
    if case in (22, 23):  # the seed's company has no credit code (no geography), and no
        # product has a classification: an empty filter filters nothing
        assert len(data) == len(every)


@pytest.mark.parametrize("query", [
    "productId=urn:bogus:product:Xq81LmZp0aBc2DeF",           # 30
    "companyId=urn:bogus:company:Xq81LmZp0aBc2DeF",           # 31
    "geography=XX",                                            # 32
    "classification=urn:bogus:classification:Xq81LmZp0aBc",   # 33
    "validOn=1900-01-01T00:00:00Z",                            # 34
    "validAfter=2099-12-31T23:59:59Z",                         # 35
    "validBefore=1900-01-01T00:00:00Z",                        # 36
    "status=BogusStatusAbCdEfGh",                              # 37
    "companyId=urn:bogus:company:5FIi8zS3&productId=urn:bogus:product:nonexistent123",  # 38
    "companyId=urn:bogus:company:a1&companyId=urn:bogus:company:a2&companyId=urn:bogus:company:a3",  # 39
])
def test_cases_30_to_39_bogus_filters_answer_an_empty_list(client, world, query):
    response = get(client, "/3/footprints?" + query, token(client))
    assert response.status_code == 200
    assert response.json() == {"data": []}


def test_filters_ignore_case_and_combine_or_within_and_between(client, world):
    bearer = token(client, "customer-b", "customer-b-secret")
    lv, hv = all_footprints(client, bearer)
    both = f"productId={lv['productIds'][0].upper()}&productId={hv['productIds'][0]}"
    assert len(get(client, f"/3/footprints?{both}", bearer).json()["data"]) == 2
    assert len(get(client, f"/3/footprints?{both}&status=active", bearer).json()["data"]) == 2
    assert get(client, f"/3/footprints?{both}&geography=DE", bearer).json()["data"] == []


# -------------------------------------------------------------------------- scoping
def test_each_client_sees_exactly_what_was_granted_to_it(client, world):
    a, b = token(client), token(client, "customer-b", "customer-b-secret")
    seen_a = all_footprints(client, a)
    seen_b = all_footprints(client, b)
    assert {fp["companyName"] for fp in seen_a} == {world["demo2"].company.name}
    assert {fp["companyName"] for fp in seen_b} == {world["seed"].company.name}
    assert [fp["productNameCompany"] for fp in seen_b] == [
        sp.product.name for sp in world["seed"].study_products.order_by("position", "id")]
    # The other's footprint exists: access denied (403), as the specification says.
    response = get(client, f"/3/footprints/{seen_b[0]['id']}", a)
    assert response.status_code == 403
    assert response.json()["code"] == "AccessDenied"
    assert get(client, f"/3/footprints?productId={seen_b[0]['productIds'][0]}", a).json()["data"] == []


def test_a_revoked_grant_ends_access_at_once(client, world):
    b = token(client, "customer-b", "customer-b-secret")
    fp_id = all_footprints(client, b)[0]["id"]
    pact_publishing.revoke(client=world["b"], company=world["seed"].company)
    assert all_footprints(client, b) == []
    assert get(client, f"/3/footprints/{fp_id}", b).status_code == 403


def test_drafts_are_never_published(client, world):
    Study.objects.filter(pk=world["seed"].pk).update(status=StudyStatus.DRAFT)
    assert all_footprints(client, token(client, "customer-b", "customer-b-secret")) == []


def test_issuing_tells_granted_clients_and_only_them(world, django_capture_on_commit_callbacks):
    from unittest import mock

    b = world["b"]
    b.events_url = "https://recipient.example.com"
    b.save()
    with mock.patch("footprint.services.pact.events._deliver_soon") as soon, \
            django_capture_on_commit_callbacks(execute=True):
        pact_events.study_issued(world["seed"])
    (queued,) = PactOutboundEvent.objects.all()
    assert queued.client == b
    assert queued.event["type"] == "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"
    assert sorted(queued.event["data"]["pfIds"]) == sorted(
        i.id for i in pact_publishing.study_footprints(world["seed"]))
    assert_valid(queued.event, "PublishedEvent")
    soon.assert_called_once_with(queued.pk)


def test_rate_limits_answer_429_not_an_error(client, world, monkeypatch):
    from footprint.api import pact as api

    monkeypatch.setattr(api, "TOKEN_REQUESTS_PER_MINUTE", 2)
    monkeypatch.setattr(api, "API_REQUESTS_PER_MINUTE", 1)
    bearer = token(client)
    token(client)
    assert client.post("/auth/token", "grant_type=client_credentials", secure=True,
                       content_type="application/x-www-form-urlencoded",
                       HTTP_AUTHORIZATION=_basic(*PACT_DEMO_CLIENT)).status_code == 429
    assert get(client, "/3/footprints", bearer).status_code == 200
    response = get(client, "/3/footprints", bearer)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
