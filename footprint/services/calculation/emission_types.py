"""Which kind of emission a factor's emissions are, for the shares the standards ask to report
separately (fossil, biogenic, aircraft, dLUC): recognised from the factor's own words, because
the library has no separate field for it. Pure: the report and the PACT export both ask here."""

from __future__ import annotations

AIRCRAFT_WORDS = ("航空", "飞机", "aircraft", "air freight", "aviation")
BIOGENIC_WORDS = ("生物质", "生物源", "biogenic", "biomass")
LUC_WORDS = ("土地利用", "land use")

FOSSIL, BIOGENIC, AIRCRAFT, LUC = "fossil", "biogenic", "aircraft", "luc"


def emission_type(code: str, name_zh: str = "", name_en: str = "", notes: str = "") -> str:
    text = f"{code} {name_zh} {name_en} {notes}".lower()
    if any(w in text for w in LUC_WORDS) or "-luc" in text:
        return LUC
    if any(w in text for w in BIOGENIC_WORDS):
        return BIOGENIC
    if any(w in text for w in AIRCRAFT_WORDS):
        return AIRCRAFT
    return FOSSIL
