import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from footprint.choices import Stage
from footprint.models import Study
from footprint.services import formatting as F
from footprint.services.calculation.study import result_to_dict
from footprint.services.results import study_results


class Command(BaseCommand):
    help = ("Recompute a study from its activity data and factors; print the results document. "
            "Exits non-zero, with the errors on stderr, when any check is an error.")

    def add_arguments(self, parser):
        parser.add_argument("report_number")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--lang", default=None, help="language of messages (zh-hans or en)")

    def handle(self, *args, report_number, format, lang, **options):
        study = Study.objects.filter(report_number=report_number).first()
        if study is None:
            raise CommandError(f"no study with report number {report_number}")
        with translation.override(lang or study.language):
            result = study_results(study)
            if format == "json":
                self.stdout.write(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(self._table(result))
            # Errors leave rows out of the totals: the printed numbers are not the footprint.
            errors = [(p.code, c) for p in result.products for c in p.checks if c.is_error]
            for code, check in errors:
                where = f" [activity {check.activity}]" if check.activity is not None else ""
                self.stderr.write(f"ERROR {code}{where}: {check.code}: {check.message}")
            if errors:
                raise CommandError(
                    f"{len(errors)} error(s) in {result.report_number}: the totals above leave "
                    "those rows out"
                )

    def _table(self, result) -> str:
        lines = [f"{result.report_number}  (GWP {result.gwp_set}, kgCO2e per functional unit)"]
        for p in result.products:
            lines.append("")
            lines.append(f"{p.code}  {p.name}  — {p.functional_unit}")
            lines.append(f"  {'stage':<28}{'kgCO2e':>16}{'share':>9}")
            for s in p.stages:
                label = f"{s.stage} {Stage(s.stage).label}"
                lines.append(f"  {label:<28}{F.kg(s.kgco2e):>16}{F.share_text(s.share_pct):>9}")
            lines.append(f"  {'TOTAL':<28}{F.kg(p.total_kgco2e):>16}{F.share_text(Decimal(100)):>9}")
            lines.append(f"  {'#':>3} {'activity':<26}{'factor':<18}{'kgCO2e':>14}{'share':>9}"
                         f"{'claimed':>12}{'deviation':>11}")
            for a in p.activities:
                # The same printed forms as the results page and the report (docs/numbers.md).
                claimed = "" if a.claimed_kgco2e is None else F.kg(a.claimed_kgco2e)
                dev = "" if a.deviation is None else F.deviation_text(a.deviation)
                lines.append(f"  {a.index:>3} {a.name[:24]:<26}{a.factor:<18}{F.kg(a.kgco2e):>14}"
                             f"{F.share_text(a.share_pct):>9}{claimed:>12}{dev:>11}")
            for c in p.checks:
                where = f" [activity {c.activity}]" if c.activity is not None else ""
                lines.append(f"  {c.severity.upper()}: {c.code}{where}: {c.message}")
        return "\n".join(lines)
