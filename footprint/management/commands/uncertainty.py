import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from footprint.choices import Stage
from footprint.models import Study
from footprint.services import formatting as F
from footprint.services.calculation import uncertainty as U
from footprint.services.calculation.study import calculate_study
from footprint.services.facts.reading import study_facts
from footprint.services.results import study_calculation_input
from footprint.services.study_uncertainty import (
    DEFAULT_ITERATIONS,
    DEFAULT_SEED,
    MAX_ITERATIONS,
    study_uncertainty,
)


class Command(BaseCommand):
    help = ("Monte Carlo uncertainty of a study (docs/uncertainty.md): per product and stage the "
            "deterministic total, mean, median, SD, 2.5/97.5 % percentiles, CV and the top "
            "contributors to variance.")

    def add_arguments(self, parser):
        parser.add_argument("report_number")
        parser.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--top", type=int, default=5, help="contributors to print per product")

    def handle(self, *args, report_number, iterations, seed, format, top, **options):
        study = Study.objects.filter(report_number=report_number).first()
        if study is None:
            raise CommandError(f"no study with report number {report_number}")
        if not 2 <= iterations <= MAX_ITERATIONS:
            raise CommandError(f"--iterations must be between 2 and {MAX_ITERATIONS:,}")
        if seed < 0:
            raise CommandError("--seed must not be negative")
        with translation.override(study.language):
            facts = study_facts(study, people=False)
            study_input = study_calculation_input(study, facts=facts)
            result = calculate_study(study_input)
            start = time.perf_counter()
            analysis = study_uncertainty(study, study_input=study_input, result=result,
                                         facts=facts, iterations=iterations, seed=seed)
            seconds = time.perf_counter() - start
            if format == "json":
                doc = {"report_number": study.report_number,
                       **U.result_to_dict(analysis.result, top=top)}
                self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
            else:
                self.stdout.write(self._table(study.report_number, analysis.result, top, seconds))

    def _table(self, report_number: str, result: U.UncertaintyResult, top: int, seconds: float) -> str:
        lines = [f"{report_number}  Monte Carlo: {result.iterations:,} iterations, seed {result.seed}"
                 f"  ({seconds:.2f} s, kgCO2e per functional unit)"]
        head = (f"  {'':<28}{'deterministic':>14}{'mean':>12}{'median':>12}{'sd':>11}"
                f"{'p2_5':>12}{'p97_5':>12}{'cv':>9}")

        def row(label: str, s: U.Summary) -> str:
            cv = F.percent_text(s.cv)
            return (f"  {label[:27]:<28}{F.kg(s.deterministic):>14}{F.kg(s.mean):>12}{F.kg(s.median):>12}"
                    f"{F.kg(s.sd):>11}{F.kg(s.p2_5):>12}{F.kg(s.p97_5):>12}{cv:>9}")

        for p in result.products:
            lines += ["", f"{p.code}  {p.name}", head, row("TOTAL", p.total)]
            lines += [row(f"{s} {Stage(s).label}", summary) for s, summary in p.stages]
            lines.append(f"  converged: {'yes' if p.convergence.ok else 'NO'} (largest move "
                         f"{F.percent_text(p.convergence.max_change, decimals=2)} of the mean as the "
                         f"iterations double; tolerance {F.percent_text(p.convergence.tolerance, decimals=0)})")
            lines.append("  contribution to variance:")
            for n, c in enumerate(p.contributors[:top], start=1):
                lines.append(f"  {n:>3} {c.kind:<9}{c.label[:30]:<32}{F.percent_text(c.share):>9}"
                             f"  r={F.fixed(c.correlation, 2, signed=True)}")
        for c in result.comparisons:
            lines.append(f"\nP({c.a} > {c.b}) = {F.percent_text(c.p_a_higher)}")
        return "\n".join(lines)
