"""What must be in place before a study leaves draft (issue 13, "the trap").

Data is locked from the moment a study is sent to the company until it is issued or returned
to draft (services/freeze.py). So everything the approval step would refuse that only a draft
can fix — calculation errors, required report elements, the auditors and the lead verifier —
is asked for at the first step that locks the data: sending to the company (and again at the
technical review, for a study sent before this rule). Otherwise the lead verifier finds
*批准* disabled, and the only way out is a return to draft and a second confirmation by the
company of the same data. Open comments are not among them: they are resolved under review.

Each blocker is a `Blocker`: the text the page shows (and the error says) and the stable key of
services/completeness.py (`field`) that the page turns into a link to where it is fixed.
"""

from __future__ import annotations

from ...models import Study
from ..calculation.study import StudyResult


class Blocker(str):
    """A blocker's text, with `field`: where it is fixed (completeness keys; "" for none)."""

    field: str

    def __new__(cls, text: str, field: str = "") -> Blocker:
        blocker = super().__new__(cls, text)
        blocker.field = field
        return blocker


def study_checks(study: Study, *, result: StudyResult | None = None, missing=None) -> tuple:
    """(the calculation, the completeness items) of the study: what the caller already has is
    kept, the rest computed from one read of the study's facts."""
    if result is not None and missing is not None:
        return result, missing
    from ..facts.reading import study_facts
    from ..results import study_results
    from .completeness import study_completeness

    facts = study_facts(study)
    if result is None:
        result = study_results(study, facts=facts)
    if missing is None:
        missing = study_completeness(study, result=result, facts=facts)
    return result, missing


def review_blockers(study: Study, *, result: StudyResult | None = None, missing=None,
                    **_known) -> list[Blocker]:
    """What stops the study from leaving draft: everything approval would refuse that cannot
    change while the data is locked. `result` / `missing`: pass them when the page has them."""
    result, missing = study_checks(study, result=result, missing=missing)
    blockers = [
        Blocker(f"{p.code}: {c.message}", f"product:{p.code}:activities")
        for p in result.products for c in p.checks if c.is_error
    ]
    seen = set(blockers)
    for item in missing:
        # The completeness check repeats blocking calculation checks; say each once.
        if item.blocking and item.code.startswith("calculation_") and any(
                b.field == item.field for b in blockers):
            continue
        if item.blocking and item.message not in seen:
            seen.add(item.message)
            blockers.append(Blocker(item.message, item.field))
    return blockers


def approval_warnings(study: Study, *, result: StudyResult | None = None, **_known) -> list[str]:
    """What the lead verifier should know before approving, without being stopped by it: the
    hotspots (≥ 10 % of a product's total) not verified against evidence (docs/evidence.md)."""
    from django.utils.translation import gettext as _

    from ...models import ActivityRecord
    from ..calculation.verification import verification_checks

    if result is None:
        from ..results import study_results

        result = study_results(study)
    statuses = dict(ActivityRecord.objects.filter(stage__study_product__study=study)
                    .values_list("id", "verification"))
    return [_("产品 %(code)s：%(message)s") % {"code": product.code, "message": check.message}
            for product in result.products
            for check in verification_checks(product, statuses, with_evidence=None)]
