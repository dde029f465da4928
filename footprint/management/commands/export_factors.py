from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from footprint.services.reference.library_import import library_export


class Command(BaseCommand):
    help = ("Export the factor library's current versions in the import format: FILE.xlsx (sheets "
            "factors and fuels) or FILE.csv (plus FILE-fuels.csv for fuel derivations). "
            "docs/factor-library.md")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file, **options):
        path = Path(file)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("FILE must end in .csv or .xlsx")
        for name, content in library_export(path.name).items():
            target = path.with_name(name)
            target.write_bytes(content)
            self.stdout.write(self.style.SUCCESS(f"wrote {target}"))
