from django.core.management.base import BaseCommand, CommandError

from footprint.services.backup import BackupError, restore_from


class Command(BaseCommand):
    help = ("Restore a backup made by `backup`: REPLACES the database's content and the kept files, "
            "then checks every issued file against its SHA-256.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="FILE.tar.gz made by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, archive, yes, **options):
        if not yes and input("This replaces all data of this installation. Type 'yes': ") != "yes":
            raise CommandError("not restored")
        try:
            with open(archive, "rb") as handle:
                report = restore_from(handle)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"restored {report.objects} objects and {report.files} files; "
            f"{report.issued_verified} issued files verified"))
