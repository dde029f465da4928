"""Report numbers and product codes are path segments: "." and ".." are refused everywhere
they can come in — the form, the import (web and API) and the model itself."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.models import Company, Product, Study
from footprint.validators import validate_not_dot_segment

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"
MESSAGE = "不能是“.”或“..”"


@pytest.fixture
def auditor_client(client, demo_users):
    client.force_login(demo_users["auditor"])
    return client


@pytest.mark.parametrize("value", [".", ".."])
def test_dot_segments_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_not_dot_segment(value)
    assert exc.value.code == "dot_segment"


@pytest.mark.parametrize("value", ["...", ".a", "a.", "2025.1", "A-1_b"])
def test_other_codes_with_dots_are_fine(value):
    validate_not_dot_segment(value)  # no exception


def test_the_models_refuse_them(demo):
    study = Study.objects.get(report_number=SEED)
    study.report_number = ".."
    with pytest.raises(ValidationError) as exc:
        study.full_clean()
    assert "report_number" in exc.value.message_dict
    product = Product(company=study.company, code=".", name="点", functional_unit="1 台")
    with pytest.raises(ValidationError) as exc:
        product.full_clean()
    assert "code" in exc.value.message_dict


@pytest.mark.parametrize("number", [".", ".."])
def test_the_study_form_refuses_them(auditor_client, number):
    company = Company.objects.get(studies__report_number=SEED)
    response = auditor_client.post(reverse("study_create"), {
        "report_number": number, "title": "新报告", "company": company.pk, "language": "zh-hans",
        "period_start": "2025-01-01", "period_end": "2025-12-31", "gwp_set": "AR6",
        "boundary": "cradle_to_gate", "certification_body": "认证机构",
        "standards": ["GB/T 24067-2024/ISO 14067:2018"],
    })
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not Study.objects.filter(report_number=number).exists()


def test_the_product_form_refuses_them(auditor_client):
    company = Company.objects.get(studies__report_number=SEED)
    response = auditor_client.post(reverse("product_create", args=[company.pk]),
                                   {"code": "..", "name": "点", "functional_unit": "1 台"})
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not Product.objects.filter(code="..").exists()


def _document(**changes):
    from footprint.services.interchange.exporting import study_to_document

    doc = study_to_document(Study.objects.get(report_number=SEED), for_licensee=True)
    doc.update(changes)
    return doc


def test_the_web_import_lists_them_as_problems(auditor_client):
    doc = _document(report_number="..")
    doc["products"][0]["code"] = "."
    doc.pop("claims", None)  # the seed's claims name product LV: they would be problems too
    upload = SimpleUploadedFile("study.json", json.dumps(doc, ensure_ascii=False).encode(),
                                content_type="application/json")
    html = auditor_client.post(reverse("study_import"), {"file": upload}).content.decode()
    assert "发现 2 个问题" in html and html.count(MESSAGE) == 2
    assert "products[0].code" in html and 'id="confirm-import"' not in html
    assert not Study.objects.filter(report_number="..").exists()


def test_the_api_import_refuses_them(auditor_client):
    response = auditor_client.post(reverse("api_study_import"), json.dumps(_document(report_number=".")),
                           content_type="application/json")
    assert response.status_code == 400
    assert any(MESSAGE in problem for problem in response.json()["problems"])
    assert not Study.objects.filter(report_number=".").exists()
