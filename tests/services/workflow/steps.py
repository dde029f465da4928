"""Moving a study through the review to a given status, for the workflow tests."""

from footprint.services.workflow import transitions


def to_client_confirmed(study, u):
    transitions.study_send_for_review(study=study, user=u["auditor"])
    transitions.study_confirm(study=study, user=u["client"])


def to_technical_review(study, u):
    to_client_confirmed(study, u)
    transitions.study_submit_for_technical_review(study=study, user=u["auditor"])
