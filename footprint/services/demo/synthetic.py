"""Generated `pcf-study/1` documents of any size, for benchmarks and scale tests.

Deterministic (seeded), realistic mixtures of electricity, diesel and SF6 rows over all six
stages, using only factors of the starter library so no factor is invented.
"""

from __future__ import annotations

import random

from ...choices import STAGE_ORDER

_ROWS = (
    # (name, unit, factor code, quantity range)
    ("外购件生产用电", "kWh", "CN-GRID-2022", (1_000, 2_000_000)),
    ("车间用电", "MWh", "CN-GRID-EAST-2023", (1, 900)),
    ("运输柴油", "kg", "CN-DIESEL", (10, 50_000)),
    ("运输柴油（吨）", "t", "CN-DIESEL", (0.1, 40)),
    ("办公用电", "kWh", "CN-GRID-2023", (100, 80_000)),
)


def synthetic_study_document(*, report_number: str = "BENCH-1", activities: int = 10_000,
                             products: int = 2, seed: int = 20261129) -> dict:
    rng = random.Random(seed)
    per_product = [activities // products + (1 if i < activities % products else 0) for i in range(products)]
    product_docs = []
    for p, count in enumerate(per_product):
        rows = []
        for i in range(count):
            name, unit, factor, (low, high) = _ROWS[i % len(_ROWS)]
            rows.append({
                "stage": STAGE_ORDER[(i // len(_ROWS)) % len(STAGE_ORDER)],
                "name": f"{name} #{i + 1}",
                "quantity": round(rng.uniform(low, high), 3),
                "unit": unit,
                "basis": "annual_total",
                "factor": factor,
                "allocation": rng.choice([1, 1, 1, 0.5, 0.25]),
                "data_type": rng.choice(["primary", "secondary"]),
                "source": "generated",
            })
        product_docs.append({
            "code": f"P{p + 1}", "name": f"合成产品 {p + 1}", "functional_unit": "1 台",
            "annual_output": rng.randint(100, 100_000), "activities": rows,
        })
    return {
        "format": "pcf-study/1",
        "report_number": report_number,
        "title": f"合成研究 {activities} 条活动数据",
        "language": "zh-hans",
        "standards": ["GB/T 24067-2024/ISO 14067:2018"],
        "reference_period": {"start": "2025-01-01", "end": "2025-12-31"},
        "gwp_set": "AR6",
        "boundary": "cradle_to_grave",
        "company": {"name": f"合成企业 {report_number}"},
        "factors": [],
        "products": product_docs,
    }
