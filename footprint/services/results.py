"""A study's results: read its rows (selectors), run the pure calculation."""

from __future__ import annotations

from ..models import Study
from ..selectors import study_calculation_input
from .calculation.study import StudyResult, calculate_study


def study_results(study: Study) -> StudyResult:
    """Recompute every number of a study from its activity data and factors."""
    return calculate_study(study_calculation_input(study))
