from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from footprint.models import ActivityRecord
from footprint.services.interchange.document import FormatError
from footprint.services.interchange.importing import ImportRejected, StudyExists, import_file


class Command(BaseCommand):
    help = "Import a pcf-study/1 study (.json or .xlsx): the whole study, or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true",
                            help="replace the study with the same report number")

    def handle(self, *args, file, replace, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            study = import_file(path.name, path.read_bytes(), replace=replace)
        except FormatError as exc:
            raise CommandError(str(exc)) from exc
        except StudyExists as exc:
            raise CommandError(str(exc)) from exc
        except ImportRejected as exc:
            for problem in exc.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"{len(exc.problems)} problem(s) found; nothing was imported."
            ) from exc
        count = ActivityRecord.objects.filter(stage__study_product__study=study).count()
        self.stdout.write(self.style.SUCCESS(
            f"imported {study.report_number}: {study.study_products.count()} product(s), {count} activity record(s)"
        ))
