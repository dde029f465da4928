"""The factor library in the browser: 导入 → upload → preview → confirm (all or nothing), the
export, and a factor's versions with the studies that use each."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.models import EmissionFactor

pytestmark = pytest.mark.django_db

HEADER = ("code,name_zh,name_en,category,value,numerator_unit,denominator_unit,gas,region,"
          "data_year,source,published,notes\n")
GRID_2022 = ("CN-GRID-2022,全国电力平均二氧化碳排放因子,China national grid average electricity,"
             "electricity,{value},kg CO2,kWh,CO2,CN,2022,生态环境部 国家统计局《关于发布2022年电力二氧化碳排放因子的公告》,"
             "2024-12-20,the factor the seed report states\n")


def _upload(client, text: str, name: str = "library.csv"):
    return client.post(reverse("factor_import"),
                       {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def _token(response) -> str:
    return response.content.decode().split('name="token" value="')[1].split('"')[0]


def test_upload_preview_and_confirm(auditor_client):
    page = auditor_client.get(reverse("factor_list")).content.decode()
    assert f'href="{reverse("factor_import")}"' in page
    response = _upload(auditor_client, HEADER + GRID_2022.format(value="0.5400")
                       + "MAT-AL,原铝,primary aluminium,material,16.5,kg CO2e,kg,CO2e,CN,2022,某数据库,,\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="new">1<' in html and 'data-count="changed">1<' in html
    changed = html.split('id="factor-import-changed"')[1].split("</section>")[0]
    assert "CN-GRID-2022" in changed and "v1 → v2" in changed and "0.5366" in changed
    assert "MAT-AL" in html.split('id="factor-import-new"')[1].split("</section>")[0]
    assert not EmissionFactor.objects.filter(code="MAT-AL").exists()  # nothing saved yet
    response = auditor_client.post(reverse("factor_import_confirm"), {"token": _token(response)})
    assert response["Location"] == reverse("factor_list")
    assert EmissionFactor.objects.get(code="MAT-AL").value == Decimal("16.5")
    assert EmissionFactor.objects.get(code="CN-GRID-2022", is_current=True).version == 2
    # the token is used up: a second confirmation imports nothing more
    response = auditor_client.post(reverse("factor_import_confirm"), {"token": _token(_upload(
        auditor_client, HEADER + GRID_2022.format(value="0.5400")))})
    assert EmissionFactor.objects.filter(code="CN-GRID-2022").count() == 2


def test_a_file_with_rejected_rows_lists_them_and_cannot_be_confirmed(auditor_client):
    response = _upload(auditor_client, HEADER
                       + "MAT-AL,原铝,,material,16.5,kg CO2e,kg,CO2e,CN,2022,某数据库,,\n"
                       + "MAT-CU,铜,,material,4.1,kg CO2e,kWh,CO2e,CN,2022,某数据库,,\n"
                       + "MAT-PP,聚丙烯,,material,1.9,kg CO2e,kg,CO2e,CN,2022,,,\n")
    html = response.content.decode()
    rejected = html.split('id="factor-import-rejected"')[1].split("</section>")[0]
    rows = [r for r in rejected.split("<tr>")[2:]]
    assert 'class="num">3</td><td class="font-monospace small">denominator_unit' in rows[0]
    assert "与类别“原材料”不符" in rows[0]
    assert 'class="num">4</td><td class="font-monospace small">source' in rows[1]
    assert "confirm-factor-import" not in html
    # confirming anyway (a forged post) imports nothing
    response = auditor_client.post(reverse("factor_import_confirm"), {"token": _token(response)})
    assert response.status_code == 200 and "未导入任何数据" in response.content.decode()
    assert not EmissionFactor.objects.filter(code="MAT-AL").exists()


@pytest.mark.parametrize("name,content,message", [
    ("library.txt", b"x", "不支持的文件类型"),
    ("library.xlsx", b"PK\x03\x04 broken", "无法读取 Excel 工作簿"),
    ("library.csv", "编号,数值\n1,2\n".encode(), "没有排放因子表"),
])
def test_unreadable_uploads_are_refused_on_the_form(auditor_client, name, content, message):
    response = auditor_client.post(reverse("factor_import"),
                                   {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and message in response.content.decode()


def test_an_oversized_upload_is_refused_before_reading(auditor_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = _upload(auditor_client, HEADER + "A,a,,other,1,kg CO2,kg,CO2,CN,,s,,\n" * 10)
    assert "文件太大" in response.content.decode()


@pytest.mark.parametrize("username,status", [("client", 403), ("lead", 403), ("admin", 200),
                                             ("auditor", 200)])
def test_who_may_import(client, demo, username, status):
    from footprint.models import User

    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("factor_import")).status_code == status
    response = _upload(client, HEADER + "MAT-AL,原铝,,material,16.5,kg CO2e,kg,CO2e,CN,2022,某数据库,,\n")
    assert response.status_code == status
    if status == 403:
        assert client.post(reverse("factor_import_confirm"), {"token": "x"}).status_code == 403
        assert not EmissionFactor.objects.filter(code="MAT-AL").exists()
        page = client.get(reverse("factor_list"))
        assert page.status_code == 403 or 'id="import-factors"' not in page.content.decode()


def test_the_export_downloads_a_workbook_that_imports_unchanged(auditor_client):
    response = auditor_client.get(reverse("factor_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    preview = auditor_client.post(reverse("factor_import"), {
        "file": SimpleUploadedFile("factor-library.xlsx", content)}).content.decode()
    count = EmissionFactor.objects.filter(is_current=True).count()
    assert 'data-count="new">0<' in preview and 'data-count="changed">0<' in preview
    assert f'data-count="unchanged">{count}<' in preview


def test_the_factor_page_lists_versions_and_the_studies_using_each(auditor_client):
    from footprint.services.reference.library_import import import_library

    import_library(files=[("l.csv", (HEADER + GRID_2022.format(value="0.5400")).encode())])
    v1 = EmissionFactor.objects.get(code="CN-GRID-2022", version=1)
    html = auditor_client.get(reverse("factor_detail", args=[v1.pk])).content.decode()
    assert 'data-version-studies="1">' in html
    v1_cell = html.split('data-version-studies="1">')[1].split("</td>")[0]
    v2_cell = html.split('data-version-studies="2">')[1].split("</td>")[0]
    assert "202508175GHG" in v1_cell and v2_cell == "—"


def test_search_by_english_or_chinese_name_and_code_in_any_case(auditor_client):
    url = reverse("factor_list")

    def codes(**params):
        html = auditor_client.get(url, params).content.decode()
        table = html.split('id="factor-table"')[1].split("</table>")[0]
        return {c for c in ("EX-MAT-PP", "EX-MAT-STEEL", "EX-TR-RAIL", "EX-TR-TRUCK-HEAVY",
                            "CN-GRID-2022", "CN-DIESEL") if f">{c}<" in table}

    assert codes(q="Polypropylene") == {"EX-MAT-PP"}
    assert codes(q="聚丙烯") == {"EX-MAT-PP"}
    assert codes(q="ex-tr") == {"EX-TR-RAIL", "EX-TR-TRUCK-HEAVY"}
    assert codes(q="steel") == {"EX-MAT-STEEL"}
    assert codes(category="transport", region="CN", year="2023", gas="CO2e") == {
        "EX-TR-RAIL", "EX-TR-TRUCK-HEAVY"}
    assert codes(q="rail", category="material") == set()
