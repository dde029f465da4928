import pytest

from footprint.services.units import (
    UnitError,
    activity_unit_of,
    conversion_factor,
    emission_multiplier,
    fuel_factor_value,
    is_valid_unit,
)


@pytest.mark.parametrize(
    ("activity_unit", "factor_unit", "expected"),
    [
        ("kWh", "kg/kWh", 1.0),
        ("MWh", "kg/kWh", 1000.0),
        ("kwh", "kg/kWh", 1.0),  # the seed report's spelling
        ("t", "kg/kg", 1000.0),
        ("g", "kg/kg", 0.001),
        ("t*km", "kg/(t*km)", 1.0),
        ("kg*km", "g/(t*km)", 1e-6),
        ("GJ", "kg/TJ", 0.001),
        ("L", "kg/m**3", 0.001),
    ],
)
def test_multiplier_converts_activity_into_factor_unit(activity_unit, factor_unit, expected):
    assert emission_multiplier(activity_unit, factor_unit) == pytest.approx(expected, rel=1e-12)


def test_incompatible_units_are_an_error_naming_both():
    with pytest.raises(UnitError, match="kg × kg/kWh"):
        emission_multiplier("kg", "kg/kWh")


def test_unknown_units_are_rejected():
    assert not is_valid_unit("台")
    assert not is_valid_unit("")
    assert is_valid_unit("m**3")
    with pytest.raises(UnitError):
        emission_multiplier("bogus", "kg/kWh")


def test_diesel_factor_is_derived_from_ncv_carbon_content_and_oxidation():
    # 43.330 GJ/t × 20.20 tC/TJ × 0.98 × 44/12 = 3.14512249 kg CO2 per kg of diesel
    value = fuel_factor_value("43.330 GJ/t", "20.20 t/TJ", 0.98, "kg/kg")
    assert value == pytest.approx(43.330 * 20.20 * 0.98 * 44 / 12 / 1000, rel=1e-12)
    assert round(value, 4) == 3.1451
    # the same factor per tonne of diesel
    assert fuel_factor_value("43.330 GJ/t", "20.20 t/TJ", 0.98, "kg/t") == pytest.approx(value * 1000)
    # a derivation that is not mass of CO2 per mass of fuel cannot fill a kg/GJ factor
    with pytest.raises(UnitError):
        fuel_factor_value("43.330 GJ/t", "20.20 t/TJ", 0.98, "kg/GJ")


def test_conversion_factor_and_display_unit():
    assert conversion_factor("t/MWh", "kg/kWh") == pytest.approx(1.0)
    assert activity_unit_of("kg/kWh") == "kWh"
    assert activity_unit_of("kg/(t*km)") == "t*km"
    with pytest.raises(UnitError):
        conversion_factor("kg/kWh", "kg/kg")
