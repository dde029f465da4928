"""The factor library: search and filters, provenance, new factors and new versions."""

from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_search_and_filters(auditor_client):
    url = reverse("factor_list")
    html = auditor_client.get(url, {"q": "华东"}).content.decode()
    assert "CN-GRID-EAST-2023" in html and "CN-GRID-2022" not in html
    html = auditor_client.get(url, {"year": "2021"}).content.decode()
    assert "CN-GRID-2021" in html and "CN-GRID-2023" not in html
    html = auditor_client.get(url, {"category": "fuel"}).content.decode()
    assert "CN-DIESEL" in html and "CN-GRID" not in html
    html = auditor_client.get(url, {"region": "CN-South", "gas": "CO2", "source": "2023"}).content.decode()
    assert "CN-GRID-SOUTH-2023" in html and "CN-GRID-EAST-2023" not in html


def test_a_factor_shows_its_provenance_and_the_studies_that_use_it(auditor_client):
    from footprint.models import EmissionFactor

    factor = EmissionFactor.objects.get(code="CN-GRID-2022")
    html = auditor_client.get(reverse("factor_detail", args=[factor.pk])).content.decode()
    assert "0.5366" in html and "kg/kWh" in html and "2022" in html
    assert "关于发布2022年电力二氧化碳排放因子的公告" in html
    used = html.split('id="factor-studies"')[1]
    assert "202508175GHG" in used and "DEMO-2" not in used
    diesel = EmissionFactor.objects.get(code="CN-DIESEL")
    html = auditor_client.get(reverse("factor_detail", args=[diesel.pk])).content.decode()
    assert "× 44/12 =" in html  # derived from NCV × carbon content × oxidation


def test_adding_a_factor(auditor_client):
    from footprint.models import EmissionFactor

    response = auditor_client.post(reverse("factor_create"), {
        "code": "STEEL-BOF", "name_zh": "转炉钢", "category": "material", "gas": "CO2e",
        "value": "2.1", "unit": "t/t", "year": "2023", "region": "CN", "source": "测试数据库"})
    factor = EmissionFactor.objects.get(code="STEEL-BOF")
    assert response["Location"] == reverse("factor_detail", args=[factor.pk])
    assert factor.version == 1 and factor.is_current and factor.value == Decimal("2.1")


def test_a_factor_needs_a_known_unit_and_a_value_or_a_derivation(auditor_client):
    from footprint.models import EmissionFactor

    response = auditor_client.post(reverse("factor_create"), {
        "code": "BAD", "name_zh": "坏", "category": "other", "gas": "CO2", "unit": "kg/bananas",
        "source": "x"})
    html = response.content.decode()
    assert "无法识别的单位 kg/bananas" in html
    assert "请填写因子值，或低位发热量、含碳量和氧化率" in html
    assert not EmissionFactor.objects.filter(code="BAD").exists()


def test_a_new_version_of_a_used_factor_leaves_the_studies_numbers_alone(auditor_client):
    from footprint.models import EmissionFactor, Study
    from footprint.services.results import study_results

    old = EmissionFactor.objects.get(code="CN-GRID-2022")
    seed = Study.objects.get(report_number="202508175GHG")
    before = study_results(seed).product("LV").total_kgco2e
    data = {f: getattr(old, f) or "" for f in ("name_zh", "name_en", "category", "unit", "gas",
                                               "year", "region", "source", "published", "notes")}
    data["value"] = "0.5400"
    response = auditor_client.post(reverse("factor_new_version", args=[old.pk]), data)
    new = EmissionFactor.objects.get(code="CN-GRID-2022", version=2)
    assert response["Location"] == reverse("factor_detail", args=[new.pk])
    old.refresh_from_db()
    assert new.is_current and not old.is_current and old.value == Decimal("0.5366")
    assert study_results(seed).product("LV").total_kgco2e == before


def test_the_factor_form_keeps_the_decimals_as_entered(auditor_client):
    """EmissionFactor.value_decimals (docs/numbers.md): 2.100 prints as 2.100, not 2.1."""
    from footprint.models import EmissionFactor

    auditor_client.post(reverse("factor_create"), {
        "code": "STEEL-BOF", "name_zh": "转炉钢", "category": "material", "gas": "CO2e",
        "value": "2.100", "unit": "t/t", "year": "2023", "region": "CN", "source": "测试数据库"})
    factor = EmissionFactor.objects.get(code="STEEL-BOF")
    assert factor.value_decimals == 3
    html = auditor_client.get(reverse("factor_detail", args=[factor.pk])).content.decode()
    assert "2.100" in html
    # the new-version form shows the value as published, so an unchanged value keeps them
    form = auditor_client.get(reverse("factor_new_version", args=[factor.pk])).content.decode()
    assert 'value="2.100"' in form


@pytest.mark.parametrize(("field", "value"), [("unit", "kg**9**9**9"), ("unit", "kWh("),
                                              ("ncv", "1 GJ**9**9**9")])
def test_a_unit_that_is_no_unit_is_a_form_error_on_the_factor_form(auditor_client, field, value):
    from footprint.models import EmissionFactor

    data = {"code": "BAD", "name_zh": "坏", "category": "other", "gas": "CO2", "unit": "kg/kg",
            "source": "x", "ncv": "43.330 GJ/t", "carbon_content": "20.20 t/TJ", "oxidation_rate": "0.98"}
    data[field] = value
    response = auditor_client.post(reverse("factor_create"), data)
    assert response.status_code == 200
    assert "无法识别的单位" in response.content.decode()
    assert not EmissionFactor.objects.filter(code="BAD").exists()


def test_the_list_prints_each_factor_as_its_detail_page_does_derived_ones_included(auditor_client):
    import re

    from footprint.models import EmissionFactor

    html = auditor_client.get(reverse("factor_list")).content.decode()
    assert "推导值" not in html
    for factor in EmissionFactor.objects.filter(code__in=["CN-DIESEL", "CN-GRID-2022", "CN-GRID-2021"]):
        row = re.search(rf'{factor.code}</a>.*?</tr>', html, re.S).group(0)
        detail = auditor_client.get(reverse("factor_detail", args=[factor.pk])).content.decode()
        printed = re.search(r'<span class="total-figure">([^<]+)</span>', detail).group(1)
        assert re.search(rf'<td class="num text-nowrap">{re.escape(printed)}', row), (factor.code, printed)
    diesel = re.search(r'CN-DIESEL</a>.*?</tr>', html, re.S).group(0)
    assert "3.145" in diesel and "推导" in diesel  # the value it derives to, marked as derived


def test_the_starter_library_s_notes_are_in_the_user_s_language(auditor_client):
    from footprint.models import EmissionFactor

    diesel = EmissionFactor.objects.get(code="CN-DIESEL", is_current=True)
    url = reverse("factor_detail", args=[diesel.pk])
    html = auditor_client.get(url).content.decode()
    assert "低位发热量 × 单位热值含碳量" in html and "carbon content x oxidation" not in html
    auditor_client.cookies["django_language"] = "en"
    html = auditor_client.get(url).content.decode()
    assert "NCV x carbon content x oxidation x 44/12 = 3.1451" in html
