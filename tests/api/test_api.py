"""The API is scoped like the pages: 404 outside scope, 403 outside role, 409 for conflicts.

The issued study is issued_seed_study_tiny: these tests read its rows and hashes, never its
pages.
"""

import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from footprint.models import Study
from footprint.services.workflow import transitions

NUMBER = "202508175GHG"


@pytest.fixture
def api(client):
    def call(user, method, name, *args, **kwargs):
        client.force_login(user)
        url = reverse(name, args=args)
        if method == "get":
            return client.get(url)
        return client.post(url, json.dumps(kwargs.get("data", {})), content_type="application/json",
                           QUERY_STRING=kwargs.get("query", ""))
    return call


def test_the_list_is_scoped(api, demo_users):
    transitions.study_send_for_review(study=Study.objects.get(report_number=NUMBER), user=demo_users["auditor"])
    numbers = lambda who: [s["report_number"] for s in api(demo_users[who], "get", "api_study_list").json()]  # noqa: E731
    assert numbers("auditor") == ["202508175GHG", "DEMO-2"]
    assert numbers("client") == [NUMBER]
    assert numbers("client2") == []


def test_detail_has_recomputed_results_and_allowed_actions(api, demo_users):
    data = api(demo_users["auditor"], "get", "api_study_detail", NUMBER).json()
    totals = {p["code"]: round(p["total_kgco2e"], 3) for p in data["results"]["products"]}
    assert totals == {"LV": 212.852, "HV": 226.496}
    assert (data["gwp_set"], data["gwp_version"]) == ("AR5", 1)
    assert [a["action"] for a in data["allowed_actions"]] == ["send_for_review"]
    assert api(demo_users["client2"], "get", "api_study_detail", NUMBER).status_code == 404


def test_detail_lists_the_issued_files_by_language(api, demo_users, issued_seed_study_tiny):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    data = api(demo_users["client"], "get", "api_study_detail", NUMBER).json()
    assert data["issued_files"] == [
        {"language": "zh-hans", "sha256": study.issued_sha256, "download": f"/studies/{NUMBER}/issued.pdf"},
        {"language": "en", "sha256": study.issued_alt_sha256, "download": f"/studies/{NUMBER}/issued-en.pdf"},
    ]
    assert api(demo_users["auditor"], "get", "api_study_detail", "DEMO-2").json()["issued_files"] == []


def test_export_is_the_pcf_study_document(api, demo_users):
    doc = api(demo_users["auditor"], "get", "api_study_export", NUMBER).json()
    assert doc["format"] == "pcf-study/1" and doc["report_number"] == NUMBER
    assert api(demo_users["client"], "get", "api_study_export", NUMBER).status_code == 404


def test_transitions_check_role_and_state(api, demo_users):
    u = demo_users
    assert api(u["lead"], "post", "api_study_transition", NUMBER,
               data={"action": "send_for_review"}).status_code == 403
    assert api(u["lead"], "post", "api_study_transition", NUMBER,
               data={"action": "approve"}).status_code == 409
    response = api(u["auditor"], "post", "api_study_transition", NUMBER,
                   data={"action": "send_for_review", "comment": "via API"})
    assert response.status_code == 200 and response.json()["status"] == "client_review"
    assert api(u["client"], "post", "api_study_comments", NUMBER, data={"text": "好"}).status_code == 201
    assert [c["text"] for c in api(u["auditor"], "get", "api_study_comments", NUMBER).json()] == ["好"]


def test_import_is_for_staff_and_refuses_frozen_studies(api, demo_users, issued_seed_study_tiny):
    from footprint.services.interchange.exporting import study_to_document

    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    doc = study_to_document(study, for_licensee=True)
    assert api(demo_users["client"], "post", "api_study_import", data=doc).status_code == 403
    response = api(demo_users["auditor"], "post", "api_study_import", data=doc, query="replace=true")
    assert response.status_code == 409 and "已签发" in response.json()["detail"]
    assert api(demo_users["auditor"], "post", "api_study_import", data=doc).status_code == 409


def test_the_schema_is_served(api, demo_users):
    response = api(demo_users["client"], "get", "api_schema")
    assert response.status_code == 200
    assert b"/api/studies/{report_number}/export/" in response.content


def test_json_nested_too_deep_is_a_400_not_a_500(client, demo_users):
    # DRF's parser let RecursionError through (500).
    client.force_login(demo_users["auditor"])
    url = reverse("api_study_comments", args=[NUMBER])
    response = client.post(url, "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    response = client.post(url, '{"text": %s}' % ("9" * 5000), content_type="application/json")
    assert response.status_code == 400


def test_an_imported_document_with_a_nul_is_refused(client, demo_users):
    from footprint.services.interchange.exporting import study_to_document

    doc = study_to_document(Study.objects.get(report_number=NUMBER), for_licensee=True)
    doc["report_number"] = "NUL-1"
    doc["title"] = "a\x00b"
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("api_study_import"), json.dumps(doc), content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert not Study.objects.filter(report_number="NUL-1").exists()


def test_import_names_people_like_the_web_preview(api, demo_users):
    from footprint.services.interchange.exporting import study_to_document

    doc = study_to_document(Study.objects.get(report_number=NUMBER), for_licensee=True)
    doc["report_number"] = "API-PEOPLE-1"
    u = demo_users
    # unknown usernames and an auditor as lead verifier: 400, nothing imported
    response = api(u["auditor"], "post", "api_study_import", data=doc, query="lead_verifier=nobody&auditor=ghost")
    assert response.status_code == 400
    assert response.json() == {"lead_verifier": ["没有用户 nobody。"], "auditors": ["没有用户 ghost。"]}
    response = api(u["auditor"], "post", "api_study_import", data=doc,
                   query=f"lead_verifier={u['auditor'].username}")
    assert response.status_code == 400 and "lead_verifier" in response.json()
    assert not Study.objects.filter(report_number="API-PEOPLE-1").exists()
    response = api(u["auditor"], "post", "api_study_import", data=doc,
                   query=urlencode({"lead_verifier": u["lead"].username, "certification_body": "某认证机构"}))
    assert response.status_code == 201
    study = Study.objects.get(report_number="API-PEOPLE-1")
    assert study.lead_verifier == u["lead"] and study.certification_body == "某认证机构"
    assert list(study.auditors.all()) == [u["auditor"]]  # whoever imports works on it


def test_a_company_contact_gets_the_issued_document_without_what_the_licence_holds_back(
        api, demo_users, issued_seed_study_tiny):
    """The issued snapshot was written before its factors said `redistribution_allowed`: the
    library's version of the factor decides (services/reference/licences.py)."""
    from footprint.models import EmissionFactor

    snapshot = Study.objects.get(pk=issued_seed_study_tiny.pk).issued_snapshot["document"]
    assert all("redistribution_allowed" not in f for f in snapshot["factors"])
    EmissionFactor.objects.filter(code="CN-DIESEL", version=1).update(
        licence_note="CLCD 许可", redistribution_allowed=False)
    assert api(demo_users["auditor"], "get", "api_study_export", NUMBER).json() == snapshot
    assert api(demo_users["lead"], "get", "api_study_export", NUMBER).json() == snapshot

    contact = api(demo_users["client"], "get", "api_study_export", NUMBER).json()
    diesel = next(f for f in contact["factors"] if f["code"] == "CN-DIESEL")
    assert diesel == {"code": "CN-DIESEL", "name": "CN-DIESEL", "category": "fuel", "unit": "kg/kg",
                      "gas": "CO2", "source": diesel["source"], "value": 3.1451224933,
                      "licence_note": "CLCD 许可", "redistribution_allowed": False}
    assert contact["products"] == snapshot["products"]
    assert [f for f in contact["factors"] if f["code"] != "CN-DIESEL"] == [
        f for f in snapshot["factors"] if f["code"] != "CN-DIESEL"]
