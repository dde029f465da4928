"""A study's facts read from the database (footprint/services/facts/reading.py): once, as
entered, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from footprint.choices import NARRATIVE_SECTIONS, Stage
from footprint.selectors import study_products_with_data
from footprint.services.facts.reading import certification_body, study_facts
from footprint.services.report_prose.translation import report_terms

pytestmark = pytest.mark.django_db


def test_the_seed_studys_facts_are_its_rows_as_entered(seed_study):
    facts = study_facts(seed_study)
    assert facts.report_number == "202508175GHG"
    assert facts.company.name == seed_study.company.name          # Chinese, as entered
    assert [p.code for p in facts.products] == ["LV", "HV"]
    lv = facts.products[0]
    assert lv.name == "低压成套开关设备"
    # stages in life-cycle order, each with the number of its activities
    assert [s.stage for s in lv.stages] == [s for s in Stage.values if s in {s.stage for s in lv.stages}]
    assert sum(s.activity_count for s in lv.stages) == len(lv.activities)
    # every activity's factor is among the facts' factors, read once each
    assert {a.factor_key for p in facts.products for a in p.activities} == set(facts.factors)
    assert sorted(f.code for f in facts.factors.values()) == ["CN-DIESEL", "CN-GRID-2022"]
    assert set(facts.texts) == set(NARRATIVE_SECTIONS)
    assert facts.texts["allocation"] == seed_study.allocation


def test_the_facts_take_the_same_queries_whatever_the_study_holds(seed_study):
    study_products = study_products_with_data(seed_study)
    with CaptureQueriesContext(connection) as queries:
        study_facts(seed_study, study_products=study_products)
    # team, auditors, lead verifier, claims (the company and the superseded study are loaded
    # with the study or absent)
    assert len(queries) <= 5


def test_the_report_terms_come_from_the_facts_in_report_order(seed_study):
    terms = report_terms(study_facts(seed_study))
    assert terms[0] == seed_study.company.name
    assert "低压成套开关设备" in terms and len(terms) == len(set(terms))
    assert terms.index("低压成套开关设备") < terms.index(seed_study.team.first().name)


def test_a_study_without_a_certification_body_names_the_settings_one(seed_study, settings):
    settings.CERTIFICATION_BODY_NAME, settings.CERTIFICATION_BODY_NAME_EN = "某认证", "Some CB"
    seed_study.certification_body = ""
    assert certification_body(seed_study, "zh-hans") == "某认证"
    assert certification_body(seed_study, "en") == "Some CB"
