"""The openLCA package of a study, read back with olca-schema's ZipReader: one process per
product and included stage, every reference resolving inside the package, and the study's
kgCO₂e per functional unit recomputed the way openLCA does it (scale each provider to what its
consumer asks, characterise its elementary flows with the package's method)."""

import io
import json
import math
import zipfile

import olca_schema as o
import pytest
from olca_schema.zipio import ZipReader

from footprint.models import Study
from footprint.services.interchange.openlca import (
    IMPACT_CATEGORY_NAME,
    functional_unit_amount,
    study_to_openlca,
)
from footprint.services.results import study_results

SEED, DEMO2 = "202508175GHG", "DEMO-2"
STAGE_FOLDER, PRODUCT_FOLDER, FACTOR_FOLDER = "生命周期阶段", "产品", "排放因子"


def _reader(data: bytes) -> ZipReader:
    return ZipReader(io.BytesIO(data))


def _package(number: str) -> bytes:
    return study_to_openlca(Study.objects.get(report_number=number), for_licensee=True)


def _processes(reader: ZipReader) -> dict[str, o.Process]:
    return {p.id: p for p in reader.read_each(o.Process)}


class OpenLca:
    """The part of openLCA's calculation a package like ours needs: a tree of processes, each
    input linked to its default provider, amounts converted through the unit groups."""

    def __init__(self, reader: ZipReader):
        self.processes = _processes(reader)
        self.flows = {f.id: f for f in reader.read_each(o.Flow)}
        self.groups = {g.id: g for g in reader.read_each(o.UnitGroup)}
        self.props = {p.id: p for p in reader.read_each(o.FlowProperty)}
        method = next(reader.read_each(o.ImpactMethod))
        (category_ref,) = method.impact_categories
        category = reader.read_impact_category(category_ref.id)
        assert category.name == IMPACT_CATEGORY_NAME and category.ref_unit == "kg CO2 eq"
        self.cf = {f.flow.id: f.value * self.to_reference(f.flow_property.id, f.unit.id)
                   for f in category.impact_factors}

    def to_reference(self, prop_id: str, unit_id: str) -> float:
        """How many reference units of the flow property one `unit_id` is."""
        group = self.groups[self.props[prop_id].unit_group.id]
        (unit,) = [u for u in group.units if u.id == unit_id]
        return unit.conversion_factor

    def amount(self, exchange: o.Exchange) -> float:
        return exchange.amount * self.to_reference(exchange.flow_property.id, exchange.unit.id)

    def impact(self, process_id: str, scale: float = 1.0) -> float:
        """kg CO2 eq of `scale` × the process's reference output."""
        process = self.processes[process_id]
        total = 0.0
        for exchange in process.exchanges:
            flow = self.flows[exchange.flow.id]
            if flow.flow_type == o.FlowType.ELEMENTARY_FLOW:
                total += scale * self.amount(exchange) * self.cf[flow.id]
            elif exchange.is_input:
                provider = self.processes[exchange.default_provider.id]
                (output,) = [e for e in provider.exchanges if e.is_quantitative_reference]
                assert output.flow.id == exchange.flow.id
                total += self.impact(provider.id, scale * self.amount(exchange) / self.amount(output))
        return total


def test_one_process_per_product_and_included_stage(demo):
    study = Study.objects.get(report_number=SEED)
    result = study_results(study)
    with _reader(study_to_openlca(study, for_licensee=True)) as reader:
        processes = list(_processes(reader).values())
    stages = [p for p in processes if p.category.endswith(STAGE_FOLDER)]
    included = [(p.code, s.stage) for p in result.products for s in p.stages if not s.not_included]
    # The seed: LV and HV, five stages with data each (the use stage is excluded with a reason).
    assert len(stages) == len(included) == 10
    assert {p.name for p in stages} >= {"低压成套开关设备 (LV) – 原材料获取", "高压成套开关设备 (HV) – 生命末期（处置）"}
    assert not any("使用" in p.name for p in stages)
    assert sorted(p.name for p in processes if p.category.endswith(PRODUCT_FOLDER)) == [
        "低压成套开关设备 (LV)", "高压成套开关设备 (HV)"]
    # Two factors (CN-GRID-2022, CN-DIESEL), one process each, shared by both products.
    factors = [p for p in processes if p.category == FACTOR_FOLDER]
    assert sorted(p.name for p in factors) == ["全国电力平均二氧化碳排放因子 [CN-GRID-2022 v1]", "柴油 [CN-DIESEL v1]"]
    grid = next(p for p in factors if "CN-GRID-2022" in p.name)
    assert "每 1 kWh 排放 0.5366 kg CO2" in grid.description
    assert "来源：生态环境部 国家统计局《关于发布2022年电力二氧化碳排放因子的公告》" in grid.description
    for process in processes:
        (reference,) = [e for e in process.exchanges if e.is_quantitative_reference]
        assert not reference.is_input


def test_every_reference_resolves_inside_the_package(demo):
    data = _package(DEMO2)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        documents = {name: json.loads(archive.read(name)) for name in archive.namelist()
                     if name.endswith(".json") and "/" in name}
    present = {(name.split("/")[0], doc["@id"]) for name, doc in documents.items()}
    folder = {"Process": "processes", "Flow": "flows", "FlowProperty": "flow_properties",
              "UnitGroup": "unit_groups", "ImpactCategory": "lcia_categories",
              "ImpactMethod": "lcia_methods"}
    units = {u["@id"] for name, doc in documents.items() if name.startswith("unit_groups/")
             for u in doc["units"]}
    references = []

    def walk(value, top):
        if isinstance(value, dict):
            if "@id" in value and value is not top:
                references.append(value)
            for key, item in value.items():
                if not (value is top and top["@type"] == "UnitGroup" and key == "units"):
                    walk(item, top)  # a group's units are its own, not references
        elif isinstance(value, list):
            for item in value:
                walk(item, top)

    for doc in documents.values():
        walk(doc, doc)
    assert len(references) > 50
    for ref in references:
        if ref["@type"] == "Unit":
            assert ref["@id"] in units, ref
        else:
            assert (folder[ref["@type"]], ref["@id"]) in present, ref
    # Units and flow properties are openLCA's reference data (the same ids as its databases).
    mass = next(d for d in documents.values() if d.get("name") == "Units of mass")
    assert mass["@id"] == "93a60a57-a4c8-11da-a746-0800200c9a66"
    assert {u["name"]: u["conversionFactor"] for u in mass["units"]}["t"] == 1000.0
    energy = next(d for d in documents.values() if d.get("name") == "Units of energy")
    assert {u["name"]: u["conversionFactor"] for u in energy["units"]}["kWh"] == pytest.approx(3.6)
    assert [u["name"] for u in energy["units"] if u["isRefUnit"]] == ["MJ"]


def test_exchanges_carry_the_recomputed_amounts_per_functional_unit(demo):
    with _reader(_package(DEMO2)) as reader:
        processes = _processes(reader)
        flows = {f.id: f for f in reader.read_each(o.Flow)}
    (production,) = [p for p in processes.values() if p.name == "SF6 气体绝缘环网柜 (RMU) – 生产"]
    inputs = sorted((e.amount, e.unit.name, flows[e.flow.id].name) for e in production.exchanges if e.is_input)
    # 240,000 kWh and 3.6 kg of SF6 a year for 1,200 RMUs.
    assert inputs == [
        (pytest.approx(3.6 / 1200), "kg", "SF6 直接排放（质量平衡） [DEMO-SF6-DIRECT v1]"),
        (pytest.approx(240000 / 1200), "kWh", "华东区域电力平均二氧化碳排放因子 [CN-GRID-EAST-2023 v1]"),
    ]
    (transport,) = [p for p in processes.values() if p.name == "SF6 气体绝缘环网柜 (RMU) – 原材料运输"]
    (diesel,) = [e for e in transport.exchanges if e.is_input]
    assert (diesel.amount, diesel.unit.name) == (pytest.approx(18 / 1200), "t")  # stays in tonnes
    assert "18 t" in diesel.description and "1200" in diesel.description


def test_openlca_recomputes_the_study_result(demo):
    for number, expected in ((SEED, {"LV": 212.8522401, "HV": 226.496}),
                             # DEMO-2 (AR6): grid 0.5500 kg/kWh; diesel 43.330 GJ/t × 20.20 t/TJ ×
                             # 0.98 × 44/12 = 3.14512249 kg/kg; SF6 GWP 25,200; 1,200 units a year.
                             (DEMO2, {"RMU": (360000 * 0.55 + 18000 * 3.14512249 + 240000 * 0.55
                                              + 3.6 * 25200) / 1200})):
        with _reader(_package(number)) as reader:
            olca = OpenLca(reader)
        products = {p.name.rsplit("(", 1)[1].rstrip(")"): p for p in olca.processes.values()
                    if p.category.endswith(PRODUCT_FOLDER)}
        assert set(products) == set(expected)
        for code, total in expected.items():
            assert olca.impact(products[code].id) == pytest.approx(total, abs=1e-3), (number, code)
        result = study_results(Study.objects.get(report_number=number))
        for product in result.products:
            assert math.isclose(olca.impact(products[product.code].id), product.total_kgco2e, rel_tol=1e-9)
            for stage in product.stages:
                if stage.not_included:
                    continue
                (process,) = [p for p in olca.processes.values()
                              if p.id != products[product.code].id and p.name.startswith(products[product.code].name + " –")
                              and any(e.default_provider for e in p.exchanges)
                              and _stage_of(p, product, stage)]
                assert math.isclose(olca.impact(process.id), stage.kgco2e, rel_tol=1e-9)


def _stage_of(process, product, stage) -> bool:
    from footprint.choices import Stage

    return process.name.endswith("– " + str(Stage(stage.stage).label))


def test_the_method_is_the_study_gwp_edition(demo):
    with _reader(_package(DEMO2)) as reader:
        method = next(reader.read_each(o.ImpactMethod))
        category = reader.read_impact_category(method.impact_categories[0].id)
        flows = {f.id: f for f in reader.read_each(o.Flow)}
    factors = {flows[f.flow.id].formula or flows[f.flow.id].name: f.value for f in category.impact_factors}
    assert "AR6" in method.name
    assert factors["SF6"] == 25200 and factors["CH4"] == 27.9 and factors["CO2"] == 1
    assert all(flows[f.flow.id].category == "Elementary flows/Emission to air/unspecified"
               for f in category.impact_factors)


def test_the_same_study_gives_the_same_entities(demo):
    def entities(data):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    assert entities(_package(SEED)) == entities(_package(SEED))


@pytest.mark.parametrize(("text", "expected"), [
    ("1 台", (1.0, None)), ("1 kg", (1.0, "kilogram")), ("1000 kWh", (1000.0, "kilowatt_hour")),
    ("台", (1.0, None)), ("0 kg", (1.0, None)),
])
def test_functional_unit_amount(text, expected):
    assert functional_unit_amount(text) == expected


def test_units_keep_their_name_where_openlca_has_them_and_convert_otherwise():
    from footprint.services.interchange.openlca import _Units

    units = _Units()
    choice, amount = units.express(2.0, "MWh")
    assert (choice.group_name, choice.unit_name, amount) == ("Units of energy", "MWh", 2.0)
    choice, amount = units.express(5.0, "tkm")  # the ledgers' spelling of t*km
    assert (choice.group_name, choice.unit_name, amount) == ("Units of mass*length", "t*km", 5.0)
    choice, amount = units.express(3.0, "lb")  # not in our mass units: kilograms
    assert (choice.unit_name, amount) == ("kg", pytest.approx(3 * 0.45359237))
    choice, amount = units.express(2.0, "h")  # no reference group here: a group of its own, in s
    assert (choice.group_name, choice.unit_name, amount) == ("Units of [time]", "s", 7200.0)
    assert {e.group.name for e in units.used.values()} == {
        "Units of energy", "Units of mass*length", "Units of mass", "Units of [time]"}


def test_in_english_the_package_uses_the_studys_english_wording(demo):
    study = Study.objects.get(report_number=DEMO2)
    with _reader(study_to_openlca(study, language="en", for_licensee=True)) as reader:
        olca = OpenLca(reader)
    names = {p.name: p for p in olca.processes.values()}
    # The product and activities as translated on the study's English page, the factors by the
    # library's English names, the stages and folders in English.
    assert "SF6 gas-insulated ring main unit (RMU) – Production" in names
    product = names["SF6 gas-insulated ring main unit (RMU)"]
    assert product.category == "DEMO-2/Products"
    assert "per 1 unit" in product.description and "397.7768374 kg CO₂e" in product.description
    grid = next(p for n, p in names.items() if "CN-GRID-EAST-2023" in n)
    assert grid.name == "East China regional grid [CN-GRID-EAST-2023 v1]" and grid.category == "Emission factors"
    (electricity, _sf6) = sorted((e for e in names["SF6 gas-insulated ring main unit (RMU) – Production"].exchanges
                                  if e.is_input), key=lambda e: -e.amount)
    assert electricity.description.startswith("Production electricity: annual 240000 kWh × allocation 1 ÷ annual output 1200")
    # The same numbers in every language.
    assert olca.impact(product.id) == pytest.approx((360000 * 0.55 + 18000 * 3.14512249 + 240000 * 0.55
                                                     + 3.6 * 25200) / 1200, abs=1e-3)
