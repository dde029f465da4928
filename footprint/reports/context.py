"""The report's content as plain, formatted data: study facts + calculation results in,
a dict of strings and lists out. The templates only place what this returns.

Pure: no ORM, no request, no settings (the loader in `inputs.py` reads the database and
settings into the plain dataclasses of `facts.py`). Every number comes from the calculation
service's result (`services.results.study_results`) or from a recomputation with altered
inputs (`sensitivity.py`), formatted by `services/formatting.py`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal

from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..choices import Basis, Boundary, DataType, FactorCategory, Gas, GwpSet, Stage
from ..services import checks as C
from ..services import formatting as F
from ..services.calculation import ProductResult
from . import partial_cfp, scope_statements
from . import sensitivity as S
from .charts import boundary_diagram, contributors_chart, stage_chart
from .facts import FactorFacts, Narrative, ReportInputs
from .signoff import signoff_rows, signoff_statement
from .watermark import watermark_svg


# ------------------------------------------------------------------------------- helpers
def _stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


def _choice(enum, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def _gas(gas: str) -> str:
    return _choice(Gas, gas)


def _is_zh(language: str) -> bool:
    return language.startswith("zh")


class _Outline:
    """Section and caption numbering, assigned here so that templates only print them."""

    def __init__(self, language: str):
        self.language = language
        self.toc: list[dict] = []
        self.sections: dict[str, dict] = {}
        self._tables: dict[str, int] = {}
        self._figures: dict[str, int] = {}

    def section(self, key: str, number: str, title: str, *, level: int = 1, toc: bool = True) -> dict:
        label = f"{number} {title}" if number else title
        entry = {"id": f"sec-{key}", "number": number, "title": title, "label": label, "level": level}
        self.sections[key] = entry
        if toc:
            self.toc.append(entry)
        return entry

    def _caption(self, word: str, counters: dict[str, int], chapter: str, title: str, prefix: str) -> dict:
        counters[chapter] = counters.get(chapter, 0) + 1
        number = f"{chapter}-{counters[chapter]}"
        separator = "　" if _is_zh(self.language) else "  "
        return {"id": f"{prefix}-{number}", "number": f"{word} {number}",
                "caption": f"{word} {number}{separator}{title}"}

    def table(self, chapter: str, title: str) -> dict:
        return self._caption(_("表"), self._tables, chapter, title, "tab")

    def figure(self, chapter: str, title: str) -> dict:
        return self._caption(_("图"), self._figures, chapter, title, "fig")


# Which share of emissions the standard asks to report separately, recognised from the
# factor's own words because the library has no separate field for it.
_AIRCRAFT_WORDS = ("航空", "飞机", "aircraft", "air freight", "aviation")
_BIOGENIC_WORDS = ("生物质", "生物源", "biogenic", "biomass")
_LUC_WORDS = ("土地利用", "land use", "luc")


def _emission_type(factor: FactorFacts | None) -> str:
    if factor is None:
        return "fossil"
    text = f"{factor.code} {factor.name_zh} {factor.name_en} {factor.notes}".lower()
    if any(w in text for w in _LUC_WORDS if w != "luc") or "-luc" in text:
        return "luc"
    if any(w in text for w in _BIOGENIC_WORDS):
        return "biogenic"
    if any(w in text for w in _AIRCRAFT_WORDS):
        return "aircraft"
    return "fossil"


# Improvement measures per (stage, factor category), in our words; the report attaches each to
# a hotspot found by the calculation and states its effect.
def _market_based(factor) -> bool:
    """An electricity factor for market-based accounting (a residual mix, a supplier's factor):
    the starter library says so in its notes ("residual mix for market-based accounting")."""
    notes = (factor.notes or "").lower()
    return "residual" in notes or ("market" in notes and "location" not in notes)


# Hotspots follow the Pareto rule of hotspot analysis: for each product, its largest groups
# (stage × factor category) until together they make up at least 80 % of its footprint; and
# never fewer than the three largest groups, so a study dominated by one source still gets
# suggestions beyond it.
HOTSPOT_CUMULATIVE_SHARE = 0.80
MIN_HOTSPOTS = 3


def hotspot_groups(groups: dict, products) -> list[dict]:
    """The hotspot groups, largest share of any product first. `groups` maps (stage, category)
    to {"products": {code: {"kg": ...}}, "max_share": ...}."""
    hot = set()
    for p in products:
        if p.total_kgco2e <= 0:
            continue
        mine = sorted(((g["products"][p.code]["kg"], key) for key, g in groups.items()
                       if p.code in g["products"]), key=lambda t: -t[0])
        cumulative = 0.0
        for kg, key in mine:
            if cumulative >= HOTSPOT_CUMULATIVE_SHARE * p.total_kgco2e:
                break
            hot.add(key)
            cumulative += kg
    ranked = sorted(groups.items(), key=lambda item: -item[1]["max_share"])
    return [g for i, (key, g) in enumerate(ranked) if key in hot or i < MIN_HOTSPOTS]


def _measure(stage: str, category: str) -> str:
    if category == FactorCategory.ELECTRICITY:
        if stage == "raw_material_acquisition":
            return _("与主要供应商核实其生产用电，推动供应商使用可再生电力并提供产品碳足迹数据；"
                     "优先选用再生金属等低碳原材料。")
        if stage == "end_of_life":
            return _("采用便于拆解的结构设计，与回收企业合作获取实测处理能耗，提高铜、钢等金属的回收率。")
        if stage == "use":
            return _("降低产品运行损耗（如选用低损耗元件），并向用户提供节能运行建议。")
        return _("开展能源审计，更换高效电机、照明和试验设备；建设分布式光伏或采购绿色电力"
                 "（绿色电力按基于市场的方法另行报告）；按工序加装分项电表，改进分配依据。")
    if category in (FactorCategory.FUEL, FactorCategory.TRANSPORT):
        if stage in ("raw_material_transport", "distribution"):
            return _("优化运输路线和装载率，优先选择铁路、水路或新能源货车运输，并要求物流商按运单"
                     "提供燃油量或吨公里数据。")
        return _("提高燃烧设备效率，评估以电能或低碳燃料替代化石燃料。")
    if category == FactorCategory.MATERIAL:
        return _("通过轻量化设计减少材料用量，提高再生材料比例，选择能提供产品碳足迹数据的低碳供应商。")
    if category == FactorCategory.PROCESS:
        return _("加强充气、检漏和回收管理以减少工艺气体排放，评估采用无 SF₆ 或低 GWP 替代方案。")
    if category == FactorCategory.WASTE:
        return _("减少废弃物产生，提高分类回收和再利用比例。")
    return _("核实该项活动数据，寻找减少该项排放的措施。")


# ----------------------------------------------------------------------------- the builder
def build_report_context(inputs: ReportInputs) -> dict:
    """Everything the report templates print, formatted, in `inputs.language`."""
    with translation.override(inputs.language):
        return _Builder(inputs).build()


class _Builder:
    def __init__(self, inputs: ReportInputs):
        self.i = inputs
        self.language = inputs.language
        self.zh = _is_zh(inputs.language)
        self.outline = _Outline(inputs.language)
        self.products = {p.code: p for p in inputs.products}
        self.results = {p.code: p for p in inputs.result.products}
        self.activity_facts = {
            a.record_id: a for p in inputs.products for a in p.activities if a.record_id is not None
        }

    # -- small helpers
    def factor(self, key: str) -> FactorFacts | None:
        return self.i.factors.get(key)

    def factor_name(self, factor: FactorFacts) -> str:
        return factor.name_en if (not self.zh and factor.name_en) else factor.name_zh

    def fu(self, product: ProductResult) -> str:
        return f"kgCO₂e/{product.functional_unit}"

    @property
    def declared_unit(self) -> bool:
        """A partial CFP (boundary at the gate, or a stage left out) is expressed per declared
        unit rather than per functional unit (ISO 14067:2018 6.3.3); see partial_cfp.py."""
        return partial_cfp.is_partial(self.i)

    def partial_cfp_sentence(self) -> str:
        """Said in the summary when the result is a partial CFP: the boundary stops at the gate,
        or an energy-using product's use stage is left out (`use_stage_excluded`)."""
        if not self.declared_unit:
            return ""
        return _("因此，本报告的结果是部分碳足迹（ISO 14067:2018，3.1.1.2），不是完整生命周期的产品碳足迹。")

    def date(self, value) -> str:
        return F.date(value, self.language)

    def narrative(self, key: str) -> dict:
        n = self.i.narratives.get(key) or Narrative("", True)
        return {"paragraphs": F.paragraphs(n.text), "is_default": n.is_default}

    def product_label(self, code: str) -> str:
        p = self.products.get(code)
        return p.name if p else code

    # -- the whole report
    def build(self) -> dict:
        i = self.i
        ctx: dict = {
            "language": self.language,
            "html_lang": "zh-CN" if self.zh else "en",
            "final": i.final,
            "draft": not i.final,
            "assets": dict(i.assets),
        }
        ctx["meta"] = self.meta()
        ctx["page"] = self.page_strings()
        ctx["cover"] = self.cover()
        ctx["info"] = self.info()
        ctx["missing"] = [{"message": m.message, "where": m.where} for m in i.missing]
        o = self.outline
        # Outline in report order; the summary and TOC are listed in the TOC like the seed.
        o.section("summary", "", _("摘要"))
        ctx["summary"] = self.summary()
        ctx["chapter1"] = self.chapter1()
        ctx["chapter2"] = self.chapter2()
        ctx["chapter3"] = self.chapter3()
        ctx["chapter4"] = self.chapter4()
        ctx["chapter5"] = self.chapter5()
        ctx["chapter6"] = self.chapter6()
        ctx["chapter7"] = self.chapter7()
        ctx["annexes"] = self.annexes()
        ctx["sections"] = o.sections
        ctx["toc"] = o.toc
        return ctx

    # -- metadata, page strings
    def meta(self) -> dict:
        s = self.i.study
        created = self.i.generated_at
        return {
            "title": f"{s.title}（{s.report_number}）" if self.zh else f"{s.title} ({s.report_number})",
            "author": s.certification_body,
            "subject": _("产品碳足迹报告 %(number)s：%(products)s") % {
                "number": s.report_number, "products": self.products_text()},
            "keywords": ", ".join(
                [_("产品碳足迹"), "CFP", "GB/T 24067-2024", "ISO 14067:2018", s.report_number]),
            "created": created.isoformat(timespec="seconds") if created else "",
        }

    def page_strings(self) -> dict:
        # One translatable pattern, cut into the literal pieces around the two CSS counters.
        pattern = _("第 %(page)s 页 / 共 %(pages)s 页")
        before, _sep, rest = pattern.partition("%(page)s")
        middle, _sep, after = rest.partition("%(pages)s")
        return {
            "before": F.css_string(before),
            "middle": F.css_string(middle),
            "after": F.css_string(after),
            "watermark": _("草稿 / DRAFT"),
            "watermark_svg": mark_safe(watermark_svg(_("草稿 / DRAFT"))) if not self.i.final else "",
        }

    def products_text(self) -> str:
        sep = "、" if self.zh else ", "
        return sep.join(p.name for p in self.i.products)

    def issue_date(self) -> str:
        """The issue date; an issued report rendered before the date was stored gets the day it
        is rendered (the issuing step renders and signs it on that day)."""
        s = self.i.study
        if s.issue_date:
            return self.date(s.issue_date)
        if self.i.final and self.i.generated_at:
            return self.date(self.i.generated_at)
        return ""

    def revision_text(self) -> str:
        s = self.i.study
        if s.revision == 0:
            return _("初版")
        return _("第 %(n)s 次修订") % {"n": s.revision}

    # -- cover and information table
    def cover(self) -> dict:
        s = self.i.study
        return {
            "title": s.title,
            "products": self.products_text(),
            "producer": s.company.name,
            "report_number": s.report_number,
            "certification_body": s.certification_body,
            "issue_date": self.issue_date(),
            "revision": self.revision_text(),
            "kind_of_result": partial_cfp.kind_of_result(self.i),
            "supersedes": s.supersedes,
            "verification_url": self.i.verification_url if s.verification_code else "",
            "qr_svg": mark_safe(self.i.qr_svg) if (s.verification_code and self.i.qr_svg) else "",
        }

    def info(self) -> dict:
        s = self.i.study
        c = s.company
        missing = _("（未提供）")
        rows = [
            (_("企业名称"), c.name),
            (_("统一社会信用代码"), c.credit_code or missing),
            (_("地址"), c.address or missing),
            (_("法定代表人"), c.legal_representative or missing),
            (_("授权人（联系人）"), c.contact_name or missing),
            (_("联系电话"), c.contact_phone or missing),
            (_("核算和报告依据"), "；".join(s.standards) if self.zh else "; ".join(s.standards)),
            (_("报告编号"), s.report_number),
            (_("版次"), self.revision_text()),
            (_("报告期"), F.period(s.period_start, s.period_end, self.language)),
            (_("系统边界"), _choice(Boundary, s.boundary)),
            (_("GWP 版本"), _choice(GwpSet, s.gwp_set)),
            (_("认证机构"), s.certification_body),
        ]
        results = [
            {"product": p.name, "unit": f"{p.functional_unit}", "total": F.kg(p.total_kgco2e)}
            for p in self.i.result.products
        ]
        return {"rows": [{"label": label, "value": value} for label, value in rows],
                "results": results}

    # -- summary
    def stage_matrix(self) -> list[dict]:
        """Stage × product tables, three products per table."""
        products = list(self.i.result.products)
        groups = [products[n:n + 3] for n in range(0, len(products), 3)] or [[]]
        tables = []
        for group in groups:
            stages = [s.stage for s in group[0].stages] if group else []
            rows = []
            for stage in stages:
                cells = []
                for p in group:
                    sr = p.stage(stage)
                    cells.append(self.stage_cells(p.code, sr))
                rows.append({"stage": _stage_label(stage), "cells": cells,
                             "excluded": self.stage_is_excluded(group[0].code, stage)})
            totals = [{"kg": F.kg(p.total_kgco2e), "share": "100.0"} for p in group]
            tables.append({
                "products": [{"name": p.name, "unit": self.fu(p)} for p in group],
                "rows": rows, "totals": totals,
            })
        return tables

    def stage_cells(self, product_code: str, sr) -> dict:
        """A stage's kgCO₂e and share, or "not included" for a stage left out (never 0.000)."""
        if self.stage_is_excluded(product_code, sr.stage):
            return {"kg": partial_cfp.not_included_text(), "share": "—"}
        return {"kg": F.kg(sr.kgco2e), "share": F.share(sr.share_pct)}

    def stage_is_excluded(self, product_code: str, stage: str) -> bool:
        result = self.results.get(product_code)
        sr = result.stage(stage) if result else None
        return bool(sr is not None and sr.activity_count == 0)

    def hotspot_sentences(self) -> list[str]:
        out = []
        for p in self.i.result.products:
            if p.total_kgco2e <= 0:
                continue
            top = max(p.stages, key=lambda s: s.kgco2e)
            out.append(_("%(product)s：碳足迹为 %(total)s kgCO₂e/%(unit)s，其中%(stage)s阶段 %(kg)s kgCO₂e，"
                         "占 %(share)s，是最大的排放来源。") % {
                "product": p.name, "total": F.kg(p.total_kgco2e), "unit": p.functional_unit,
                "stage": _stage_label(top.stage), "kg": F.kg(top.kgco2e), "share": F.share_text(top.share_pct)})
        return out

    def boundary_sentence(self) -> str:
        s = self.i.study
        stages = [st.stage for st in (self.i.result.products[0].stages if self.i.result.products else ())]
        included = [st for st in stages
                    if any(not self.stage_is_excluded(p.code, st) for p in self.i.result.products)]
        excluded = [st for st in stages if st not in included]
        sep = "、" if self.zh else ", "
        text = _("系统边界为“%(boundary)s”，包括以下阶段：%(stages)s。") % {
            "boundary": _choice(Boundary, s.boundary),
            "stages": sep.join(_stage_label(st) for st in included)}
        if excluded:
            text += (" " if not self.zh else "") + _("以下阶段没有活动数据：%(stages)s，排除理由见 3.3 节。") % {
                "stages": sep.join(_stage_label(st) for st in excluded)}
        return text

    def claimed_totals(self) -> list[dict]:
        """Products whose every activity has a claimed figure: claimed vs recomputed total."""
        out = []
        for p in self.i.result.products:
            claims = [a.claimed_kgco2e for a in p.activities if a.ok]
            if not claims or any(c is None for c in claims):
                continue
            claimed = math.fsum(c for c in claims if c is not None)
            deviation = (claimed / p.total_kgco2e - 1) if p.total_kgco2e > 0 else None
            out.append({"code": p.code, "product": p.name, "claimed": F.kg(claimed), "computed": F.kg(p.total_kgco2e),
                        "deviation": F.deviation(deviation),
                        "differs": deviation is not None and abs(deviation) > 0.001})
        return out

    def summary(self) -> dict:
        s = self.i.study
        mismatches = [c for c in self.i.result.all_checks if c.code == C.CLAIMED_MISMATCH]
        joiner = "" if self.zh else " "
        unit_text = _("声明单位：%(units)s。") if self.declared_unit else _("功能单位：%(units)s。")
        functional_units = unit_text % {"units": ("、" if self.zh else "; ").join(
            f"{p.functional_unit} {p.name}" for p in self.i.products)}
        period = _("报告期：%(period)s。") % {"period": F.period(s.period_start, s.period_end, self.language)}
        gwp = _("特征化因子：%(set)s 的 100 年全球变暖潜势（GWP100）。") % {"set": _choice(GwpSet, s.gwp_set)}
        return {
            "scope": joiner.join(t for t in [functional_units, self.boundary_sentence(),
                                             self.partial_cfp_sentence()] if t),
            "basis": joiner.join([period, gwp, self.data_source_sentence()]),
            "intro": _("本报告依据 %(standards)s，以生命周期评价方法量化%(company)s生产的%(products)s的"
                       "产品碳足迹。") % {
                "standards": "、".join(s.standards) if self.zh else ", ".join(s.standards),
                "company": s.company.name, "products": self.products_text()},
            "tables": self.stage_matrix(),
            "hotspots": self.hotspot_sentences(),
            "claimed_totals": self.claimed_totals(),
            "mismatch_count": len(mismatches),
            # Only the issued report states the verification conclusion; a draft is not verified.
            "conclusion": _("经核查，本研究的产品碳足迹量化和报告符合 %(standards)s 的要求，"
                            "报告中的结果由活动数据和排放因子重新计算得出。") % {
                "standards": "、".join(s.standards) if self.zh else ", ".join(s.standards)}
            if self.i.final else "",
        }

    def data_source_sentence(self) -> str:
        primary = sum(1 for p in self.i.products for a in p.activities if a.data_type == DataType.PRIMARY)
        total = sum(len(p.activities) for p in self.i.products)
        factors = len(self.used_factor_keys())
        return _("活动数据共 %(total)s 项，其中初级数据 %(primary)s 项；使用排放因子 %(factors)s 个，"
                 "来源见第 4 章。") % {"total": total, "primary": primary, "factors": factors}

    def used_factor_keys(self) -> list[str]:
        keys: list[str] = []
        for p in self.i.calculation_input.products:
            for a in p.activities:
                if a.factor_key not in keys:
                    keys.append(a.factor_key)
        return keys

    # -- chapter 1
    def chapter1(self) -> dict:
        self.outline.section("ch1", "1", _("产品碳足迹（CFP）介绍"))
        return {"standards": list(self.i.study.standards)}

    # -- chapter 2
    def chapter2(self) -> dict:
        o = self.outline
        o.section("ch2", "2", _("企业及产品介绍"))
        o.section("ch2_1", "2.1", _("企业概况"), level=2)
        o.section("ch2_2", "2.2", _("产品及其功能"), level=2)
        table = o.table("2", _("研究对象产品"))
        o.section("ch2_3", "2.3", _("工艺流程"), level=2)
        # The section is always there: a report without pictures says what it lacks.
        o.section("ch2_4", "2.4", _("产品图片"), level=2)
        figures = [{"url": img.url, **o.figure("2", img.caption)} for img in self.i.images]
        has_flow_figure = any(w in img.caption.lower() for img in self.i.images for w in ("流程", "flow"))
        return {
            "overview": F.paragraphs(self.i.study.company.overview),
            "products_table": table,
            "products": [
                {"code": p.code, "name": p.name, "model": p.model or "—", "unit": p.functional_unit,
                 "output": F.integer(p.annual_output), "description": p.description}
                for p in self.i.products
            ],
            "function": self.narrative("product_function"),
            "process_flow": self.narrative("process_flow"),
            "images": figures,
            "flow_figure_missing": "" if has_flow_figure else _(
                "未提供工艺流程图：本节只有文字说明。上传文件名含“流程”的图片后，该图印在这里。"),
            "images_missing": "" if figures else _("未提供产品图片：核查资料中没有上传产品照片。"),
        }

    # -- chapter 3
    def chapter3(self) -> dict:
        o = self.outline
        s = self.i.study
        o.section("ch3", "3", _("目标与范围"))
        o.section("ch3_1", "3.1", _("评价目的和预期用途"), level=2)
        o.section("ch3_2", "3.2", _("声明单位和基准流") if self.declared_unit else _("功能单位和基准流"),
                  level=2)
        fu_table = o.table("3", _("声明单位和基准流") if self.declared_unit else _("功能单位和基准流"))
        o.section("ch3_3", "3.3", _("系统边界"), level=2)
        boundary_tables = []
        for p in self.i.products:
            result = self.results.get(p.code)
            in_boundary = {st.stage for st in result.stages} if result else set()
            rows = []
            for st in p.stages:
                if st.stage not in in_boundary:
                    continue
                excluded_stage = self.stage_is_excluded(p.code, st.stage)
                rows.append({
                    "stage": _stage_label(st.stage),
                    "included": st.included or ("—" if excluded_stage else "/"),
                    "excluded": st.excluded or "/",
                    "reason": st.exclusion_reason if excluded_stage else "",
                    "is_excluded": excluded_stage,
                })
            boundary_tables.append({"product": p.name, "rows": rows,
                                    **o.table("3", _("%(product)s各阶段包含和未包含的过程") % {"product": p.name})})
        diagram = self.boundary_diagram()
        o.section("ch3_4", "3.4", _("分配原则"), level=2)
        o.section("ch3_5", "3.5", _("取舍准则"), level=2)
        o.section("ch3_6", "3.6", _("假设和限制"), level=2)
        o.section("ch3_7", "3.7", _("影响类别、温室气体和 GWP"), level=2)
        gases = self.gases_considered()
        gas_table = o.table("3", _("纳入核算的温室气体及其 GWP"))
        o.section("ch3_8", "3.8", _("电力的处理"), level=2)
        electricity = self.electricity()
        electricity_table = o.table("3", _("外购电力的排放因子")) if electricity else None
        o.section("ch3_9", "3.9", _("数据来源和数据质量要求"), level=2)
        o.section("ch3_10", "3.10", _("价值选择"), level=2)
        return {
            "purpose": self.narrative("purpose"),
            "fu_table": fu_table,
            "functional_units": [
                {"product": p.name, "unit": p.functional_unit,
                 "reference_flow": (_("1 个声明单位的产品（%(unit)s）") if self.declared_unit
                                    else _("1 个功能单位的产品（%(unit)s）")) % {"unit": p.functional_unit},
                 "output": F.integer(p.annual_output)}
                for p in self.i.products
            ],
            "unit_label": _("声明单位") if self.declared_unit else _("功能单位"),
            "declared_unit_note": partial_cfp.declared_unit_note(self.i),
            "kind_of_result": partial_cfp.kind_of_result(self.i),
            "limitations": partial_cfp.major_limitations(self.i),
            "pcr": scope_statements.pcr_statement(self.i),
            "scenarios": scope_statements.scenarios(self.i),
            "allocation_sensitivity": scope_statements.allocation_sensitivity(self.i),
            "biogenic": scope_statements.biogenic_statement(self.i),
            "data_quality_statement": scope_statements.data_quality_statement(self.i),
            "boundary_label": _choice(Boundary, s.boundary),
            "boundary_tables": boundary_tables,
            "boundary_figure": {**o.figure("3", _("产品系统边界")), "svg": diagram},
            "allocation": self.narrative("allocation"),
            "allocated_rows": self.allocated_rows(),
            "cut_off": self.narrative("cut_off"),
            "assumptions": self.narrative("assumptions"),
            "gwp_set": _choice(GwpSet, s.gwp_set),
            "gas_table": gas_table,
            "gases": gases,
            "electricity": electricity,
            "electricity_table": electricity_table,
            "electricity_treatment": self.electricity_treatment(),
            "gwp_set_code": s.gwp_set,
            "data_quality": self.narrative("data_quality"),
            "data_counts": self.data_counts(),
            "value_choices": self.value_choices(),
        }

    def boundary_diagram(self) -> SafeString:
        excluded = partial_cfp.excluded_stages(self.i)
        boxes = [(_stage_label(st), st not in excluded) for st in Stage.values]
        return mark_safe(boundary_diagram(
            boxes, boundary_label=_("系统边界"), excluded_label=_("系统边界外：未纳入的阶段（理由见 3.3 节）"),
            chart_id="boundary",
        ))

    def allocated_rows(self) -> list[dict]:
        rows = []
        for p in self.i.products:
            for a in p.activities:
                if a.allocation < 1:
                    rows.append({"product": p.name, "activity": a.name,
                                 "allocation": F.allocation(a.allocation)})
        return rows

    def gases_considered(self) -> list[dict]:
        gwp = self.i.gwp_values.get(self.i.study.gwp_set, {})
        used = {a.gas for p in self.i.result.products for a in p.activities if a.ok}
        rows = []
        for gas in [g for g in Gas.values if g != Gas.CO2E]:
            if gas not in gwp:
                continue
            rows.append({"gas": _gas(gas), "gwp": F.gwp(gwp[gas]),
                         "used": gas in used, "used_text": _("是") if gas in used else _("否")})
        return rows

    def electricity(self) -> list[dict]:
        rows = []
        for key in self.used_factor_keys():
            f = self.factor(key)
            if f is None or f.category != FactorCategory.ELECTRICITY:
                continue
            market = _market_based(f)
            rows.append({
                "code": f.code, "name": self.factor_name(f), "value": F.factor_value(f.value, f.value_decimals),
                "unit": f.unit, "year": str(f.year) if f.year else "—", "region": f.region or "—",
                "source": f.source,
                "method": _("基于市场（剩余电力组合）") if market else _("基于位置（电网平均）"),
                "market_based": market,
                "year_gap": (self.i.study.period_end.year - f.year) if f.year else None,
                "period_year": self.i.study.period_end.year,
            })
        return rows

    def electricity_methods(self) -> dict[str, list[str]]:
        """The activities whose electricity factor is location-based and those whose factor is
        market-based, in report order (the same test as the factor table). An activity is named
        alone, or with its product when the same name is under both methods."""
        uses: list[tuple[str, str, str]] = []  # (method, product, activity)
        for p in self.i.result.products:
            for a in p.activities:
                f = self.factor(a.factor_key)
                if f is not None and f.category == FactorCategory.ELECTRICITY:
                    uses.append(("market" if _market_based(f) else "location", p.name, a.name))
        methods_of: dict[str, set[str]] = {}
        for method, _product, name in uses:
            methods_of.setdefault(name, set()).add(method)
        names: dict[str, list[str]] = {"location": [], "market": []}
        for method, product, name in uses:
            label = name if len(methods_of[name]) == 1 else (
                _("%(product)s的%(activity)s") % {"product": product, "activity": name})
            if label not in names[method]:
                names[method].append(label)
        return names

    def electricity_treatment(self) -> str:
        """Chapter 3.8's paragraph: the method the study's electricity factors follow, naming the
        activities under each method when it uses both ("" when it buys no electricity)."""
        names = self.electricity_methods()
        sep = "、" if self.zh else ", "
        location, market = sep.join(names["location"]), sep.join(names["market"])
        if location and market:
            return _("外购电力的排放按两种方法计算：%(location)s按电网平均排放因子计算，即基于位置的方法；"
                     "%(market)s按剩余电力组合等基于市场的排放因子计算，即基于市场的方法。每项活动只按其中一种"
                     "方法计算，没有另行给出另一种方法的结果。所用电力排放因子如下：") % {
                "location": location, "market": market}
        if market:
            return _("外购电力的排放按剩余电力组合等基于市场的排放因子计算，即基于市场的方法（%(market)s）："
                     "电力排放取决于购电合同和市场化交易的电量。没有给出基于位置方法的结果。所用电力排放因子如下：") % {
                "market": market}
        if location:
            return _("外购电力的排放按电网平均排放因子计算，即基于位置的方法：电力排放取决于用电所在电网的发电"
                     "结构。计算中没有考虑绿色电力证书、购电协议等合同工具，因此没有给出基于市场方法的结果。"
                     "所用电力排放因子如下：")
        return ""

    def electricity_value_choice(self) -> str:
        """The value-choice line on electricity, agreeing with chapter 3.8."""
        names = self.electricity_methods()
        if names["market"] and names["location"]:
            return _("外购电力按基于位置（电网平均）和基于市场（剩余电力组合）两种方法计算，各项活动所用的方法见 3.8 节。")
        if names["market"]:
            return _("外购电力按基于市场的排放因子计算（剩余电力组合）。")
        return _("外购电力按电网平均排放因子计算（基于位置的方法）。")

    def data_counts(self) -> dict:
        acts = [a for p in self.i.products for a in p.activities]
        return {
            "primary": sum(1 for a in acts if a.data_type == DataType.PRIMARY),
            "secondary": sum(1 for a in acts if a.data_type == DataType.SECONDARY),
            "total": len(acts),
        }

    def value_choices(self) -> list[str]:
        s = self.i.study
        return [
            _("特征化采用 %(set)s 的 100 年全球变暖潜势（GWP100），不考虑其他时间尺度。") % {
                "set": _choice(GwpSet, s.gwp_set)},
            self.electricity_value_choice(),
            _("碳抵消和碳信用不计入产品碳足迹。"),
            _("不对结果进行加权或归一化，只报告气候变化一个影响类别。"),
        ]

    # -- chapter 4
    def chapter4(self) -> dict:
        o = self.outline
        s = self.i.study
        o.section("ch4", "4", _("数据收集"))
        o.section("ch4_1", "4.1", _("数据收集说明"), level=2)
        output_table = o.table("4", _("报告期产量"))
        o.section("ch4_2", "4.2", _("活动数据"), level=2)
        activity_tables = []
        stage_order = {st: n for n, st in enumerate(Stage.values)}
        for p in self.i.products:
            result = self.results.get(p.code)
            kg_by_id = {a.record_id: a for a in (result.activities if result else ())}
            # A column that has the same value in every row becomes a note under the table:
            # fewer cells read better and render faster (hundreds of rows in large studies).
            bases = {a.basis for a in p.activities}
            allocations = {a.allocation for a in p.activities}
            show_basis = len(bases) > 1
            show_allocation = allocations != {Decimal(1)} and bool(allocations)
            groups: list[dict] = []
            for a in sorted(p.activities, key=lambda a: stage_order.get(a.stage, 99)):
                label = _stage_label(a.stage)
                if not groups or groups[-1]["stage"] != label:
                    groups.append({"stage": label, "rows": []})
                factor = self.factor(a.factor_key)
                ar = kg_by_id.get(a.record_id)
                groups[-1]["rows"].append({
                    "name": a.name,
                    "source": a.source,
                    "quantity": F.quantity(a.quantity),
                    "unit": a.unit,
                    "basis": _choice(Basis, a.basis),
                    "allocation": F.allocation(a.allocation),
                    "data_type": _choice(DataType, a.data_type),
                    "factor": factor.code if factor else a.factor_key,
                    "kg": F.kg(ar.kgco2e) if ar and ar.ok else "—",
                })
            notes = []
            if not show_basis and bases:
                notes.append(_("全部活动数据均为“%(basis)s”。") % {"basis": _choice(Basis, next(iter(bases)))})
            if not show_allocation and p.activities:
                notes.append(_("全部活动数据的分配比例均为 100%。"))
            activity_tables.append({
                "product": p.name, "unit": f"kgCO₂e/{p.functional_unit}", "groups": groups,
                "show_basis": show_basis, "show_allocation": show_allocation,
                "columns": 5 + show_basis + show_allocation,
                "note": "".join(notes),
                **o.table("4", _("%(product)s活动数据") % {"product": p.name}),
            })
        o.section("ch4_3", "4.3", pgettext("plural", "排放因子"), level=2)
        factor_table = o.table("4", _("本研究使用的排放因子"))
        factors = []
        for key in self.used_factor_keys():
            f = self.factor(key)
            if f is None:
                continue
            derivation = ""
            if f.stated_value is None and f.ncv:
                derivation = _("由低位发热量 %(ncv)s × 单位热值含碳量 %(cc)s × 碳氧化率 %(ox)s × 44/12 推导") % {
                    "ncv": f.ncv, "cc": f.carbon_content, "ox": F.plain(f.oxidation_rate)}
            factors.append({
                "code": f.code if f.version == 1 else f"{f.code} v{f.version}",
                "name": self.factor_name(f), "value": F.factor_value(f.value, f.value_decimals), "unit": f.unit,
                "gas": _gas(f.gas), "year": str(f.year) if f.year else "—", "region": f.region or "—",
                "source": f.source, "published": f.published, "derivation": derivation,
                "category": _choice(FactorCategory, f.category),
            })
        return {
            "period": F.period(s.period_start, s.period_end, self.language),
            "output_table": output_table,
            "outputs": [{"product": p.name, "output": F.integer(p.annual_output), "unit": p.functional_unit}
                        for p in self.i.products],
            "activity_tables": activity_tables,
            "factor_table": factor_table,
            "factors": factors,
            "team_organisation": s.certification_body,
        }

    # -- chapter 5
    def chapter5(self) -> dict:
        o = self.outline
        s = self.i.study
        o.section("ch5", "5", _("碳足迹计算"))
        o.section("ch5_1", "5.1", _("计算方法"), level=2)
        o.section("ch5_2", "5.2", _("计算结果"), level=2)
        results = []
        for p in self.i.result.products:
            table = o.table("5", _("%(product)s各生命周期阶段的碳足迹") % {"product": p.name})
            figure = o.figure("5", _("%(product)s各生命周期阶段的碳足迹") % {"product": p.name})
            rows = [{"stage": _stage_label(sr.stage), **self.stage_cells(p.code, sr),
                     "excluded": sr.activity_count == 0} for sr in p.stages]
            chart = stage_chart(
                [(_stage_label(sr.stage), sr.kgco2e, F.share(sr.share_pct)) if sr.activity_count
                 else (_stage_label(sr.stage), None, partial_cfp.not_included_text()) for sr in p.stages],
                unit=self.fu(p), chart_id=f"stages-{p.code}")
            results.append({"product": p.name, "code": p.code, "unit": self.fu(p), "rows": rows,
                            "total": F.kg(p.total_kgco2e), "table": table,
                            "figure": {**figure, "svg": mark_safe(chart)}})
        o.section("ch5_3", "5.3", _("主要贡献来源"), level=2)
        contributors = []
        for p in self.i.result.products:
            top = [a for a in p.top_contributors(5) if a.kgco2e > 0]
            if not top:
                continue
            table = o.table("5", _("%(product)s的主要排放来源") % {"product": p.name})
            figure = o.figure("5", _("%(product)s的主要排放来源") % {"product": p.name})
            # The calculation's display shares: an activity's share adds up with the others of
            # its stage to the stage's share, so a stage's only activity shows the stage's share.
            rows = [{"rank": n + 1, "name": a.name, "stage": _stage_label(a.stage), "kg": F.kg(a.kgco2e),
                     "share": F.share(a.share_pct)}
                    for n, a in enumerate(top)]
            chart = contributors_chart([(a.name, a.kgco2e) for a in top], unit=self.fu(p),
                                       chart_id=f"contrib-{p.code}")
            contributors.append({"product": p.name, "unit": self.fu(p), "rows": rows, "table": table,
                                 "figure": {**figure, "svg": mark_safe(chart)}})
        o.section("ch5_4", "5.4", _("按温室气体和排放类型的结果"), level=2)
        by_type_table = o.table("5", _("按排放类型分列的结果"))
        by_gas_table = o.table("5", _("按温室气体分列的结果"))
        o.section("ch5_5", "5.5", _("不确定性和敏感性分析"), level=2)
        uncertainty = {**self.uncertainty(), **o.table("5", _("活动数据的合成不确定度（95% 置信水平）"))}
        sensitivity = self.sensitivity()
        return {
            "stages": [_stage_label(st.stage) for st in (self.i.result.products[0].stages
                                                         if self.i.result.products else ())],
            "gwp_set": _choice(GwpSet, s.gwp_set),
            "results": results,
            "contributors": contributors,
            "by_type_table": by_type_table,
            "by_type": self.by_type(),
            "by_gas_table": by_gas_table,
            "by_gas": self.by_gas(),
            "uncertainty_narrative": self.narrative("uncertainty"),
            "uncertainty": uncertainty,
            "sensitivity": sensitivity,
        }

    def by_type(self) -> dict:
        kinds = [("fossil", _("化石源温室气体排放")), ("biogenic", _("生物源温室气体排放")),
                 ("aircraft", _("航空运输温室气体排放")), ("luc", _("土地利用变化（dLUC）温室气体排放"))]
        products = list(self.i.result.products)
        sums = {p.code: dict.fromkeys([k for k, _l in kinds], 0.0) for p in products}
        for p in products:
            for a in p.activities:
                if a.ok:
                    sums[p.code][_emission_type(self.factor(a.factor_key))] += a.kgco2e
        rows = [{"label": label, "cells": [F.kg(sums[p.code][k]) for p in products]} for k, label in kinds]
        zero = [label for k, label in kinds if all(sums[p.code][k] == 0 for p in products)]
        return {"products": [{"name": p.name, "unit": self.fu(p)} for p in products], "rows": rows,
                "totals": [F.kg(p.total_kgco2e) for p in products],
                "zero_note": _("本研究的活动数据中没有%(kinds)s，其数值为零。") % {
                    "kinds": ("、" if self.zh else ", ").join(zero)} if zero else ""}

    def by_gas(self) -> dict:
        products = list(self.i.result.products)
        gases: list[str] = []
        sums: dict[str, dict[str, float]] = {p.code: {} for p in products}
        for p in products:
            for a in p.activities:
                if a.ok:
                    if a.gas not in gases:
                        gases.append(a.gas)
                    sums[p.code][a.gas] = sums[p.code].get(a.gas, 0.0) + a.kgco2e
        rows = [{"gas": _gas(g), "cells": [F.kg(sums[p.code].get(g, 0.0)) for p in products]} for g in gases]
        return {"products": [{"name": p.name, "unit": self.fu(p)} for p in products], "rows": rows,
                "totals": [F.kg(p.total_kgco2e) for p in products]}

    def uncertainty(self) -> dict:
        uncertainty_by_record = {
            rid: (float(a.uncertainty_pct) / 100 if a.uncertainty_pct is not None else None)
            for rid, a in self.activity_facts.items()
        }
        data_types = {rid: a.data_type for rid, a in self.activity_facts.items()}
        rows = []
        for u in S.combined_uncertainty(self.i.result, uncertainty_by_record=uncertainty_by_record,
                                        data_type_by_record=data_types):
            p = self.results[u.product]
            rows.append({
                "product": p.name, "unit": self.fu(p), "total": F.kg(p.total_kgco2e),
                "half_width": F.kg(u.half_width), "relative": F.percent(u.relative),
                "low": F.kg(p.total_kgco2e - u.half_width), "high": F.kg(p.total_kgco2e + u.half_width),
                "entered": u.entered, "defaulted": u.defaulted,
            })
        return {
            "rows": rows,
            "defaults": _("未给出不确定度的活动按数据类型取缺省值：初级数据 ±%(p)s%%，次级数据 ±%(s)s%%。") % {
                "p": F.percent(S.DEFAULT_UNCERTAINTY["primary"], decimals=0),
                "s": F.percent(S.DEFAULT_UNCERTAINTY["secondary"], decimals=0)},
        }

    def sensitivity(self) -> dict:
        study_input = self.i.calculation_input
        result = self.i.result
        products = list(result.products)
        base = {p.code: p.total_kgco2e for p in products}

        def cells(totals: Mapping[str, float], *, base_case: bool = False) -> list[dict]:
            if base_case:
                return [{"total": F.kg(base[p.code]), "change": "—"} for p in products]
            return [{"total": F.kg(totals.get(p.code, 0.0)),
                     "change": F.percent((totals.get(p.code, 0.0) / base[p.code] - 1) if base[p.code] else None,
                                         signed=True)} for p in products]

        rows = [{"label": _("基准情景（本报告结果）"), "cells": cells(base, base_case=True), "is_base": True}]
        for sc in S.grid_factor_scenarios(study_input):
            f = sc.factor
            assert f is not None
            rows.append({"label": _("%(old)s 改用 %(code)s（%(year)s 年，%(value)s %(unit)s）") % {
                "old": sc.replaces, "code": f.code, "year": f.year or "—",
                "value": F.factor_value(f.value, f.value_decimals), "unit": f.unit},
                "cells": cells(sc.totals), "is_base": False})
        for sc in S.gwp_set_scenarios(study_input, self.i.gwp_values):
            rows.append({"label": _("GWP 改用 %(set)s") % {"set": sc.label}, "cells": cells(sc.totals),
                         "is_base": False})
        stage_rows = []
        for sc in S.stage_scenarios(study_input, result):
            stage_rows.append({
                "label": _("%(stage)s阶段活动数据 ±10%%") % {"stage": _stage_label(sc.label)},
                "cells": [{"low": F.kg((sc.low_totals or {}).get(p.code, 0.0)),
                           "high": F.kg(sc.totals.get(p.code, 0.0)),
                           "change": F.percent((sc.totals.get(p.code, 0.0) / base[p.code] - 1)
                                               if base[p.code] else None)}
                          for p in products],
            })
        o = self.outline
        return {
            "products": [{"name": p.name, "unit": self.fu(p)} for p in products],
            "factor_rows": rows,
            "factor_table": o.table("5", _("排放因子和 GWP 版本的敏感性")) if len(rows) > 1 else None,
            "stage_rows": stage_rows,
            "gwp_note": scope_statements.gwp_sensitivity_note(self.i),
            "stage_table": o.table("5", _("各阶段活动数据变化 ±10% 时的结果")) if stage_rows else None,
        }

    # -- chapter 6: verification notes
    def chapter6(self) -> dict:
        o = self.outline
        o.section("ch6", "6", _("核查说明"))
        o.section("ch6_1", "6.1", _("一致性检查"), level=2)
        checks = []
        for p in self.i.result.products:
            for c in p.checks:
                # Row claims are tabled in 6.2, the source report's other figures in 6.3.
                if c.code == C.CLAIMED_MISMATCH or c.code in C.CLAIM_CODES:
                    continue
                checks.append({"product": p.name, "severity": c.severity,
                               "severity_label": {C.ERROR: _("错误"), C.WARNING: _("警告")}.get(c.severity, _("提示")),
                               "message": c.message})
        performed = [
            _("每项活动的单位与排放因子单位可以换算（量纲一致）。"),
            _("各阶段之和等于产品合计，各阶段占比之和为 100.0%。"),
            _("系统边界内每个阶段都有活动数据或写明了排除理由。"),
            _("同一因子族没有混用不同年份或版本。"),
            _("原报告声明值与由活动数据重新计算的结果一致（容差 0.1%）。"),
        ]
        o.section("ch6_2", "6.2", _("声明值与重新计算值对比"), level=2)
        claims = []
        totals = {t["code"]: t for t in self.claimed_totals()}
        for p in self.i.result.products:
            checks_by_index = {c.activity: c for c in p.checks if c.code == C.CLAIMED_MISMATCH}
            rows = []
            for a in p.activities:
                if a.claimed_kgco2e is None:
                    continue
                check = checks_by_index.get(a.index)
                implied = check.params.get("implied_value") if check else None
                factor = self.factor(a.factor_key)
                rows.append({
                    "activity": a.name, "stage": _stage_label(a.stage),
                    "claimed": F.kg(a.claimed_kgco2e), "computed": F.kg(a.kgco2e),
                    "deviation": F.deviation(a.deviation),
                    "factor": f"{factor.code} = {F.factor_value(factor.value, factor.value_decimals)}"
                              if factor else a.factor,
                    # Printed like the factor it is compared with (its decimals, ≥ 4 digits).
                    "implied": F.implied_factor(implied, factor.value_decimals if factor else None),
                    "suggested": (check.suggested_factor or "—") if check else "—",
                    "differs": check is not None,
                })
            if rows:
                claims.append({"product": p.name, "rows": rows, "total": totals.get(p.code)})
        claims_table = o.table("6", _("原报告声明值与重新计算值")) if claims else None
        contradictions = [
            {"product": p.name, "rows": [C.claim_finding(c) for c in p.checks if c.code in C.CLAIM_CODES]}
            for p in self.i.result.products
        ]
        contradictions = [g for g in contradictions if g["rows"]]
        has_claims = bool(self.i.calculation_input.claims)
        if has_claims:
            performed.append(_("原报告各处印出的产品合计、阶段数值、占比和排放因子彼此一致，并与重新计算结果一致。"))
        contradictions_table = o.table("6", _("原报告中的矛盾及可能原因")) if contradictions else None
        return {
            "has_claims": has_claims, "contradictions": contradictions,
            "contradictions_table": contradictions_table,
            "contradiction_count": sum(len(g["rows"]) for g in contradictions),
            "checks": checks, "performed": performed, "claims": claims, "claims_table": claims_table,
            "claimed_totals": self.claimed_totals(),
            "differing": sum(1 for g in claims for c in g["rows"] if c["differs"]),
        }

    # -- chapter 7: improvements from the hotspots
    def chapter7(self) -> dict:
        o = self.outline
        o.section("ch7", "7", _("改进建议"))
        groups: dict[tuple[str, str], dict] = {}
        for p in self.i.result.products:
            if p.total_kgco2e <= 0:
                continue
            for a in p.activities:
                if not a.ok or a.kgco2e <= 0:
                    continue
                factor = self.factor(a.factor_key)
                category = factor.category if factor else FactorCategory.OTHER
                key = (a.stage, category)
                g = groups.setdefault(key, {"stage": a.stage, "category": category, "products": {},
                                            "max_share": 0.0, "secondary": False})
                entry = g["products"].setdefault(p.code, {"kg": 0.0, "total": p.total_kgco2e, "names": [],
                                                          "share": Decimal("0.0")})
                entry["kg"] += a.kgco2e
                # The sum of the activities' display shares: a group that is a whole stage
                # prints the stage's share, as the tables do.
                entry["share"] += a.share_pct
                if a.name not in entry["names"]:
                    entry["names"].append(a.name)
                g["max_share"] = max(g["max_share"], entry["kg"] / p.total_kgco2e)
                facts = self.activity_facts.get(a.record_id)
                if facts and facts.data_type == DataType.SECONDARY:
                    g["secondary"] = True
        suggestions = []
        for g in hotspot_groups(groups, self.i.result.products):
            effects = []
            for code, e in g["products"].items():
                p = self.results[code]
                effects.append(_("%(product)s %(share)s，该项活动减少 10%% 可使碳足迹降低 %(kg)s kgCO₂e/%(unit)s") % {
                    "product": p.name, "share": F.share_text(e["share"]),
                    "kg": F.kg(e["kg"] * 0.10), "unit": p.functional_unit})
            names = []
            for e in g["products"].values():
                names.extend(n for n in e["names"] if n not in names)
            item = {
                "title": f"{_stage_label(g['stage'])} · {_choice(FactorCategory, g['category'])}",
                "activities": ("、" if self.zh else ", ").join(names),
                "effects": effects,
                "measure": _measure(g["stage"], g["category"]),
                "data_note": _("该项目前使用次级数据，建议收集初级数据以降低不确定性。") if g["secondary"] else "",
            }
            suggestions.append(item)
        mismatches = sum(1 for c in self.i.result.all_checks if c.code == C.CLAIMED_MISMATCH)
        return {
            "narrative": self.narrative("improvements"),
            "suggestions": suggestions,
            "mismatch_note": _("原报告中 %(n)s 项声明值与活动数据不符（见 6.2 节），对外引用碳足迹数值时应以本报告"
                               "重新计算的结果为准。") % {"n": mismatches} if mismatches else "",
        }

    # -- annexes
    def annexes(self) -> dict:
        o = self.outline
        s = self.i.study
        o.section("annex1", "", _("附件 1　核查组成员"))
        o.section("annex2", "", _("附件 2　GWP 值"))
        o.section("annex3", "", _("附件 3　编制、审核和批准"))
        gwp = self.i.gwp_values.get(s.gwp_set, {})
        gwp_rows = [{"gas": _gas(g), "used_index": GwpSet.values.index(s.gwp_set),
                     "others": [F.gwp(self.i.gwp_values.get(other, {}).get(g)) if
                                self.i.gwp_values.get(other, {}).get(g) is not None else "—"
                                for other in GwpSet.values]}
                    for g in Gas.values if g in gwp and g != Gas.CO2E]
        team_table = o.table(_("附1"), _("核查组成员"))
        return {
            "team_table": team_table,
            "team": [{"name": m.name, "organisation": m.organisation or "—",
                      "certificate": m.certificate_number or "—", "role": m.role or "—"} for m in self.i.team],
            "team_statement": _("上述人员组成核查组，按 %(standards)s 对本报告的数据和计算进行了核查。") % {
                "standards": ("、" if self.zh else ", ").join(s.standards)},
            "gwp_set": _choice(GwpSet, s.gwp_set),
            "gwp_set_code": s.gwp_set,
            "gwp_edition": (_("第 %(version)s 版，%(source)s") % {"version": s.gwp_version,
                                                                "source": s.gwp_source}
                            if s.gwp_source else ""),
            "gwp_sets": list(GwpSet.values),
            "gwp_rows": gwp_rows,
            "gwp_table": o.table(_("附2"), _("100 年全球变暖潜势（GWP100）")),
            "signatures": self.signatures(),
            "signoff_statement": signoff_statement(self.i),
            "certification_body": s.certification_body,
            "issue_date": self.issue_date(),
        }

    def signatures(self) -> list[dict]:
        return signoff_rows(self.i)
