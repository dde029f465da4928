"""Evidence files of a study: upload (the file, the activity it supports, a note)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPT = ".pdf,.png,.jpg,.jpeg,.xlsx,.csv"


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label=_("证据文件"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    activity = forms.TypedChoiceField(label=_("对应的活动数据"), required=False, coerce=int, empty_value=None)
    description = forms.CharField(label=_("说明"), required=False, max_length=300,
                                  help_text=_("例如“2024 年 1–12 月电费单”。"))

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = {a.pk: a for a in activities}
        self.fields["activity"].choices = [("", _("整个报告"))] + [
            (a.pk, activity_label(a)) for a in activities]

    def clean_activity(self):
        pk = self.cleaned_data.get("activity")
        return self.activities.get(pk) if pk is not None else None


def activity_label(activity) -> str:
    stage = activity.stage
    return f"{stage.study_product.product.code} · {stage.get_stage_display()} · {activity.name}"
