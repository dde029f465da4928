from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from footprint.models import Study
from footprint.services.interchange.openlca import study_to_openlca


class Command(BaseCommand):
    help = ("Export a study as an openLCA JSON-LD package (zip): a process per product and stage, "
            "factor processes with elementary flows, the study's GWP100 method (docs/openlca.md).")

    def add_arguments(self, parser):
        parser.add_argument("report_number")
        parser.add_argument("file", help="FILE.zip to write")
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans",
                            help="language of names and descriptions (the study's own English "
                                 "wording where it has one)")

    def handle(self, *args, report_number, file, lang, **options):
        study = Study.objects.filter(report_number=report_number).select_related("company").first()
        if study is None:
            raise CommandError(f"no study with report number {report_number}")
        path = Path(file)
        # The operator runs commands for the certification body, which holds the factor licences.
        path.write_bytes(study_to_openlca(study, language=lang, for_licensee=True))
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
