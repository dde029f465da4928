"""The study team page: who may open it, what it saves, the errors it shows, frozen studies,
the links from the report panel, and a report that prints what was entered here."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from footprint.choices import Role, StudyStatus
from footprint.models import Study, User, VerificationTeamMember

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"
URL = reverse("study_team", args=[SEED])


@pytest.fixture
def second_auditor(demo):
    return User.objects.create_user(username="dora", role=Role.AUDITOR, first_name="杜拉",
                                    organisation="另一家认证机构", certificate_number="CCAA-0002")


def page_data(client, **changes) -> dict:
    """The form as the page shows it (like a browser would post it), with `changes`."""
    html = client.get(URL).content.decode()
    data: dict = {"auditors": re.findall(r'name="auditors" value="(\d+)"[^>]*checked', html)}
    for tag in re.findall(r"<input ([^>]*)>", html):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if attrs.get("type") in ("text", "number", "hidden") and "name" in attrs \
                and attrs["name"] != "csrfmiddlewaretoken" and "__prefix__" not in attrs["name"]:
            data[attrs["name"]] = attrs.get("value", "")
    selected = re.search(r'name="lead_verifier".*?<option value="(\d*)" selected', html, re.S)
    data["lead_verifier"] = selected.group(1) if selected else ""
    data.update(changes)
    return data


def _team(study_number=SEED):
    return list(VerificationTeamMember.objects.filter(study__report_number=study_number)
                .values_list("name", "certificate_number", "role"))


def test_the_assigned_auditor_opens_it_from_the_study_page(auditor_client):
    study_page = auditor_client.get(reverse("study_detail", args=[SEED])).content.decode()
    assert f'href="{URL}"' in study_page
    response = auditor_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "报告分工与核查组" in html and 'name="team-0-name" id="id_team-0-name" value="穆相龙"' in html


def test_a_company_contact_gets_403_and_another_company_s_contact_404(client, demo_users):
    Study.objects.filter(report_number=SEED).update(sent_to_client_at=timezone.now())
    client.force_login(demo_users["client"])
    assert client.get(reverse("study_detail", args=[SEED])).status_code == 200
    assert client.get(URL).status_code == 403
    assert client.post(URL, {}).status_code == 403
    client.force_login(demo_users["client2"])
    assert client.get(URL).status_code == 404
    assert client.post(URL, {}).status_code == 404


def test_an_auditor_not_assigned_to_the_study_gets_403(client, seed_study, auditor):
    client.force_login(auditor)
    assert client.get(URL).status_code == 403


def test_it_saves_people_body_and_team_and_reorders_and_deletes_rows(auditor_client, demo_users, second_auditor):
    data = page_data(auditor_client)
    data.update({
        "auditors": [str(demo_users["auditor"].pk), str(second_auditor.pk)],
        "lead_verifier": str(demo_users["lead"].pk),
        "certification_body": "某认证中心",
        "team-TOTAL_FORMS": "3",
        "team-0-ORDER": "2",
        "team-1-name": "李四", "team-1-organisation": "某认证中心", "team-1-certificate_number": "C-4",
        "team-1-role": "组员", "team-1-ORDER": "1",
        "team-2-name": "王五", "team-2-ORDER": "3", "team-2-DELETE": "on",
    })
    response = auditor_client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == URL
    study = Study.objects.get(report_number=SEED)
    assert set(study.auditors.all()) == {demo_users["auditor"], second_auditor}
    assert study.certification_body == "某认证中心"
    assert _team() == [("李四", "C-4", "组员"), ("穆相龙", "2024-CCAA-GHG1-1308550", "组长")]

    data = page_data(auditor_client)
    data["team-1-DELETE"] = "on"
    auditor_client.post(URL, data)
    assert _team() == [("李四", "C-4", "组员")]


def test_add_from_the_study_s_people_copies_the_profile_and_keeps_the_other_edits(
    auditor_client, demo_users, second_auditor
):
    data = page_data(auditor_client, auditors=[str(demo_users["auditor"].pk), str(second_auditor.pk)])
    auditor_client.post(URL, data)  # dora is now assigned, so she can be added
    html = auditor_client.get(URL).content.decode()
    assert f'name="add_person" value="{second_auditor.pk}"' in html
    data = page_data(auditor_client, add_person=str(second_auditor.pk), certification_body="新机构")
    response = auditor_client.post(data=data, path=URL, follow=True)
    assert "已将 杜拉 加入核查组" in response.content.decode()
    assert _team()[-1] == ("杜拉", "CCAA-0002", "组员")  # 穆相龙 already leads the team
    assert VerificationTeamMember.objects.get(name="杜拉").organisation == "另一家认证机构"
    assert Study.objects.get(report_number=SEED).certification_body == "新机构"
    # pressing it again adds nobody twice
    auditor_client.post(URL, page_data(auditor_client, add_person=str(second_auditor.pk)))
    assert [m[0] for m in _team()].count("杜拉") == 1


def test_a_lead_verifier_who_created_the_study_is_refused_next_to_the_field(auditor_client, demo_users):
    Study.objects.filter(report_number=SEED).update(created_by=demo_users["lead"])
    before = _team()
    data = page_data(auditor_client, lead_verifier=str(demo_users["lead"].pk),
                     **{"team-0-name": "改过的名字"})
    response = auditor_client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    field = html[html.index('name="lead_verifier"'):html.index('id="id_certification_body"')]
    assert '<select name="lead_verifier" id="id_lead_verifier" class="form-select is-invalid"' in html
    assert "创建了本报告，不能担任其技术负责人" in field
    assert _team() == before  # nothing saved, and what was typed is still on the page
    assert 'value="改过的名字"' in html


def test_a_member_without_a_name_gets_the_error_on_the_row(auditor_client):
    data = page_data(auditor_client, **{"team-0-name": ""})
    html = auditor_client.post(URL, data).content.decode()
    row = html[html.index('id="member-'):]
    assert "is-invalid" in row[:row.index("</tr>")] and "该字段是必填项" in row[:row.index("</tr>")]


def test_a_lead_verifier_cannot_be_chosen_as_an_auditor(auditor_client, demo_users):
    html = auditor_client.get(URL).content.decode()
    assert f'name="auditors" value="{demo_users["lead"].pk}"' not in html
    data = page_data(auditor_client, auditors=[str(demo_users["lead"].pk)])
    response = auditor_client.post(URL, data)
    assert response.status_code == 200 and "is not one of the available choices" not in response.content.decode()
    assert "选择一个有效的选项" in response.content.decode()


@pytest.mark.parametrize("status", [StudyStatus.CLIENT_REVIEW, StudyStatus.ISSUED])
def test_locked_and_issued_studies_are_shown_read_only_and_refused(auditor_client, demo_users, status):
    data = page_data(auditor_client, certification_body="不应保存", **{"team-0-name": "不应保存"})
    Study.objects.filter(report_number=SEED).update(status=status)
    html = auditor_client.get(URL).content.decode()
    assert 'id="save-team"' not in html and "disabled" in html
    response = auditor_client.post(URL, data, follow=True)
    assert "数据已" in response.content.decode()  # 数据已锁定 / 数据已冻结
    assert Study.objects.get(report_number=SEED).certification_body != "不应保存"
    assert _team()[0][0] == "穆相龙"


def test_the_report_panel_links_the_missing_team_to_this_page(auditor_client, client, demo_users):
    VerificationTeamMember.objects.filter(study__report_number=SEED).delete()
    Study.objects.filter(report_number=SEED).update(lead_verifier=None)
    html = auditor_client.get(reverse("study_detail", args=[SEED])).content.decode()
    items = dict(re.findall(r'<li data-code="([a-z_]+)".*?(?:<a href="([^"]+)"[^>]*data-fix-link|</li>)', html))
    assert items["team"] == URL + "#team"
    assert items["lead_verifier"] == URL + "#people"
    company = Study.objects.get(report_number=SEED).company
    assert items["company_credit_code"].startswith(reverse("company_edit", args=[company.pk]) + "?next=")
    # a company contact sees the list without links
    Study.objects.filter(report_number=SEED).update(sent_to_client_at=timezone.now())
    client.force_login(demo_users["client"])
    assert "data-fix-link" not in client.get(reverse("study_detail", args=[SEED])).content.decode()


@pytest.mark.pdf
def test_the_report_prints_the_team_member_and_the_image_entered_on_these_pages(
    auditor_client, settings, tmp_path
):
    from PIL import Image
    from pypdf import PdfReader

    from tests.reports.conftest import render_sections
    from tests.reports.pdfcheck import pdftotext

    settings.MEDIA_ROOT = str(tmp_path / "media")
    data = page_data(auditor_client, **{
        "team-TOTAL_FORMS": "2", "team-1-name": "赵六", "team-1-organisation": "某认证中心",
        "team-1-certificate_number": "2026-CCAA-GHG1-9876543", "team-1-role": "组员",
    })
    assert auditor_client.post(URL, data).status_code == 302
    picture = io.BytesIO()
    Image.new("RGB", (123, 77), (20, 120, 200)).save(picture, "PNG")
    picture.seek(0)
    picture.name = "photo.png"
    upload = auditor_client.post(reverse("study_images", args=[SEED]),
                                 {"image": picture, "caption": "图 产品外观"})
    assert upload.status_code == 302

    # The parts that print them, 2.4 (images) and annex 1 (team), rendered as in the whole
    # report (whose download the view tests render); the other 25 pages took seconds.
    pdf = render_sections(Study.objects.get(report_number=SEED), "chapter-2", "annexes",
                          language="zh-hans")
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", "", pdftotext(pdf))  # poppler: seconds faster than pypdf
    assert "赵六" in text and "2026-CCAA-GHG1-9876543" in text and "图产品外观" in text
    sizes = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                sizes.append((obj["/Width"], obj["/Height"]))
    assert (123, 77) in sizes


# ------------------------------------------------------------------ the trap (issue 13)
def test_sending_to_the_company_without_a_lead_verifier_is_blocked_with_a_link_here(auditor_client):
    Study.objects.filter(report_number=SEED).update(lead_verifier=None)
    html = auditor_client.get(reverse("study_detail", args=[SEED])).content.decode()
    blockers = re.search(r'data-blockers-for="send_for_review">(.*?)</div>', html, re.S).group(1)
    assert f'<a href="{URL}#people"' in blockers and "技术负责人" in blockers
    assert re.search(r'value="send_for_review"[^>]*disabled', html)
    response = auditor_client.post(reverse("study_transition", args=[SEED]),
                                   {"action": "send_for_review"}, follow=True)
    assert "技术负责人" in response.content.decode()
    assert Study.objects.get(report_number=SEED).status == StudyStatus.DRAFT


@pytest.mark.parametrize("status", [StudyStatus.CLIENT_CONFIRMED, StudyStatus.TECHNICAL_REVIEW])
def test_an_administrator_names_the_lead_verifier_under_review_without_unlocking(
        client, demo_users, status):
    Study.objects.filter(report_number=SEED).update(lead_verifier=None, status=status)
    client.force_login(demo_users["admin"])
    html = client.get(URL).content.decode()
    assert 'id="assign-lead"' in html and 'id="save-team"' not in html
    assert re.search(r'<select name="lead_verifier"[^>]*>', html).group(0).find("disabled") == -1
    data = page_data(client, lead_verifier=str(demo_users["lead"].pk), certification_body="不应保存",
                     **{"team-0-name": "不应保存"})
    response = client.post(URL, {**data, "assign_lead": "1"}, follow=True)
    assert "企业的确认仍然有效" in response.content.decode()
    study = Study.objects.get(report_number=SEED)
    assert study.lead_verifier == demo_users["lead"] and study.status == status
    assert study.certification_body != "不应保存" and _team()[0][0] == "穆相龙"


def test_under_review_the_lead_verifier_must_still_be_independent(client, demo_users):
    study = Study.objects.get(report_number=SEED)
    Study.objects.filter(pk=study.pk).update(lead_verifier=None, status=StudyStatus.CLIENT_REVIEW,
                                             created_by=demo_users["lead"])
    client.force_login(demo_users["admin"])
    response = client.post(URL, page_data(client, lead_verifier=str(demo_users["lead"].pk),
                                          assign_lead="1"))
    assert response.status_code == 200 and "技术评审必须独立" in response.content.decode()
    assert Study.objects.get(pk=study.pk).lead_verifier is None


def test_an_auditor_cannot_name_the_lead_verifier_under_review(auditor_client, demo_users):
    Study.objects.filter(report_number=SEED).update(lead_verifier=None, status=StudyStatus.CLIENT_REVIEW)
    assert 'id="assign-lead"' not in auditor_client.get(URL).content.decode()
    auditor_client.post(URL, page_data(auditor_client, lead_verifier=str(demo_users["lead"].pk),
                                       assign_lead="1"))
    assert Study.objects.get(report_number=SEED).lead_verifier is None
