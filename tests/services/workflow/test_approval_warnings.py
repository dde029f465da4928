"""Before approval the lead verifier is warned of hotspots not verified against evidence."""

import pytest

from footprint.choices import VerificationStatus
from footprint.models import ActivityRecord, Study, User
from footprint.services.evidence import storage
from footprint.services.results import study_results
from footprint.services.workflow import transitions
from tests.services.evidence.test_sniffing import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _approve(study):
    lead = User.objects.get(username="lead")
    Study.objects.filter(pk=study.pk).update(status="technical_review", lead_verifier=lead)
    study.refresh_from_db()
    [approve] = [a for a in transitions.available_actions(study, lead) if a.action.name == "approve"]
    return approve


def test_unverified_hotspots_warn_without_blocking(seed_study):
    # LV's hotspots: the activities of at least 10 % of its total (by magnitude).
    result = study_results(seed_study)
    lv = result.product("LV")
    total = sum(abs(a.kgco2e) for a in lv.activities if a.ok)
    big = [a for a in lv.activities if a.ok and abs(a.kgco2e) / total >= 0.10]
    approve = _approve(seed_study)
    lv_warnings = [w for w in approve.warnings if w.startswith("产品 LV")]
    assert len(lv_warnings) == len(big) >= 1
    assert all("尚未对照证据核实" in w for w in lv_warnings)
    assert approve.warnings and all(w not in approve.blockers for w in approve.warnings)
    # Verified against a file: no warning for it; "sampled" still warns.
    evidence = storage.evidence_add(study=Study.objects.filter(pk=seed_study.pk).update(status="draft")
                                    and Study.objects.get(pk=seed_study.pk), upload=PDF, filename="bill.pdf")
    ActivityRecord.objects.filter(pk__in=[a.record_id for a in big]).update(
        verification=VerificationStatus.VERIFIED, verified_evidence=evidence)
    assert not [w for w in _approve(seed_study).warnings if w.startswith("产品 LV")]
    ActivityRecord.objects.filter(pk=big[0].record_id).update(
        verification=VerificationStatus.SAMPLED, verified_evidence=None)
    assert len([w for w in _approve(seed_study).warnings if w.startswith("产品 LV")]) == 1


def test_the_workflow_page_shows_the_warning(client, seed_study):
    _approve(seed_study)
    client.force_login(User.objects.get(username="lead"))
    from django.urls import reverse

    html = client.get(reverse("study_workflow", args=[seed_study.report_number])).content.decode()
    assert 'data-warnings-for="approve"' in html and "尚未对照证据核实" in html
