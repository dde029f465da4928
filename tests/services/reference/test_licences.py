"""What a restricted factor keeps in an export for a reader outside the licensee
(footprint/services/reference/licences.py). Pure: documents in, documents out."""

from __future__ import annotations

import copy

import pytest

from footprint.services.reference.licences import is_restricted, redact_restricted_factors

CLCD = "CLCD 许可：不得转载明细"


def _document(**grid_extra) -> dict:
    return {
        "format": "pcf-study/1",
        "factors": [
            {"code": "CN-DIESEL", "name": "柴油", "name_en": "Diesel", "category": "fuel",
             "gas": "CO2", "unit": "kg/kg",
             "derived_from": {"ncv": "43.330 GJ/t", "carbon_content": "20.20 t/TJ", "oxidation_rate": 0.98},
             "year": 2015, "region": "CN", "source": "核算指南缺省值", "published": "2015-07-06",
             "notes": "每 kg 柴油", "distribution": "lognormal", "distribution_gsd2": 1.1,
             "licence_note": CLCD, "redistribution_allowed": False},
            {"code": "CN-GRID-2022", "version": 2, "name": "全国电网平均", "category": "electricity",
             "value": 0.53, "value_decimals": 4, "unit": "kg/kWh", "gas": "CO2", "year": 2022,
             "region": "CN", "source": "生态环境部公告", **grid_extra},
            {"code": "X-STEEL", "name": "热轧钢卷", "category": "material", "value": 2.1,
             "unit": "kg/kg", "gas": "CO2e", "source": "供应商 EPD"},
        ],
        "products": [{"code": "LV", "name": "低压柜", "activities": [
            {"name": "柴油", "quantity": 10, "unit": "kg", "factor": "CN-DIESEL"},
            {"name": "电力", "quantity": 100, "unit": "kWh", "factor": "CN-GRID-2022", "factor_version": 2},
        ]}],
        "translations": {"en": {"texts": {"title": "Study"}, "terms": {
            "柴油": "Diesel", "全国电网平均": "National grid average", "热轧钢卷": "Hot-rolled coil",
            "低压柜": "LV switchgear", "CN": "China", "每 kg 柴油": "per kg of diesel"}}},
    }


def test_a_restricted_factor_keeps_its_code_value_unit_gas_source_and_licence_only():
    document = _document(redistribution_allowed=False)
    grid = redact_restricted_factors(document)["factors"][1]
    assert grid == {"code": "CN-GRID-2022", "version": 2, "name": "CN-GRID-2022",
                    "category": "electricity", "value": 0.53, "value_decimals": 4,
                    "unit": "kg/kWh", "gas": "CO2", "source": "生态环境部公告",
                    "redistribution_allowed": False}


def test_a_derived_fuel_factor_gives_its_value_instead_of_its_derivation():
    diesel = redact_restricted_factors(_document())["factors"][0]
    # 43.330 GJ/t × 20.20 t C/TJ × 0.98 × 44/12 = 3.1451225… kg CO2 per kg of diesel, to the
    # 10 decimals a factor's value may have
    assert diesel["value"] == round(43.330 * 20.20 / 1000 * 0.98 * 44 / 12, 10)
    assert diesel["value"] == pytest.approx(3.14512, abs=5e-6)
    assert len(repr(diesel["value"]).split(".")[1]) <= 10
    assert diesel["name"] == "CN-DIESEL" and diesel["licence_note"] == CLCD
    for hidden in ("derived_from", "name_en", "year", "region", "published", "notes",
                   "distribution", "distribution_gsd2"):
        assert hidden not in diesel, hidden


def test_unrestricted_factors_and_everything_else_are_left_as_they_were():
    document = _document()
    before = copy.deepcopy(document)
    redacted = redact_restricted_factors(document)
    assert document == before  # the caller's document is not changed
    assert redacted["factors"][1:] == before["factors"][1:]
    assert redacted["products"] == before["products"]
    assert {k: v for k, v in redacted.items() if k not in ("factors", "translations")} == {
        k: v for k, v in before.items() if k not in ("factors", "translations")}


def test_a_document_without_restricted_factors_is_returned_as_it_is():
    document = _document()
    del document["factors"][0]["redistribution_allowed"]
    assert redact_restricted_factors(document) is document


def test_a_snapshot_written_before_the_flag_is_redacted_by_the_librarys_versions():
    document = _document()
    del document["factors"][0]["redistribution_allowed"], document["factors"][0]["licence_note"]
    # the library restricts CN-DIESEL v1 (the document omits version 1) and CN-GRID-2022 v1 —
    # not the v2 the document uses
    restricted = {("CN-DIESEL", 1): "CLCD", ("CN-GRID-2022", 1): "CLCD"}
    assert is_restricted(document["factors"][0], restricted)
    assert not is_restricted(document["factors"][1], restricted)
    diesel, grid, steel = redact_restricted_factors(document, restricted)["factors"]
    assert diesel["licence_note"] == "CLCD" and diesel["redistribution_allowed"] is False
    assert "derived_from" not in diesel and "year" not in diesel
    assert grid["name"] == "全国电网平均" and grid["year"] == 2022


def test_translations_no_longer_name_a_restricted_factor_that_nothing_else_prints():
    document = _document(redistribution_allowed=False)
    terms = redact_restricted_factors(document)["translations"]["en"]["terms"]
    # 全国电网平均 was only the grid factor's name, CN only the restricted factors' region (the
    # English page offers regions for translation) and 每 kg 柴油 the diesel factor's notes;
    # 柴油 is also an activity's name, which the report prints; the steel factor is not restricted
    assert terms == {"柴油": "Diesel", "热轧钢卷": "Hot-rolled coil", "低压柜": "LV switchgear"}
    assert redact_restricted_factors(document)["translations"]["en"]["texts"] == {"title": "Study"}


def test_a_derivation_that_cannot_be_computed_passes_nothing_on():
    document = _document()
    document["factors"][0]["derived_from"]["ncv"] = "43.330 furlongs"
    diesel = redact_restricted_factors(document)["factors"][0]
    assert diesel["value"] is None and "derived_from" not in diesel
