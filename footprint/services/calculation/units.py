"""Physical units: the one place where quantities change unit (pint).

An activity is `quantity [activity unit]`; a factor is `value [mass of gas / activity unit]`.
Their product must be a mass; the multiplier that turns it into kilograms depends only on the
two unit strings, so it is computed once per pair and cached (pint parsing is slow).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

# One registry for the process: pint quantities from different registries cannot be mixed.
ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
# Spellings met in Chinese ledgers and reports (the seed prints "kwh").
ureg.define("kwh = kilowatt_hour")
ureg.define("mwh = megawatt_hour")
ureg.define("tkm = tonne * kilometer")

_CO2_PER_C = 44.0 / 12.0  # molar mass ratio CO2/C: one tonne of carbon oxidises to 44/12 t CO2


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue (makemessages knows this name) without touching
    Django's settings, which the pure calculation runs without."""
    return message


class UnitError(ValueError):
    """A unit string is unknown, or two units cannot be combined as required."""


class UnitSyntaxError(UnitError):
    """The text is not a unit at all (refused by the grammar before pint sees it).

    The message says why, translated when it is read (str), not when raised: the calculation
    uses this module without Django's settings and only catches the error."""

    def __init__(self, text: str, reason: str, params: dict | None = None, *,
                 template: str = gettext_noop("无法识别的单位 %(unit)s：%(reason)s")):
        super().__init__(text, reason)
        self.text, self.reason, self.params, self.template = text, reason, params or {}, template

    def __str__(self) -> str:
        reason = _translated(self.reason) % self.params if self.params else _translated(self.reason)
        return _translated(self.template) % {"unit": self.text, "reason": reason}


def _translated(msgid: str) -> str:
    try:
        return gettext(msgid)
    except ImproperlyConfigured:  # outside Django: the source text
        return msgid


# --- the grammar in front of pint -----------------------------------------------------------
# pint evaluates what it is given as arithmetic: `kg**9**9**9` computes 9^(9^9) and takes a
# worker down, `kWh(` raised an exception nobody expected. Only what a unit can be reaches it:
#   unit     := factor (("*" | "·" | "/" | " ") factor)*
#   factor   := operand [exponent]         (one exponent per operand: no `kg**2**3`)
#   operand  := NAME | "1" | "(" unit ")"   (no exponent after ")": `(kg*m)**2` is not a unit)
#   exponent := ("**" | "^") ["-"|"+"] DIGIT  with |n| <= 4,  or "²" / "³"
MAX_UNIT_LENGTH = 40  # the `unit` fields of factors and activities are 40 characters
MAX_EXPONENT = 4
MAX_NESTING = 3
_TOKEN_RE = re.compile(
    r"(?P<name>[A-Za-zµμΩ°_][A-Za-z0-9µμΩ°_]*|%)"
    r"|(?P<one>1)(?![0-9])"
    r"|(?P<exp>(?:\*\*|\^)\s*[-+]?[0-9]+(?:\.[0-9]*)?|[²³])"
    r"|(?P<op>[*/·])"
    r"|(?P<open>\()|(?P<close>\))"
    r"|(?P<space>\s+)"
)


def _unit_syntax_error(text: str, reason: str, params: dict | None = None) -> UnitSyntaxError:
    return UnitSyntaxError(text, reason, params)


def check_unit_syntax(text: str) -> None:
    """Raise UnitError unless `text` is a product/quotient of unit names with small integer
    exponents (the grammar above). Runs before pint sees the text."""
    if len(text) > MAX_UNIT_LENGTH:
        raise _unit_syntax_error(text[:MAX_UNIT_LENGTH] + "…", gettext_noop("单位不能超过 %(n)s 个字符。"), {
            "n": MAX_UNIT_LENGTH})
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:
            raise _unit_syntax_error(text, gettext_noop("不允许的字符 %(char)s。"), {"char": text[position]})
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append((kind, match.group()))
        elif tokens and position + len(match.group()) < len(text):
            tokens.append(("op", " "))  # a space between two factors multiplies
        position = match.end()
    # A space next to an operator or a parenthesis is only layout.
    cleaned: list[tuple[str, str]] = []
    for kind, value in tokens:
        if kind == "op" and value == " " and cleaned and cleaned[-1][0] in ("op", "open"):
            continue
        if kind in ("op", "close", "exp") and cleaned and cleaned[-1] == ("op", " "):
            cleaned.pop()
        cleaned.append((kind, value))
    depth = 0
    expect_operand = True
    previous = ""
    for kind, value in cleaned:
        if expect_operand:
            if kind in ("name", "one"):
                expect_operand = False
            elif kind == "open":
                depth += 1
                if depth > MAX_NESTING:
                    raise _unit_syntax_error(text, gettext_noop("括号嵌套过深。"))
            else:
                raise _unit_syntax_error(text, gettext_noop("%(token)s 的位置不对。"), {"token": value.strip() or "␣"})
        elif kind == "exp":
            if previous != "operand":
                raise _unit_syntax_error(text, gettext_noop("指数只能跟在单位名称后面，且只能有一个。"))
            number = value.lstrip("*^ ")
            if number not in ("²", "³"):
                try:
                    exponent = int(number)
                except ValueError:
                    raise _unit_syntax_error(text, gettext_noop("指数只能是整数。")) from None
                if exponent == 0 or abs(exponent) > MAX_EXPONENT:
                    raise _unit_syntax_error(text, gettext_noop("指数只能是 -%(n)s 到 %(n)s 之间的非零整数。"), {
                        "n": MAX_EXPONENT})
            previous = "exp"
            continue
        elif kind == "op":
            expect_operand = True
        elif kind == "close":
            depth -= 1
            if depth < 0:
                raise _unit_syntax_error(text, gettext_noop("括号不配对。"))
            previous = "close"
            continue
        else:
            raise _unit_syntax_error(text, gettext_noop("%(token)s 的位置不对。"), {"token": value})
        previous = "operand" if kind in ("name", "one") else ""
    if expect_operand:
        raise _unit_syntax_error(text, gettext_noop("单位不完整。"))
    if depth:
        raise _unit_syntax_error(text, gettext_noop("括号不配对。"))


@lru_cache(maxsize=1024)
def parse_unit(unit: str) -> pint.Unit:
    """Parse a unit string; raise UnitError with the offending text when it is not a unit
    (checked by the grammar above first) or pint does not know it."""
    text = (unit or "").strip()
    if not text:
        raise UnitError("empty unit")
    check_unit_syntax(text)
    try:
        parsed = ureg.parse_units(text)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError,
            KeyError, IndexError) as exc:
        raise UnitError(f"unknown unit: {text}") from exc
    return parsed


# A quantity of a fuel derivation: a plain decimal number, then a unit of the grammar above.
_QUANTITY_RE = re.compile(r"\s*([-+]?[0-9]{1,15}(?:\.[0-9]{1,15})?(?:[eE][-+]?[0-9]{1,3})?)\s*(.*?)\s*")


def parse_quantity(text: str) -> pint.Quantity:
    """`43.330 GJ/t` → a pint quantity; the unit goes through `parse_unit`'s grammar, the
    number is read by Python, never evaluated by pint."""
    match = _QUANTITY_RE.fullmatch(text or "")
    if match is None or not match.group(2):
        raise UnitSyntaxError((text or "")[:MAX_UNIT_LENGTH], gettext_noop("应为数字加单位，例如 43.330 GJ/t。"),
                              template=gettext_noop("无法读取数量 %(unit)s：%(reason)s"))
    return ureg.Quantity(float(match.group(1)), parse_unit(match.group(2)))


def is_valid_unit(unit: str) -> bool:
    try:
        parse_unit(unit)
    except UnitError:
        return False
    return True


@lru_cache(maxsize=4096)
def emission_multiplier(activity_unit: str, factor_unit: str) -> float:
    """Kilograms of gas per (1 activity_unit × 1 factor_unit).

    `kWh` with `kg/kWh` → 1.0; `MWh` with `kg/kWh` → 1000.0; `t` with `kg/kg` → 1000.0.
    Raises UnitError when the product is not a mass (e.g. `kg` with `kg/kWh`).
    """
    product = (1 * parse_unit(activity_unit)) * (1 * parse_unit(factor_unit))
    if product.dimensionality != ureg.kilogram.dimensionality:
        raise UnitError(f"{activity_unit} × {factor_unit} is not a mass")
    return float(product.to(ureg.kilogram).magnitude)


def activity_unit_of(factor_unit: str) -> str:
    """The activity unit a factor expects, for display: 'kg/kWh' → 'kWh'."""
    numerator, slash, denominator = factor_unit.partition("/")
    if slash and denominator.strip():
        return denominator.strip().removeprefix("(").removesuffix(")")
    return f"{(ureg.kilogram / parse_unit(factor_unit)):~P}"


@lru_cache(maxsize=256)
def fuel_factor_value(ncv: str, carbon_content: str, oxidation_rate: float, factor_unit: str) -> float:
    """CO2 factor of a fuel: NCV × carbon content per unit heat × oxidation rate × 44/12,
    expressed in `factor_unit` (e.g. 43.330 GJ/t × 20.20 t/TJ × 0.98 × 44/12 = 3.1451 kg/kg)."""
    ncv_q = parse_quantity(ncv)
    carbon_q = parse_quantity(carbon_content)
    co2 = ncv_q * carbon_q * float(oxidation_rate) * _CO2_PER_C
    target = parse_unit(factor_unit)
    try:
        value = float(co2.to(target).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(f"{ncv} × {carbon_content} cannot be expressed in {factor_unit}") from exc
    if not math.isfinite(value):
        raise UnitError("derived factor is not finite")
    return value


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """How many `to_unit` one `from_unit` is (both the same dimension)."""
    try:
        return float((1 * parse_unit(from_unit)).to(parse_unit(to_unit)).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(f"{from_unit} cannot become {to_unit}") from exc


# ------------------------------------------------------------- units printed in reports
# Reports print "kgCO₂e/台", "tCO₂e/件", "kgCO₂ eq", "kgCO2/kWh": a mass, the gas, and per what.
_GAS_WORD = re.compile(r"\s*CO[2₂]\s*(?:-?\s*e\s*q?\.?)?", re.IGNORECASE)
_MASS_TO_KG = {"g": 0.001, "kg": 1.0, "t": 1000.0, "kt": 1e6, "Mt": 1e9}
_PRINTED_TOTAL = re.compile(r"^\s*(?P<mass>g|kg|t|kt|Mt)\s*CO[2₂]", re.IGNORECASE)


def printed_total_unit(unit: str) -> tuple[float, str]:
    """Kilograms per printed mass unit and the "per" part of a printed total's unit:
    'kgCO₂e/台' → (1.0, '台'); 'tCO₂e/件' → (1000.0, '件'). UnitError if it is not a CO₂ mass."""
    match = _PRINTED_TOTAL.match(unit or "")
    if not match:
        raise UnitError(f"not a CO2 mass: {unit}")
    mass = match.group("mass")
    kg = _MASS_TO_KG.get(mass) or _MASS_TO_KG.get(mass.lower()) or _MASS_TO_KG[mass.capitalize()]
    _head, _slash, per = _GAS_WORD.sub("", unit, count=1).partition("/")
    return kg, per.strip()


def printed_factor_unit(unit: str) -> str:
    """A printed factor unit without its gas: 'kgCO₂/kWh' → 'kg/kWh' (pint does not know CO₂)."""
    return _GAS_WORD.sub("", unit or "", count=1).strip()


@lru_cache(maxsize=256)  # the claim checks ask it for every fuel row of every calculation
def ncv_per_activity_unit(ncv: str, factor_unit: str) -> float:
    """A fuel's net calorific value in MJ per activity unit of `factor_unit`:
    '43.330 GJ/t' with 'kg/kg' → 43.33 (MJ per kg)."""
    try:
        heat = ureg.Quantity(ncv) * (1 * ureg.kilogram / parse_unit(factor_unit))
        return float(heat.to(ureg.megajoule).magnitude)
    except (pint.errors.PintError, ValueError, AttributeError, TypeError, AssertionError) as exc:
        raise UnitError(f"cannot express {ncv} per activity unit of {factor_unit}") from exc
