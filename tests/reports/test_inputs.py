"""What a report reads from the database (footprint/reports/inputs.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from footprint.choices import NARRATIVE_SECTIONS, StudyStatus
from footprint.models import Study
from footprint.reports import inputs as I
from footprint.services.facts.reading import certification_body

pytestmark = pytest.mark.django_db


def _load(study, **kw):
    return I.load_report_inputs(study, asset_urls={"logo": "/static/logo.svg"}, **kw)


def test_the_report_language_is_the_requested_one_if_the_report_has_it(seed_study):
    assert I.report_language(seed_study, "en") == "en"
    assert I.report_language(seed_study, "fr") == "zh-hans"  # the study's own
    seed_study.language = "de"
    assert I.report_language(seed_study, None) == "zh-hans"  # neither: Chinese


@override_settings(PUBLIC_BASE_URL="https://pcf.example.com/", CERTIFICATION_BODY_NAME="某认证",
                   CERTIFICATION_BODY_NAME_EN="Some CB")
def test_urls_and_the_certification_body_come_from_the_settings(seed_study):
    assert I.verification_url("abc") == "https://pcf.example.com/verify/abc/"
    assert certification_body(seed_study, "en") == "三信国际检测认证有限公司"  # the study's own
    seed_study.certification_body = ""
    assert certification_body(seed_study, "en") == "Some CB"
    assert certification_body(seed_study, "zh-hans") == "某认证"


def test_the_seed_study_is_read_whole_with_its_calculation(seed_study):
    inputs = _load(seed_study)
    assert inputs.language == "zh-hans" and not inputs.final
    assert [p.code for p in inputs.products] == ["LV", "HV"]
    assert [p.annual_output for p in inputs.products] == [Decimal(281683), Decimal(84)]
    assert sum(len(p.activities) for p in inputs.products) == 10
    assert sorted(f.code for f in inputs.factors.values()) == ["CN-DIESEL", "CN-GRID-2022"]
    # the calculation ran on the same rows: the recomputed totals (manage.py calculate)
    totals = {p.code: round(p.total_kgco2e, 3) for p in inputs.result.products}
    assert totals == {"LV": 212.852, "HV": 226.496}
    # an activity points at its factor by key
    first = inputs.products[0].activities[0]
    assert inputs.factors[first.factor_key].code == "CN-GRID-2022"
    assert inputs.factors[first.factor_key].value_decimals == 4
    assert inputs.study.certification_body == "三信国际检测认证有限公司"
    assert inputs.assets == {"logo": "/static/logo.svg"}


def test_every_narrative_section_is_entered_or_composed(seed_study):
    seed_study.improvements = ""
    inputs = _load(seed_study)
    assert set(inputs.narratives) == set(NARRATIVE_SECTIONS)
    assert inputs.narratives["allocation"].text == seed_study.allocation.strip()
    assert not inputs.narratives["allocation"].is_default
    composed = inputs.narratives["improvements"]
    assert composed.is_default and composed.text  # never an empty section


def test_the_english_report_reads_the_studys_english_wording(seed_study):
    inputs = _load(seed_study, language="en")
    assert inputs.language == "en"
    assert inputs.products[0].name == "Low-voltage switchgear assembly"
    assert inputs.study.company.name == "Zhongdian Huacheng Technology Co., Ltd."
    assert inputs.study.title == seed_study.translations["en"]["texts"]["title"]
    # the numbers do not depend on the language
    assert round(inputs.result.products[0].total_kgco2e, 3) == 212.852


def test_a_draft_lists_what_is_missing_and_a_final_report_does_not(seed_study):
    draft = _load(seed_study)
    assert draft.missing  # the seed lacks e.g. the company's credit code
    assert draft.qr_svg == "" and draft.verification_url == ""
    final = _load(seed_study, final=True)
    assert final.missing == ()


@override_settings(PUBLIC_BASE_URL="https://pcf.example.com")
def test_an_issued_study_carries_its_verification_url_and_qr_code(seed_study):
    Study.objects.filter(pk=seed_study.pk).update(verification_code="k3y", status=StudyStatus.ISSUED)
    inputs = _load(Study.objects.get(pk=seed_study.pk), final=True)
    assert inputs.verification_url == "https://pcf.example.com/verify/k3y/"
    assert inputs.qr_svg.startswith("<svg") and inputs.study.verification_code == "k3y"
