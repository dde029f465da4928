"""The data request pages as each side uses them: the auditor writes and sends a request, the
company fills one row in the browser and the rest in the workbook (preview, row errors with
their cell), the auditor rejects one value and accepts the rest; another company's contact
sees nothing of it."""

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from footprint.models import ActivityRecord, DataRequest, DataRequestRow, Study, User

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def people(demo_users):
    return {name: _login(demo_users[name]) for name in ("auditor", "client", "client2", "lead")}


@pytest.fixture
def sent_request(people, seed_study):
    """Created, given three rows and sent through the auditor's pages."""
    auditor = people["auditor"]
    url = reverse("study_data_requests", args=[seed_study.report_number])
    response = auditor.post(url, {"title": "2024 年能源数据", "due_date": "2030-01-31", "message": "请附发票"})
    data_request = DataRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/requests/{data_request.pk}/")
    detail = reverse("data_request_detail", args=[seed_study.report_number, data_request.pk])
    hv = seed_study.study_products.get(product__code="HV")
    production = ActivityRecord.objects.get(stage__study_product=hv, stage__stage="production")
    for fields in (
        {"name": "办公用电", "unit": "MWh", "factor_code": "CN-GRID-2022", "expected_evidence": "电费发票"},
        {"name": "生产用电", "unit": "", "activity": production.pk},
        {"name": "食堂用电", "unit": "kWh", "factor_code": "CN-GRID-2022"},
    ):
        response = auditor.post(detail, {"action": "add_row", "study_product": hv.pk, "stage": "production",
                                          **fields})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert auditor.post(detail, {"action": "send"}).status_code == 302
    data_request.refresh_from_db()
    assert data_request.status == "sent"
    rows = {r.name: r for r in data_request.rows.all()}
    return data_request, detail, rows, production


def _hv_total(study):
    from footprint.services.calculation.study import calculate_study
    from footprint.services.results import study_calculation_input

    return calculate_study(study_calculation_input(study)).product("HV").total_kgco2e


def test_the_whole_loop_through_the_pages(people, sent_request, seed_study, demo_users):
    data_request, detail, rows, production = sent_request
    client, auditor = people["client"], people["auditor"]
    before = _hv_total(seed_study)

    # the company sees it on its dashboard and in its inbox (badge in the navbar)
    page = client.get(reverse("dashboard")).content.decode()
    assert "2024 年能源数据" in page and 'id="inbox-unread"' in page

    # one row in the browser
    office = rows["办公用电"]
    response = client.post(detail, {"action": "submit", "row": office.pk, f"row-{office.pk}-quantity": "1.2",
                                    f"row-{office.pk}-unit": "MWh", f"row-{office.pk}-note": "见发票"})
    assert response.status_code == 302
    office.refresh_from_db()
    assert (office.status, office.quantity, office.supplied_by.username) == ("submitted", Decimal("1.2"), "client")

    # the rest through the workbook: download, fill, upload with a mistake first
    response = client.get(reverse("data_request_workbook", args=[seed_study.report_number, data_request.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb["rows"]
    codes = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=codes.index("quantity") + 1).value == "数量（请填写）"
    by_id = {sheet.cell(row=r, column=1).value: r for r in range(3, sheet.max_row + 1)}

    def fill(row, quantity, unit):
        sheet.cell(row=by_id[row.pk], column=codes.index("quantity") + 1, value=quantity)
        sheet.cell(row=by_id[row.pk], column=codes.index("submitted_unit") + 1, value=unit)

    fill(rows["生产用电"], 0.3, "MWh")
    fill(rows["食堂用电"], 500, "kg")  # not convertible to kWh
    upload = reverse("data_request_upload", args=[seed_study.report_number, data_request.pk])

    def post(workbook):
        out = io.BytesIO()
        workbook.save(out)
        out.seek(0)
        out.name = "filled.xlsx"
        return client.post(upload, {"file": out})

    page = post(wb).content.decode()
    unit_column = "K"  # submitted_unit is the 11th column
    assert f"rows!{unit_column}{by_id[rows['食堂用电'].pk]}" in page and "confirm-upload" not in page
    assert DataRequestRow.objects.get(pk=rows["食堂用电"].pk).status == "pending"
    fill(rows["食堂用电"], 500, "kWh")
    page = post(wb).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    assert client.post(upload, {"token": token}).status_code == 302
    statuses = dict(DataRequestRow.objects.values_list("name", "status"))
    assert statuses == {"办公用电": "submitted", "生产用电": "submitted", "食堂用电": "submitted"}
    assert _hv_total(seed_study) == pytest.approx(before)  # nothing in the calculation yet

    # the auditor rejects one value, the company corrects it
    canteen = rows["食堂用电"]
    auditor.post(detail, {"action": "reject", "row": canteen.pk, "comment": "应为 450 kWh"})
    page = client.get(detail).content.decode()
    assert "应为 450 kWh" in page
    client.post(detail, {"action": "submit", "row": canteen.pk, f"row-{canteen.pk}-quantity": "450",
                         f"row-{canteen.pk}-unit": "kWh"})
    assert auditor.post(detail, {"action": "accept_all"}).status_code == 302
    data_request.refresh_from_db()
    assert data_request.status == "closed"
    production.refresh_from_db()
    assert production.quantity == Decimal("300")
    # by hand: (1200 + (300 − 294) + 450) kWh × 0.5366 kg/kWh / 84 units
    assert _hv_total(seed_study) - before == pytest.approx((1200 + 6 + 450) * 0.5366 / 84, rel=1e-9)

    # the stage editor says who supplied the value
    stages = reverse("study_product_stages", args=[seed_study.report_number, "HV"]) + "?stage=production"
    page = auditor.get(stages).content.decode()
    assert "data-supplied-by" in page and demo_users["client"].display_name in page

    # the history shows the steps
    history = auditor.get(reverse("study_history", args=[seed_study.report_number])).content.decode()
    assert "数据请求行" in history


def test_another_company_sees_nothing_of_the_request(people, sent_request, seed_study):
    data_request, detail, rows, _production = sent_request
    outsider = people["client2"]
    urls = [detail, reverse("data_request_workbook", args=[seed_study.report_number, data_request.pk]),
            reverse("study_data_requests", args=[seed_study.report_number])]
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    office = rows["办公用电"]
    response = outsider.post(detail, {"action": "submit", "row": office.pk, f"row-{office.pk}-quantity": "1"})
    assert response.status_code == 404
    upload = reverse("data_request_upload", args=[seed_study.report_number, data_request.pk])
    assert outsider.post(upload, {}).status_code == 404
    assert DataRequestRow.objects.get(pk=office.pk).status == "pending"
    assert "2024 年能源数据" not in outsider.get(reverse("dashboard")).content.decode()


def test_a_draft_request_stays_with_the_certification_body(people, seed_study):
    people["auditor"].post(reverse("study_data_requests", args=[seed_study.report_number]),
                           {"title": "草稿", "due_date": "2030-01-31"})
    data_request = DataRequest.objects.get()
    detail = reverse("data_request_detail", args=[seed_study.report_number, data_request.pk])
    assert people["client"].get(detail).status_code == 404
    assert people["lead"].get(detail).status_code == 200
    # the lead verifier reads but does not decide what enters the calculation
    assert people["lead"].post(detail, {"action": "send"}).status_code == 403


def test_an_auditor_invites_a_contact_who_sets_a_password_and_sees_only_the_company(
        people, seed_study, django_capture_on_commit_callbacks):
    company = seed_study.company
    url = reverse("company_contacts", args=[company.pk])
    assert people["client"].post(url, {"username": "x", "email": "x@example.com"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = people["auditor"].post(url, {"username": "wang", "name": "王会计", "email": "wang@example.com"})
    assert response.status_code == 200
    user = User.objects.get(username="wang")
    assert (user.role, user.company_id, user.has_usable_password()) == ("company_contact", company.pk, False)
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    browser = Client()
    page = browser.get("/" + path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else "/" + path
    response = browser.post(form_url, {"new_password1": "Gr33n-Ledger-2030", "new_password2": "Gr33n-Ledger-2030"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Gr33n-Ledger-2030")
    browser.force_login(user)
    other = Study.objects.get(report_number="DEMO-2")
    assert browser.get(reverse("company_contacts", args=[other.company_id])).status_code == 404


def test_the_inbox_marks_a_notice_read_and_leads_to_the_request(people, sent_request, demo_users):
    data_request, detail, *_ = sent_request
    client = people["client"]
    notice = demo_users["client"].notices.get()
    response = client.post(reverse("inbox"), {"notice": notice.pk})
    assert response["Location"] == detail
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'id="inbox-unread"' not in client.get(reverse("dashboard")).content.decode()
    # someone else's notice is not found
    assert people["client2"].post(reverse("inbox"), {"notice": notice.pk}).status_code == 404


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_the_company_attaches_a_bill_that_follows_the_accepted_value(people, sent_request, seed_study,
                                                                   settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from footprint.models import EvidenceFile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    data_request, detail, rows, _production = sent_request
    office = rows["办公用电"]
    client = people["client"]
    # a file that is not what its name says is refused, and nothing is kept
    response = client.post(detail, {"action": "attach", "row": office.pk,
                                    "file": SimpleUploadedFile("bill.pdf", b"MZ\x90\x00 not a pdf")}, follow=True)
    assert "PDF" in response.content.decode() and not EvidenceFile.objects.exists()
    assert not any((tmp_path / "media").rglob("*.*"))
    response = client.post(detail, {"action": "attach", "row": office.pk,
                                    "file": SimpleUploadedFile("电费单-2024.pdf", PDF)})
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert (evidence.kind, evidence.uploaded_by.username, evidence.activity) == ("pdf", "client", None)
    url = reverse("data_request_evidence", args=[seed_study.report_number, data_request.pk, evidence.pk])
    download = client.get(url)
    assert download["Content-Disposition"].startswith("attachment") and download.content == PDF
    # another company's contact: neither the file under the request nor on the evidence page
    assert people["client2"].get(url).status_code == 404
    assert people["client2"].get(reverse("evidence_download", args=[seed_study.report_number, evidence.pk])
                                 ).status_code == 404
    # submitted and accepted: the bill now supports the activity record
    client.post(detail, {"action": "submit", "row": office.pk, f"row-{office.pk}-quantity": "1",
                         f"row-{office.pk}-unit": "MWh"})
    people["auditor"].post(detail, {"action": "accept", "row": office.pk, "verify": "1"})
    office.refresh_from_db()
    evidence.refresh_from_db()
    assert office.status == "accepted" and evidence.activity == office.activity
    # checked against the bill: the figure counts as verified against that file
    assert (office.activity.verification, office.activity.verified_evidence) == ("verified", evidence)


def test_a_study_under_review_takes_no_answers(people, sent_request, seed_study, demo_users):
    from footprint.services.workflow import transitions

    data_request, detail, rows, _production = sent_request
    transitions.study_send_for_review(study=seed_study, user=demo_users["auditor"])
    office = rows["办公用电"]
    response = people["client"].post(detail, {"action": "submit", "row": office.pk,
                                              f"row-{office.pk}-quantity": "1"}, follow=True)
    page = response.content.decode()
    assert "数据已锁定" in page and f'name="row-{office.pk}-quantity"' not in page
    assert DataRequestRow.objects.get(pk=office.pk).status == "pending"


def test_an_invitation_is_sent_again_to_a_contact_without_a_password(people, seed_study,
                                                                     django_capture_on_commit_callbacks):
    url = reverse("company_contacts", args=[seed_study.company_id])
    with django_capture_on_commit_callbacks(execute=True):
        people["auditor"].post(url, {"username": "wang", "email": "wang@example.com"})
    wang = User.objects.get(username="wang")
    assert people["client"].post(url, {"resend": wang.pk}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = people["auditor"].post(url, {"resend": wang.pk})
    assert response.status_code == 200 and len(mail.outbox) == 2 and "/accounts/reset/" in mail.outbox[-1].body
    # a contact who set a password is not sent another link
    wang.set_password("Gr33n-Ledger-2030")
    wang.save()
    page = people["auditor"].post(url, {"resend": wang.pk}).content.decode()
    assert len(mail.outbox) == 2 and "不需要再次邀请" in page


def test_the_auditor_moves_the_due_date_on_the_page_and_the_company_cannot(people, sent_request,
                                                                          seed_study):
    data_request, detail, _rows, _record = sent_request
    page = people["auditor"].get(detail).content.decode()
    assert 'id="due-date-form"' in page and 'value="2030-01-31"' in page
    assert 'id="due-date-form"' not in people["client"].get(detail).content.decode()

    # a date that is no date, and one in the past: said on the page, nothing changed
    for bad, said in (("31/02/2030", "有效的日期"), ("2000-01-01", "截止日期不能早于今天")):
        page = people["auditor"].post(detail, {"action": "due_date", "due_date": bad}, follow=True)
        assert page.status_code == 200 and said in page.content.decode()
        assert DataRequest.objects.get(pk=data_request.pk).due_date.isoformat() == "2030-01-31"

    assert people["client"].post(detail, {"action": "due_date", "due_date": "2031-01-01"}).status_code == 403
    response = people["auditor"].post(detail, {"action": "due_date", "due_date": "2030-03-15"})
    assert response.status_code == 302
    assert DataRequest.objects.get(pk=data_request.pk).due_date.isoformat() == "2030-03-15"
    assert 'id="request-due">2030-03-15<' in people["client"].get(detail).content.decode()


def test_the_auditor_tells_the_company_again_from_the_page(people, sent_request, demo_users):
    from footprint.models import Notice

    data_request, detail, _rows, _record = sent_request
    assert 'id="remind-company"' in people["auditor"].get(detail).content.decode()
    assert 'id="remind-company"' not in people["client"].get(detail).content.decode()
    assert people["client"].post(detail, {"action": "remind"}).status_code == 403
    before = Notice.objects.filter(recipient=demo_users["client"], kind="requested").count()
    page = people["auditor"].post(detail, {"action": "remind"}, follow=True).content.decode()
    assert "已再次通知企业：3 项数据待填写。" in page
    assert Notice.objects.filter(recipient=demo_users["client"], kind="requested").count() == before + 1
