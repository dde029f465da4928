"""The report's Monte Carlo analysis (section 5.5), parsed back from the PDF: the figures
printed are those of the analysis run on the same data, with its method, iterations and seed,
the histograms and the tornados."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import transaction

from footprint.services import formatting as F

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]


@pytest.fixture(scope="module")
def seed_report(seed_draft_report, django_db_blocker):
    """The seed draft's text (rendered once for the run, tests/reports/conftest.py) and the
    Monte Carlo analysis computed anew on the same data."""
    from footprint.models import Study
    from footprint.services.calculation.study import calculate_study
    from footprint.services.demo.seed import load_demo
    from footprint.services.results import study_calculation_input
    from footprint.services.study_uncertainty import study_uncertainty

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        seed = Study.objects.get(report_number="202508175GHG")
        study_input = study_calculation_input(seed)
        cache.clear()  # computed again, not read back from what a report stored
        analysis = study_uncertainty(seed, study_input=study_input, result=calculate_study(study_input))
        transaction.set_rollback(True)
    text = "\n".join(seed_draft_report.page_texts())
    return re.sub(r"\s+", " ", text), analysis


def _section(text: str) -> str:
    start = text.index("蒙特卡洛分析 蒙特卡洛模拟")
    return text[start:text.index("6 核查说明", start)]


def test_the_section_prints_the_method_iterations_and_seed(seed_report):
    text, analysis = seed_report
    section = _section(text)
    assert "10,000 次迭代" in section and "随机种子 14067" in section
    assert analysis.result.iterations == 10_000 and analysis.result.seed == 14067
    assert "谱系矩阵" in section and "Muller" in section  # the assumptions and their sources
    assert "±% 视为 95 % 置信区间的半宽" in section


def test_each_products_summary_row_is_the_analysis_of_the_same_data(seed_report):
    text, analysis = seed_report
    section = _section(text)
    for p in analysis.result.products:
        s = p.total
        row = " ".join(F.kg(v) for v in (s.deterministic, s.mean, s.median, s.sd, s.p2_5, s.p97_5))
        assert f"{row} {F.percent_text(s.cv)}" in section, p.code
    assert F.kg(analysis.result.product("LV").total.deterministic) == "212.852"


def test_histograms_and_tornados_are_numbered_figures_and_the_comparison_is_stated(seed_report):
    text, analysis = seed_report
    section = _section(text)
    for p in analysis.result.products:
        assert re.search(rf"图 5-\d+ {re.escape(p.name)}碳足迹的蒙特卡洛分布", section)
        assert re.search(rf"图 5-\d+ {re.escape(p.name)}对方差的贡献", section)
        top = p.contributors[0]
        # the PDF wraps long names in the narrow column: compare without spaces
        assert f"1{top.label}" in section.replace(" ", "")
        assert F.percent_text(top.share).replace(" ", "") in section.replace(" ", "")
    (c,) = analysis.result.comparisons
    assert F.percent_text(c.p_a_higher) in section
    assert "对方差的贡献（蒙特卡洛）" in section
