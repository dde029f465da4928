"""The ListFootprints filters of PACT v3 (and of RequestCreated events), on footprints as
plain dicts: within one criterion the values are alternatives (OR), criteria combine with
AND; matches ignore case. Pure."""

from __future__ import annotations

import datetime as dt

LIST_CRITERIA = ("productId", "companyId", "geography", "classification")
DATE_CRITERIA = ("validOn", "validAfter", "validBefore")
KNOWN = (*LIST_CRITERIA, *DATE_CRITERIA, "status")


class FilterError(ValueError):
    """A filter value the specification does not allow (the answer is 400 BadRequest)."""


def parse_time(text: str) -> dt.datetime:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise FilterError(f"Not an RFC 3339 date-time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _values(criteria: dict, key: str) -> list[str]:
    value = criteria.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list | tuple) else [value]
    # An empty value filters nothing (`?classification=`), as an absent one.
    return [str(v).strip() for v in values if str(v).strip()]


def _lower(values) -> set[str]:
    return {str(v).lower() for v in values}


def _geographies(fp: dict) -> set[str]:
    pcf = fp.get("pcf") or {}
    return _lower(pcf[k] for k in ("geographyCountry", "geographyCountrySubdivision",
                                   "geographyRegionOrSubregion") if pcf.get(k))


def matcher(criteria: dict):
    """A predicate for `criteria` (dict of name → value or list of values)."""
    wanted = {k: _lower(_values(criteria, k)) for k in LIST_CRITERIA}
    status = _lower(_values(criteria, "status"))
    times = {}
    for key in DATE_CRITERIA:
        values = _values(criteria, key)
        if len(values) > 1:
            raise FilterError(f"{key} takes one value")
        if values:
            times[key] = parse_time(values[0])

    def matches(fp: dict) -> bool:
        if wanted["productId"] and not wanted["productId"] & _lower(fp.get("productIds", [])):
            return False
        if wanted["companyId"] and not wanted["companyId"] & _lower(fp.get("companyIds", [])):
            return False
        if wanted["classification"] and not (
                wanted["classification"] & _lower(fp.get("productClassifications", []))):
            return False
        if wanted["geography"] and not wanted["geography"] & _geographies(fp):
            return False
        if status and fp.get("status", "").lower() not in status:
            return False
        start = parse_time(fp["validityPeriodStart"]) if fp.get("validityPeriodStart") else None
        end = parse_time(fp["validityPeriodEnd"]) if fp.get("validityPeriodEnd") else None
        if "validOn" in times and not (start and end and start <= times["validOn"] <= end):
            return False
        if "validAfter" in times and not (start and start > times["validAfter"]):
            return False
        return not ("validBefore" in times and not (end and end < times["validBefore"]))

    return matches


def filter_footprints(footprints: list[dict], criteria: dict) -> list[dict]:
    keep = matcher(criteria)
    return [fp for fp in footprints if keep(fp)]
