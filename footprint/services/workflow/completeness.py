"""Which elements a GB/T 24067 / ISO 14067 report needs that a study still lacks.

Shown on the study page, printed in the draft report, and (later) checked by the approval
step, which refuses to approve while anything is missing. Each item says what is missing and
where to fix it; `field` is a stable key the UI can turn into a link.

Narrative sections that only restate method (purpose, assumptions, data quality, uncertainty,
improvements) have defaults written from the study's data (services/report_prose/narrative.py). Those
that describe what *this* company did (product function, process flow, allocation, cut-off)
cannot be guessed, so they are required here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...choices import FactorCategory, Stage, stages_in_boundary
from ...models import Study
from ..calculation.checks import BLOCKING
from ..calculation.study import StudyResult
from ..facts.model import StudyFacts
from ..facts.reading import study_facts
from ..report_prose.translation import (
    SOURCE_LANGUAGE,
    passage_labels,
    passages_as_entered,
    report_terms,
    translation_gaps,
    translator_for,
)

# Narrative fields the study itself must state (no default can know them).
REQUIRED_NARRATIVES: tuple[str, ...] = ("product_function", "process_flow", "allocation", "cut_off")


@dataclass(frozen=True)
class Missing:
    code: str
    message: str   # translated, says what is missing
    where: str     # translated, says where to fix it
    field: str     # stable key, e.g. "company.credit_code", "stage:LV:use", "team"
    product: str | None = None
    stage: str | None = None
    # Blocking elements stop approval (issue 5). Company particulars that ISO 14067 does not
    # require (e.g. the credit code, which the seed report itself omits) are listed, not blocking.
    blocking: bool = True


_BLOCKING_COMPANY_FIELDS = frozenset({"address", "contact_name"})


def study_completeness(study: Study, *, result: StudyResult | None = None,
                       facts: StudyFacts | None = None) -> list[Missing]:
    """Every required report element the study lacks, in report order (empty: complete).

    Pass `result` and `facts` (as entered, people included: the team and the auditors are
    checked from them) when the caller already has them (the study page, the workflow blockers
    and the PDF renderer do): the study is then read once, not twice.
    """
    if facts is None:
        facts = study_facts(study)
    missing: list[Missing] = []
    company = study.company
    where_company = _("企业信息")
    for attr, label in (
        ("credit_code", _("统一社会信用代码")),
        ("address", _("地址")),
        ("legal_representative", _("法定代表人")),
        ("contact_name", _("授权人（联系人）")),
        ("contact_phone", _("联系电话")),
        ("overview", _("企业概况")),
    ):
        if not (getattr(company, attr) or "").strip():
            missing.append(Missing(f"company_{attr}", _("缺少企业的%(what)s。") % {"what": label},
                                   where_company, f"company.{attr}",
                                   blocking=attr in _BLOCKING_COMPANY_FIELDS))

    if not [s for s in (study.standards or []) if str(s).strip()]:
        missing.append(Missing("standards", _("没有写明核算和报告依据的标准。"),
                               _("报告基本信息"), "study.standards"))

    labels = passage_labels()
    for key in REQUIRED_NARRATIVES:
        if not (getattr(study, key) or "").strip():
            missing.append(Missing(
                f"narrative_{key}",
                _("缺少“%(section)s”的说明（报告不能用通用段落代替）。") % {"section": labels[key]},
                _("报告叙述 · %(section)s") % {"section": labels[key]},
                f"study.{key}",
            ))

    if not facts.products:
        missing.append(Missing("no_products", _("报告中没有产品。"), _("产品"), "products"))

    boundary = stages_in_boundary(study.boundary)
    electricity_flagged: set[str] = set()
    for product in facts.products:
        code = product.code
        where_product = _("产品 %(code)s") % {"code": code}
        if not (product.annual_output and product.annual_output > 0):
            missing.append(Missing("annual_output", _("产品 %(code)s 没有报告期产量。") % {"code": code},
                                   where_product, f"product:{code}:annual_output", product=code))
        if not (product.functional_unit or "").strip():
            missing.append(Missing("functional_unit", _("产品 %(code)s 没有功能单位。") % {"code": code},
                                   where_product, f"product:{code}:functional_unit", product=code))
        stages = {s.stage: s for s in product.stages}
        any_activity = False
        for stage_code in boundary:
            stage = stages.get(stage_code)
            activities = [a for a in product.activities if a.stage == stage_code]
            any_activity = any_activity or bool(activities)
            label = str(Stage(stage_code).label)
            where_stage = _("产品 %(code)s · %(stage)s阶段") % {"code": code, "stage": label}
            if not activities and not (stage and stage.exclusion_reason.strip()):
                missing.append(Missing(
                    "stage_exclusion_reason",
                    _("产品 %(code)s 的“%(stage)s”阶段没有活动数据，也没有说明排除理由。")
                    % {"code": code, "stage": label},
                    where_stage, f"stage:{code}:{stage_code}", product=code, stage=stage_code,
                ))
            for activity in activities:
                factor = facts.factors[activity.factor_key]
                if (factor.category == FactorCategory.ELECTRICITY and factor.key not in electricity_flagged
                        and (not factor.year or not factor.region)):
                    electricity_flagged.add(factor.key)
                    missing.append(Missing(
                        "electricity_factor_provenance",
                        _("电力排放因子 %(code)s 没有注明年份或地区，报告无法说明电力的处理方式。")
                        % {"code": factor.code},
                        _("排放因子库"), f"factor:{factor.key}",
                    ))
        if not any_activity:
            missing.append(Missing("no_activities", _("产品 %(code)s 没有任何活动数据。") % {"code": code},
                                   where_product, f"product:{code}:activities", product=code))

    team = facts.team
    if not team:
        missing.append(Missing("team", _("没有填写核查组成员。"), _("核查组"), "team"))
    for member in team:
        if not member.certificate_number.strip():
            missing.append(Missing(
                "team_certificate",
                _("核查组成员 %(name)s 没有核查员证书号。") % {"name": member.name},
                _("核查组"), "team",
            ))
    if not facts.auditors:
        missing.append(Missing("auditors", _("没有指定编制报告的核查员。"), _("报告分工"), "study.auditors"))
    if study.lead_verifier_id is None:
        missing.append(Missing("lead_verifier", _("没有指定审核批准报告的技术负责人。"), _("报告分工"),
                               "study.lead_verifier"))

    if study.language != SOURCE_LANGUAGE:
        gap = translation_missing(study, study.language, facts=facts)
        if gap is not None:
            missing.append(gap)

    if result is None and facts.products:
        from ..results import study_results

        result = study_results(study, facts=facts)
    if result is not None:
        for product in result.products:
            for check in product.checks:
                if check.code in BLOCKING:
                    missing.append(Missing(
                        f"calculation_{check.code}",
                        _("产品 %(code)s：%(message)s") % {"code": product.code, "message": check.message},
                        _("活动数据"), f"product:{product.code}:activities", product=product.code,
                    ))
    return missing


def translation_missing(study: Study, language: str, *,
                        facts: StudyFacts | None = None) -> Missing | None:
    """The study's own text that a report in `language` would print untranslated, as one
    item (not blocking: names may stay as registered), or None when there is none."""
    count = translation_gaps_count(study, language, facts=facts)
    if not count:
        return None
    return Missing(
        "translation",
        ngettext("%(language)s版报告中有 %(n)s 处文字没有译文，将按中文原文印出。",
                 "%(language)s版报告中有 %(n)s 处文字没有译文，将按中文原文印出。", count)
        % {"language": language_name(language), "n": count},
        _("报告译文"), f"translations.{language}", blocking=False,
    )


def translation_gaps_count(study: Study, language: str, *, facts: StudyFacts | None = None) -> int:
    """How many texts of the study's own a report in `language` would print untranslated
    (0: its wording in that language is complete)."""
    if facts is None:
        facts = study_facts(study)
    tr = translator_for(study.translations, language)
    return translation_gaps(tr, terms=report_terms(facts), texts=passages_as_entered(facts)).count


def language_name(language: str) -> str:
    """A report language's name in the active language, for sentences ("英文" / "English")."""
    return {"en": _("英文"), "zh-hans": _("中文")}.get(language, language)
