"""Annexes: the verification team, the GWP values, and who prepared, reviewed and approved."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ...choices import Gas, GwpSet
from ...services import formatting as F
from ..signoff import signoff_rows, signoff_statement
from .base import Report, choice_label, gas_label
from .front import issue_date


def annexes(r: Report) -> dict:
    o = r.outline
    s = r.i.study
    o.section("annex1", "", _("附件 1　核查组成员"))
    o.section("annex2", "", _("附件 2　GWP 值"))
    evidence = evidence_rows(r)
    evidence_table = None
    if evidence:  # the evidence list comes before the sign-off, which closes the report
        o.section("annex_evidence", "", _("附件 3　证据文件清单"))
        evidence_table = o.table(_("附3"), _("证据文件"))
        o.section("annex3", "", _("附件 4　编制、审核和批准"))
    else:
        o.section("annex3", "", _("附件 3　编制、审核和批准"))
    gwp = r.i.gwp_values.get(s.gwp_set, {})
    gwp_rows = [{"gas": gas_label(g), "used_index": GwpSet.values.index(s.gwp_set),
                 "others": [F.gwp(r.i.gwp_values.get(other, {}).get(g)) if
                            r.i.gwp_values.get(other, {}).get(g) is not None else "—"
                            for other in GwpSet.values]}
                for g in Gas.values if g in gwp and g != Gas.CO2E]
    team_table = o.table(_("附1"), _("核查组成员"))
    return {
        "team_table": team_table,
        "team": [{"name": m.name, "organisation": m.organisation or "—",
                  "certificate": m.certificate_number or "—", "role": m.role or "—"} for m in r.i.team],
        "team_statement": _("上述人员组成核查组，按 %(standards)s 对本报告的数据和计算进行了核查。") % {
            "standards": ("、" if r.zh else ", ").join(s.standards)},
        "gwp_set": choice_label(GwpSet, s.gwp_set),
        "gwp_set_code": s.gwp_set,
        "gwp_edition": (_("第 %(version)s 版，%(source)s") % {"version": s.gwp_version,
                                                            "source": s.gwp_source}
                        if s.gwp_source else ""),
        "gwp_sets": list(GwpSet.values),
        "gwp_rows": gwp_rows,
        "gwp_table": o.table(_("附2"), _("100 年全球变暖潜势（GWP100）")),
        "signatures": signatures(r),
        "signoff_statement": signoff_statement(r.i),
        "certification_body": s.certification_body,
        "issue_date": issue_date(r),
        "evidence": evidence,
        "evidence_table": evidence_table,
    }


def evidence_rows(r: Report) -> list[dict]:
    """The study's evidence files: name, type, SHA-256 and the activity each supports. Listed,
    not embedded: the files stay with the certification body, frozen with the study."""
    from ...choices import EvidenceKind
    from .base import stage_label

    rows = []
    for e in r.i.evidence:
        if e.activity:
            supports = f"{e.product} · {stage_label(e.stage)} · {e.activity}"
        else:
            supports = _("整个报告")
        rows.append({"name": e.name, "kind": choice_label(EvidenceKind, e.kind), "sha256": e.sha256,
                     "size": F.integer(e.size), "supports": supports})
    return rows


def signatures(r: Report) -> list[dict]:
    return signoff_rows(r.i)
