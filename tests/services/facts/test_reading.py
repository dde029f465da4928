"""A study's facts read from the database (footprint/services/facts/reading.py): once, as
entered, in a constant number of queries, many studies at once."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from footprint.choices import NARRATIVE_SECTIONS, Stage
from footprint.models import ActivityRecord, EmissionFactor, Study, StudyProduct
from footprint.services.facts.reading import certification_body, studies_facts, study_facts
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


def _large(report_number, activities):
    from footprint.services.demo.synthetic import synthetic_study_document
    from footprint.services.interchange.document import Document
    from footprint.services.interchange.importing import import_study

    return import_study(Document(synthetic_study_document(
        report_number=report_number, activities=activities, products=2)))


def _queries(read):
    with CaptureQueriesContext(connection) as queries:
        out = read()
    return len(queries), out


def test_the_facts_take_the_same_queries_whatever_the_study_holds(seed_study):
    seed = Study.objects.get(pk=seed_study.pk)  # without its company loaded
    large = Study.objects.get(pk=_large("LARGE", 400).pk)
    n_seed, _facts = _queries(lambda: study_facts(seed))
    n_large, facts = _queries(lambda: study_facts(large))
    # products, stages, activities, factors, claims, team, auditors, the company (a study read
    # without it) and the lead verifier (the seed study has one)
    assert n_seed <= 9 and n_large <= n_seed
    assert sum(len(p.activities) for p in facts.products) == 400


def test_many_studies_are_read_in_the_queries_of_one(seed_study):
    studies = [_large(f"S{i}", 30) for i in range(3)]
    n_one, _ = _queries(lambda: studies_facts(studies[:1], people=False))
    n_all, facts = _queries(lambda: studies_facts([*studies, seed_study], people=False))
    assert n_all <= n_one + 1   # + the seed study's company, not loaded with the others'
    assert [facts[s.pk].report_number for s in studies] == ["S0", "S1", "S2"]
    assert [len(p.activities) for p in facts[studies[1].pk].products] == [15, 15]
    # each study has its own rows only
    seed = facts[seed_study.pk]
    assert {a.record_id for p in seed.products for a in p.activities} == set(
        ActivityRecord.objects.filter(stage__study_product__study=seed_study).values_list("id", flat=True))
    # the people are read only when asked for
    assert seed.team == () and seed.lead_verifier is None


def test_the_facts_carry_what_the_calculation_and_the_exports_read(seed_study):
    """Claims with their figures, a row's distribution and ratings, a factor's published
    uncertainty and family, a product's PACT particulars: as stored."""
    record = ActivityRecord.objects.filter(stage__study_product__study=seed_study).order_by("id").first()
    ActivityRecord.objects.filter(pk=record.pk).update(
        distribution="triangular", distribution_low=Decimal("1"), distribution_high=Decimal("9"),
        dq_temporal=2, notes="抄表")
    StudyProduct.objects.filter(study=seed_study, product__code="LV").update(
        mass_per_unit_kg=Decimal("812.5"))
    facts = study_facts(seed_study)
    activity = next(a for p in facts.products for a in p.activities if a.record_id == record.pk)
    assert (activity.distribution, activity.distribution_low, activity.distribution_high) == (
        "triangular", Decimal("1"), Decimal("9"))
    assert (activity.dq_temporal, activity.notes) == (2, "抄表")
    assert facts.products[0].mass_per_unit_kg == Decimal("812.5")
    assert facts.products[1].mass_per_unit_kg is None
    stored = list(seed_study.claims.order_by("position", "id"))
    assert [(c.level, c.printed_value, c.unit, c.place) for c in facts.claims] == [
        (c.level, c.printed_value, c.unit, c.place) for c in stored]
    assert [c.product for c in facts.claims] == [
        c.study_product.product.code if c.study_product_id else "" for c in stored]
    grid = next(f for f in facts.factors.values() if f.code == "CN-GRID-2022")
    factor = EmissionFactor.objects.get(code="CN-GRID-2022", version=grid.version)
    assert (grid.family, grid.distribution) == (factor.family, factor.distribution)
    assert facts.language == seed_study.language and facts.translations == seed_study.translations


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
