"""Annex 3 of the issued report names the people of every step with their dates, the issuing
step included (it is recorded only after the signed file exists), and says how each signs."""

import datetime as dt

from django.utils import timezone

from footprint.models import Study

from .pdfcheck import pdftotext


def test_the_issued_annex_names_every_person_with_a_date(issued_seed_study):
    study = Study.objects.get(pk=issued_seed_study.pk)
    pdf = study.issued_pdf.read()
    annex = pdftotext(pdf, layout=True).split("附件 3")[-1]
    today = timezone.localdate(study.issued_at)
    day = f"{today.year}年{today.month}月{today.day}日"
    lines = {line.split()[0]: line for line in annex.splitlines() if line.split()
             and line.split()[0] in ("编制", "企业确认", "技术审核", "批准", "签发")}
    assert set(lines) == {"编制", "企业确认", "技术审核", "批准", "签发"}, annex
    assert "张明远" in lines["编制"] and "肖飞" in lines["企业确认"]
    for role in ("技术审核", "批准", "签发"):
        assert "陈静" in lines[role] and day in lines[role], lines[role]
    for role in ("编制", "企业确认"):
        assert day in lines[role] and "工作流记录" in lines[role]
    assert "数字签名" in lines["签发"]
    assert "签发人以认证机构的数字签名签署本文件" in annex.replace("\n", "")


def test_an_issued_transition_already_recorded_is_not_printed_twice(seed_study, demo_users):
    from footprint.choices import StudyStatus
    from footprint.models import StudyTransition
    from footprint.reports.context import build_report_context
    from footprint.reports.inputs import load_report_inputs

    issued_at = timezone.make_aware(dt.datetime(2025, 4, 3, 10, 0))
    t = StudyTransition.objects.create(study=seed_study, from_status=StudyStatus.APPROVED,
                                       to_status=StudyStatus.ISSUED, user=demo_users["lead"])
    StudyTransition.objects.filter(pk=t.pk).update(created_at=issued_at)
    seed_study.issued_at = issued_at
    inputs = load_report_inputs(seed_study, final=True, asset_urls={}, issued_by="别人")
    assert [x.user for x in inputs.transitions if x.to_status == StudyStatus.ISSUED] == ["陈静"]
    rows = build_report_context(inputs)["annexes"]["signatures"]
    assert rows[-1]["name"] == "陈静" and rows[-1]["date"] == "2025年4月3日"


def test_a_step_after_midnight_in_beijing_is_dated_that_day(seed_study, demo_users):
    """Times are stored in UTC: 17:00 UTC on 2 April is 01:00 on 3 April in Beijing
    (TIME_ZONE), and the annex prints 3 April (it printed the UTC day before)."""
    from footprint.choices import StudyStatus
    from footprint.models import StudyTransition
    from footprint.reports.context import build_report_context
    from footprint.reports.inputs import load_report_inputs

    t = StudyTransition.objects.create(study=seed_study, from_status=StudyStatus.TECHNICAL_REVIEW,
                                       to_status=StudyStatus.APPROVED, user=demo_users["lead"])
    StudyTransition.objects.filter(pk=t.pk).update(created_at=dt.datetime(2025, 4, 2, 17, 0, tzinfo=dt.UTC))
    rows = build_report_context(load_report_inputs(seed_study, asset_urls={}))["annexes"]["signatures"]
    assert {r["date"] for r in rows if r["done"] and r["name"] == "陈静"} == {"2025年4月3日"}
