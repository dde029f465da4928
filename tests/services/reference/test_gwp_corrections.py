"""What a GWP correction changes: an issued study is told, a moved draft shows it."""

import pytest
from django.urls import reverse

from footprint.models import GwpSetVersion, Study, StudyGwpChange
from footprint.services.calculation.study import (
    ActivityInput,
    FactorInput,
    ProductInput,
    StudyInput,
    calculate_study,
)
from footprint.services.reference.gwp_corrections import result_changes, study_gwp_correction
from footprint.services.reference.loading import load_reference_data


def _study(sf6_gwp):
    factors = {"SF6@1": FactorInput("SF6@1", "SF6", 1.0, "kg/kg", "SF6"),
               "E@1": FactorInput("E@1", "E", 0.5, "kg/kWh", "CO2")}
    return StudyInput(
        report_number="R", gwp_set="AR6", boundary="cradle_to_gate",
        gwp={"CO2": 1.0, "SF6": sf6_gwp}, factors=factors,
        products=(ProductInput("P", "p", "1 台", 10.0, (
            ActivityInput("production", "SF6 loss", 0.01, "kg", "SF6@1"),
            ActivityInput("raw_material_acquisition", "power", 100.0, "kWh", "E@1"),
        )),),
    )


def test_result_changes_lists_the_total_and_the_stages_that_moved():
    before, after = calculate_study(_study(24300.0)), calculate_study(_study(25200.0))
    changes = result_changes(before, after)
    # SF6: 0.01 kg ÷ 10 units × 24,300 = 24.3 → × 25,200 = 25.2; power 100 × 0.5 ÷ 10 = 5 unchanged
    assert [(c.stage, round(c.before, 6), round(c.after, 6)) for c in changes] == [
        (None, 29.3, 30.2), ("production", 24.3, 25.2)]
    assert changes[0].delta == pytest.approx(0.9)
    assert changes[0].relative == pytest.approx(0.9 / 29.3)
    assert result_changes(before, before) == ()


@pytest.fixture
def issued_demo2(demo_users, signing, snapshot_tracker, tiny_issued_report):
    from footprint.services.demo.seed import issue_demo_study
    from tests.snapshots import replay_or_build

    # issued once, replayed in the next tests (tests/snapshots.py); with the one-page report:
    # what the study was signed with matters here, not the report's pages
    return Study.objects.get(pk=replay_or_build("issued_demo2", lambda: issue_demo_study().pk,
                                                snapshot_tracker))


def test_an_issued_study_keeps_the_edition_it_was_signed_with_and_says_what_a_correction_would_change(
        client, demo_users, issued_demo2):
    study = Study.objects.get(pk=issued_demo2.pk)
    assert study.status == "issued" and study.gwp_version.version == 1
    snapshot = study.issued_snapshot
    assert snapshot["gwp"]["version"] == 1 and snapshot["gwp"]["values"]["SF6"] == 24300
    pdf, sha = study.issued_pdf.read(), study.issued_sha256

    correction = study_gwp_correction(study)
    assert not correction.applied and correction.to_version.version == 2
    assert correction.changed_gases == (("SF6", 24300.0, 25200.0),)
    # 3.6 kg SF6 ÷ 1,200 units × (25,200 − 24,300) = 2.7 kgCO₂e more, all in production
    total, production = correction.changes
    assert total.stage is None and total.delta == pytest.approx(2.7)
    assert production.stage == "production" and production.delta == pytest.approx(2.7)

    client.force_login(demo_users["lead"])
    page = client.get(reverse("study_detail", args=[study.report_number])).content.decode()
    panel = page[page.index('id="gwp-correction"'):]
    panel = panel[:panel.index("</section>")]
    assert "AR6 v2" in panel and "AR6 v1" in panel and "+2.700" in panel and "25,200" in panel

    # running the upgrade path again changes nothing that was signed
    load_reference_data()
    study.refresh_from_db()
    assert study.gwp_version.version == 1 and study.issued_sha256 == sha
    assert study.issued_pdf.read() == pdf and study.issued_snapshot == snapshot


def test_a_revision_of_it_moves_to_the_corrected_edition_and_its_page_says_what_changed(
        client, demo_users, issued_demo2):
    from footprint.services.workflow.revisions import study_revise

    revision = study_revise(study=issued_demo2, user=demo_users["lead"])
    assert revision.gwp_version == GwpSetVersion.objects.get(gwp_set="AR6", is_current=True)
    assert StudyGwpChange.objects.filter(study=revision).count() == 1
    correction = study_gwp_correction(revision)
    assert correction.applied and correction.changes[0].delta == pytest.approx(2.7)
    client.force_login(demo_users["auditor"])
    page = client.get(reverse("study_detail", args=[revision.report_number])).content.decode()
    assert 'id="gwp-correction"' in page and "+2.700" in page and "本报告已改用更正后的 GWP 值" in page


def test_a_study_that_never_moved_shows_no_correction(client, demo_users):
    seed = Study.objects.get(report_number="202508175GHG")
    assert study_gwp_correction(seed) is None
    client.force_login(demo_users["auditor"])
    page = client.get(reverse("study_detail", args=[seed.report_number])).content.decode()
    assert 'id="gwp-correction"' not in page and 'id="gwp-edition"' in page


def test_the_page_result_stands_for_the_study_edition_so_only_the_other_is_computed(
        monkeypatch, issued_demo2):
    from footprint.services.reference import gwp_corrections
    from footprint.services.results import study_results

    study = Study.objects.get(pk=issued_demo2.pk)
    result = study_results(study)
    calls = []
    original = gwp_corrections.calculate_study
    monkeypatch.setattr(gwp_corrections, "calculate_study",
                        lambda data: calls.append(data.gwp["SF6"]) or original(data))
    correction = study_gwp_correction(study, result=result)
    # only the corrected edition (SF6 25,200) is computed; the signed one is the page's result
    assert calls == [25200.0]
    assert correction.changes[0].before == pytest.approx(result.products[0].total_kgco2e)
    assert correction.changes[0].delta == pytest.approx(2.7)
