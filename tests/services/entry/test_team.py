"""Who works on a study: auditors, lead verifier, certification body, verification team."""

import pytest
from django.core.exceptions import ValidationError

from footprint.access import is_study_lead_verifier
from footprint.choices import Role, StudyStatus
from footprint.models import User, VerificationTeamMember
from footprint.services.entry import team as team_services
from footprint.services.entry.profiles import user_profile_update
from footprint.services.entry.team import TeamMemberInput
from footprint.services.freeze import StudyFrozenError, StudyLockedError
from footprint.services.workflow.completeness import study_completeness

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    """The messages asserted are the source (Chinese) ones, whatever ran before."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture
def people(demo_users):
    """The demo auditor and lead verifier, and a second auditor with a certificate."""
    second = User.objects.create_user(username="dora", role=Role.AUDITOR, first_name="杜拉",
                                      organisation="另一家认证机构", certificate_number="CCAA-0002")
    return {"auditor": demo_users["auditor"], "lead": demo_users["lead"], "second": second}


def _update(study, *, auditors, lead=None, body="", members=()):
    return team_services.study_team_update(
        study=study, auditors=auditors, lead_verifier=lead, certification_body=body,
        members=list(members),
    )


def _team(study):
    return list(VerificationTeamMember.objects.filter(study=study).values_list(
        "name", "organisation", "certificate_number", "role", "position"))


def test_it_saves_the_people_and_the_team_in_the_order_given(seed_study, people):
    kept = seed_study.team.get()
    _update(seed_study, auditors=[people["auditor"], people["second"]], lead=people["lead"],
            body="  某认证中心 ", members=[
                TeamMemberInput("新成员", "某认证中心", "C-1", "组员"),
                TeamMemberInput(kept.name, kept.organisation, kept.certificate_number, "组长", pk=kept.pk),
            ])
    seed_study.refresh_from_db()
    assert seed_study.certification_body == "某认证中心"
    assert seed_study.lead_verifier == people["lead"]
    assert set(seed_study.auditors.all()) == {people["auditor"], people["second"]}
    assert _team(seed_study) == [("新成员", "某认证中心", "C-1", "组员", 0),
                                 (kept.name, kept.organisation, kept.certificate_number, "组长", 1)]
    assert seed_study.team.get(name=kept.name).pk == kept.pk  # updated in place, not re-created


def test_members_left_out_are_removed(seed_study, people):
    _update(seed_study, auditors=[people["auditor"]], lead=people["lead"], members=[])
    assert not seed_study.team.exists()
    codes = {m.code for m in study_completeness(seed_study)}
    assert "team" in codes


def test_a_lead_verifier_who_is_also_an_auditor_is_refused(seed_study, people):
    before = _team(seed_study)
    with pytest.raises(ValidationError) as exc:
        _update(seed_study, auditors=[people["auditor"], people["lead"]], lead=people["lead"],
                members=[TeamMemberInput("X", certificate_number="1")])
    errors = exc.value.message_dict
    assert "技术评审必须独立于核查" in " ".join(errors["lead_verifier"])
    # the lead verifier is not an auditor by role either
    assert "不是在职的核查员" in " ".join(errors["auditors"])
    assert _team(seed_study) == before  # nothing saved


def test_the_lead_verifier_cannot_be_the_person_who_created_the_study(seed_study, people):
    seed_study.created_by = people["lead"]
    seed_study.save()
    with pytest.raises(ValidationError) as exc:
        _update(seed_study, auditors=[people["auditor"]], lead=people["lead"])
    assert "创建了本报告" in exc.value.message_dict["lead_verifier"][0]
    # and indeed the workflow would never let them approve it
    assert not is_study_lead_verifier(people["lead"], seed_study)


def test_only_auditors_and_lead_verifiers_by_role(seed_study, people, demo_users):
    with pytest.raises(ValidationError) as exc:
        _update(seed_study, auditors=[demo_users["client"]], lead=people["auditor"])
    assert set(exc.value.message_dict) == {"auditors", "lead_verifier"}


def test_team_members_need_a_name_once_each(seed_study, people):
    with pytest.raises(ValidationError) as exc:
        _update(seed_study, auditors=[people["auditor"]], members=[
            TeamMemberInput("张三"), TeamMemberInput(" 张三 "), TeamMemberInput("  ")])
    messages = exc.value.message_dict["team"]
    assert any("出现了两次" in m for m in messages) and any("必须填写姓名" in m for m in messages)


def test_a_member_of_another_study_cannot_be_named(seed_study, people):
    other = VerificationTeamMember.objects.exclude(study=seed_study).first()
    with pytest.raises(ValidationError):
        _update(seed_study, auditors=[people["auditor"]],
                members=[TeamMemberInput("篡改", pk=other.pk)])
    other.refresh_from_db()
    assert other.name != "篡改"


@pytest.mark.parametrize("status, error", [
    (StudyStatus.CLIENT_REVIEW, StudyLockedError),
    (StudyStatus.ISSUED, StudyFrozenError),
])
def test_locked_and_issued_studies_are_refused(seed_study, people, status, error):
    seed_study.status = status
    seed_study.save()
    before = _team(seed_study)
    with pytest.raises(error):
        _update(seed_study, auditors=[people["second"]], lead=people["lead"], members=[])
    assert _team(seed_study) == before
    assert list(seed_study.auditors.all()) == [people["auditor"]]


def test_a_person_is_copied_from_their_profile_with_a_role_in_the_report_language(seed_study, people):
    user_profile_update(user=people["auditor"], name="王 审核", email="a@example.com",
                        organisation="示例认证", certificate_number="CCAA-0001")
    member = team_services.member_from_user(study=seed_study, user=people["auditor"], members=[])
    assert member == TeamMemberInput("王 审核", "示例认证", "CCAA-0001", "组长")
    leader = [member]
    assert team_services.member_from_user(study=seed_study, user=people["second"], members=leader).role == "组员"
    seed_study.language = "en"
    lead = team_services.member_from_user(study=seed_study, user=people["lead"], members=leader)
    assert lead.role == "Technical reviewer"
    assert lead.organisation == people["lead"].organisation


def test_without_an_organisation_the_certification_body_is_used(seed_study, people, settings):
    people["auditor"].organisation = ""
    seed_study.certification_body = ""
    member = team_services.member_from_user(study=seed_study, user=people["auditor"], members=[])
    assert member.organisation == settings.CERTIFICATION_BODY_NAME


def test_a_complete_team_clears_the_team_items_of_the_completeness_check(seed_study, people):
    VerificationTeamMember.objects.filter(study=seed_study).update(certificate_number="")
    seed_study.auditors.clear()
    type(seed_study).objects.filter(pk=seed_study.pk).update(lead_verifier=None)
    seed_study.refresh_from_db()
    team_codes = {"team_certificate", "auditors", "lead_verifier"}
    assert team_codes <= {m.code for m in study_completeness(seed_study)}
    VerificationTeamMember.objects.filter(study=seed_study).delete()
    assert "team" in {m.code for m in study_completeness(seed_study)}
    team_codes.add("team")
    _update(seed_study, auditors=[people["second"]], lead=people["lead"], members=[
        team_services.member_from_user(study=seed_study, user=people["second"], members=[])])
    seed_study.refresh_from_db()
    assert not team_codes & {m.code for m in study_completeness(seed_study)}


def test_the_profile_keeps_the_name_whole(people):
    user = user_profile_update(user=people["second"], name="  欧阳 修 ", email="",
                               organisation=" 机构 ", certificate_number=" C-9 ")
    user.refresh_from_db()
    assert (user.display_name, user.last_name, user.organisation, user.certificate_number) == (
        "欧阳 修", "", "机构", "C-9")
