"""Where a comment about an activity points: its row.

The study's editors go to the row in the stage editor (its stage and page); everyone else to
the row of the results page, which every role may read."""

from __future__ import annotations

from django.urls import reverse

from ..access import can_edit_study_data
from ..models import ActivityRecord, Comment, Study
from .activities import PAGE_SIZE


def activity_row_url(study: Study, activity: ActivityRecord, *, editor: bool) -> str:
    if not editor:
        return reverse("study_results", args=[study.report_number]) + f"#record-{activity.pk}"
    stage = activity.stage
    # The row's place among its stage's rows, in the editor's order (position, id).
    before = ActivityRecord.objects.filter(stage=stage, position__lt=activity.position).count() + (
        ActivityRecord.objects.filter(stage=stage, position=activity.position, id__lt=activity.pk).count())
    url = reverse("study_product_stages", args=[study.report_number, stage.study_product.product.code])
    return f"{url}?stage={stage.stage}&page={before // PAGE_SIZE + 1}#row-{activity.pk}"


def comment_row_urls(study: Study, comments: list[Comment], user) -> dict[int, str]:
    """The row each comment about an activity links to, by comment pk."""
    editor = can_edit_study_data(user, study)
    return {c.pk: activity_row_url(study, c.activity, editor=editor)
            for c in comments if c.activity_id is not None}


def open_comments_by_activity(comments: list[Comment]) -> dict[int, int]:
    """The first open comment on each activity (activity pk → comment pk): the row marker."""
    out: dict[int, int] = {}
    for c in comments:
        if c.activity_id is not None and not c.resolved:
            out.setdefault(c.activity_id, c.pk)
    return out
