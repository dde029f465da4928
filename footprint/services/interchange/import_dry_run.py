"""What an import would give, computed before it is confirmed (issue 13).

The preview shows each product's recomputed kgCO₂e and the checks. They come from the import
itself, run inside a transaction that is rolled back: the same code that the confirmation runs,
so what the user confirms is what they get — no second calculation path to drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ..calculation.study import StudyResult
from ..results import study_results
from .document import FormatError
from .importing import ImportRejected, StudyExists, import_file


class _RollBack(Exception):
    """Leaves the dry run's transaction without writing anything."""


@dataclass(frozen=True)
class DryRun:
    result: StudyResult


def import_dry_run(name: str, content: bytes, *, replace: bool, user) -> DryRun | None:
    """The results the import would give (None when the import would be refused: the preview
    lists why)."""
    outcome: list[DryRun] = []
    try:
        with transaction.atomic():
            study = import_file(name, content, replace=replace, user=user)
            outcome.append(DryRun(result=study_results(study)))
            raise _RollBack
    except _RollBack:
        pass
    except (ImportRejected, StudyExists, FormatError):
        return None
    return outcome[0] if outcome else None
