from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from footprint.models import Study
from footprint.services.interchange.exporting import study_to_json, study_to_workbook


class Command(BaseCommand):
    help = "Export a study as pcf-study/1 (.json or .xlsx, chosen by the output file's extension)."

    def add_arguments(self, parser):
        parser.add_argument("report_number")
        parser.add_argument("--output", "-o", required=True, help="FILE.json or FILE.xlsx")

    def handle(self, *args, report_number, output, **options):
        study = Study.objects.filter(report_number=report_number).select_related("company").first()
        if study is None:
            raise CommandError(f"no study with report number {report_number}")
        path = Path(output)
        # The operator runs commands for the certification body, which holds the factor licences.
        if path.suffix.lower() == ".json":
            path.write_text(study_to_json(study, for_licensee=True), encoding="utf-8")
        elif path.suffix.lower() == ".xlsx":
            path.write_bytes(study_to_workbook(study, for_licensee=True))
        else:
            raise CommandError("--output must end in .json or .xlsx")
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
