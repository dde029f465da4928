"""The stage editor: rows with their computed kgCO₂e, saving added / changed / deleted rows,
errors next to the field without losing input, htmx totals, frozen studies, the factor picker
and the as-you-type unit check."""

from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


def _url(stage="raw_material_acquisition", product="LV"):
    return reverse("study_product_stages", args=[SEED, product]) + f"?stage={stage}"


def _post_data(stage, *, new=(), changes=None, delete=()):
    """The POST a browser sends for a stage page: every existing row as shown, plus new rows."""
    from footprint.selectors import stage_activities

    changes = changes or {}
    data = {
        "stage-included": stage.included, "stage-excluded": stage.excluded,
        "stage-exclusion_reason": stage.exclusion_reason,
    }
    rows = list(stage_activities(stage))
    for i, record in enumerate(rows):
        values = {
            "id": record.pk, "name": record.name, "quantity": record.quantity, "unit": record.unit,
            "basis": record.basis, "factor": record.factor_id, "allocation": record.allocation,
            "data_type": record.data_type, "source": record.source,
            "claimed_kgco2e_per_unit": record.claimed_kgco2e_per_unit or "",
            "uncertainty_pct": record.uncertainty_pct or "", "notes": record.notes,
            "verification": record.verification, "verified_evidence": record.verified_evidence_id or "",
        }
        values.update(changes.get(record.pk, {}))
        if record.pk in delete:
            values["DELETE"] = "on"
        data.update({f"act-{i}-{k}": v for k, v in values.items()})
    for j, values in enumerate(new, start=len(rows)):
        row = {"basis": "annual_total", "allocation": "1", "data_type": "primary", **values}
        data.update({f"act-{j}-{k}": v for k, v in row.items()})
    data.update({"act-TOTAL_FORMS": len(rows) + len(new), "act-INITIAL_FORMS": len(rows),
                 "act-MIN_NUM_FORMS": 0, "act-MAX_NUM_FORMS": 1000})
    return data


@pytest.fixture
def lv(demo):
    from footprint.models import LifecycleStage

    return {s.stage: s for s in LifecycleStage.objects.filter(
        study_product__study__report_number=SEED, study_product__product__code="LV")}


@pytest.fixture
def grid_2022(demo):
    from footprint.models import EmissionFactor

    return EmissionFactor.objects.get(code="CN-GRID-2022")


def test_it_shows_each_row_with_its_kgco2e_and_the_stage_and_product_totals(auditor_client, lv):
    response = auditor_client.get(_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "原辅料获取及加工用电" in html
    assert 'data-row-kg>180.200<' in html  # 94,594,493.664 kWh × 0.5366 / 281,683
    assert 'data-product-total="LV">212.852<' in html
    assert 'data-stage-total="raw_material_acquisition">180.200<' in html
    # The row's claimed-versus-recomputed warning sits under it.
    assert "CN-GRID-2021" in html


def test_adding_a_row_saves_it_at_the_end_and_recomputes(auditor_client, lv, grid_2022):
    from footprint.models import ActivityRecord
    from footprint.services.results import study_results

    stage = lv["production"]
    data = _post_data(stage, new=[{
        "name": "空压机用电", "quantity": "28168.3", "unit": "kWh", "factor": grid_2022.pk,
        "data_type": "secondary", "source": "电表",
    }])
    response = auditor_client.post(_url("production"), data)
    assert response.status_code == 302
    added = ActivityRecord.objects.get(name="空压机用电")
    assert added.stage == stage and added.data_type == "secondary"
    last = ActivityRecord.objects.filter(stage__study_product=stage.study_product).order_by("-position")[1]
    assert added.position == last.position + 1
    lv_result = study_results(stage.study_product.study).product("LV")
    row = next(a for a in lv_result.activities if a.record_id == added.pk)
    assert row.kgco2e == pytest.approx(28168.3 * 0.5366 / 281683)


def test_a_bad_unit_is_reported_next_to_the_field_and_nothing_typed_is_lost(auditor_client, lv, grid_2022):
    from footprint.models import ActivityRecord

    before = ActivityRecord.objects.count()
    stage = lv["production"]
    data = _post_data(stage, new=[{"name": "新的一行", "quantity": "12.5", "unit": "kg",
                                   "factor": grid_2022.pk, "source": "手工录入的来源"}])
    data["stage-included"] = "修改过的包含过程"
    response = auditor_client.post(_url("production"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert ActivityRecord.objects.count() == before
    assert "单位 kg 无法与排放因子 CN-GRID-2022 的单位 kg/kWh 相乘得到质量" in html
    assert 'value="新的一行"' in html and 'value="12.5"' in html and 'value="手工录入的来源"' in html
    assert "修改过的包含过程" in html
    stage.refresh_from_db()
    assert stage.included != "修改过的包含过程"  # nothing saved, not even the boundary


def test_changing_and_deleting_rows(auditor_client, lv):
    from footprint.models import ActivityRecord

    stage = lv["raw_material_acquisition"]
    record = ActivityRecord.objects.get(stage=stage)
    data = _post_data(stage, changes={record.pk: {"quantity": "1000", "allocation": "0.5"}})
    assert auditor_client.post(_url(), data).status_code == 302
    record.refresh_from_db()
    assert record.quantity == Decimal("1000") and record.allocation == Decimal("0.5")

    data = _post_data(stage, delete=[record.pk])
    assert auditor_client.post(_url(), data).status_code == 302
    assert not ActivityRecord.objects.filter(pk=record.pk).exists()


def test_an_out_of_range_allocation_is_refused_with_a_message(auditor_client, lv):
    from footprint.models import ActivityRecord

    stage = lv["raw_material_acquisition"]
    record = ActivityRecord.objects.get(stage=stage)
    response = auditor_client.post(_url(), _post_data(stage, changes={record.pk: {"allocation": "1.5"}}))
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    record.refresh_from_db()
    assert record.allocation == Decimal("1")


def test_a_row_id_from_another_stage_is_rejected(auditor_client, lv):
    from footprint.models import ActivityRecord

    stage = lv["raw_material_acquisition"]
    other = ActivityRecord.objects.get(stage=lv["production"])
    data = _post_data(stage)
    data["act-0-id"] = other.pk
    data["act-0-quantity"] = "1"
    response = auditor_client.post(_url(), data)
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.quantity != Decimal("1")


def test_saving_through_htmx_swaps_the_stage_and_updates_the_totals_out_of_band(auditor_client, lv):
    from footprint.models import ActivityRecord

    stage = lv["raw_material_acquisition"]
    record = ActivityRecord.objects.get(stage=stage)
    data = _post_data(stage, changes={record.pk: {"quantity": str(record.quantity / 2)}})
    response = auditor_client.post(_url(), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="stage-editor" data-saved="1">')
    assert '<div id="product-total" class="text-end ms-auto" hx-swap-oob="true">' in html
    assert 'id="stage-nav"' in html and 'hx-swap-oob="true"' in html
    assert 'data-row-kg>90.100<' in html  # half of 180.200
    assert 'data-product-total="LV">122.752<' in html  # 212.852 − 90.100
    assert "已保存" in html


def test_a_frozen_study_shows_its_rows_read_only_and_refuses_changes(auditor_client, lv):
    from footprint.choices import StudyStatus
    from footprint.models import ActivityRecord, Study

    Study.objects.filter(report_number=SEED).update(status=StudyStatus.ISSUED)
    stage = lv["raw_material_acquisition"]
    record = ActivityRecord.objects.get(stage=stage)
    page = auditor_client.get(_url()).content.decode()
    assert 'id="save-stage"' not in page and " readonly" in page
    response = auditor_client.post(_url(), _post_data(stage, changes={record.pk: {"quantity": "1"}}))
    assert "已签发，数据已冻结" in response.content.decode()
    record.refresh_from_db()
    assert record.quantity != Decimal("1")


def test_extra_blank_rows_without_javascript(auditor_client, lv):
    html = auditor_client.get(_url() + "&extra=2").content.decode()
    assert 'name="act-1-name"' in html and 'name="act-2-name"' in html
    assert 'name="act-TOTAL_FORMS" value="3"' in html
    assert 'name="act-INITIAL_FORMS" value="1"' in html


def test_an_unknown_stage_or_product_is_404(auditor_client, lv):
    assert auditor_client.get(_url("nonsense")).status_code == 404
    assert auditor_client.get(_url(product="NOPE")).status_code == 404


def test_the_unit_check_accepts_convertible_units_and_explains_the_others(auditor_client, grid_2022):
    url = reverse("unit_check")
    ok = auditor_client.get(url, {"unit": "MWh", "factor": grid_2022.pk}).json()
    assert ok == {"ok": True, "message": "", "expected": "kWh"}
    wrong = auditor_client.get(url, {"unit": "kg", "factor": grid_2022.pk}).json()
    assert wrong["ok"] is False and "kWh" in wrong["message"]
    unknown = auditor_client.get(url, {"unit": "bananas"}).json()
    assert unknown["ok"] is False and "bananas" in unknown["message"]


def test_the_factor_picker_finds_factors_by_code_or_name_with_their_provenance(auditor_client, demo):
    html = auditor_client.get(reverse("factor_picker"), {"q": "柴油"}).content.decode()
    assert 'data-code="CN-DIESEL"' in html and "CN-GRID" not in html
    html = auditor_client.get(reverse("factor_picker"), {"q": "EAST"}).content.decode()
    assert 'data-code="CN-GRID-EAST-2023"' in html
    assert 'data-value="0.5500"' in html and 'data-unit="kg/kWh"' in html
    assert 'data-year="2023"' in html and 'data-region="CN-East"' in html
    assert "生态环境部" in html  # source
    assert 'data-activity-unit="kWh"' in html


def test_the_factor_lookup_gives_pasted_codes_their_current_factor(auditor_client, demo):
    from footprint.models import EmissionFactor
    from footprint.services.reference.factors import factor_revise

    grid = EmissionFactor.objects.get(code="CN-GRID-2022", is_current=True)
    newer = factor_revise(factor=grid, changes={"value": Decimal("0.5400")})
    url = reverse("factor_lookup")
    answer = auditor_client.get(url + "?code=CN-GRID-2022&code=CN-DIESEL&code=NOPE&code=CN-DIESEL").json()
    assert answer["unknown"] == ["NOPE"]
    assert set(answer["factors"]) == {"CN-GRID-2022", "CN-DIESEL"}
    assert answer["factors"]["CN-GRID-2022"] == {
        "id": newer.pk, "code": "CN-GRID-2022", "version": 2, "value": "0.5400", "unit": "kg/kWh",
        "gas": "CO2", "year": 2022, "region": "CN", "activityUnit": "kWh"}
    assert answer["factors"]["CN-DIESEL"]["activityUnit"] == "kg"


def test_company_contacts_cannot_use_the_factor_lookup(client, demo):
    from footprint.models import User

    client.force_login(User.objects.get(username="client"))
    assert client.get(reverse("factor_lookup"), {"code": "CN-DIESEL"}).status_code == 403


def test_a_study_under_review_is_locked_in_the_stage_editor(auditor_client, lv):
    from footprint.choices import StudyStatus
    from footprint.models import ActivityRecord, Study

    Study.objects.filter(report_number=SEED).update(status=StudyStatus.CLIENT_REVIEW)
    stage = lv["raw_material_acquisition"]
    record = ActivityRecord.objects.get(stage=stage)
    page = auditor_client.get(_url()).content.decode()
    assert "数据已锁定" in page and 'id="save-stage"' not in page
    response = auditor_client.post(_url(), _post_data(stage, changes={record.pk: {"quantity": "1"}}))
    assert "数据已锁定" in response.content.decode()
    record.refresh_from_db()
    assert record.quantity != Decimal("1")


@pytest.mark.parametrize("unit", ["kg**9**9**9", "kWh("])
def test_a_unit_that_is_no_unit_is_a_form_error_not_a_crash(auditor_client, lv, grid_2022, unit):
    # kg**9**9**9 made pint compute 9^(9^9) and the worker was killed; kWh( answered 500.
    from footprint.models import ActivityRecord

    before = ActivityRecord.objects.count()
    stage = lv["production"]
    data = _post_data(stage, new=[{"name": "新的一行", "quantity": "1", "unit": unit,
                                   "factor": grid_2022.pk}])
    response = auditor_client.post(_url("production"), data)
    assert response.status_code == 200
    assert f"无法识别的单位 {unit}：" in response.content.decode()
    assert ActivityRecord.objects.count() == before
    check = auditor_client.get(reverse("unit_check"), {"unit": unit, "factor": grid_2022.pk})
    assert check.status_code == 200 and check.json()["ok"] is False


def test_a_locked_study_shows_long_sources_whole_as_text_not_clipped_in_an_input(auditor_client, lv):
    from footprint.choices import StudyStatus
    from footprint.models import ActivityRecord, Study

    long_source = "供应商提供的2024年度能源消耗台账及第三方检测报告（编号 LAB-2024-0917）" * 3
    record = ActivityRecord.objects.get(stage=lv["raw_material_acquisition"])
    ActivityRecord.objects.filter(pk=record.pk).update(source=long_source, notes="按月汇总的电表读数")
    Study.objects.filter(report_number=SEED).update(status=StudyStatus.ISSUED)
    page = auditor_client.get(_url()).content.decode()
    assert f'<div class="readonly-text" data-readonly="source">{long_source}</div>' in page
    assert 'data-readonly="notes">按月汇总的电表读数</div>' in page
    assert f'value="{long_source}"' not in page and 'name="act-0-source"' not in page
    # the editable view keeps the input
    Study.objects.filter(report_number=SEED).update(status=StudyStatus.DRAFT)
    page = auditor_client.get(_url()).content.decode()
    assert f'name="act-0-source" value="{long_source}"' in page and "readonly-text" not in page
