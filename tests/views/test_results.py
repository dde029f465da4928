"""The results page recomputes the seed study: both products' totals, stage tables, charts,
flagged rows and the claimed-versus-recomputed table with the suggested factor."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


@pytest.fixture
def page(auditor_client):
    return auditor_client.get(reverse("study_results", args=[SEED])).content.decode()


def test_it_shows_both_products_totals_recomputed_from_the_data(page):
    assert re.search(r'id="total-LV"[^>]*>212\.852<', page)
    assert re.search(r'id="total-HV"[^>]*>226\.496<', page)


def test_each_product_has_a_stage_table_whose_shares_add_up_to_100(page):
    for code in ("LV", "HV"):
        section = page.split(f'id="product-{code}"')[1].split('<section class="mb-4"')[0]
        table = section.split('class="table table-dense mb-0 stage-table"')[1].split("</table>")[0]
        shares = [float(s) for s in re.findall(r'<td class="num">([\d.]+) %</td>', table.split("<tfoot>")[0])]
        assert len(shares) == 6
        assert sum(shares) == pytest.approx(100.0)
    assert "84.7 %" in page  # LV raw material acquisition


def test_the_charts_are_the_shared_svg_renderer_with_one_bar_per_stage(page):
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    # stage chart and contributors chart for each product (the Monte Carlo cards load apart)
    assert len(svgs) == 4
    stages = ET.fromstring(svgs[0])
    assert len(stages.findall("{http://www.w3.org/2000/svg}rect")) == 6
    assert "180.200" in "".join(stages.itertext())


def test_rows_whose_claim_does_not_follow_are_flagged_and_linked_to_the_stage_editor(page):
    lv_rows = re.findall(r'<tr id="act-LV-(\d)"( class="table-warning")?>', page)
    flagged = {int(i) for i, cls in lv_rows if cls}
    assert flagged == {0, 2, 4}  # raw materials, production, end of life; transports follow
    assert "/studies/202508175GHG/products/LV/?stage=production&amp;page=1#row-" in page


def test_the_claims_table_names_the_factor_that_would_reproduce_the_seed(page):
    claims = page.split('id="claims-LV"')[1].split("</table>")[0]
    assert "186.984" in claims and "180.200" in claims and "+3.76 %" in claims
    assert "0.5568 kg/kWh" in claims
    assert ">CN-GRID-2021</a>" in claims
    assert "+5.84 %" in claims  # production: no library factor explains it
    check_list = page.split('id="checks-LV"')[1].split("</ul>")[0]
    # three claims that do not follow, the use stage left out of an energy-using product,
    # and the list of stages left out
    assert check_list.count("<li") == 5


def test_the_seed_switchgear_is_warned_that_leaving_out_its_use_stage_makes_a_partial_cfp(page):
    # Both products use energy in use (losses); the seed excludes the use stage with a reason.
    for code in ("LV", "HV"):
        check_list = page.split(f'id="checks-{code}"')[1].split("</ul>")[0]
        item = next(li for li in check_list.split("<li")[1:] if "ISO 14067:2018" in li)
        assert "check-warning" in item
        assert "该产品在使用中消耗能源，但使用阶段没有活动数据" in item
        assert "部分碳足迹" in item
        assert "以下阶段没有活动数据，并写明了排除理由：使用。" in check_list


def test_a_contact_reading_the_results_gets_no_editor_links(client, demo):
    from django.utils import timezone

    from footprint.choices import StudyStatus
    from footprint.models import Study, User

    Study.objects.filter(report_number=SEED).update(
        status=StudyStatus.CLIENT_REVIEW, sent_to_client_at=timezone.now())
    client.force_login(User.objects.get(username="client"))
    html = client.get(reverse("study_results", args=[SEED])).content.decode()
    assert 'id="total-LV"' in html and "/products/LV/" not in html


def test_a_cradle_to_gate_study_labels_its_unit_as_declared_unit(auditor_client):
    html = auditor_client.get(reverse("study_results", args=["DEMO-2"])).content.decode()
    assert "声明单位: 1 台" in html and "功能单位:" not in html
    assert "按声明单位表示" in html  # the partial_cfp_functional_unit warning
def _contradictions(page, code):
    table = page.split(f'id="contradictions-{code}"')[1].split("</table>")[0]
    return re.findall(r'<tr class="table-warning" data-check="([a-z_]+)">(.*?)</tr>', table, flags=re.S)


def test_every_contradiction_of_the_source_report_is_listed_with_places_values_and_cause(page):
    hv = _contradictions(page, "HV")
    codes = [code for code, _row in hv]
    assert codes.count("claims_conflict") == 2
    assert {"claimed_total_mismatch", "claimed_sum_mismatch", "claimed_share_mismatch",
            "factor_claim_irreproducible", "claim_unit_suspect"} <= set(codes)
    distribution = next(row for code, row in hv if code == "claims_conflict" and "10.542" in row)
    # both places with both values, and the cause: LV's figure copied
    assert "摘要：10.542" in distribution and "表 4.2-2、表 5.2-2：16.138" in distribution
    assert "LV“成品运输（分销）”阶段的数值" in distribution
    end_of_life = next(row for code, row in hv if code == "claims_conflict" and "24.164" in row)
    assert "24.160" in end_of_life and "修约或录入错误" in end_of_life
    diesel = next(row for code, row in _contradictions(page, "LV")
                  if code == "factor_claim_irreproducible" and "0.0726" in row)
    assert "表 4.2-1：0.0726 kg/kg" in diesel and "3.14512" in diesel and "按 MJ 计" in diesel
    grid = next(row for code, row in _contradictions(page, "LV")
                if code == "factor_claim_irreproducible" and "0.5366" in row)
    assert "CN-GRID-2021" in grid and "2021 年" in grid
    # the general check list keeps the row checks; the contradictions are counted with it
    assert "原报告中有 8 处矛盾" in page.split('id="checks-LV"')[1]
