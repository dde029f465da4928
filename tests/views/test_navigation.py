"""Where you are and how you get back, and what each role sees (issue 13): the study's tabs on
the workflow and history pages, comments that link to their row and rows that show their open
comments, the issued study's signed file and verify link, dashboards by role, badges that link
to what they count, the language menu and the status colours."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from footprint.choices import StudyStatus
from footprint.models import ActivityRecord, Comment, Study

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


def _get(client, name, *args, **params) -> str:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("page", ["study_workflow", "study_history"])
def test_the_workflow_and_history_pages_carry_the_study_s_tabs_and_a_linked_breadcrumb(
        auditor_client, page):
    html = _get(auditor_client, page, SEED)
    crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', html, re.S).group(1)
    assert f'<a href="{reverse("study_detail", args=[SEED])}">{SEED}</a>' in crumbs
    tabs = re.search(r'<ul class="nav nav-tabs.*?</ul>', html, re.S).group(0)
    for name in ("study_detail", "study_results", "study_workflow", "study_team"):
        assert f'href="{reverse(name, args=[SEED])}"' in tabs


def test_after_an_action_the_page_it_lands_on_links_back_to_the_study(auditor_client):
    response = auditor_client.post(reverse("study_transition", args=[SEED]),
                                   {"action": "send_for_review"}, follow=True)
    html = response.content.decode()
    assert Study.objects.get(report_number=SEED).status == StudyStatus.CLIENT_REVIEW
    assert f'<a href="{reverse("study_detail", args=[SEED])}">{SEED}</a>' in html
    assert 'id="tab-workflow"' in html


def test_a_comment_on_an_activity_links_to_its_row_and_the_row_shows_it(auditor_client, demo_users):
    from django.test import Client

    record = ActivityRecord.objects.filter(stage__study_product__study__report_number=SEED,
                                           stage__study_product__product__code="HV",
                                           name="生产用电").first()
    study = Study.objects.get(report_number=SEED)
    comment = Comment.objects.create(study=study, author=demo_users["client"], activity=record,
                                     text="是否包含办公楼用电？")
    editor = reverse("study_product_stages", args=[SEED, "HV"])
    html = _get(auditor_client, "study_workflow", SEED)
    link = re.search(r'<a class="badge[^"]*comment-row-link" href="([^"]+)"', html).group(1)
    assert link == f"{editor}?stage=production&amp;page=1#row-{record.pk}"
    assert f'id="comment-{comment.pk}"' in html
    # the row in the editor: a marker linking back to the comment
    editor_html = _get(auditor_client, "study_product_stages", SEED, "HV", stage="production")
    row = re.search(rf'id="row-{record.pk}".*?</tr>', editor_html, re.S).group(0)
    assert f'#comment-{comment.pk}"' in row and "data-open-comment" in row
    assert 'id="editor-comments"' in editor_html and "1 条未解决" in editor_html
    # the company contact, who has no editor, goes to the row of the results page
    Study.objects.filter(pk=study.pk).update(sent_to_client_at=timezone.now())
    client = Client()
    client.force_login(demo_users["client"])
    html = _get(client, "study_workflow", SEED)
    assert f'href="{reverse("study_results", args=[SEED])}#record-{record.pk}"' in html
    assert f'id="record-{record.pk}"' in _get(client, "study_results", SEED)
    # resolved: no marker
    Comment.objects.filter(pk=comment.pk).update(resolved=True)
    editor_html = _get(auditor_client, "study_product_stages", SEED, "HV", stage="production")
    assert "data-open-comment" not in editor_html


def test_the_issued_study_page_shows_the_signed_file_and_the_verify_link_and_no_gaps(auditor_client):
    Study.objects.filter(report_number=SEED).update(
        status=StudyStatus.ISSUED, issued_sha256="a" * 64, verification_code="code-123",
        issue_date=timezone.localdate())
    html = _get(auditor_client, "study_detail", SEED)
    panel = re.search(r'<section id="report-panel".*?</section>', html, re.S).group(0)
    assert f'href="{reverse("issued_pdf", args=[SEED])}"' in panel
    assert reverse("verify_report", args=["code-123"]) in panel
    assert 'id="report-missing"' not in panel
    # No draft button under a draft label; the one language issued without a file (a study
    # issued before both languages were signed) is offered as an unsigned, watermarked draft.
    assert "下载 PDF（草稿" not in panel and 'data-testid="report-pdf-zh"' not in panel
    assert "签名报告（中文）" in panel and "没有签发英文版：该报告签发时只签发了中文版。" in panel
    assert "未签名草稿（English，带“草稿”水印，不是签发文件）" in panel
    assert 'id="verify-link"' in html


def test_the_company_contact_sees_what_is_asked_of_them_not_the_internal_blockers(client, demo_users):
    Study.objects.filter(report_number=SEED).update(
        status=StudyStatus.CLIENT_REVIEW, sent_to_client_at=timezone.now(), lead_verifier=None)
    client.force_login(demo_users["client"])
    html = _get(client, "study_detail", SEED)
    assert 'id="report-missing"' not in html and "批准前必须补充" not in html
    assert "技术负责人" not in re.search(r'<section id="report-panel".*?</section>', html, re.S).group(0)
    assert 'id="asked-of-you"' in html and "确认数据" in html


def test_the_lead_verifier_s_dashboard_opens_on_what_waits_for_them(client, demo_users):
    Study.objects.filter(report_number=SEED).update(status=StudyStatus.TECHNICAL_REVIEW)
    client.force_login(demo_users["lead"])
    html = _get(client, "dashboard")
    assert 'id="view-waiting" href="?view=waiting"' in html.replace(' active" aria-current="page', "")
    table = re.search(r'<table.*?</table>', html, re.S).group(0)
    assert SEED in table and "DEMO-2" not in table  # DEMO-2 is issued: nothing to do
    assert "DEMO-2" in _get(client, "dashboard", view="all")


def test_the_company_contact_s_empty_dashboard_says_when_reports_appear(client, demo_users):
    Study.objects.filter(company=demo_users["client"].company).update(sent_to_client_at=None)
    client.force_login(demo_users["client"])
    html = _get(client, "dashboard")
    assert "发送给贵公司审阅后，报告会出现在这里" in html
    assert 'name="company"' not in html and 'role="search"' not in html


def test_warning_badges_link_to_what_they_count_and_recommendations_are_not_warnings(auditor_client):
    html = _get(auditor_client, "study_detail", SEED)
    badge = re.search(r'<a class="badge[^"]*" id="checks-badge" href="([^"]+)"', html)
    assert badge and badge.group(1) == reverse("study_results", args=[SEED])
    missing = re.search(r'<a href="#report-missing" class="badge[^"]*"', html).group(0)
    # the seed lacks only recommended particulars (credit code …): not in warning colours
    assert "text-bg-warning" not in missing
    dashboard = _get(auditor_client, "dashboard")
    assert re.search(rf'<a class="badge text-bg-warning[^"]*" href="{reverse("study_results", args=[SEED])}"',
                     dashboard)


def test_the_language_menu_names_each_language_in_itself(auditor_client):
    html = _get(auditor_client, "dashboard")
    menu = re.search(r'<select id="language-switch".*?</select>', html, re.S).group(0)
    assert ">English</option>" in menu and ">简体中文</option>" in menu and "英语" not in menu


def test_an_approved_study_is_green_in_the_title_and_in_the_workflow_panel(auditor_client):
    Study.objects.filter(report_number=SEED).update(status=StudyStatus.APPROVED)
    html = _get(auditor_client, "study_detail", SEED)
    badges = re.findall(r'<span class="badge ([^"]*)"[^>]*>已批准', html)
    assert len(badges) >= 2 and set(badges) == {"text-bg-success"}
