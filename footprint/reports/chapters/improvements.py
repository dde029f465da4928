"""Chapter 7: improvement measures, one for each hotspot the analysis finds."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from ...choices import DataType, FactorCategory
from ...services import formatting as F
from ...services.calculation import checks as C
from ..analysis import hotspot_groups
from .base import Report, choice_label, stage_label


def improvement_measure(stage: str, category: str) -> str:
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


def chapter7(r: Report) -> dict:
    o = r.outline
    o.section("ch7", "7", _("改进建议"))
    groups: dict[tuple[str, str], dict] = {}
    for p in r.i.result.products:
        if p.total_kgco2e <= 0:
            continue
        for a in p.activities:
            if not a.ok or a.kgco2e <= 0:
                continue
            factor = r.factor(a.factor_key)
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
            facts = r.activity_facts.get(a.record_id)
            if facts and facts.data_type == DataType.SECONDARY:
                g["secondary"] = True
    suggestions = []
    for g in hotspot_groups(groups, r.i.result.products):
        effects = []
        for code, e in g["products"].items():
            p = r.results[code]
            effects.append(_("%(product)s %(share)s，该项活动减少 10%% 可使碳足迹降低 %(kg)s kgCO₂e/%(unit)s") % {
                "product": p.name, "share": F.share_text(e["share"]),
                "kg": F.kg(e["kg"] * 0.10), "unit": p.functional_unit})
        names = []
        for e in g["products"].values():
            names.extend(n for n in e["names"] if n not in names)
        item = {
            "title": f"{stage_label(g['stage'])} · {choice_label(FactorCategory, g['category'])}",
            "activities": ("、" if r.zh else ", ").join(names),
            "effects": effects,
            "measure": improvement_measure(g["stage"], g["category"]),
            "data_note": _("该项目前使用次级数据，建议收集初级数据以降低不确定性。") if g["secondary"] else "",
        }
        suggestions.append(item)
    mismatches = sum(1 for c in r.i.result.all_checks if c.code == C.CLAIMED_MISMATCH)
    return {
        "narrative": r.narrative("improvements"),
        "suggestions": suggestions,
        "mismatch_note": _("原报告中 %(n)s 项声明值与活动数据不符（见 6.2 节），对外引用碳足迹数值时应以本报告"
                           "重新计算的结果为准。") % {"n": mismatches} if mismatches else "",
    }
