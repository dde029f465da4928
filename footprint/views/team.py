"""The study's people and verification team: auditors, lead verifier, certification body and
the team printed in the report's annex, edited on one page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..access import (
    can_assign_lead_under_review,
    can_assign_team,
    can_edit_study_data,
    get_study_for_user,
    require,
)
from ..forms.team import StudyPeopleForm, team_formset_class
from ..services.entry import review_assignment
from ..services.entry import team as team_services
from ..services.facts.reading import default_certification_body
from ..services.freeze import StudyFrozenError, study_is_editable
from .studies import _refuse_if_frozen


def _member_input(form) -> team_services.TeamMemberInput:
    data = form.cleaned_data
    return team_services.TeamMemberInput(
        pk=form.instance.pk,
        **{field: data.get(field) or "" for field in team_services.TEAM_FIELDS},
    )


def _show_errors(exc: ValidationError, form, team_errors: list[str]) -> None:
    """Service errors go next to their field; the team's above the team table."""
    for field, messages_ in exc.message_dict.items():
        if field == "team":
            team_errors.extend(messages_)
        else:
            form.add_error(field if field in form.fields else None, messages_)


def _read_only(form, formset) -> None:
    for f in (form, *formset.forms):
        for field in f.fields.values():
            field.disabled = True


def _save(request, study, form, formset, team_errors: list[str]):
    """Save the page (and add the person whose "add to team" button was pressed); a redirect,
    or None with the errors put on the form."""
    members = [_member_input(f) for f in formset.ordered_forms]
    added = None
    wanted = request.POST.get("add_person")
    if wanted:
        person = next((p for p in team_services.study_people(study) if str(p.pk) == wanted), None)
        if person is not None and all(m.name.strip() != person.display_name for m in members):
            added = team_services.member_from_user(study=study, user=person, members=members)
            members.append(added)
    try:
        team_services.study_team_update(
            study=study,
            auditors=form.cleaned_data["auditors"],
            lead_verifier=form.cleaned_data["lead_verifier"],
            certification_body=form.cleaned_data["certification_body"],
            members=members,
        )
    except StudyFrozenError as exc:
        messages.error(request, str(exc))
        return None
    except ValidationError as exc:
        _show_errors(exc, form, team_errors)
        return None
    if added is not None:
        messages.success(request, _("已将 %(name)s 加入核查组，其余修改也已保存。") % {"name": added.name})
    else:
        messages.success(request, _("报告分工与核查组已保存。"))
    if not can_edit_study_data(request.user, study):
        # An auditor who took themselves off the study can no longer edit it.
        return redirect("study_detail", report_number=study.report_number)
    return redirect("study_team", report_number=study.report_number)


def _assign_lead(request, study, form):
    """Under review, an administrator names the lead verifier alone; a redirect, or None with
    the error on the form."""
    if not form.is_valid():
        return None
    try:
        review_assignment.study_lead_verifier_assign(
            study=study, lead_verifier=form.cleaned_data["lead_verifier"], user=request.user)
    except ValidationError as exc:
        _show_errors(exc, form, [])
        return None
    messages.success(request, _("已指定技术负责人；报告数据保持锁定，企业的确认仍然有效。"))
    return redirect("study_team", report_number=study.report_number)


@login_required
def study_team(request, report_number):
    study = get_study_for_user(request.user, report_number)
    # The study's auditors and administrators: never its reviewer (no lead verifier
    # assigns a study's people, let alone themselves).
    require(can_assign_team(request.user, study))
    editable = study_is_editable(study)
    data = request.POST if request.method == "POST" else None
    default_body = default_certification_body(study.language)
    form = StudyPeopleForm(data, default_body=default_body, initial={
        "auditors": list(study.auditors.all()),
        "lead_verifier": study.lead_verifier,
        "certification_body": study.certification_body,
    })
    team = study.team.all()
    # A blank row to start with (and one more on ?extra=1, the way without JavaScript).
    extra = 1 if editable and (request.GET.get("extra") == "1" or not team.exists()) else 0
    formset = team_formset_class(extra)(data, queryset=team, prefix="team")
    team_errors: list[str] = []
    lead_only = not editable and can_assign_lead_under_review(request.user, study)
    if lead_only:
        _read_only(form, formset)
        form.fields["lead_verifier"].disabled = False
        if request.method == "POST":
            assigned = _assign_lead(request, study, form)
            if assigned is not None:
                return assigned
    elif (request.method == "POST" and not _refuse_if_frozen(request, study)
            and form.is_valid() and formset.is_valid()):
        saved = _save(request, study, form, formset, team_errors)
        if saved is not None:
            return saved
    if not editable and not lead_only:
        _read_only(form, formset)
    team_names = {m.name for m in team}
    people = [
        {"user": p, "in_team": p.display_name in team_names,
         "is_lead": p.pk == study.lead_verifier_id}
        for p in team_services.study_people(study)
    ]
    return render(request, "footprint/studies/team.html", {
        "study": study,
        "form": form,
        "formset": formset,
        "team_errors": team_errors,
        "people": people,
        "editable": editable,
        "lead_only": lead_only,
        "may_edit": True,
        "default_body": default_body,
    })
