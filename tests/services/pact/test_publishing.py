"""PACT footprints of issued studies (footprint/services/pact/publishing.py): the seed's and
DEMO-2's footprints valid against the official v3 schema, ids kept, revisions deprecating."""

import pytest

from footprint.models import PactFootprint, Study, StudyProduct
from footprint.services.pact import events as pact_events
from footprint.services.pact import publishing as pact_publishing
from footprint.services.workflow import dispatch, issuing, revisions
from tests.pact_schema import assert_valid
from tests.workflow_steps import approve

pytestmark = pytest.mark.django_db

# What the seed report does not state and PACT requires (the auditor enters it before issuing).
SEED_PARTICULARS = {"mass_per_unit_kg": "680", "fossil_carbon_kg": "18.2",
                    "exempted_emissions_pct": "1.0"}


# Every study here is issued with a one-page report (tests/tiny_report.py): the footprints come
# from the issued snapshot and the study's facts, never from the PDF's pages.
@pytest.fixture
def issued_demo2(demo_users, signing, snapshot_tracker, tiny_issued_report):
    from footprint.services.demo.seed import issue_demo_study
    from tests.snapshots import replay_or_build

    # issued once, replayed in the next test (tests/snapshots.py)
    return Study.objects.get(pk=replay_or_build("pact_issued_demo2", lambda: issue_demo_study().pk,
                                                snapshot_tracker))


@pytest.fixture
def issued_seed(seed_study, demo_users, signing, tiny_issued_report):
    StudyProduct.objects.filter(study=seed_study).update(**SEED_PARTICULARS)
    u = demo_users
    approve(seed_study, u)
    return issuing.study_issue(study=seed_study, user=u["lead"], comment="签发")


def test_demo2_footprint_is_valid_and_hand_computed(issued_demo2):
    (item,) = pact_publishing.study_footprints(issued_demo2)
    assert item.missing == ()
    fp = item.data
    assert_valid(fp)
    pcf = fp["pcf"]
    # 165.000 + 47.1768374 + 182.900 (raw materials, transport, production: cradle to gate)
    assert pcf["pcfExcludingBiogenicUptake"] == "395.077"
    # primary: diesel 47.1768374 + production electricity 110 + SF6 72.9 = 230.0768374 → 58.24 %
    assert pcf["primaryDataShare"] == "58.2"
    assert pcf["ipccCharacterizationFactors"] == ["AR6"]
    assert pcf["crossSectoralStandards"] == ["ISO14067"]
    assert pcf["productMassPerDeclaredUnit"] == "850.000"
    assert pcf["exemptedEmissionsDescription"] == "原材料获取: 包装材料\n生产: 资本品"
    assert fp["companyIds"] == ["urn:pact:company:cn-uscc:91330100DEM0000002"]
    assert fp["productIds"] == ["urn:pact:product:cn-uscc:91330100DEM0000002:RMU"]
    assert fp["status"] == "Active"
    v = pcf["verification"]
    assert v["providerName"] == issued_demo2.issued_snapshot["certification_body"]
    assert f"/verify/{issued_demo2.verification_code}/" in v["comments"]
    assert issued_demo2.issued_sha256 in v["comments"]
    # The id was made at issue and is the same in every later export.
    assert PactFootprint.objects.get().id.hex == fp["id"].replace("-", "")
    assert pact_publishing.study_footprints(issued_demo2)[0].data == fp


def test_seed_footprints_are_valid_and_cradle_to_gate(issued_seed):
    items = pact_publishing.study_footprints(issued_seed)
    assert [i.code for i in items] == ["LV", "HV"]
    results = {p["code"]: p for p in issued_seed.issued_snapshot["results"]["products"]}
    for item in items:
        assert_valid(item.data)
        stages = {s["stage"]: s["kgco2e"] for s in results[item.code]["stages"]}
        gate = stages["raw_material_acquisition"] + stages["raw_material_transport"] + stages["production"]
        assert item.data["pcf"]["pcfExcludingBiogenicUptake"] == f"{gate:.3f}"
        assert item.data["pcf"]["outboundLogisticsGhgEmissions"] == f"{stages['distribution']:.3f}"
        assert item.data["pcf"]["crossSectoralStandards"] == ["PAS2050", "ISO14067"]
        assert "use and end-of-life stages are outside the PACT scope" in item.data["comment"]


def test_a_restricted_factors_source_is_versioned_by_code_not_by_year(issued_seed):
    """A factor whose licence forbids redistribution: its source is named (the report prints
    it) but not its year or publication date (the report does not), services/reference/licences.py."""
    from footprint.models import EmissionFactor

    def sources():
        return pact_publishing.study_footprints(issued_seed)[0].data["pcf"]["secondaryEmissionFactorSources"]

    grid = EmissionFactor.objects.get(code="CN-GRID-2022", version=1)
    before = sources()
    assert {"name": grid.source, "version": "2022"} in before
    EmissionFactor.objects.filter(pk=grid.pk).update(redistribution_allowed=False)
    after = sources()
    assert {"name": grid.source, "version": "CN-GRID-2022 v1"} in after
    assert [s for s in after if s["name"] != grid.source] == [s for s in before if s["name"] != grid.source]


def test_dqi_from_the_issued_activities_ratings(seed_study, demo_users, signing, tiny_issued_report):
    from footprint.models import ActivityRecord

    activities = ActivityRecord.objects.filter(stage__study_product__study=seed_study)
    # every activity rated alike: each mean is that score, whatever the weights
    activities.update(dq_reliability=2, dq_completeness=2, dq_technological=2,
                      dq_geographical=3, dq_temporal=1)
    # HV: one gate activity left unrated → no DQI for HV (a partial mean is never published)
    unrated = activities.filter(stage__study_product__product__code="HV",
                                stage__stage="production").first()
    ActivityRecord.objects.filter(pk=unrated.pk).update(dq_temporal=None)
    StudyProduct.objects.filter(study=seed_study).update(**SEED_PARTICULARS)
    u = demo_users
    approve(seed_study, u)
    study = issuing.study_issue(study=seed_study, user=u["lead"], comment="签发")
    items = {i.code: i.data for i in pact_publishing.study_footprints(study)}
    assert items["LV"]["pcf"]["dqi"] == {"technologicalDQR": "2.0", "geographicalDQR": "3.0",
                                         "temporalDQR": "1.0"}
    assert "dqi" not in items["HV"]["pcf"]
    assert_valid(items["LV"])


def test_a_product_lacking_pact_particulars_gets_no_footprint(seed_study, demo_users, signing, tiny_issued_report):
    u = demo_users
    approve(seed_study, u)
    study = issuing.study_issue(study=seed_study, user=u["lead"])
    items = pact_publishing.study_footprints(study)
    assert all(i.data is None for i in items)
    assert items[0].missing == ("productMassPerDeclaredUnit", "fossilCarbonContent",
                                "exemptedEmissionsPercent")
    assert "productMassPerDeclaredUnit" in pact_publishing.missing_message(items[0])


def test_a_revision_deprecates_and_names_its_predecessor(issued_demo2, demo_users):
    u = demo_users
    (old,) = pact_publishing.study_footprints(issued_demo2)
    revision = revisions.study_revise(study=issued_demo2, user=u["auditor"])
    for action, who in (("send_for_review", "auditor"), ("confirm", "client2"),
                        ("submit_for_technical_review", "auditor"), ("approve", "lead"),
                        ("issue", "lead")):
        revision = dispatch.perform(action, study=revision, user=u[who])
    (new,) = pact_publishing.study_footprints(revision)
    (deprecated,) = pact_publishing.study_footprints(Study.objects.get(pk=issued_demo2.pk))
    assert deprecated.id == old.id
    assert deprecated.data["status"] == "Deprecated"
    assert new.data["status"] == "Active"
    assert new.id != old.id
    assert new.data["precedingPfIds"] == [old.id]
    assert deprecated.data["validityPeriodEnd"] == new.data["created"]
    assert_valid(new.data)
    assert_valid(deprecated.data)


def test_a_pact_failure_never_stops_issuing(seed_study, demo_users, signing, monkeypatch, tiny_issued_report):
    def broken(*args, **kwargs):
        raise RuntimeError("mapping bug")

    monkeypatch.setattr(pact_events, "study_published", broken)
    u = demo_users
    approve(seed_study, u)
    study = issuing.study_issue(study=seed_study, user=u["lead"])
    assert study.status == "issued"
    assert not PactFootprint.objects.filter(study_product__study=study).exists()  # rolled back
    assert len(pact_publishing.study_footprints(study)) == 2  # made on first need
