"""Analysis of a study's results that the report states: the emission type of a factor
(fossil, biogenic, land use, aircraft), whether an electricity factor is market-based, and
the hotspots. Pure: facts and results in, plain values out.
"""

from __future__ import annotations

from .facts import FactorFacts

# Which share of emissions the standard asks to report separately, recognised from the
# factor's own words because the library has no separate field for it.
_AIRCRAFT_WORDS = ("航空", "飞机", "aircraft", "air freight", "aviation")
_BIOGENIC_WORDS = ("生物质", "生物源", "biogenic", "biomass")
_LUC_WORDS = ("土地利用", "land use", "luc")


def emission_type(factor: FactorFacts | None) -> str:
    if factor is None:
        return "fossil"
    text = f"{factor.code} {factor.name_zh} {factor.name_en} {factor.notes}".lower()
    if any(w in text for w in _LUC_WORDS if w != "luc") or "-luc" in text:
        return "luc"
    if any(w in text for w in _BIOGENIC_WORDS):
        return "biogenic"
    if any(w in text for w in _AIRCRAFT_WORDS):
        return "aircraft"
    return "fossil"


# Improvement measures per (stage, factor category), in our words; the report attaches each to
# a hotspot found by the calculation and states its effect.
def market_based(factor) -> bool:
    """An electricity factor for market-based accounting (a residual mix, a supplier's factor):
    the starter library says so in its notes ("residual mix for market-based accounting")."""
    notes = (factor.notes or "").lower()
    return "residual" in notes or ("market" in notes and "location" not in notes)


# Hotspots follow the Pareto rule of hotspot analysis: for each product, its largest groups
# (stage × factor category) until together they make up at least 80 % of its footprint; and
# never fewer than the three largest groups, so a study dominated by one source still gets
# suggestions beyond it.
HOTSPOT_CUMULATIVE_SHARE = 0.80
MIN_HOTSPOTS = 3


def hotspot_groups(groups: dict, products) -> list[dict]:
    """The hotspot groups, largest share of any product first. `groups` maps (stage, category)
    to {"products": {code: {"kg": ...}}, "max_share": ...}."""
    hot = set()
    for p in products:
        if p.total_kgco2e <= 0:
            continue
        mine = sorted(((g["products"][p.code]["kg"], key) for key, g in groups.items()
                       if p.code in g["products"]), key=lambda t: -t[0])
        cumulative = 0.0
        for kg, key in mine:
            if cumulative >= HOTSPOT_CUMULATIVE_SHARE * p.total_kgco2e:
                break
            hot.add(key)
            cumulative += kg
    ranked = sorted(groups.items(), key=lambda item: -item[1]["max_share"])
    return [g for i, (key, g) in enumerate(ranked) if key in hot or i < MIN_HOTSPOTS]
