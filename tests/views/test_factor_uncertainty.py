"""A library factor carries the uncertainty its source publishes: entered with the factor,
checked like an activity's, and used by the Monte Carlo analysis (docs/uncertainty.md)."""

from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FACTOR = {"code": "STEEL-BOF", "name_zh": "转炉钢", "category": "material", "gas": "CO2e",
          "value": "2.1", "unit": "t/t", "year": "2023", "region": "CN", "source": "测试数据库"}


def test_a_factor_is_added_with_its_published_distribution(auditor_client):
    from footprint.models import EmissionFactor

    response = auditor_client.post(reverse("factor_create"), {
        **FACTOR, "distribution": "lognormal", "distribution_gsd2": "1.15"})
    assert response.status_code == 302
    factor = EmissionFactor.objects.get(code="STEEL-BOF")
    assert (factor.distribution, factor.distribution_gsd2) == ("lognormal", Decimal("1.15"))
    html = auditor_client.get(reverse("factor_detail", args=[factor.pk])).content.decode()
    assert 'data-testid="factor-distribution">对数正态，GSD² 1.15（因子值为中位数）<' in html


def test_a_factor_without_one_says_what_the_analysis_takes(auditor_client, demo):
    from footprint.models import EmissionFactor

    grid = EmissionFactor.objects.get(code="CN-GRID-2022")
    html = auditor_client.get(reverse("factor_detail", args=[grid.pk])).content.decode()
    assert "未公布：蒙特卡洛分析取其温室气体的基本不确定性 GSD² 1.05" in html


@pytest.mark.parametrize(("extra", "message"), [
    ({"distribution": "uniform", "distribution_low": "2.5", "distribution_high": "3"}, None),
    ({"distribution": "triangular", "distribution_low": "2.5", "distribution_high": "3"}, "应在下限和上限之间"),
    ({"distribution_sd": "0.1"}, "请先选择分布类型"),
])
def test_parameters_that_do_not_fit_are_errors_and_nothing_is_saved(auditor_client, extra, message):
    from footprint.models import EmissionFactor

    response = auditor_client.post(reverse("factor_create"), {**FACTOR, **extra})
    if message is None:  # a uniform range need not contain the value
        assert response.status_code == 302
        return
    assert response.status_code == 200 and message in response.content.decode()
    assert not EmissionFactor.objects.filter(code="STEEL-BOF").exists()


def test_a_new_version_takes_the_distribution_entered_in_its_form(auditor_client, demo):
    from footprint.models import EmissionFactor

    old = EmissionFactor.objects.get(code="CN-GRID-2022")
    data = {f: getattr(old, f) or "" for f in ("name_zh", "name_en", "category", "unit", "gas",
                                               "year", "region", "source", "published", "notes")}
    data.update(value="0.5366", distribution="normal", distribution_sd="0.02")
    auditor_client.post(reverse("factor_new_version", args=[old.pk]), data)
    new = EmissionFactor.objects.get(code="CN-GRID-2022", version=2)
    assert (new.distribution, new.distribution_sd) == ("normal", Decimal("0.02"))
    assert EmissionFactor.objects.get(pk=old.pk).distribution == ""
