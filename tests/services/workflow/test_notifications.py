"""Who is e-mailed about a transition (services/workflow/notifications.py)."""

from django.core import mail

from footprint.services.workflow import transitions


def test_each_step_emails_the_other_side(seed_study, demo_users, django_capture_on_commit_callbacks):
    u = demo_users

    def step(service, who, comment=""):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            service(study=seed_study, user=u[who], comment=comment)
        return sorted(to for m in mail.outbox for to in m.to)

    assert step(transitions.study_send_for_review, "auditor", "请审阅") == ["client@example.com"]
    assert "请审阅" in mail.outbox[0].body
    assert step(transitions.study_request_changes, "client", "产量有误") == ["auditor@example.com"]
    assert "产量有误" in mail.outbox[0].body
    assert step(transitions.study_resume_editing, "auditor") == ["client@example.com"]
    step(transitions.study_send_for_review, "auditor")
    assert step(transitions.study_confirm, "client") == ["auditor@example.com"]
    assert step(transitions.study_submit_for_technical_review, "auditor") == ["lead@example.com"]
    assert step(transitions.study_approve, "lead") == ["auditor@example.com"]
