"""A study's people (auditors, lead verifier) and its verification team."""

from __future__ import annotations

from functools import cache

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from ..choices import Role
from ..models import (
    User,
    VerificationTeamMember,
)
from .common import SMALL


def _person_label(user) -> str:
    """The name, and the login name where the name alone could be ambiguous."""
    return user.display_name if user.display_name == user.username else f"{user.display_name} ({user.username})"


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return _person_label(user)


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return _person_label(user)


class StudyPeopleForm(forms.Form):
    """Who works on a study. The independence of the lead verifier is the service's rule
    (services/team.people_problems); its errors come back onto these fields."""

    auditors = _PeopleChoice(
        label=_("核查员"), required=False, queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("编制报告、录入和核对数据的核查员；他们可以编辑本报告。"),
    )
    lead_verifier = _PersonChoice(
        label=_("技术负责人"), required=False, queryset=User.objects.none(),
        empty_label=_("（未指定）"),
        help_text=_("审核、批准并签发报告；不能是本报告的核查员或编制人。"),
    )
    certification_body = forms.CharField(label=_("认证机构"), required=False, max_length=200)

    def __init__(self, *args, default_body: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("first_name", "username")
        self.fields["auditors"].queryset = people.filter(role=Role.AUDITOR)
        self.fields["lead_verifier"].queryset = people.filter(role=Role.LEAD_VERIFIER)
        if default_body:
            self.fields["certification_body"].widget.attrs["placeholder"] = default_body
            self.fields["certification_body"].help_text = _("留空则使用“%(body)s”。") % {"body": default_body}


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = VerificationTeamMember
        fields = ("name", "organisation", "certificate_number", "role")
        widgets = {name: forms.TextInput(attrs=SMALL) for name in
                   ("name", "organisation", "certificate_number", "role")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        if "ORDER" in self.fields:
            self.fields["ORDER"].widget.attrs.update({"class": "form-control form-control-sm",
                                                       "aria-label": str(_("序号")), "min": "1"})


@cache
def team_formset_class(extra: int = 0):
    """The verification team as rows to add, remove (DELETE) and reorder (ORDER)."""
    return modelformset_factory(
        VerificationTeamMember, form=TeamMemberForm, extra=extra, can_delete=True, can_order=True,
    )


TeamFormSet = team_formset_class(0)
