"""Which studies, companies and products may change (footprint/services/freeze.py)."""

from __future__ import annotations

import pytest
from django.utils import translation

from footprint.choices import StudyStatus
from footprint.models import Product, Study, StudyTransition
from footprint.services import freeze

pytestmark = pytest.mark.django_db

SEED, DEMO2 = "202508175GHG", "DEMO-2"


def _set(number: str, status: str) -> Study:
    Study.objects.filter(report_number=number).update(status=status)
    return Study.objects.get(report_number=number)


@pytest.mark.parametrize(("status", "error"), [
    (StudyStatus.DRAFT, None),
    (StudyStatus.CLIENT_REVIEW, freeze.StudyLockedError),
    (StudyStatus.CHANGES_REQUESTED, freeze.StudyLockedError),
    (StudyStatus.CLIENT_CONFIRMED, freeze.StudyLockedError),
    (StudyStatus.TECHNICAL_REVIEW, freeze.StudyLockedError),
    (StudyStatus.APPROVED, freeze.StudyLockedError),
    (StudyStatus.ISSUED, freeze.StudyFrozenError),
    (StudyStatus.SUPERSEDED, freeze.StudyFrozenError),
])
def test_only_a_draft_may_change(demo, status, error):
    study = _set(SEED, status)
    assert freeze.study_is_editable(study) is (error is None)
    if error is None:
        freeze.ensure_study_editable(study)
        return
    with translation.override("zh-hans"), pytest.raises(error) as raised:
        freeze.ensure_study_editable(study)
    # frozen is not merely locked: the message says which, and what to do
    assert type(raised.value) is error
    if error is freeze.StudyFrozenError:
        assert str(raised.value) == f"报告 {SEED} 已签发，数据已冻结，不能修改。如需更正，请创建修订版。"
    else:
        assert str(raised.value).startswith(f"报告 {SEED} 处于“{study.get_status_display()}”状态")


def test_a_company_is_held_by_its_non_draft_studies_and_names_them_in_order(demo):
    seed = Study.objects.get(report_number=SEED)
    company = seed.company
    assert freeze.studies_holding_company(company) == []
    assert freeze.company_change_refusal(company) == ""
    freeze.ensure_company_changeable(company)

    _set(SEED, StudyStatus.ISSUED)
    assert freeze.studies_holding_company(company) == [seed]
    with translation.override("zh-hans"):
        reason = freeze.company_change_refusal(company)
        assert f"企业“{company.name}”用于已签发或审阅中的报告 {SEED}，其信息不能修改" in reason
        with pytest.raises(freeze.SharedRecordFrozenError, match=SEED):
            freeze.ensure_company_changeable(company)
    # an unsaved company is held by nothing
    assert freeze.studies_holding_company(type(company)(name="new")) == []


def test_a_product_is_held_by_each_non_draft_study_using_it(demo):
    seed = Study.objects.get(report_number=SEED)
    lv = seed.study_products.get(product__code="LV").product
    assert freeze.product_change_refusal(lv) == ""
    _set(SEED, StudyStatus.CLIENT_REVIEW)
    assert freeze.studies_holding_product(lv) == [seed]
    with translation.override("zh-hans"):
        assert freeze.product_change_refusal(lv).startswith(f"产品 LV 用于已签发或审阅中的报告 {SEED}，不能修改")
        with pytest.raises(freeze.SharedRecordFrozenError):
            freeze.ensure_product_changeable(lv)
    assert freeze.studies_holding_product(Product(code="NEW")) == []


def test_a_study_belongs_to_its_company_once_sent(demo):
    seed = Study.objects.get(report_number=SEED)
    assert not freeze.study_has_been_sent(seed)
    assert freeze.company_move_refusal(seed, "Another Co.") == ""
    # a transition back to draft alone does not count as sent; one out of draft does
    StudyTransition.objects.create(study=seed, from_status=StudyStatus.CLIENT_REVIEW,
                                   to_status=StudyStatus.DRAFT)
    assert not freeze.study_has_been_sent(seed)
    StudyTransition.objects.create(study=seed, from_status=StudyStatus.DRAFT,
                                   to_status=StudyStatus.CLIENT_REVIEW)
    assert freeze.study_has_been_sent(seed)
    # staying with the same company is always allowed
    assert freeze.company_move_refusal(seed, seed.company.name) == ""
    with translation.override("zh-hans"):
        assert freeze.company_move_refusal(seed, "Another Co.") == (
            f"报告 {SEED} 已发送给企业“{seed.company.name}”审阅，不能改为企业“Another Co.”。"
            "为其他企业编制报告请使用新的报告编号。")


def test_the_refusal_lists_several_studies_once_each_in_order(demo):
    seed = Study.objects.get(report_number=SEED)
    demo2 = Study.objects.get(report_number=DEMO2)
    if demo2.company_id != seed.company_id:
        Study.objects.filter(pk=demo2.pk).update(company=seed.company)
    _set(SEED, StudyStatus.ISSUED)
    _set(DEMO2, StudyStatus.APPROVED)
    with translation.override("zh-hans"):
        reason = freeze.company_change_refusal(seed.company)
    assert f"报告 {SEED}、{DEMO2}，" in reason  # sorted by report number, digits first
