from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from footprint.models import ActivityRecord, User
from footprint.services.interchange.document import FormatError
from footprint.services.interchange.import_assignment import import_file_with_people
from footprint.services.interchange.importing import ImportRejected, StudyExists, import_file


class Command(BaseCommand):
    help = "Import a pcf-study/1 study (.json or .xlsx): the whole study, or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true",
                            help="replace the study with the same report number")
        # A file names no user accounts of this installation; these name the study's people
        # as the web import preview does (given ones replace the study's auditors and lead verifier).
        parser.add_argument("--lead-verifier", metavar="USERNAME", default=None,
                            help="the study's lead verifier (send for review needs one)")
        parser.add_argument("--auditor", metavar="USERNAME", action="append", default=[],
                            help="an auditor of the study (repeat for several)")
        parser.add_argument("--certification-body", default="",
                            help="the certification body (default: the file's)")

    def handle(self, *args, file, replace, lead_verifier, auditor, certification_body, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        people = bool(lead_verifier or auditor or certification_body)
        try:
            if people:
                study = import_file_with_people(
                    path.name, path.read_bytes(), replace=replace, user=None,
                    auditors=[_user(name, "--auditor") for name in auditor],
                    lead_verifier=_user(lead_verifier, "--lead-verifier") if lead_verifier else None,
                    certification_body=certification_body)
            else:
                study = import_file(path.name, path.read_bytes(), replace=replace)
        except FormatError as exc:
            raise CommandError(str(exc)) from exc
        except StudyExists as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.stderr.write(f"  {field}: {message}")
            raise CommandError("the people given were refused; nothing was imported.") from exc
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
        if study.lead_verifier_id is None:
            self.stdout.write(self.style.WARNING(
                f"warning: {study.report_number} has no lead verifier; send for review needs a lead "
                "verifier (name one with --lead-verifier or on the study's people page)."))


def _user(username: str, option: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"{option}: no active user {username}")
    return user
