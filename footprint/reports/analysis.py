"""Analysis of a study's results that the report states: the emission type of a factor
(fossil, biogenic, land use, aircraft), whether an electricity factor is market-based, the
hotspots, and the claimed totals of an earlier report against the recomputed ones. Pure:
facts and results in, plain values out.
"""

from __future__ import annotations

import math

from ..services import formatting as F
from ..services.calculation.emission_types import FOSSIL
from ..services.calculation.emission_types import emission_type as kind_of_factor
from ..services.calculation.study import StudyResult
from ..services.facts.model import FactorFacts


def emission_type(factor: FactorFacts | None) -> str:
    """The rule lives in services/calculation/emission_types.py: the PACT export asks it too."""
    if factor is None:
        return FOSSIL
    return kind_of_factor(factor.code, factor.name_zh, factor.name_en, factor.notes)


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


def claimed_totals(result: StudyResult) -> list[dict]:
    """Products whose every activity has a claimed figure: claimed vs recomputed total."""
    out = []
    for p in result.products:
        claims = [a.claimed_kgco2e for a in p.activities if a.ok]
        if not claims or any(c is None for c in claims):
            continue
        claimed = math.fsum(c for c in claims if c is not None)
        deviation = (claimed / p.total_kgco2e - 1) if p.total_kgco2e > 0 else None
        out.append({"code": p.code, "product": p.name, "claimed": F.kg(claimed), "computed": F.kg(p.total_kgco2e),
                    "deviation": F.deviation(deviation),
                    "differs": deviation is not None and abs(deviation) > 0.001})
    return out
