"""The `pcf-study/1` document: its name, its fields and workbook columns, and what reading
and validating it return (a Document, Problems, FormatError). Reading, validation and writing
of the format live beside this module; docs/study-format.md describes it for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .distribution_fields import DISTRIBUTION_COLUMNS, RATING_COLUMNS
from .pact_fields import PACT_PRODUCT_COLUMNS

FORMAT = "pcf-study/1"

COMPANY_FIELDS = (
    "name", "credit_code", "address", "legal_representative", "contact_name", "contact_phone",
    "overview",
)
FACTOR_COLUMNS = (
    "code", "version", "name", "name_en", "category", "value", "unit", "gas", "year", "region",
    "source", "published", "notes", "ncv", "carbon_content", "oxidation_rate", "value_decimals",
    *DISTRIBUTION_COLUMNS, "licence_note", "redistribution_allowed",
)
PRODUCT_COLUMNS = (
    "code", "name", "model", "functional_unit", "annual_output", "description", "energy_using",
    *PACT_PRODUCT_COLUMNS,
)
STAGE_COLUMNS = ("product", "stage", "included", "excluded", "exclusion_reason")
ACTIVITY_COLUMNS = (
    "product", "stage", "name", "quantity", "unit", "basis", "factor", "factor_version",
    "allocation", "data_type", "source", "claimed_kgco2e_per_unit", "uncertainty_pct", "notes",
    *DISTRIBUTION_COLUMNS, *RATING_COLUMNS,
    # Optional (docs/study-format.md): how the figure was checked, and the SHA-256 of the file it
    # was verified against (files do not travel with the document).
    "verification", "verified_evidence_sha256",
)
TEAM_COLUMNS = ("name", "organisation", "certificate_number", "role")
CLAIM_COLUMNS = ("level", "product", "stage", "factor", "value", "unit", "place", "note")
TRANSLATION_COLUMNS = ("language", "kind", "key", "text")
# Workbook rows of the translations sheet: kind "text" (a passage by key) or "term".
TRANSLATION_KINDS = {"text": "texts", "term": "terms"}
STUDY_SCALARS = (
    "format", "report_number", "title", "language", "gwp_set", "boundary", "revision",
    "certification_body", "issue_date",
)


class FormatError(Exception):
    """The file cannot be read as a study at all (not JSON, not a workbook, wrong format)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, and where."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


@dataclass
class Document:
    """A parsed document and, for workbooks, where each value came from."""

    data: dict[str, Any]
    locations: dict[tuple, str] = field(default_factory=dict)
    kind: str = "json"

    def where(self, *path: Any) -> str:
        """Sheet/row/column of a value for workbooks, a JSON path otherwise."""
        for cut in range(len(path), 0, -1):
            loc = self.locations.get(tuple(path[:cut]))
            if loc:
                rest = [str(p) for p in path[cut:] if not isinstance(p, int)]
                return loc if not rest or loc.endswith(rest[-1]) else f"{loc}, {rest[-1]}"
        text = ""
        for p in path:
            text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else str(p))
        return text
