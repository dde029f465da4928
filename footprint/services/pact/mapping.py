"""PACT v3 ProductFootprints from the facts of an issued study: pure, plain data in and out.

`FootprintFacts` holds what an issued study knows about one of its products (made from the
issued snapshot and the study's facts — services/facts, frozen once issued — by
`publishing.footprint_facts`); `footprint`
turns it into a ProductFootprint of the PACT Technical Specifications v3.0 (a dict ready for
JSON). What the study does not know is left out; a field the specification requires and the
study cannot know makes `missing_particulars` name it, and no footprint is published for that
product (docs/pact.md lists every field and where it comes from).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .. import formatting as F

SPEC_VERSION = "3.0.0"
ACTIVE = "Active"
DEPRECATED = "Deprecated"
# PACT's PCF is cradle to gate; a study's later stages are reported beside it or left out.
GATE_STAGES = ("raw_material_acquisition", "raw_material_transport", "production")
OUTBOUND_STAGE = "distribution"
# How long an issued figure is declared valid: the spec's default (3 years after the end of
# the reference period) unless the study is superseded earlier.
VALIDITY_YEARS = 3
PERCENT_DECIMALS = 1
# PACT v3's data-quality ratings (DQR, 1 best … 5 worst) and the study's pedigree ratings
# (1 best … 5 worst) score the same three representativeness criteria on the same scale: a
# product's DQR is the emission-weighted mean of its gate activities' pedigree scores.
DQR_FIELDS = (("technologicalDQR", "technological"), ("geographicalDQR", "geographical"),
              ("temporalDQR", "temporal"))
DQR_DECIMALS = 1

# Declared units of the specification, recognised from a study's functional unit ("1 台").
_DECLARED_UNITS = {
    "piece": ("台", "件", "个", "套", "只", "块", "组", "面", "根", "支", "片", "pc", "pcs",
              "piece", "pieces", "unit", "units", "set", "sets"),
    "kilogram": ("kg", "千克", "公斤", "kilogram", "kilograms"),
    "liter": ("l", "升", "liter", "litre", "liters", "litres"),
    "cubic meter": ("m3", "m³", "立方米", "cubic meter", "cubic metre"),
    "square meter": ("m2", "m²", "平方米", "square meter", "square metre"),
    "kilowatt hour": ("kwh", "千瓦时", "度", "kilowatt hour"),
    "megajoule": ("mj", "兆焦", "megajoule"),
    "ton kilometer": ("t*km", "t·km", "tkm", "吨公里", "ton kilometer"),
    "hour": ("h", "小时", "hour", "hours"),
}
_UNIT_LOOKUP = {word.lower(): unit for unit, words in _DECLARED_UNITS.items() for word in words}
# A tonne is declared in kilograms (the specification has no tonne).
_SCALED = {"t": ("kilogram", Decimal(1000)), "吨": ("kilogram", Decimal(1000))}
_FUNCTIONAL_UNIT = re.compile(r"^\s*(?P<amount>\d+(?:\.\d+)?)?\s*(?P<unit>[^\d\s].*?)\s*$")

# The study's standards, as the specification's crossSectoralStandards names them.
_STANDARDS = (("14067", "ISO14067"), ("PAS 2050", "PAS2050"), ("PAS2050", "PAS2050"),
              ("14040", "ISO14040-44"), ("14044", "ISO14040-44"), ("GHG Protocol", "GHGP-Product"))
# GB/T 24067-2024 is the Chinese adoption of ISO 14067:2018 (identical, IDT).
_GB_24067 = "GB/T 24067"


@dataclass(frozen=True)
class Exclusion:
    stage: str  # the stage's name as the report prints it
    processes: str
    reason: str


@dataclass(frozen=True)
class Verification:
    provider: str
    completed_at: dt.datetime
    standards: tuple[str, ...]
    report_number: str
    verify_url: str
    sha256: str


@dataclass(frozen=True)
class FootprintFacts:
    id: str
    created: dt.datetime
    superseded_at: dt.datetime | None  # when a revision was issued: the footprint is Deprecated
    preceding_ids: tuple[str, ...]
    company_name: str
    company_ids: tuple[str, ...]
    product_ids: tuple[str, ...]
    product_name: str
    product_model: str
    product_description: str
    functional_unit: str
    period_start: dt.date
    period_end: dt.date  # inclusive, as the study states it
    geography_country: str
    gwp_set: str
    standards: tuple[str, ...]
    boundary: str  # the study's boundary, as the report prints it
    stage_kgco2e: dict[str, float]  # per stage of the study's boundary
    stage_labels: dict[str, str]
    stage_processes: dict[str, str]  # the included processes per stage, as entered
    emissions_by_type: dict[str, float]  # fossil / biogenic / aircraft / luc, gate stages
    primary_kgco2e: float  # of the gate stages, from activities with primary data
    exclusions: tuple[Exclusion, ...]
    allocation: str
    secondary_sources: tuple[tuple[str, str], ...]  # (source, version or year)
    verification: Verification
    mass_per_unit_kg: Decimal | None = None
    fossil_carbon_kg: Decimal | None = None
    biogenic_carbon_kg: Decimal | None = None
    exempted_emissions_pct: Decimal | None = None
    packaging_excluded: bool | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # (kgCO2e, {"technological": 1–5, "geographical": …, "temporal": …} or None) per gate activity
    activity_ratings: tuple[tuple[float, dict[str, int] | None], ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        return DEPRECATED if self.superseded_at is not None else ACTIVE


def declared_unit(functional_unit: str) -> tuple[str, Decimal] | None:
    """("piece", 1) for "1 台"; None when the unit is none of the specification's."""
    match = _FUNCTIONAL_UNIT.match(functional_unit or "")
    if not match:
        return None
    try:
        amount = Decimal(match["amount"]) if match["amount"] else Decimal(1)
    except InvalidOperation:
        return None
    word = match["unit"].strip().lower()
    if word in _SCALED:
        unit, factor = _SCALED[word]
        amount *= factor
    else:
        unit = _UNIT_LOOKUP.get(word)
    if unit is None or amount <= 0:
        return None
    return unit, amount


def cross_sectoral_standards(standards: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for text in standards:
        if _GB_24067 in text and "ISO14067" not in names:
            names.append("ISO14067")
        for needle, name in _STANDARDS:
            if needle in text and name not in names:
                names.append(name)
    return names


def missing_particulars(facts: FootprintFacts) -> list[str]:
    """The required fields this product's footprint cannot be given, by their PACT names."""
    missing = []
    if declared_unit(facts.functional_unit) is None:
        missing.append("declaredUnitOfMeasurement")
    if facts.mass_per_unit_kg is None:
        missing.append("productMassPerDeclaredUnit")
    if facts.fossil_carbon_kg is None:
        missing.append("fossilCarbonContent")
    if facts.exempted_emissions_pct is None and facts.exclusions:
        missing.append("exemptedEmissionsPercent")
    if not cross_sectoral_standards(facts.standards):
        missing.append("crossSectoralStandards")
    return missing


def data_quality(activity_ratings) -> dict[str, str] | None:
    """The DataQualityIndicators: per criterion the mean of the activities' scores weighted by
    their emissions (by magnitude: a credit weighs as much as an emission of its size). None
    unless every gate activity with emissions is rated on all three criteria: a mean over part
    of the product would claim a quality the rest was never shown to have."""
    weighted = [(abs(kg), ratings) for kg, ratings in activity_ratings if kg]
    total = sum(kg for kg, _ in weighted)
    if not weighted or total == 0:
        return None
    if any(not ratings or any(ratings.get(c) is None for _, c in DQR_FIELDS)
           for _, ratings in weighted):
        return None
    return {
        name: F.decimal_string(sum(kg * ratings[criterion] for kg, ratings in weighted) / total,
                               DQR_DECIMALS)
        for name, criterion in DQR_FIELDS
    }


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def validity_period(facts: FootprintFacts) -> tuple[dt.datetime, dt.datetime]:
    """From issue to three years after the reference period (the specification's default);
    a superseded footprint's validity ends when its revision was issued."""
    start = facts.created
    end_day = facts.period_end + dt.timedelta(days=1)
    try:
        end = _midnight(end_day.replace(year=end_day.year + VALIDITY_YEARS))
    except ValueError:  # 29 February
        end = _midnight(end_day.replace(year=end_day.year + VALIDITY_YEARS, day=28))
    if facts.superseded_at is not None:
        end = min(end, facts.superseded_at)
    return start, max(start, end)


def _kg(value: float) -> str:
    return F.decimal_string(abs(value) if value == 0 else value)


def _boundary_description(facts: FootprintFacts) -> str:
    lines = [facts.boundary]
    for stage, label in facts.stage_labels.items():
        processes = facts.stage_processes.get(stage, "").strip()
        lines.append(f"{label}: {processes}" if processes else label)
    return "\n".join(lines)


def _exempted_description(facts: FootprintFacts) -> str:
    return "\n".join(
        f"{e.stage}: {e.processes}" + (f" ({e.reason})" if e.reason else "")
        for e in facts.exclusions
    )


def footprint(facts: FootprintFacts) -> dict:
    """The ProductFootprint of `facts`; ValueError naming the fields when it cannot be made."""
    missing = missing_particulars(facts)
    if missing:
        raise ValueError(", ".join(missing))
    unit, amount = declared_unit(facts.functional_unit)
    gate = sum(facts.stage_kgco2e.get(s, 0.0) for s in GATE_STAGES)
    types = facts.emissions_by_type
    # Biogenic uptake (removals in the product) is not something the study records: both
    # totals are the same emissions, so including the uptake changes nothing.
    pcf: dict = {
        "declaredUnitOfMeasurement": unit,
        "declaredUnitAmount": F.decimal_string(amount, max(0, -amount.normalize().as_tuple().exponent)),
        "productMassPerDeclaredUnit": F.decimal_string(facts.mass_per_unit_kg, 3),
        "referencePeriodStart": _iso(_midnight(facts.period_start)),
        # The specification's end is exclusive; the study's last day is included.
        "referencePeriodEnd": _iso(_midnight(facts.period_end + dt.timedelta(days=1))),
    }
    if facts.geography_country:
        pcf["geographyCountry"] = facts.geography_country
    pcf["boundaryProcessesDescription"] = _boundary_description(facts)
    pcf["pcfExcludingBiogenicUptake"] = _kg(gate)
    pcf["pcfIncludingBiogenicUptake"] = _kg(gate)
    pcf["fossilCarbonContent"] = F.decimal_string(facts.fossil_carbon_kg, 3)
    if facts.biogenic_carbon_kg is not None:
        pcf["biogenicCarbonContent"] = F.decimal_string(facts.biogenic_carbon_kg, 3)
    pcf["fossilGhgEmissions"] = _kg(types.get("fossil", 0.0) + types.get("aircraft", 0.0))
    pcf["landUseChangeGhgEmissions"] = _kg(types.get("luc", 0.0))
    pcf["aircraftGhgEmissions"] = _kg(types.get("aircraft", 0.0))
    if OUTBOUND_STAGE in facts.stage_kgco2e:
        pcf["outboundLogisticsGhgEmissions"] = _kg(facts.stage_kgco2e[OUTBOUND_STAGE])
    pcf["ipccCharacterizationFactors"] = [facts.gwp_set]
    pcf["crossSectoralStandards"] = cross_sectoral_standards(facts.standards)
    pcf["exemptedEmissionsPercent"] = F.decimal_string(facts.exempted_emissions_pct or 0, 3)
    pcf["exemptedEmissionsDescription"] = _exempted_description(facts)
    if facts.allocation:
        pcf["allocationRulesDescription"] = facts.allocation
    if facts.secondary_sources:
        pcf["secondaryEmissionFactorSources"] = [
            {"name": name, "version": version} for name, version in facts.secondary_sources
        ]
    if gate > 0:
        pcf["primaryDataShare"] = F.decimal_string(100 * facts.primary_kgco2e / gate, PERCENT_DECIMALS)
    dqi = data_quality(facts.activity_ratings)
    if dqi is not None:
        pcf["dqi"] = dqi
    v = facts.verification
    pcf["verification"] = {
        "coverage": "product level",
        "providerName": v.provider,
        "completedAt": _iso(v.completed_at),
        "standardName": "; ".join(v.standards),
        "comments": (f"Verified and signed report {v.report_number} (SHA-256 {v.sha256}); "
                     f"public verification: {v.verify_url}"),
    }
    start, end = validity_period(facts)
    description = facts.product_description.strip() or facts.product_name
    if facts.product_model and facts.product_model not in description:
        description = f"{description} ({facts.product_model})"
    data = {
        "id": facts.id,
        "specVersion": SPEC_VERSION,
    }
    if facts.preceding_ids:
        data["precedingPfIds"] = list(facts.preceding_ids)
    data.update({
        "created": _iso(facts.created),
        "status": facts.status,
        "validityPeriodStart": _iso(start),
        "validityPeriodEnd": _iso(end),
        "companyName": facts.company_name,
        "companyIds": list(facts.company_ids),
        "productDescription": description,
        "productIds": list(facts.product_ids),
        "productNameCompany": facts.product_name,
    })
    comment = [f"Functional unit: {facts.functional_unit}. Cradle-to-gate figure "
               f"(PACT scope) from report {v.report_number}."]
    comment.extend(facts.notes)
    data["comment"] = " ".join(comment)
    data["pcf"] = pcf
    return data
