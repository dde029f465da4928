import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footprint.services.calculation.study import (
    ActivityInput,
    FactorInput,
    ProductInput,
    StudyInput,
    calculate_study,
)
from footprint.services.calculation.units import (
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


# ------------------------------------------------------------- unit invariance (property)
# The same activity written in different units must give the same kgCO2e: 1 t = 1000 kg,
# 1 GWh = 10^6 kWh, 1 t*km = 1000 kg*km; and scaling the quantity scales the result.
GRID = FactorInput("GRID@1", "GRID", 0.5366, "kg/kWh", "CO2", 1, "GRID")
DIESEL = FactorInput("DIESEL@1", "DIESEL", 3.1451225, "kg/kg", "CO2", 1, "DIESEL")
TRUCK = FactorInput("TRUCK@1", "TRUCK", 0.078, "kg/(t*km)", "CO2", 1, "TRUCK")
# (factor, large unit, small unit, small units per large unit)
EQUIVALENT_UNITS = [
    (DIESEL, "t", "kg", 1e3),
    (GRID, "GWh", "kWh", 1e6),
    (GRID, "MWh", "kWh", 1e3),
    (TRUCK, "t*km", "kg*km", 1e3),
]


def _kg(factor, quantity, unit, allocation=1.0, output=1.0):
    activity = ActivityInput("production", "x", quantity, unit, factor.key, allocation=allocation)
    study = StudyInput(
        report_number="U", gwp_set="AR5", boundary="cradle_to_grave", gwp={"CO2": 1.0},
        factors={factor.key: factor}, products=(ProductInput("P", "p", "1 台", output, (activity,)),),
    )
    [product] = calculate_study(study).products
    assert not product.has_errors
    return product.total_kgco2e


def test_one_tonne_one_gigawatt_hour_one_tonne_kilometre_by_hand():
    # 1 t diesel = 1000 kg × 3.1451225 = 3145.1225 kg; 1 GWh = 10^6 kWh × 0.5366 = 536600 kg;
    # 1 t*km × 0.078 = 0.078 kg = 1000 kg*km
    assert _kg(DIESEL, 1.0, "t") == pytest.approx(3145.1225, rel=1e-12)
    assert _kg(DIESEL, 1000.0, "kg") == pytest.approx(3145.1225, rel=1e-12)
    assert _kg(GRID, 1.0, "GWh") == pytest.approx(536600.0, rel=1e-12)
    assert _kg(GRID, 1e6, "kWh") == pytest.approx(536600.0, rel=1e-12)
    assert _kg(TRUCK, 1.0, "t*km") == pytest.approx(0.078, rel=1e-12)
    assert _kg(TRUCK, 1000.0, "kg*km") == pytest.approx(0.078, rel=1e-12)


quantities = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(EQUIVALENT_UNITS), quantities, st.floats(min_value=0.01, max_value=1.0),
       st.floats(min_value=1.0, max_value=1e6))
def test_the_same_activity_in_a_larger_or_smaller_unit_gives_the_same_result(case, q, allocation, output):
    factor, large, small, ratio = case
    assert _kg(factor, q, large, allocation, output) == pytest.approx(
        _kg(factor, q * ratio, small, allocation, output), rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(EQUIVALENT_UNITS), quantities, st.floats(min_value=1e-3, max_value=1e3),
       st.booleans())
def test_scaling_the_quantity_scales_the_result_in_any_unit(case, q, k, use_large):
    factor, large, small, _ratio = case
    unit = large if use_large else small
    assert _kg(factor, q * k, unit) == pytest.approx(_kg(factor, q, unit) * k, rel=1e-9)


# ---- the grammar in front of pint (issue 10): only what a unit can be reaches pint
@pytest.mark.parametrize("unit", [
    "kg", "kWh", "kg/kWh", "t*km", "kg/(t*km)", "kg / kWh", "t km", "kg·km", "m²", "m³",
    "m**3", "kg/m**3", "kg^2", "kg**-2", "1/kg", "%", "L", "µg",
])
def test_the_grammar_admits_what_a_unit_can_be(unit):
    assert is_valid_unit(unit)


@pytest.mark.parametrize(("unit", "reason"), [
    ("kg**9**9**9", "指数只能是 -4 到 4 之间的非零整数"),  # pint computed 9^(9^9)
    ("kg**2**3", "只能有一个"),                             # chained exponents
    ("kg^2^3", "只能有一个"),
    ("kg**5", "-4 到 4"),
    ("kg**0", "-4 到 4"),
    ("kg**2.5", "整数"),
    ("kg**(1/2)", "不允许的字符"),
    ("kg**1e3", "位置不对"),
    ("(kg*m)**2", "只能跟在单位名称后面"),
    ("kWh(", "位置不对"),                                  # answered 500
    ("kWh)", "括号不配对"),
    ("(kg", "括号不配对"),
    ("((((kg))))", "嵌套过深"),
    ("kg/", "不完整"),
    ("kg*", "不完整"),
    ("x" * 41, "不能超过 40 个字符"),
    ("kg\x00", "不允许的字符"),
    ("__import__('os')", "不允许的字符"),
])
def test_the_grammar_refuses_anything_else_with_the_reason(unit, reason):
    import time

    from footprint.services.calculation.units import UnitSyntaxError, parse_unit

    start = time.monotonic()
    with pytest.raises(UnitSyntaxError, match=reason) as caught:
        parse_unit(unit)
    assert isinstance(caught.value, UnitError)  # callers that catch UnitError still do
    assert time.monotonic() - start < 1


def test_a_fuel_derivation_reads_its_number_without_evaluating_it():
    with pytest.raises(UnitError, match="-4 到 4"):
        fuel_factor_value("1 kg**9**9**9", "20.20 t/TJ", 0.98, "kg/kg")
    with pytest.raises(UnitError, match="不允许的字符 3"):
        fuel_factor_value("2*3 GJ/t", "20.20 t/TJ", 0.98, "kg/kg")
    with pytest.raises(UnitError, match="数字加单位"):
        fuel_factor_value("GJ/t", "20.20 t/TJ", 0.98, "kg/kg")
    with pytest.raises(UnitError, match="not finite"):
        fuel_factor_value("1e999 GJ/t", "20.20 t/TJ", 0.98, "kg/kg")
    assert fuel_factor_value("43.330GJ/t", "20.20 t/TJ", 0.98, "kg/kg") == pytest.approx(3.14512249, rel=1e-8)


# ---- fuzzing: whatever text arrives, the answer is a unit or UnitError, quickly
_UNIT_ALPHABET = st.sampled_from(list("kgmtWhJL*/^()²³ ·-+.0123456789eE%_") + ["**", "kWh", "km", "(", ")"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(_UNIT_ALPHABET, max_size=20).map("".join), st.text(max_size=60)))
def test_fuzzed_units_give_a_unit_or_unit_error(text):
    from footprint.services.calculation.units import parse_unit

    try:
        parsed = parse_unit(text)
    except UnitError:
        return
    assert str(parsed)  # a pint unit


def test_the_grammar_needs_no_django_settings():
    # The pure calculation imports this module without Django configured: a refused unit
    # must still be a UnitError with a (source-language) message, not ImproperlyConfigured.
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("from footprint.services.calculation.units import parse_unit, UnitError\n"
            "try:\n    parse_unit('kg**9**9**9')\nexcept UnitError as exc:\n    print(exc)\n")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[3], timeout=60)
    assert done.returncode == 0, done.stderr
    assert "无法识别的单位 kg**9**9**9：指数只能是 -4 到 4 之间的非零整数。" in done.stdout


def test_a_refused_unit_says_why_in_the_active_language():
    from django.utils import translation

    from footprint.services.calculation.units import UnitSyntaxError, parse_unit

    with pytest.raises(UnitSyntaxError) as caught:
        parse_unit("kg**9")
    with translation.override("en"):
        assert str(caught.value) == (
            "Unrecognised unit kg**9: An exponent must be a non-zero whole number from -4 to 4.")
    assert str(caught.value) == "无法识别的单位 kg**9：指数只能是 -4 到 4 之间的非零整数。"
