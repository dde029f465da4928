"""The user's own profile: name, e-mail, organisation, certificate number."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("profile")


def test_it_is_linked_from_the_user_menu(auditor_client):
    assert f'href="{URL}"' in auditor_client.get(reverse("dashboard")).content.decode()


def test_an_auditor_sets_name_organisation_and_certificate(auditor_client, demo_auditor):
    response = auditor_client.post(URL + "?next=/studies/202508175GHG/team/", {
        "name": "张 三", "email": "zhang@example.com", "organisation": " 示例认证 ",
        "certificate_number": "2026-CCAA-GHG1-0001"})
    assert response.status_code == 302 and response["Location"] == "/studies/202508175GHG/team/"
    demo_auditor.refresh_from_db()
    assert (demo_auditor.display_name, demo_auditor.email, demo_auditor.organisation,
            demo_auditor.certificate_number) == ("张 三", "zhang@example.com", "示例认证", "2026-CCAA-GHG1-0001")


def test_a_bad_email_is_refused_next_to_the_field(auditor_client, demo_auditor):
    response = auditor_client.post(URL, {"name": "张三", "email": "not-an-address"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    demo_auditor.refresh_from_db()
    assert demo_auditor.display_name == "张明远"


def test_an_outside_next_is_ignored(auditor_client):
    response = auditor_client.post(URL + "?next=https://evil.example/", {"name": "张三", "email": ""})
    assert response["Location"] == URL


def test_a_company_contact_edits_name_and_email_only(client, demo_users):
    contact = demo_users["client"]
    contact.certificate_number = "kept"
    contact.save()
    client.force_login(contact)
    html = client.get(URL).content.decode()
    assert 'name="certificate_number"' not in html and 'name="organisation"' not in html
    client.post(URL, {"name": "联系人", "email": "c@example.com", "certificate_number": "changed"})
    contact.refresh_from_db()
    assert contact.display_name == "联系人" and contact.certificate_number == "kept"


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
