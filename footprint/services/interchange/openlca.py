"""A study as an openLCA JSON-LD package (a zip written with GreenDelta's `olca-schema`), for LCA
practitioners who check or extend it in openLCA (docs/openlca.md).

The package is written from the calculation's plain input and result (`services/results.py`):
never from typed-in figures. What it holds:

- **stage processes**, one per product and included lifecycle stage (a stage of the boundary
  with activity data): output 1 functional unit of the stage's product flow, and one input
  exchange per activity row with the amount the calculation uses per functional unit
  (quantity × allocation ÷ annual output for an annual total), in the row's unit, linked to the
  factor's process as default provider;
- **factor processes**, one per emission factor version the study uses: output 1 activity unit of
  the factor's product flow (1 kWh of grid electricity, 1 kg of diesel burnt), and the factor
  itself as an **elementary-flow exchange**: `value` kg of its gas (CO₂, CH₄, N₂O, SF₆ …)
  emitted to air;
- **product processes**, one per product: output 1 functional unit, inputs 1 functional unit
  of each stage flow (building a product system from it in openLCA links everything);
- an **LCIA method** with one category, "Climate change - GWP100", whose characterisation
  factors are the study's pinned IPCC GWP edition (1 for a factor already in CO₂e).

Both, because each alone falls short. Elementary flows per gas, in factor processes of their own,
keep what the factor says (kg of which gas per unit of what) and let a practitioner swap a
factor for a background dataset by relinking one provider, without touching the stage
processes. The method characterises those flows with exactly the GWP values the study used, so
openLCA recomputes the study's kgCO₂e per functional unit; openLCA's own IPCC methods apply
after mapping our elementary flows to the database's (their ids are ours, see docs/openlca.md).

Ids are UUIDs derived from what an entity is (a factor version, a gas, a GWP edition, a study's
product and stage), so the same study gives the same package and packages of several studies
share their factors, gases and method when imported into one database (the zip's own entry
dates differ from one download to the next, the entities do not). Unit groups and flow
properties carry openLCA's reference-data ids (`olca_schema/units/units.csv`), so they merge with
a database's "Units of mass", "Units of energy" and so on.
"""

from __future__ import annotations

import csv
import io
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType

import olca_schema as o
from django.utils.translation import get_language, override, pgettext
from django.utils.translation import gettext as _
from olca_schema.zipio import ZipWriter

from ...choices import Stage
from ...selectors import gwp_version_of
from ..calculation.study import (
    FactorInput,
    ProductInput,
    ProductResult,
    StudyInput,
    StudyResult,
    calculate_study,
)
from ..calculation.units import (
    UnitError,
    activity_unit_of,
    conversion_factor,
    emission_multiplier,
    parse_quantity,
    parse_unit,
)
from ..facts.reading import study_facts
from ..report_prose.translation import SOURCE_LANGUAGE, translate_calculation_input, translator_for
from ..results import study_calculation_input

CONTENT_TYPE = "application/zip"
IMPACT_CATEGORY_NAME = "Climate change - GWP100"
IMPACT_UNIT = "kg CO2 eq"
AIR_CATEGORY = "Elementary flows/Emission to air/unspecified"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pcf-footprint.invalid/openlca/")

# Elementary flows of the gases GWP tables name (key as `FactorInput.gas`): English name and CAS.
GASES: dict[str, tuple[str, str]] = {
    "CO2": ("Carbon dioxide", "124-38-9"),
    "CH4": ("Methane", "74-82-8"),
    "N2O": ("Dinitrogen monoxide", "10024-97-2"),
    "SF6": ("Sulfur hexafluoride", "2551-62-4"),
    "NF3": ("Nitrogen trifluoride", "7783-54-2"),
    "HFC-134a": ("Ethane, 1,1,1,2-tetrafluoro-, HFC-134a", "811-97-2"),
    "CF4": ("Methane, tetrafluoro-, PFC-14", "75-73-0"),
    # A factor published in CO2e is already characterised: its flow has the factor 1.
    "CO2e": ("Greenhouse gases, CO2 equivalent (characterised by the factor's source)", ""),
}


def uid(*parts: object) -> str:
    """A stable UUID for what an entity is (the same study gives the same package)."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts)))


# ----------------------------------------------------------------------------------- units
@dataclass(frozen=True)
class UnitGroupSpec:
    """One of openLCA's reference unit groups: its reference unit and the units we write in it,
    each as (openLCA symbol, pint spelling). Ids come from olca-schema's reference data."""

    key: str
    units: tuple[tuple[str, str], ...]  # the reference unit first

    @property
    def ref(self) -> tuple[str, str]:
        return self.units[0]


# openLCA's reference units: kg, MJ, m3, t*km, m, m2, Item(s). Count-like units (台, 件) are not
# units pint knows: a functional unit such as "1 台" is 1 Item(s).
UNIT_GROUPS: tuple[UnitGroupSpec, ...] = (
    UnitGroupSpec("mass", (("kg", "kg"), ("g", "g"), ("mg", "mg"), ("t", "t"))),
    UnitGroupSpec("energy", (("MJ", "MJ"), ("kJ", "kJ"), ("J", "J"), ("GJ", "GJ"), ("TJ", "TJ"),
                             ("Wh", "Wh"), ("kWh", "kWh"), ("MWh", "MWh"))),
    UnitGroupSpec("volume", (("m3", "m**3"), ("l", "l"))),
    UnitGroupSpec("goods_transport", (("t*km", "t*km"), ("kg*km", "kg*km"))),
    UnitGroupSpec("length", (("m", "m"), ("km", "km"))),
    UnitGroupSpec("area", (("m2", "m**2"),)),
    UnitGroupSpec("items", (("Item(s)", "1"),)),
)


@cache
def _reference_units() -> dict[str, tuple[str, str, str, str, str]]:
    """openLCA's reference units by symbol: (unit id, group name, group id, flow property
    name, flow property id), as olca-schema ships them."""
    path = Path(o.__file__).parent / "units" / "units.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        return {row[0]: (row[1], row[2], row[3], row[4], row[5]) for row in rows}


@dataclass(frozen=True)
class UnitChoice:
    """Where an amount is written: a unit of a unit group (ids are openLCA's where it has the
    group, derived ones otherwise)."""

    group_id: str
    group_name: str
    property_id: str
    property_name: str
    unit_id: str
    unit_name: str


@dataclass(frozen=True)
class _GroupEntities:
    group: o.UnitGroup
    prop: o.FlowProperty


class _Units:
    """The unit groups and flow properties a package uses, and amounts expressed in them."""

    def __init__(self):
        self.used: dict[str, _GroupEntities] = {}

    def express(self, amount: float, unit: str) -> tuple[UnitChoice, float]:
        """`amount unit` as an amount in a unit openLCA knows: the same unit where the group
        has it (kWh stays kWh), else converted to the group's reference unit (pint)."""
        spec, symbol, multiplier = _placement(unit)
        if isinstance(spec, str):  # a dimension openLCA's groups above do not cover
            return self._own_group(spec, symbol), amount * multiplier
        return self._choice(spec, symbol), amount * multiplier

    def items(self) -> UnitChoice:
        return self._choice(UNIT_GROUPS[-1], "Item(s)")

    def _choice(self, spec: UnitGroupSpec, symbol: str) -> UnitChoice:
        ref = _reference_units()
        _unit_id, group_name, group_id, prop_name, prop_id = ref[spec.ref[0]]
        if group_id not in self.used:
            units = [
                o.Unit(id=ref[s][0], name=s, is_ref_unit=i == 0,
                       conversion_factor=1.0 if i == 0 else conversion_factor(p, spec.ref[1]))
                for i, (s, p) in enumerate(spec.units)
            ]
            self._add(group_id, group_name, prop_id, prop_name, units)
        return UnitChoice(group_id, group_name, prop_id, prop_name, ref[symbol][0], symbol)

    def _own_group(self, dims: str, base: str) -> UnitChoice:
        group_id, prop_id, unit_id = uid("unit-group", dims), uid("flow-property", dims), uid("unit", dims)
        name = f"Units of {dims}"
        if group_id not in self.used:
            self._add(group_id, name, prop_id, dims,
                      [o.Unit(id=unit_id, name=base, is_ref_unit=True, conversion_factor=1.0)])
        return UnitChoice(group_id, name, prop_id, dims, unit_id, base)

    def _add(self, group_id, group_name, prop_id, prop_name, units):
        group = o.UnitGroup(id=group_id, name=group_name, units=units, version="01.00.000",
                            last_change="", default_flow_property=o.Ref(
                                ref_type=o.RefType.FlowProperty, id=prop_id, name=prop_name))
        prop = o.FlowProperty(id=prop_id, name=prop_name, version="01.00.000", last_change="",
                              flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY,
                              unit_group=o.Ref(ref_type=o.RefType.UnitGroup, id=group_id,
                                               name=group_name))
        self.used[group_id] = _GroupEntities(group, prop)


@lru_cache(maxsize=1024)
def _placement(unit: str) -> tuple[UnitGroupSpec | str, str, float]:
    """Where amounts of `unit` go, once per unit string (pint conversions are slow): the group
    (or, for a dimension none of UNIT_GROUPS covers, the dimension's name), the unit's name in
    it, and what an amount is multiplied by."""
    dims = parse_unit(unit).dimensionality
    for spec in UNIT_GROUPS:
        if parse_unit(spec.ref[1]).dimensionality != dims:
            continue
        for symbol, spelling in spec.units:
            if math.isclose(conversion_factor(unit, spelling), 1.0, rel_tol=1e-12):
                return spec, symbol, 1.0
        return spec, spec.ref[0], conversion_factor(unit, spec.ref[1])
    base = f"{(1 * parse_unit(unit)).to_base_units().units:~C}"
    return str(dims), base, conversion_factor(unit, base)


def functional_unit_amount(functional_unit: str) -> tuple[float, str | None]:
    """"1 kg" → (1.0, "kg"); "1 台" (a count pint does not know) → (1.0, None): 1 Item(s)."""
    try:
        quantity = parse_quantity(functional_unit)
    except UnitError:
        return 1.0, None
    if not quantity.magnitude > 0:
        return 1.0, None
    return float(quantity.magnitude), f"{quantity.units}"


# ------------------------------------------------------------------------------- the package
@dataclass(frozen=True)
class PackageInfo:
    """What the package says about the study beyond the calculation's input."""

    title: str
    company: str
    period_start: str  # ISO dates
    period_end: str
    gwp_edition: str  # "AR5 v1"
    gwp_source: str
    # Written as every entity's last change, so that the same study gives the same entities.
    last_change: str
    # Each factor version's published source, by `FactorInput.key`.
    factor_sources: Mapping[str, str] = field(default_factory=dict)


def _num(value: float) -> str:
    return format(value, ".10g")


class _Package:
    def __init__(self, study: StudyInput, info: PackageInfo):
        self.study, self.info = study, info
        self.units = _Units()
        self.entities: dict[str, object] = {}
        self.refs: dict[str, o.Ref] = {}
        self.factors: dict[str, tuple[o.Process, o.Flow]] = {}  # by FactorInput.key

    def ref(self, entity) -> o.Ref:
        """A reference to an entity, made once: olca-schema's `as_ref` looks the type up by
        name, which costs a study of thousands of rows a noticeable part of its export."""
        if entity.id not in self.refs:
            self.refs[entity.id] = o.as_ref(entity)
        return self.refs[entity.id]

    def add(self, entity):
        entity.version = "01.00.000"
        entity.last_change = self.info.last_change
        self.entities.setdefault(entity.id, entity)
        return entity

    # -- flows
    def product_flow(self, key: tuple, name: str, choice: UnitChoice, *, category: str,
                     description: str = "") -> o.Flow:
        flow_id = uid("flow", *key)
        if flow_id in self.entities:
            return self.entities[flow_id]
        return self.add(o.Flow(
            id=flow_id, name=name, flow_type=o.FlowType.PRODUCT_FLOW, category=category,
            description=description or None,
            flow_properties=[o.FlowPropertyFactor(
                flow_property=o.Ref(ref_type=o.RefType.FlowProperty, id=choice.property_id,
                                    name=choice.property_name),
                conversion_factor=1.0, is_ref_flow_property=True)],
        ))

    def gas_flow(self, gas: str) -> o.Flow:
        flow_id = uid("elementary-flow", "air", gas)
        if flow_id in self.entities:
            return self.entities[flow_id]
        name, cas = GASES.get(gas, (gas, ""))
        kg, _amount = self.units.express(1.0, "kg")
        return self.add(o.Flow(
            id=flow_id, name=name, cas=cas or None, formula=gas if gas in GASES and gas != "CO2e" else None,
            flow_type=o.FlowType.ELEMENTARY_FLOW, category=AIR_CATEGORY,
            flow_properties=[o.FlowPropertyFactor(
                flow_property=o.Ref(ref_type=o.RefType.FlowProperty, id=kg.property_id,
                                    name=kg.property_name),
                conversion_factor=1.0, is_ref_flow_property=True)],
        ))

    # -- exchanges
    def exchange(self, internal_id: int, flow: o.Flow, choice: UnitChoice, amount: float, *,
                 is_input: bool, reference: bool = False, provider=None,
                 description: str = "") -> o.Exchange:
        return o.Exchange(
            internal_id=internal_id, flow=self.ref(flow), amount=amount, is_input=is_input,
            is_quantitative_reference=reference,
            flow_property=o.Ref(ref_type=o.RefType.FlowProperty, id=choice.property_id,
                                name=choice.property_name),
            unit=o.Ref(ref_type=o.RefType.Unit, id=choice.unit_id, name=choice.unit_name),
            default_provider=self.ref(provider) if provider is not None else None,
            description=description or None,
        )

    def process(self, process_id: str, name: str, category: str, exchanges: list[o.Exchange],
                description: str, *, of_study: bool = True) -> o.Process:
        """A unit process; one of the study's (stage, product) is documented with its reference
        period and report, a factor's process (shared by every study using the factor) not."""
        documentation = o.ProcessDocumentation(
            valid_from=self.info.period_start, valid_until=self.info.period_end,
            project_description=f"{self.study.report_number} {self.info.title} ({self.info.company})",
        ) if of_study else None
        return self.add(o.Process(
            id=process_id, name=name, category=category, description=description,
            process_type=o.ProcessType.UNIT_PROCESS, exchanges=exchanges,
            last_internal_id=len(exchanges), process_documentation=documentation,
        ))

    # -- factors
    def factor_process(self, factor: FactorInput) -> tuple[o.Process, o.Flow]:
        """The factor's process and its product flow (made once per package)."""
        if factor.key not in self.factors:
            self.factors[factor.key] = self._factor_process(factor)
        return self.factors[factor.key]

    def _factor_process(self, factor: FactorInput) -> tuple[o.Process, o.Flow]:
        process_id = uid("factor-process", factor.key)
        unit = activity_unit_of(factor.unit)
        choice, amount = self.units.express(1.0, unit)
        name = f"{factor.name} [{factor.code} v{factor.version}]"
        category = pgettext("plural", "排放因子")
        flow = self.product_flow(("factor", factor.key), name, choice, category=category)
        emitted = factor.value * emission_multiplier(unit, factor.unit)
        kg, _one = self.units.express(1.0, "kg")
        exchanges = [
            self.exchange(1, flow, choice, amount, is_input=False, reference=True),
            self.exchange(2, self.gas_flow(factor.gas), kg, emitted, is_input=False,
                          description=_("排放因子 %(code)s（第 %(version)s 版）：%(value)s %(unit)s，气体 %(gas)s")
                          % {"code": factor.code, "version": factor.version,
                             "value": _num(factor.value), "unit": factor.unit, "gas": factor.gas}),
        ]
        year = f" · {factor.year}" if factor.year else ""
        description = _("排放因子 %(code)s 第 %(version)s 版%(year)s：每 1 %(unit)s 排放 %(emitted)s kg %(gas)s。"
                        "用背景数据库的数据集替换该因子时，将阶段过程中该流的提供者改为那个数据集即可。") % {
            "code": factor.code, "version": factor.version, "year": year, "unit": unit,
            "emitted": _num(emitted), "gas": factor.gas}
        if self.info.factor_sources.get(factor.key):
            description += " " + _("来源：%(source)s") % {"source": self.info.factor_sources[factor.key]}
        return self.process(process_id, name, category, exchanges, description, of_study=False), flow

    # -- the method
    def method(self) -> o.ImpactMethod:
        gwp = sorted(self.study.gwp.items())
        edition = uid("gwp100", self.study.gwp_set, *(f"{g}={v!r}" for g, v in gwp))
        kg, _one = self.units.express(1.0, "kg")
        category = self.add(o.ImpactCategory(
            id=uid("impact-category", edition), name=IMPACT_CATEGORY_NAME, ref_unit=IMPACT_UNIT,
            category=_("产品碳足迹"),
            description=_("100 年全球变暖潜势，IPCC %(edition)s（%(source)s），与报告计算所用的版次相同。")
            % {"edition": self.info.gwp_edition, "source": self.info.gwp_source},
            impact_factors=[
                o.ImpactFactor(
                    flow=self.ref(self.gas_flow(gas)), value=value,
                    flow_property=o.Ref(ref_type=o.RefType.FlowProperty, id=kg.property_id,
                                        name=kg.property_name),
                    unit=o.Ref(ref_type=o.RefType.Unit, id=kg.unit_id, name=kg.unit_name),
                )
                for gas, value in gwp
            ],
        ))
        return self.add(o.ImpactMethod(
            id=uid("impact-method", edition), name=f"PCF GWP100 (IPCC {self.info.gwp_edition})",
            category=_("产品碳足迹"), impact_categories=[self.ref(category)],
            description=_("报告按 GB/T 24067 / ISO 14067 计算产品碳足迹时使用的特征化因子。"),
        ))

    # -- products and stages
    def product(self, product: ProductInput, result: ProductResult, method_name: str,
                stage_labels: Mapping[str, str]) -> None:
        fu_amount, fu_unit = functional_unit_amount(product.functional_unit)
        if fu_unit is None:
            fu_choice, fu_written = self.units.items(), fu_amount
        else:
            fu_choice, fu_written = self.units.express(fu_amount, fu_unit)
        root = self.study.report_number
        stage_folder = f"{root}/{pgettext('plural', '生命周期阶段')}"
        product_folder = f"{root}/{pgettext('plural', '产品')}"
        label = f"{product.name} ({product.code})"
        stage_processes: list[tuple[o.Flow, o.Process]] = []
        rows = list(zip(product.activities, result.activities, strict=True))
        for stage in result.stages:
            if stage.not_included:
                continue
            stage_name = stage_labels.get(stage.stage, stage.stage)
            flow = self.product_flow(
                (root, product.code, stage.stage), f"{label} – {stage_name}", fu_choice,
                category=stage_folder,
                description=_("功能单位：%(fu)s") % {"fu": product.functional_unit})
            exchanges = [self.exchange(1, flow, fu_choice, fu_written, is_input=False, reference=True)]
            left_out = []
            for activity, row in rows:
                if activity.stage != stage.stage:
                    continue
                if not row.ok:
                    left_out.append(activity.name)
                    continue
                factor = self.study.factors[activity.factor_key]
                provider, factor_flow = self.factor_process(factor)
                divisor = product.annual_output if activity.basis == "annual_total" else 1.0
                amount = activity.quantity * activity.allocation / divisor
                choice, written = self.units.express(amount, activity.unit)
                if activity.basis == "annual_total":
                    how = _("%(name)s：全年 %(quantity)s %(unit)s × 分配系数 %(allocation)s ÷ 年产量 %(output)s")
                else:
                    how = _("%(name)s：每功能单位 %(quantity)s %(unit)s × 分配系数 %(allocation)s")
                exchanges.append(self.exchange(
                    len(exchanges) + 1, factor_flow, choice, written, is_input=True,
                    provider=provider,
                    description=how % {"name": activity.name, "quantity": _num(activity.quantity),
                                       "unit": activity.unit, "allocation": _num(activity.allocation),
                                       "output": _num(product.annual_output)}))
            description = _("%(product)s，%(stage)s阶段，每 %(fu)s。报告重新计算的结果：%(total)s kg CO₂e；"
                            "用方法“%(method)s”计算本过程的产品系统可得到相同的数值。") % {
                "product": label, "stage": stage_name, "fu": product.functional_unit,
                "total": _num(stage.kgco2e), "method": method_name}
            if left_out:
                description += " " + _("未导出的活动（计算有错误，不计入结果）：%(names)s") % {
                    "names": "、".join(left_out)}
            process = self.process(uid("stage-process", root, product.code, stage.stage),
                                   f"{label} – {stage_name}", stage_folder,
                                   exchanges, description)
            stage_processes.append((flow, process))

        flow = self.product_flow((root, product.code), label, fu_choice, category=product_folder,
                                 description=_("功能单位：%(fu)s") % {"fu": product.functional_unit})
        exchanges = [self.exchange(1, flow, fu_choice, fu_written, is_input=False, reference=True)]
        for stage_flow, stage_process in stage_processes:
            exchanges.append(self.exchange(len(exchanges) + 1, stage_flow, fu_choice, fu_written,
                                           is_input=True, provider=stage_process))
        self.process(
            uid("product-process", root, product.code), label, product_folder, exchanges,
            _("%(product)s，每 %(fu)s，报告边界内各阶段之和。报告重新计算的结果：%(total)s kg CO₂e；"
              "由本过程建立产品系统并用方法“%(method)s”计算可得到相同的数值。") % {
                "product": label, "fu": product.functional_unit,
                "total": _num(result.total_kgco2e), "method": method_name})


def write_package(study: StudyInput, result: StudyResult, info: PackageInfo,
                  stage_labels: Mapping[str, str] | None = None) -> bytes:
    """The openLCA JSON-LD zip of a study, from its calculation input and result."""
    labels = dict(stage_labels or {s.value: str(s.label) for s in Stage})
    package = _Package(study, info)
    method = package.method()
    for product, product_result in zip(study.products, result.products, strict=True):
        package.product(product, product_result, method.name, labels)
    for entities in package.units.used.values():
        package.add(entities.group)
        package.add(entities.prop)
    buffer = io.BytesIO()
    with ZipWriter(buffer) as writer:
        for entity in sorted(package.entities.values(), key=lambda e: (type(e).__name__, e.id)):
            writer.write(entity)
    return buffer.getvalue()


# --------------------------------------------------------------------------- from a study
def study_to_openlca(study, *, for_licensee: bool, language: str | None = None) -> bytes:
    """The openLCA package of a study, recomputed from its facts (`services/facts`, read once;
    `services/results.py`), its names and descriptions in `language` (default: the active one;
    the study's own text as translated on its English page, `Study.translations`). Not
    `for_licensee`: a factor whose licence forbids redistribution is named by its code, without
    its year (services/reference/licences.py)."""
    language = language or get_language() or SOURCE_LANGUAGE
    tr = translator_for(study.translations, language)
    with override(language):
        facts = study_facts(study, people=False)  # the study read once, factors included
        data = translate_calculation_input(study_calculation_input(study, facts=facts), tr)
        rows = facts.factors
        english = language != SOURCE_LANGUAGE
        hidden = set() if for_licensee else {
            key for key, row in rows.items() if not row.redistribution_allowed}
        data = replace(data, factors=MappingProxyType({
            key: (replace(f, name=f.code, year=None) if key in hidden
                  else replace(f, name=_factor_name(f.name, rows.get(key), tr, english)))
            for key, f in data.factors.items()}))
        result = calculate_study(data)
        edition = gwp_version_of(study)
        changed = study.issued_at or study.updated_at
        info = PackageInfo(
            title=tr.text("title", study.title), company=tr.term(study.company.name),
            period_start=study.period_start.isoformat(), period_end=study.period_end.isoformat(),
            gwp_edition=str(edition) if edition else study.gwp_set,
            gwp_source=edition.source if edition else "", last_change=changed.isoformat(),
            factor_sources={key: tr.term(f.source) for key, f in rows.items()},
        )
        return write_package(data, result, info)


def _factor_name(name: str, row, tr, english: bool) -> str:
    """A factor's name in the package's language: the study's own translation of it, else the
    library's English name."""
    translated = tr.term(name)
    if english and translated == name and row is not None and row.name_en:
        return row.name_en
    return translated


def package_filename(study) -> str:
    return f"{study.report_number}-openlca.zip"
