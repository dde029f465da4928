"""The report lists the evidence (annex: name, type, SHA-256, activity; files not embedded)
and prints verification shares and the data quality rating in 3.9, parsed back from the PDF."""

import re

import pytest

from footprint.choices import VerificationStatus
from footprint.models import ActivityRecord, Study
from footprint.services.evidence import storage
from tests.services.evidence.test_sniffing import PDF, png

from .conftest import render_sections, write_artifacts
from .pdfcheck import pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_annex_and_data_quality_section(demo):
    study = Study.objects.get(report_number="DEMO-2")
    activities = list(ActivityRecord.objects.filter(stage__study_product__study=study).order_by("pk"))
    bill = storage.evidence_add(study=study, upload=PDF, filename="2024年电费单.pdf", activity=activities[0])
    photo = storage.evidence_add(study=study, upload=png(), filename="meter.png")
    ActivityRecord.objects.filter(pk=activities[0].pk).update(
        verification=VerificationStatus.VERIFIED, verified_evidence=bill)
    # Every activity rated 1, 2, 3, 4, 5: each criterion's weighted mean is its score, the
    # DQR their mean, 3.0.
    ActivityRecord.objects.filter(pk__in=[a.pk for a in activities]).update(
        dq_reliability=1, dq_completeness=2, dq_temporal=3, dq_geographical=4, dq_technological=5)
    # The parts that print the evidence: 3.9 and the annexes (the templates name it nowhere
    # else), as in the whole report; its other 17 pages took seconds.
    pdf = render_sections(study, "chapter-3", "annexes")
    write_artifacts("demo2-evidence", pdf, pngs=False)
    text = pdftotext(pdf)
    flat = re.sub(r"[\s\u3000]+", "", text).replace("•", "·")
    assert "附件3证据文件清单" in flat
    assert "附件4编制、审核和批准" in flat  # the sign-off moved after it
    for e in (bill, photo):
        assert e.original_name in text and e.sha256 in flat
    first = activities[0]
    assert f"{first.stage.study_product.product.code}·" in flat and first.name in flat
    assert "整个报告" in flat
    # Files are listed, not embedded: the PDF holds no attachment and not the PNG's bytes.
    assert "/EmbeddedFiles" not in pdf.decode("latin-1") and png()[:16] not in pdf
    # 3.9: the rating and the verification shares.
    assert "数据质量评级（DQR，谱系矩阵1最好…5最差，按排放量加权）为3.0" in flat
    assert "可靠性1.0" in flat and "技术相关性5.0" in flat
    n = len(activities)
    count_share = f"{100 / n:.1f}%"
    assert f"已对照证据核实1{count_share}" in flat


def test_a_study_with_nothing_recorded_prints_as_before(demo2_draft_report):
    # DEMO-2 as the demo loads it (no evidence, nothing verified), rendered once for the run
    text = re.sub(r"\s+", "", pdftotext(demo2_draft_report.pdf))
    assert "证据文件清单" not in text and "核实情况" not in text
    assert "附件3编制、审核和批准" in text  # the text was read: the sign-off keeps annex 3
