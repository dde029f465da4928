"""The pure PACT mapping (footprint/services/pact/mapping.py): hand-made facts, hand-computed fields,
and every footprint valid against the official v3 schema."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from footprint.services.pact import mapping as pact
from tests.pact_schema import assert_valid, errors

ISSUED = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)


def facts(**changes) -> pact.FootprintFacts:
    base = pact.FootprintFacts(
        id="0b0e2a53-1f44-4f4b-9d1a-5c2b7e0f3a11",
        created=ISSUED,
        superseded_at=None,
        preceding_ids=(),
        company_name="示例电气有限公司",
        company_ids=("urn:pact:company:cn-uscc:91330100MA27XXXX1A",),
        product_ids=("urn:pact:product:cn-uscc:91330100MA27XXXX1A:KYN28",),
        product_name="高压开关柜",
        product_model="KYN28-12",
        product_description="",
        functional_unit="1 台",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        geography_country="CN",
        gwp_set="AR6",
        standards=("GB/T 24067-2024/ISO 14067:2018", "PAS 2050:2011"),
        boundary="摇篮到坟墓",
        stage_kgco2e={"raw_material_acquisition": 100.0, "raw_material_transport": 10.25,
                      "production": 40.0, "distribution": 5.5, "use": 900.0, "end_of_life": 2.0},
        stage_labels={"raw_material_acquisition": "原材料获取", "production": "生产"},
        stage_processes={"raw_material_acquisition": "钢材生产", "production": "装配"},
        emissions_by_type={"fossil": 140.0, "aircraft": 0.25, "biogenic": 10.0},
        primary_kgco2e=50.25,
        exclusions=(pact.Exclusion("生产", "资本品", "寿命期分摊后不足 0.1 %"),),
        allocation="按产量分配",
        secondary_sources=(("生态环境部 2022 年电力排放因子", "2022"),),
        verification=pact.Verification(
            provider="示例认证有限公司", completed_at=ISSUED,
            standards=("GB/T 24067-2024/ISO 14067:2018",), report_number="R-1",
            verify_url="https://pcf.example.com/verify/abc/", sha256="ab" * 32),
        mass_per_unit_kg=Decimal("812.5"),
        fossil_carbon_kg=Decimal("20"),
        exempted_emissions_pct=Decimal("0.4"),
    )
    return replace(base, **changes)


def test_cradle_to_gate_figures_and_decimal_strings():
    fp = pact.footprint(facts())
    pcf = fp["pcf"]
    # 100 + 10.25 + 40: distribution, use and end of life are outside PACT's cradle to gate.
    assert pcf["pcfExcludingBiogenicUptake"] == "150.250"
    assert pcf["pcfIncludingBiogenicUptake"] == "150.250"
    assert pcf["outboundLogisticsGhgEmissions"] == "5.500"
    # fossil 140 + aircraft 0.25 (aircraft emissions are fossil emissions reported beside them)
    assert pcf["fossilGhgEmissions"] == "140.250"
    assert pcf["aircraftGhgEmissions"] == "0.250"
    assert pcf["landUseChangeGhgEmissions"] == "0.000"
    # 50.25 of 150.25 from primary data
    assert pcf["primaryDataShare"] == "33.4"
    assert pcf["declaredUnitOfMeasurement"] == "piece"
    assert pcf["declaredUnitAmount"] == "1"
    assert pcf["productMassPerDeclaredUnit"] == "812.500"
    assert pcf["fossilCarbonContent"] == "20.000"
    assert "biogenicCarbonContent" not in pcf  # unknown: left out
    assert "dqi" not in pcf  # the study has no data-quality ratings
    assert pcf["exemptedEmissionsPercent"] == "0.400"
    assert pcf["exemptedEmissionsDescription"] == "生产: 资本品 (寿命期分摊后不足 0.1 %)"
    assert pcf["ipccCharacterizationFactors"] == ["AR6"]
    assert pcf["crossSectoralStandards"] == ["ISO14067", "PAS2050"]
    assert pcf["referencePeriodStart"] == "2025-01-01T00:00:00Z"
    assert pcf["referencePeriodEnd"] == "2026-01-01T00:00:00Z"  # exclusive end
    assert pcf["verification"]["providerName"] == "示例认证有限公司"
    assert pcf["verification"]["completedAt"] == "2026-03-02T08:30:00Z"
    assert "https://pcf.example.com/verify/abc/" in pcf["verification"]["comments"]
    assert fp["status"] == "Active"
    assert fp["validityPeriodStart"] == "2026-03-02T08:30:00Z"
    assert fp["validityPeriodEnd"] == "2029-01-01T00:00:00Z"  # 3 years after the period
    assert fp["productDescription"] == "高压开关柜 (KYN28-12)"
    assert "precedingPfIds" not in fp
    assert_valid(fp)


def test_deprecated_footprint_ends_when_its_revision_was_issued():
    revised_at = dt.datetime(2027, 5, 1, tzinfo=dt.UTC)
    fp = pact.footprint(facts(superseded_at=revised_at))
    assert fp["status"] == "Deprecated"
    assert fp["validityPeriodEnd"] == "2027-05-01T00:00:00Z"
    successor = pact.footprint(facts(id="7d7d4c9e-7f7b-4d0c-8f0e-0c6a3a5f9e22",
                                     preceding_ids=("0b0e2a53-1f44-4f4b-9d1a-5c2b7e0f3a11",)))
    assert successor["precedingPfIds"] == ["0b0e2a53-1f44-4f4b-9d1a-5c2b7e0f3a11"]
    assert_valid(fp)
    assert_valid(successor)


@pytest.mark.parametrize(("unit", "expected"), [
    ("1 台", ("piece", Decimal(1))), ("台", ("piece", Decimal(1))), ("1 kg", ("kilogram", Decimal(1))),
    ("1 t", ("kilogram", Decimal(1000))), ("10 m2", ("square meter", Decimal(10))),
    ("1 kWh", ("kilowatt hour", Decimal(1))), ("1 箱", None), ("0 台", None), ("", None),
])
def test_declared_unit(unit, expected):
    assert pact.declared_unit(unit) == expected


def test_what_the_study_cannot_know_stops_the_footprint_and_is_named():
    lacking = facts(mass_per_unit_kg=None, fossil_carbon_kg=None, exempted_emissions_pct=None,
                    functional_unit="1 箱", standards=("企业标准",))
    assert pact.missing_particulars(lacking) == [
        "declaredUnitOfMeasurement", "productMassPerDeclaredUnit", "fossilCarbonContent",
        "exemptedEmissionsPercent", "crossSectoralStandards"]
    with pytest.raises(ValueError, match="productMassPerDeclaredUnit"):
        pact.footprint(lacking)
    # Nothing excluded: "0" is known, not invented.
    assert pact.footprint(facts(exclusions=(), exempted_emissions_pct=None))["pcf"][
        "exemptedEmissionsPercent"] == "0.000"


def test_a_number_is_never_a_json_number_and_never_negative_zero():
    fp = pact.footprint(facts(stage_kgco2e={"production": 0.0}, emissions_by_type={},
                              primary_kgco2e=0.0))
    assert fp["pcf"]["pcfExcludingBiogenicUptake"] == "0.000"
    assert "primaryDataShare" not in fp["pcf"]  # a share of nothing is not a number
    assert_valid(fp)


def test_the_schema_catches_what_the_spec_forbids():
    fp = pact.footprint(facts())
    fp["pcf"]["pcfExcludingBiogenicUptake"] = 150.25
    assert errors(fp)


def test_dqi_is_the_emission_weighted_mean_of_the_pedigree_scores():
    good = {"technological": 1, "geographical": 2, "temporal": 1}
    poor = {"technological": 4, "geographical": 3, "temporal": 5}
    # weights 30 and 20 (a credit weighs by its size): technological (30·1 + 20·4)/50 = 2.2,
    # geographical (60 + 60)/50 = 2.4, temporal (30 + 100)/50 = 2.6; zero-emission rows ignored
    fp = pact.footprint(facts(activity_ratings=((30.0, good), (-20.0, poor), (0.0, None))))
    assert fp["pcf"]["dqi"] == {"technologicalDQR": "2.2", "geographicalDQR": "2.4",
                                "temporalDQR": "2.6"}
    assert_valid(fp)


@pytest.mark.parametrize("ratings", [
    (),  # no activities known
    ((30.0, {"technological": 1, "geographical": 1, "temporal": 1}), (10.0, None)),  # part rated
    ((30.0, {"technological": 1, "geographical": 1, "temporal": None}),),  # one criterion missing
])
def test_dqi_is_left_out_unless_every_activity_is_rated(ratings):
    assert "dqi" not in pact.footprint(facts(activity_ratings=ratings))["pcf"]
