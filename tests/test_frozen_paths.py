"""An issued study cannot be changed through any path: services, the admin, the API, commands.
Factors it used keep their version; the snapshot and the stored file stay as issued.

The issued study is issued_seed_study_tiny: the stored file is compared as bytes, its pages
are not read.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from footprint.models import ActivityRecord, EmissionFactor, GwpValue, Study
from footprint.services.interchange.exporting import study_to_document, study_to_json
from footprint.services.interchange.importing import ImportRejected, import_study
from footprint.services.interchange.reading import read_json


@pytest.fixture
def issued(issued_seed_study_tiny):
    return Study.objects.get(pk=issued_seed_study_tiny.pk)


def _fingerprint(study):
    study = Study.objects.get(pk=study.pk)
    return (study_to_json(study, for_licensee=True), study.issued_sha256, study.issued_pdf.read(), study.status)


def test_the_import_service_refuses_to_replace_it(issued):
    before = _fingerprint(issued)
    with pytest.raises(ImportRejected, match="已签发"):
        import_study(read_json(study_to_json(issued, for_licensee=True)), replace=True)
    assert _fingerprint(issued) == before


def test_the_import_command_refuses_to_replace_it(issued, tmp_path, capsys):
    before = _fingerprint(issued)
    path = tmp_path / "study.json"
    doc = study_to_document(issued, for_licensee=True)
    doc["title"] = "改过的标题"
    import json

    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_study", str(path), "--replace")
    assert "已签发" in capsys.readouterr().err
    assert _fingerprint(issued) == before


def test_load_demo_leaves_it_alone(issued):
    issued.auditors.clear()
    call_command("load_demo", "--no-issue")
    assert not Study.objects.get(pk=issued.pk).auditors.exists()


@pytest.mark.parametrize("model", ["activityrecord", "study", "studyproduct", "lifecyclestage",
                                   "verificationteammember", "studyclaim"])
def test_the_admin_shows_it_read_only_and_refuses_changes(client, demo_users, issued, model):
    objects = {
        "activityrecord": ActivityRecord.objects.filter(stage__study_product__study=issued).first(),
        "study": issued,
        "studyproduct": issued.study_products.first(),
        "lifecyclestage": issued.study_products.first().stages.first(),
        "verificationteammember": issued.team.first(),
        "studyclaim": issued.claims.first(),
    }
    obj = objects[model]
    before = _fingerprint(issued)
    client.force_login(demo_users["admin"])
    change = reverse(f"admin:footprint_{model}_change", args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "数据已冻结" in page.content.decode()
    assert client.post(change, {}).status_code == 403
    assert client.post(reverse(f"admin:footprint_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:footprint_{model}_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert _fingerprint(issued) == before


def test_the_admin_cannot_set_a_status_by_hand(client, demo_users, seed_study):
    client.force_login(demo_users["admin"])
    page = client.get(reverse("admin:footprint_study_change", args=[seed_study.pk])).content.decode()
    assert 'name="status"' not in page and 'name="issued_sha256"' not in page


def test_the_gwp_edition_it_was_issued_with_cannot_change(client, demo_users, issued):
    version = Study.objects.get(pk=issued.pk).gwp_version
    gwp = version.values.get(gas="CH4")
    client.force_login(demo_users["admin"])
    url = reverse("admin:footprint_gwpsetversion_change", args=[version.pk])
    assert "不能修改" in client.get(url).content.decode()
    assert client.post(url, {"gwp_set": version.gwp_set, "version": "1", "source": "x"}).status_code == 403
    delete = reverse("admin:footprint_gwpsetversion_delete", args=[version.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert GwpValue.objects.get(pk=gwp.pk).value == gwp.value


def test_editing_a_factor_it_used_makes_a_new_version_and_leaves_it_as_issued(client, demo_users, issued):
    factor = EmissionFactor.objects.get(code="CN-GRID-2022", version=1)
    before = _fingerprint(issued)
    client.force_login(demo_users["admin"])
    data = {
        "code": factor.code, "version": 1, "is_current": "on", "name_zh": factor.name_zh,
        "name_en": factor.name_en, "category": factor.category, "value": "0.7", "unit": factor.unit,
        "gas": factor.gas, "year": factor.year, "region": factor.region, "source": factor.source,
        "published": factor.published, "notes": factor.notes, "ncv": "", "carbon_content": "",
        "oxidation_rate": "",
    }
    assert client.post(reverse("admin:footprint_emissionfactor_change", args=[factor.pk]), data).status_code == 302
    assert EmissionFactor.objects.get(code="CN-GRID-2022", version=2).value == Decimal("0.7")
    used = set(ActivityRecord.objects.filter(stage__study_product__study=issued)
               .values_list("factor__code", "factor__version"))
    assert used == {("CN-GRID-2022", 1), ("CN-DIESEL", 1)}
    assert _fingerprint(issued) == before
    assert Study.objects.get(pk=issued.pk).issued_snapshot["factor_versions"] == ["CN-DIESEL@1", "CN-GRID-2022@1"]
