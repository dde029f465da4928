"""The openLCA download of the study page: the package for everyone in the study's scope,
404 for a contact of another company."""

import io

import olca_schema as o
from django.urls import reverse
from olca_schema.zipio import ZipReader

from footprint.models import Study, User
from footprint.services.workflow import transitions

SEED = "202508175GHG"


def _product_processes(content: bytes) -> list[str]:
    with ZipReader(io.BytesIO(content)) as reader:
        return sorted(p.name for p in reader.read_each(o.Process) if p.category == f"{SEED}/产品")


def test_the_study_page_offers_the_package_and_the_auditor_downloads_it(auditor_client):
    url = reverse("study_export_openlca", args=[SEED])
    assert url == f"/studies/{SEED}/openlca.zip"
    page = auditor_client.get(reverse("study_detail", args=[SEED])).content.decode()
    assert f'href="{url}" id="export-openlca"' in page
    response = auditor_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{SEED}-openlca.zip"'
    assert _product_processes(response.content) == ["低压成套开关设备 (LV)", "高压成套开关设备 (HV)"]


def test_the_company_contact_downloads_once_the_study_is_theirs_to_see(client, demo_users):
    url = reverse("study_export_openlca", args=[SEED])
    client.force_login(demo_users["client"])
    assert client.get(url).status_code == 404  # a draft is not shown to the company yet
    transitions.study_send_for_review(study=Study.objects.get(report_number=SEED), user=demo_users["auditor"])
    assert _product_processes(client.get(url).content) == ["低压成套开关设备 (LV)", "高压成套开关设备 (HV)"]


def test_another_companys_contact_gets_404(client, demo_users):
    transitions.study_send_for_review(study=Study.objects.get(report_number=SEED), user=demo_users["auditor"])
    url = reverse("study_export_openlca", args=[SEED])
    assert client.get(url).status_code == 302  # log in first
    client.force_login(User.objects.get(username="client2"))
    response = client.get(url)
    assert response.status_code == 404 and response["Content-Type"] != "application/zip"


def _factor_processes(content: bytes) -> dict[str, str]:
    """Name → description of the package's factor processes."""
    with ZipReader(io.BytesIO(content)) as reader:
        return {p.name: p.description for p in reader.read_each(o.Process)
                if not p.category.startswith(f"{SEED}/")}


def test_a_restricted_factor_reaches_the_company_by_its_code_only(client, demo_users):
    """A factor whose licence forbids redistribution: named by code and without its year in
    the contact's package (services/reference/licences.py), in full in the auditor's."""
    from footprint.models import EmissionFactor

    EmissionFactor.objects.filter(code="CN-GRID-2022").update(redistribution_allowed=False)
    transitions.study_send_for_review(study=Study.objects.get(report_number=SEED), user=demo_users["auditor"])
    url = reverse("study_export_openlca", args=[SEED])
    client.force_login(demo_users["auditor"])
    full = _factor_processes(client.get(url).content)
    client.force_login(demo_users["client"])
    contact = _factor_processes(client.get(url).content)
    grid_name = EmissionFactor.objects.get(code="CN-GRID-2022").name_zh
    assert f"{grid_name} [CN-GRID-2022 v1]" in full and " · 2022" in full[f"{grid_name} [CN-GRID-2022 v1]"]
    assert "CN-GRID-2022 [CN-GRID-2022 v1]" in contact
    assert " · 2022" not in contact["CN-GRID-2022 [CN-GRID-2022 v1]"]
    assert not any(grid_name in name or grid_name in (text or "") for name, text in contact.items())
    # the unrestricted diesel factor is named alike in both
    assert {n for n in full if "CN-DIESEL" in n} == {n for n in contact if "CN-DIESEL" in n}
