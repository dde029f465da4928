"""The loop of a data request: send, submit, reject, resubmit, accept; values enter the
calculation only when accepted, and each side is told."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from footprint.choices import StudyStatus
from footprint.models import ActivityRecord, Notice
from footprint.services.calculation.study import calculate_study
from footprint.services.data_requests import requesting as R
from footprint.services.entry.history import study_history
from footprint.services.freeze import StudyFrozenError
from footprint.services.results import study_calculation_input

from .conftest import refreshed

pytestmark = pytest.mark.django_db


def _hv_total(study):
    result = calculate_study(study_calculation_input(study))
    return result.product("HV").total_kgco2e


def test_sending_tells_the_company_in_the_inbox_and_by_email(request_with_rows, demo_users,
                                                           django_capture_on_commit_callbacks):
    dr, *_rows = request_with_rows
    assert dr.status == "sent" and dr.sent_at is not None
    notice = Notice.objects.get(recipient=demo_users["client"])
    assert notice.kind == "requested" and notice.count == 2
    assert not Notice.objects.filter(recipient=demo_users["client2"]).exists()


def test_submitted_values_wait_for_the_auditor_then_accepted_change_the_result(
        request_with_rows, demo_users, study):
    dr, office, update, production = request_with_rows
    client, auditor = demo_users["client"], demo_users["auditor"]
    before = _hv_total(study)
    R.data_request_submit(data_request=dr, user=client, values=[
        R.RowValue(office.pk, "1", "MWh", "见 1 月至 12 月电费单"),
        R.RowValue(update.pk, "0.3", "MWh"),
    ])
    assert refreshed(dr).status == "submitted"
    assert refreshed(office).status == "submitted" and office.supplied_by == client
    # not in the calculation yet
    assert _hv_total(study) == pytest.approx(before)
    assert Notice.objects.filter(recipient=auditor, kind="submitted", count=2).exists()

    R.data_request_accept(data_request=dr, user=auditor)
    office, update = refreshed(office), refreshed(update)
    assert office.status == update.status == "accepted" and office.reviewed_by == auditor
    created = office.activity
    assert (created.name, created.quantity, created.unit) == ("办公用电", Decimal("1"), "MWh")
    assert refreshed(production).quantity == Decimal("300")  # 0.3 MWh into the record's kWh
    # by hand: (1000 kWh + 6 kWh) × 0.5366 kg/kWh / 84 units
    assert _hv_total(study) - before == pytest.approx(1006 * 0.5366 / 84, rel=1e-9)
    assert refreshed(dr).status == "closed"
    assert Notice.objects.filter(recipient=client, kind="accepted", count=2).exists()


def test_a_rejection_carries_its_comment_back_and_the_company_corrects_it(request_with_rows, demo_users):
    dr, office, update, _production = request_with_rows
    client, auditor = demo_users["client"], demo_users["auditor"]
    R.data_request_submit(data_request=dr, user=client, values=[R.RowValue(office.pk, "12", "MWh")])
    with pytest.raises(ValidationError):
        R.data_request_reject(row=office, user=auditor, comment="  ")
    R.data_request_reject(row=office, user=auditor, comment="应为 1.2 MWh，见发票")
    office = refreshed(office)
    assert office.status == "rejected" and office.rejection_comment == "应为 1.2 MWh，见发票"
    notice = Notice.objects.get(recipient=client, kind="rejected")
    assert "1.2 MWh" in notice.comment
    R.data_request_submit(data_request=dr, user=client, values=[R.RowValue(office.pk, "1.2", "MWh")])
    assert refreshed(office).status == "submitted" and office.quantity == Decimal("1.2")
    R.data_request_accept(data_request=dr, user=auditor, row_ids=[office.pk])
    assert refreshed(office).activity.quantity == Decimal("1.2")
    assert refreshed(dr).status == "sent"  # the other row is still to fill
    steps = [(e.object_type, e.action) for e in study_history(dr.study, for_licensee=True)]
    assert ("数据请求行", "changed") in steps


def test_units_are_checked_like_the_stage_editor(request_with_rows, demo_users):
    dr, office, update, _production = request_with_rows
    with pytest.raises(R.RowErrors) as exc:
        R.data_request_submit(data_request=dr, user=demo_users["client"], values=[
            R.RowValue(office.pk, "5", "kg"), R.RowValue(update.pk, "-1", "kWh")])
    errors = exc.value.row_errors
    assert errors[office.pk][0][0] == "unit" and "MWh" in errors[office.pk][0][1]
    assert errors[update.pk][0][0] == "quantity"
    assert refreshed(office).status == "pending"  # all or nothing


def test_only_the_company_fills_and_only_the_study_auditor_reviews(request_with_rows, demo_users, auditor):
    dr, office, *_ = request_with_rows
    for outsider in (demo_users["client2"], demo_users["auditor"], demo_users["lead"]):
        with pytest.raises(PermissionDenied):
            R.data_request_submit(data_request=dr, user=outsider, values=[R.RowValue(office.pk, "1", "MWh")])
    R.data_request_submit(data_request=dr, user=demo_users["client"], values=[R.RowValue(office.pk, "1", "MWh")])
    for outsider in (demo_users["client"], demo_users["lead"], auditor):  # alice is not on the study
        with pytest.raises(PermissionDenied):
            R.data_request_accept(data_request=dr, user=outsider)
    assert refreshed(office).status == "submitted"


def test_a_study_that_is_not_a_draft_refuses_everything(request_with_rows, demo_users, study):
    dr, office, *_ = request_with_rows
    study.status = StudyStatus.ISSUED
    study.save()
    dr.refresh_from_db()
    with pytest.raises(StudyFrozenError):
        R.data_request_submit(data_request=dr, user=demo_users["client"], values=[R.RowValue(office.pk, "1", "MWh")])
    with pytest.raises(StudyFrozenError):
        R.data_request_create(study=study, user=demo_users["auditor"], title="x", due_date=dr.due_date)
    assert refreshed(office).status == "pending"


def test_accepting_a_new_row_needs_a_factor(study, demo_users, hv):
    import datetime as dt

    auditor = demo_users["auditor"]
    dr = R.data_request_create(study=study, user=auditor, title="x", due_date=dt.date(2030, 1, 1))
    row = R.data_request_add_row(data_request=dr, user=auditor, study_product=hv, stage="production",
                                 name="钢材", unit="t")
    R.data_request_send(data_request=dr, user=auditor)
    R.data_request_submit(data_request=dr, user=demo_users["client"], values=[R.RowValue(row.pk, "10", "")])
    count = ActivityRecord.objects.count()
    with pytest.raises(ValidationError, match="钢材"):
        R.data_request_accept(data_request=dr, user=auditor)
    assert ActivityRecord.objects.count() == count


def test_overdue_requests_are_told_once_per_due_date(request_with_rows, demo_users,
                                                     django_capture_on_commit_callbacks):
    import datetime as dt

    from footprint.services.data_requests.notices import notify_overdue_requests

    dr, *_ = request_with_rows
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_overdue_requests(today=dt.date(2030, 2, 1)) == 1
    assert notify_overdue_requests(today=dt.date(2030, 2, 2)) == 0
    kinds = set(Notice.objects.filter(kind="overdue").values_list("recipient__username", flat=True))
    assert kinds == {"client", "auditor"}
    assert any("逾期" in m.subject or "overdue" in m.subject.lower() for m in mail.outbox)


def test_who_supplied_a_value_stays_named(request_with_rows, demo_users):
    from django.db import transaction
    from django.db.models import ProtectedError

    from footprint.models import User
    from footprint.services.entry.team import user_delete_refusal

    dr, office, *_ = request_with_rows
    helper = User.objects.create_user(username="wang", role="company_contact", company=dr.study.company)
    R.data_request_submit(data_request=dr, user=helper, values=[R.RowValue(office.pk, "1", "MWh")])
    assert dr.study.report_number in user_delete_refusal(helper)
    with pytest.raises(ProtectedError), transaction.atomic():
        helper.delete()


def test_each_notice_is_emailed_once(request_with_rows, demo_users):
    from footprint.services.data_requests.notices import send_notice_emails

    ids = list(Notice.objects.values_list("pk", flat=True))
    assert send_notice_emails(ids) == 1  # the company's contact, told of the request
    assert "2024 年能源数据" in mail.outbox[-1].body and mail.outbox[-1].to == ["client@example.com"]
    assert send_notice_emails(ids) == 0


def test_a_new_due_date_tells_the_company_and_lets_the_overdue_notice_go_again(
        request_with_rows, demo_users, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import translation

    from footprint.services.data_requests.notices import notice_text, notify_overdue_requests

    dr, *_ = request_with_rows
    auditor = demo_users["auditor"]
    assert notify_overdue_requests(today=dt.date(2030, 2, 1)) == 1  # past the first due date
    later = dt.date(2030, 3, 15)
    with django_capture_on_commit_callbacks(execute=True):
        R.data_request_set_due_date(data_request=dr, user=auditor, due_date=later)
    dr = refreshed(dr)
    assert dr.due_date == later and dr.overdue_notified_on is None
    notice = Notice.objects.get(kind="due_changed")
    assert notice.recipient == demo_users["client"] and notice.actor == auditor
    with translation.override("en"):
        assert "2030-03-15" in notice_text(notice) and "due date" in notice_text(notice)
    to_the_company = [m for m in mail.outbox if demo_users["client"].email in m.to]
    assert any("2030-03-15" in m.body for m in to_the_company)
    # past the new date, the overdue notice goes again; the same date twice tells nobody
    assert notify_overdue_requests(today=dt.date(2030, 3, 16)) == 1
    R.data_request_set_due_date(data_request=dr, user=auditor, due_date=later)
    assert Notice.objects.filter(kind="due_changed").count() == 1


def test_a_due_date_is_not_set_in_the_past_nor_by_the_company(request_with_rows, demo_users):
    import datetime as dt

    from django.utils import timezone

    dr, *_ = request_with_rows
    before = refreshed(dr).due_date
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        R.data_request_set_due_date(data_request=dr, user=demo_users["auditor"], due_date=yesterday)
    assert "due_date" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        R.data_request_set_due_date(data_request=dr, user=demo_users["client"],
                                    due_date=dt.date(2031, 1, 1))
    assert refreshed(dr).due_date == before
    assert not Notice.objects.filter(kind="due_changed").exists()


def test_the_company_is_told_again_what_is_left_to_fill(request_with_rows, demo_users, study,
                                                        django_capture_on_commit_callbacks):
    dr, office, update, _production = request_with_rows
    client, auditor = demo_users["client"], demo_users["auditor"]
    R.data_request_submit(data_request=dr, user=client, values=[R.RowValue(office.pk, "1", "MWh")])
    assert refreshed(dr).status == "sent"  # one row still to fill
    with django_capture_on_commit_callbacks(execute=True):
        assert R.data_request_remind(data_request=dr, user=auditor) == 1
    notices = Notice.objects.filter(recipient=client, kind="requested").order_by("pk")
    assert [n.count for n in notices] == [2, 1]  # when sent, then the reminder
    assert any(client.email in m.to for m in mail.outbox)
    with pytest.raises(PermissionDenied):
        R.data_request_remind(data_request=dr, user=client)

    R.data_request_submit(data_request=dr, user=client, values=[R.RowValue(update.pk, "0.3", "MWh")])
    assert refreshed(dr).status == "submitted"
    with pytest.raises(ValidationError):  # nothing waits for the company
        R.data_request_remind(data_request=dr, user=auditor)
    assert Notice.objects.filter(recipient=client, kind="requested").count() == 2
