"""Annex 3, who did what and when: prepared, confirmed by the company, reviewed, approved,
issued. Every row names a person and a date from the study's workflow record, and says how
that person signs: the issuer by the PDF's digital signature, everyone else by their own step
in the workflow (their account, its time recorded), which the digital signature then covers.

Pure: works on the report's facts (`facts.py`); the issuing step's own transition is added by
the loader before the file is rendered (`inputs.load_report_inputs(issued_by=…)`).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import StudyStatus
from ..services import formatting as F
from .facts import ReportInputs, TransitionFacts


def _last(inputs: ReportInputs, status: str) -> TransitionFacts | None:
    found = [t for t in inputs.transitions if t.to_status == status]
    return found[-1] if found else None


def _names(names, *, zh: bool) -> str:
    return ("、" if zh else ", ").join(n for n in names if n)


def signoff_rows(inputs: ReportInputs) -> list[dict]:
    """One row per step, in order. A step not yet taken has no date, and in a draft an empty
    signature cell (the issued report has taken them all)."""
    zh = inputs.language.startswith("zh")
    prepared = _last(inputs, StudyStatus.TECHNICAL_REVIEW)
    confirmed = _last(inputs, StudyStatus.CLIENT_CONFIRMED)
    approved = _last(inputs, StudyStatus.APPROVED)
    issued = _last(inputs, StudyStatus.ISSUED)
    lead = inputs.lead_verifier.name if inputs.lead_verifier else ""
    workflow_sign = _("本人在系统中确认（工作流记录）")
    rows = [
        (_("编制"), _names((a.name for a in inputs.auditors), zh=zh), prepared, workflow_sign),
        (_("企业确认"), confirmed.user if confirmed else inputs.study.company.contact_name,
         confirmed, workflow_sign),
        (_("技术审核"), approved.user if approved else lead, approved, workflow_sign),
        (_("批准"), approved.user if approved else lead, approved, workflow_sign),
        (_("签发"), issued.user if issued else lead, issued, _("本文件的数字签名（见封面）")),
    ]
    # the day where the report is issued (TIME_ZONE), not the UTC day of the stored time
    return [
        {"role": role, "name": name or "—",
         "date": F.date(timezone.localtime(step.at), inputs.language) if step else "",
         "signature": sign if step else "", "done": step is not None}
        for role, name, step, sign in rows
    ]


def signoff_statement(inputs: ReportInputs) -> str:
    """Under the table of the issued report: how the people above have signed."""
    if not inputs.final:
        return _("签发时，各人员的确认时间取自系统的工作流记录，签发人以认证机构的数字签名签署本报告。")
    return _("表中各人员以本人账户在本系统中完成各自的步骤，日期取自系统的工作流记录；签发人以认证机构的"
             "数字签名签署本文件，该签名覆盖包括本页在内的全部内容，文件签发后的任何改动都会使签名失效。")
