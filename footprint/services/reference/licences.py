"""What a factor's licence lets a study's export pass on to readers outside the licensee.

A factor library bought under licence (CLCD, ecoinvent, a commercial national database) is
licensed to the certification body: its auditors, lead verifiers and administrators see every
field of every factor. A factor whose licence forbids redistribution
(`EmissionFactor.redistribution_allowed` = False) reaches everyone else — the company's
contacts — only as the report prints it (table 4.3, docs/factor-library.md): its code, value,
unit and source, with the licence note; the exports (pcf-study/1, its workbook, openLCA) keep
besides only what recomputing needs (version, category, gas, the value's published decimals),
so that a download cannot pass on what the report holds back.

PURE: plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..calculation.units import UnitError, fuel_factor_value
from ..formatting import MAX_FACTOR_DECIMALS

# What a restricted factor keeps in a pcf-study/1 document. The gas stays: without it the
# value (mass of that gas per activity unit) cannot be recomputed into kgCO₂e, and it is no
# part of the licensed dataset's description. `name` is required by the format: the code
# stands in for it.
KEPT_FIELDS = ("code", "version", "category", "value", "value_decimals", "unit", "gas", "source",
               "licence_note")

# What a restricted factor loses that is text a translation may hold.
HIDDEN_TEXTS = ("name", "name_en", "region", "published", "notes")

# (code, version) → licence note, of the restricted factors a study uses.
RestrictedFactors = Mapping[tuple[str, int], str]


def restricted_of(factors: Iterable[Any]) -> dict[tuple[str, int], str]:
    """(code, version) → licence note of the factors (rows or facts with `code`, `version`,
    `licence_note`, `redistribution_allowed`) whose licence forbids redistribution."""
    return {(f.code, f.version): f.licence_note for f in factors if not f.redistribution_allowed}


def is_restricted(entry: Mapping[str, Any], restricted: RestrictedFactors) -> bool:
    """Whether a factor entry of a document is under a licence that forbids redistribution:
    it says so (documents written since the flag exists), or the library says so for its code
    and version (issued snapshots written before)."""
    return (entry.get("redistribution_allowed") is False
            or (entry.get("code"), entry.get("version", 1)) in restricted)


def redact_restricted_factors(document: dict, restricted: RestrictedFactors | None = None) -> dict:
    """A copy of a pcf-study/1 `document` in which every restricted factor keeps only what its
    licence lets be passed on (KEPT_FIELDS; a derived fuel factor gives its value instead of
    its derivation), and the study's translations no longer name it. Everything else, and every
    number the calculation reads is unchanged, but for a derived value, which is rounded to the
    10 decimals a factor's value may have: the document recomputes to the same results (to
    about 1e-10 relative; the dropped distribution falls back to the gas's basic uncertainty)."""
    restricted = restricted or {}
    factors = document.get("factors") or []
    if not any(is_restricted(f, restricted) for f in factors if isinstance(f, dict)):
        return document
    hidden_names: set[str] = set()
    redacted_factors = []
    for entry in factors:
        if isinstance(entry, dict) and is_restricted(entry, restricted):
            # every text it loses may be a term of the translations (names, region: the
            # English page offers each for translation, report_prose/translation.py)
            hidden_names.update(str(entry[key]) for key in HIDDEN_TEXTS if entry.get(key))
            entry = _redacted_factor(entry, restricted)
        redacted_factors.append(entry)
    redacted = {**document, "factors": redacted_factors}
    if document.get("translations"):
        redacted["translations"] = _without_terms(document["translations"], hidden_names,
                                                  _texts_in({**redacted, "translations": {}}))
    return redacted


def _redacted_factor(entry: Mapping[str, Any], restricted: RestrictedFactors) -> dict:
    kept = {key: entry[key] for key in KEPT_FIELDS if key in entry}
    kept["name"] = entry.get("code", "")
    if "value" not in kept and isinstance(entry.get("derived_from"), dict):
        kept["value"] = _derived_value(entry)
    note = entry.get("licence_note") or restricted.get((entry.get("code"), entry.get("version", 1)), "")
    if note:
        kept["licence_note"] = note
    kept["redistribution_allowed"] = False
    # The document's own order of keys, for a diff that shows only what was taken out.
    order = [key for key in entry if key in kept] + [key for key in kept if key not in entry]
    return {key: kept[key] for key in order}


def _derived_value(entry: Mapping[str, Any]) -> float | None:
    """The value the calculation derives (NCV × carbon content × oxidation rate × 44/12), to
    the decimals a factor's value may have (the importer refuses more)."""
    derived = entry["derived_from"]
    try:
        value = fuel_factor_value(str(derived.get("ncv", "")), str(derived.get("carbon_content", "")),
                                  float(derived.get("oxidation_rate")), str(entry.get("unit", "")))
    except (UnitError, TypeError, ValueError):
        return None  # a document the importer would refuse: nothing to derive, nothing passed on
    return round(value, MAX_FACTOR_DECIMALS)


def _texts_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts_in(item)


def _without_terms(translations: dict, hidden_names: set[str], still_printed: Iterator[str]) -> dict:
    """Translations without the terms that only a restricted factor's name used (a term that an
    activity or product also prints stays: that text is the study's own, not the licence's)."""
    dropped = hidden_names - set(still_printed)
    if not dropped:
        return translations
    out = {}
    for language, parts in translations.items():
        if isinstance(parts, dict) and isinstance(parts.get("terms"), dict):
            parts = {**parts, "terms": {k: v for k, v in parts["terms"].items() if k not in dropped}}
        out[language] = parts
    return out
