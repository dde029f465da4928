"""The workflow steps tests take a study through, as its demo users would."""


def approve(study, users):
    """Sent to the company, confirmed, submitted and approved by `users` (the demo users by
    username): the study as it stands ready to be issued, read again."""
    from footprint.models import Study
    from footprint.services.workflow import transitions

    transitions.study_send_for_review(study=study, user=users["auditor"])
    transitions.study_confirm(study=study, user=users["client"])
    transitions.study_submit_for_technical_review(study=study, user=users["auditor"])
    transitions.study_approve(study=study, user=users["lead"])
    return Study.objects.get(pk=study.pk)
