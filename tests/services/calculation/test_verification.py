"""Verification shares, findings and the data quality rating, hand-computed. No database."""

from decimal import Decimal

import pytest

from footprint.services.calculation.study import ActivityInput, FactorInput, calculate_study
from footprint.services.calculation.verification import (
    pact_v2_scale,
    pedigree_from_pact_v2,
    product_verification,
)

from .test_study import ALL_STAGES_EXPLAINED, product, study

# 1 kg CO2 per kWh and an output of 1: each activity's kgCO2e is its quantity.
ONE = FactorInput("ONE@1", "ONE", 1.0, "kg/kWh", "CO2", 1, "ONE")


def row(name, kwh, *, verification="not_verified", evidence=False, data_type="primary", ratings=(),
        record_id=None):
    return ActivityInput(stage="production", name=name, quantity=kwh, unit="kWh", factor_key=ONE.key,
                         verification=verification, has_evidence=evidence, data_type=data_type,
                         ratings=ratings, record_id=record_id)


def summary(*rows):
    p = product(*rows, output=1.0, stages=ALL_STAGES_EXPLAINED)
    s = study(p, factors=(ONE,), library=(ONE,))
    result = calculate_study(s)
    return product_verification(s.products[0], result.products[0])


def test_shares_by_count_and_by_kgco2e():
    v = summary(row("电", 600, verification="verified", evidence=True),
                row("柴油", 250, verification="sampled", evidence=True),
                row("运输", 100, verification="estimated"),
                row("包装", 40), row("办公", 10))
    shares = {s.status: s for s in v.shares}
    # by count: 1, 1, 1, 2 of 5 → 20 %, 20 %, 20 %, 40 %
    assert [(s.count, s.count_pct) for s in v.shares] == [
        (1, Decimal("20.0")), (1, Decimal("20.0")), (1, Decimal("20.0")), (2, Decimal("40.0"))]
    # by kgCO2e: 600, 250, 100, 50 of 1000 → 60 %, 25 %, 10 %, 5 %
    assert [s.kg_pct for s in v.shares] == [Decimal("60.0"), Decimal("25.0"), Decimal("10.0"), Decimal("5.0")]
    assert shares["not_verified"].kgco2e == pytest.approx(50)
    assert v.activity_count == 5 and v.kgco2e == pytest.approx(1000)
    # hotspots ≥ 10 % not verified against evidence: 柴油 (25 %), 运输 (exactly 10 %)
    assert [(h.name, round(h.share, 3)) for h in v.unverified_hotspots] == [("柴油", 0.25), ("运输", 0.1)]
    # no evidence file at all: 运输, 包装, 办公
    assert [h.name for h in v.without_evidence] == ["运输", "包装", "办公"]


def test_data_quality_rating_and_primary_share():
    v = summary(row("电", 300, ratings=(1, 2, 1, 2, 1)),
                row("钢", 100, data_type="secondary", ratings=(3, 4, 5, 2, 3)))
    q = v.quality
    # per criterion, weighted by kgCO2e (300 : 100):
    # reliability (1·300 + 3·100)/400 = 1.5; completeness (2·300 + 4·100)/400 = 2.5;
    # temporal (300 + 500)/400 = 2.0; geographical (600 + 200)/400 = 2.0; technological 1.5
    assert dict(q.criteria) == pytest.approx({"reliability": 1.5, "completeness": 2.5, "temporal": 2.0,
                                              "geographical": 2.0, "technological": 1.5})
    assert q.dqr == pytest.approx((1.5 + 2.5 + 2.0 + 2.0 + 1.5) / 5)  # 1.9
    assert q.rated_share == pytest.approx(1.0)
    assert q.primary_share == pytest.approx(0.75)


def test_an_unrated_criterion_leaves_the_dqr_open():
    v = summary(row("电", 300, ratings=(1, 2, 0, 2, 1)), row("钢", 100))
    q = v.quality
    assert dict(q.criteria)["temporal"] is None and q.dqr is None
    assert dict(q.criteria)["reliability"] == pytest.approx(1.0)  # only the rated row
    assert q.rated_share == 0.0


def test_scales():
    assert [pact_v2_scale(s) for s in (1, 3, 5)] == [1, 2, 3]
    assert pedigree_from_pact_v2(2.5) == 4


def test_findings_as_checks_with_messages():
    from footprint.services.calculation import checks as C
    from footprint.services.calculation.verification import verification_checks

    p = product(row("电", 600, record_id=1), row("柴油", 300, record_id=2), row("包装", 100, record_id=3),
                output=1.0, stages=ALL_STAGES_EXPLAINED)
    result = calculate_study(study(p, factors=(ONE,), library=(ONE,))).products[0]
    found = verification_checks(result, {1: "verified", 2: "sampled"}, with_evidence={1})
    # 电 (60 %) is verified; 柴油 (30 %, sampled) and 包装 (exactly 10 %) are hotspots not verified
    warnings = [c for c in found if c.code == C.HOTSPOT_NOT_VERIFIED]
    assert [(c.params["name"], c.severity) for c in warnings] == [("柴油", C.WARNING), ("包装", C.WARNING)]
    assert warnings[0].message == "“柴油”（生产）占产品碳足迹的 30.0 %，核实状态为“抽样核实”，尚未对照证据核实；批准前应对照证据核实。"
    missing = [c for c in found if c.code == C.NO_EVIDENCE]
    assert [c.params["name"] for c in missing] == ["柴油", "包装"] and missing[0].severity == C.INFO
    assert missing[0].message == "活动数据“柴油”（生产）没有证据文件。"
