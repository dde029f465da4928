"""The workflow page: actions as POST buttons by role, comments, the signed PDF download.

The downloads compare bytes with the stored files: issued_seed_study_tiny will do.
"""

import pytest
from django.urls import reverse

from footprint.choices import StudyStatus as S
from footprint.models import ActivityRecord, Comment, Study
from footprint.services.workflow import transitions

NUMBER = "202508175GHG"


def _page(client, user, number=NUMBER):
    client.force_login(user)
    return client.get(reverse("study_workflow", args=[number]))


def _post(client, user, action, comment="", number=NUMBER):
    client.force_login(user)
    return client.post(reverse("study_transition", args=[number]),
                       {"action": action, "comment": comment})


def test_the_auditor_sees_send_for_review_and_the_contact_does_not_see_the_draft(client, demo_users):
    response = _page(client, demo_users["auditor"])
    assert response.status_code == 200
    assert b'data-action="send_for_review"' in response.content
    assert _page(client, demo_users["client"]).status_code == 404


def test_it_moves_the_study_and_shows_the_timeline(client, demo_users):
    response = _post(client, demo_users["auditor"], "send_for_review", "请核对")
    assert response.status_code == 302
    assert Study.objects.get(report_number=NUMBER).status == S.CLIENT_REVIEW
    page = _page(client, demo_users["client"]).content.decode()
    assert "请核对" in page and 'data-action="confirm"' in page and 'data-action="request_changes"' in page
    assert 'data-action="send_for_review"' not in page


def test_a_wrong_role_gets_403_and_nothing_changes(client, demo_users):
    assert _post(client, demo_users["lead"], "send_for_review").status_code == 403
    assert _post(client, demo_users["client2"], "send_for_review").status_code == 404
    assert Study.objects.get(report_number=NUMBER).status == S.DRAFT


def test_a_blocked_transition_explains_why(client, demo_users):
    response = _post(client, demo_users["lead"], "approve")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "不能执行“批准”" in page


def test_an_unknown_action_is_a_bad_request(client, demo_users):
    assert _post(client, demo_users["auditor"], "publish").status_code == 400


def test_comments_on_an_activity_and_resolving_them(client, demo_users):
    u = demo_users
    transitions.study_send_for_review(study=Study.objects.get(report_number=NUMBER), user=u["auditor"])
    activity = ActivityRecord.objects.get(stage__study_product__study__report_number=NUMBER,
                                          stage__study_product__product__code="HV", name="生产用电")
    client.force_login(u["client"])
    response = client.post(reverse("comment_create", args=[NUMBER]),
                           {"text": "生产用电是否包含办公楼？", "activity": activity.pk})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.activity == activity and comment.author == u["client"]
    page = _page(client, u["auditor"]).content.decode()
    assert "生产用电是否包含办公楼？" in page and "HV · 生产 · 生产用电" in page
    # client2 cannot touch it, the auditor resolves it, the author could reopen it
    client.force_login(u["client2"])
    assert client.post(reverse("comment_resolve", args=[NUMBER, comment.pk])).status_code == 404
    client.force_login(u["auditor"])
    assert client.post(reverse("comment_resolve", args=[NUMBER, comment.pk])).status_code == 302
    comment.refresh_from_db()
    assert comment.resolved and comment.resolved_by == u["auditor"]
    client.force_login(u["client"])
    client.post(reverse("comment_reopen", args=[NUMBER, comment.pk]))
    comment.refresh_from_db()
    assert not comment.resolved


def test_an_empty_comment_shows_an_error_next_to_the_field(client, demo_users):
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("comment_create", args=[NUMBER]), {"text": "  ", "activity": ""})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_of_another_study_is_404(client, demo_users):
    other = Study.objects.get(report_number="DEMO-2")
    comment = Comment.objects.create(study=other, author=demo_users["auditor"], text="x")
    client.force_login(demo_users["auditor"])
    assert client.post(reverse("comment_resolve", args=[NUMBER, comment.pk])).status_code == 404


def test_the_issued_pdf_download_is_the_stored_file_byte_for_byte(client, issued_seed_study_tiny, demo_users):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    stored = study.issued_pdf.read()
    for who in ("client", "auditor", "lead", "admin"):
        client.force_login(demo_users[who])
        response = client.get(reverse("issued_pdf", args=[NUMBER]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == stored
    client.force_login(demo_users["client2"])
    assert client.get(reverse("issued_pdf", args=[NUMBER])).status_code == 404


def test_the_english_file_is_its_own_download_for_the_same_people(client, issued_seed_study_tiny, demo_users):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    stored = study.issued_alt_pdf.read()
    url = reverse("issued_pdf_language", args=[NUMBER, "en"])
    client.force_login(demo_users["client"])
    response = client.get(url)
    assert response.content == stored and f"{NUMBER}_en.pdf" in response["Content-Disposition"]
    page = client.get(reverse("study_workflow", args=[NUMBER])).content.decode()
    assert 'id="issued-pdf-link"' in page and 'id="issued-pdf-link-en"' in page
    assert "签名报告（中文）" in page and "签名报告（English）" in page and study.issued_alt_sha256 in page
    client.force_login(demo_users["client2"])
    assert client.get(url).status_code == 404


def test_the_issued_pdf_of_a_study_not_issued_is_404(client, demo_users):
    client.force_login(demo_users["auditor"])
    assert client.get(reverse("issued_pdf", args=[NUMBER])).status_code == 404


def test_the_panel_tag_renders_status_actions_and_timeline(rf, demo_users):
    from django.template import Context, Template

    study = Study.objects.get(report_number=NUMBER)
    request = rf.get("/")
    request.user = demo_users["auditor"]
    from footprint.services.results import study_results
    from footprint.services.workflow.completeness import study_completeness
    from footprint.views.panels import workflow_panel

    result = study_results(study)
    panel = workflow_panel(study, demo_users["auditor"], result=result,
                           missing=study_completeness(study, result=result))
    html = Template("{% load workflow_tags %}{% workflow_panel panel %}").render(
        Context({"panel": panel, "user": demo_users["auditor"], "request": request})
    )
    assert 'id="workflow-panel"' in html and 'data-status="draft"' in html
    assert 'value="send_for_review"' in html
    assert reverse("study_workflow", args=[NUMBER]) in html


@pytest.mark.parametrize("who", ["auditor", "client"])
def test_history_shows_who_changed_what_from_which_value(client, demo_users, who):
    study = Study.objects.get(report_number=NUMBER)
    activity = ActivityRecord.objects.filter(stage__study_product__study=study, name="生产用电").first()
    activity._history_user = demo_users["auditor"]
    activity.quantity = 1500
    activity.save()
    transitions.study_send_for_review(study=study, user=demo_users["auditor"])
    client.force_login(demo_users[who])
    page = client.get(reverse("study_history", args=[NUMBER])).content.decode()
    assert "生产用电" in page and "1,500" in page
    assert "张明远" in page  # the auditor's display name
    assert "<del>" in page


def test_the_history_page_keeps_a_restricted_factors_own_records_from_the_contact(client, demo_users):
    """The view asks access.sees_licensed_factors: the auditor reads a restricted factor's own
    edits (its region here), the company's contact does not (services/entry/history.py)."""
    from footprint.models import EmissionFactor

    grid = EmissionFactor.objects.get(code="CN-GRID-2022", version=1)
    grid._history_user = demo_users["auditor"]
    grid.region, grid.redistribution_allowed = "华东电网区域", False
    grid.save()
    transitions.study_send_for_review(study=Study.objects.get(report_number=NUMBER), user=demo_users["auditor"])
    pages = {}
    for who in ("auditor", "client"):
        client.force_login(demo_users[who])
        pages[who] = client.get(reverse("study_history", args=[NUMBER])).content.decode()
    assert "华东电网区域" in pages["auditor"] and "华东电网区域" not in pages["client"]
    assert grid.name_zh not in pages["client"]
