"""Reference data is versioned: GWP editions are added, never rewritten; drafts follow a
correction, issued studies keep the edition they were signed with."""

from decimal import Decimal

import pytest

from footprint.models import GwpSetVersion, GwpValue, Study, StudyGwpChange
from footprint.services.entry.history import study_history
from footprint.services.reference.loading import gwp_editions, load_reference_data, reference_gwp
from footprint.services.results import study_results


def _edition(gwp_set, version):
    return GwpSetVersion.objects.get(gwp_set=gwp_set, version=version)


def _values(version):
    return {gas: value for gas, value in version.values.values_list("gas", "value")}


def test_the_newest_shipped_edition_of_each_set_is_the_reference_table():
    newest = {}
    for edition in gwp_editions():
        newest[edition.gwp_set] = edition.values
    assert newest == reference_gwp()
    assert newest["AR6"]["SF6"] == Decimal("25200")


def test_after_migrate_ar6_edition_2_corrects_sf6_and_names_its_source_and_reason(db):
    v1, v2 = _edition("AR6", 1), _edition("AR6", 2)
    assert _values(v1)["SF6"] == Decimal("24300") and not v1.is_current
    assert _values(v2)["SF6"] == Decimal("25200") and v2.is_current
    assert "Table 7.SM.7" in v2.source and "25,200" in v2.reason and "25,200" in v2.reason_en
    # the correction changes SF6 and nothing else
    assert {g: v for g, v in _values(v1).items() if g != "SF6"} == {
        g: v for g, v in _values(v2).items() if g != "SF6"}
    assert _edition("AR5", 1).is_current and _values(_edition("AR5", 1))["CH4"] == Decimal("28")


@pytest.fixture
def demo2(demo):
    return Study.objects.get(report_number="DEMO-2")


def test_a_new_study_is_computed_with_the_current_edition(demo2):
    assert demo2.gwp_version == _edition("AR6", 2)
    sf6 = next(a for a in study_results(demo2).products[0].activities if a.gas == "SF6")
    # 3.6 kg SF6 a year ÷ 1,200 units × GWP 25,200
    assert sf6.kgco2e == pytest.approx(3.6 / 1200 * 25200)


def _installation_with_only_edition_1(studies):
    """An installation as it was before the correction: AR6 edition 1 only, studies on it."""
    v1, v2 = _edition("AR6", 1), _edition("AR6", 2)
    Study.objects.filter(pk__in=[s.pk for s in studies]).update(gwp_version=v1)
    Study.history.filter(id__in=[s.pk for s in studies]).update(gwp_version=v1)
    v2.values.all().delete()
    v2.delete()
    GwpSetVersion.objects.filter(pk=v1.pk).update(is_current=True)


def test_load_reference_data_adds_the_correction_and_moves_a_draft_once(demo2):
    _installation_with_only_edition_1([demo2])
    report = load_reference_data()
    assert report.gwp_created == 1 and report.studies_moved == 1 and report.gwp_conflicts == ()
    demo2.refresh_from_db()
    assert demo2.gwp_version.version == 2 and demo2.gwp_version.is_current
    move = StudyGwpChange.objects.get(study=demo2)
    assert (move.from_version.version, move.to_version.version) == (1, 2)
    # one history line says it
    lines = [c for e in study_history(demo2, for_licensee=True) for c in e.changes if c.field == "GWP 值版次"]
    assert [(c.old, c.new) for c in lines] == [("AR6 v1", "AR6 v2")]
    # an upgrade path: a second run adds and moves nothing
    again = load_reference_data()
    assert (again.gwp_created, again.studies_moved, again.factors_created) == (0, 0, 0)
    assert StudyGwpChange.objects.filter(study=demo2).count() == 1


def test_load_reference_data_leaves_an_issued_study_on_its_edition(demo2):
    _installation_with_only_edition_1([demo2])
    Study.objects.filter(pk=demo2.pk).update(status="issued")
    assert load_reference_data().studies_moved == 0
    demo2.refresh_from_db()
    assert demo2.gwp_version.version == 1
    sf6 = next(a for a in study_results(demo2).products[0].activities if a.gas == "SF6")
    assert sf6.kgco2e == pytest.approx(3.6 / 1200 * 24300)


def test_an_edition_that_exists_is_never_rewritten(db):
    v2 = _edition("AR6", 2)
    GwpValue.objects.filter(set_version=v2, gas="CH4").update(value=Decimal("30"))
    report = load_reference_data()
    assert report.gwp_conflicts == ("AR6 v2",)
    assert _values(_edition("AR6", 2))["CH4"] == Decimal("30")
