from django.core.management.base import BaseCommand

from footprint.services.backup import backup_to


class Command(BaseCommand):
    help = "Back up the database and the kept files (issued PDFs, images) into one .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="FILE.tar.gz")

    def handle(self, *args, output, **options):
        with open(output, "wb") as handle:
            manifest = backup_to(handle)
        self.stdout.write(self.style.SUCCESS(f"wrote {output}: database and {len(manifest['files'])} files"))
