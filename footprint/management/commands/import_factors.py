from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from footprint.services.interchange.document import FormatError
from footprint.services.reference.library_import import (
    LibraryRejected,
    import_library,
    preview_library,
)


class Command(BaseCommand):
    help = ("Import a factor library (.csv or .xlsx in the columns of emission_factors_cn.csv, or "
            "fuels in those of fuel_defaults_cn.csv): new codes, changed factors as new versions; "
            "all of it, or nothing when a row is rejected. docs/factor-library.md")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE",
                            help="one or more files, imported together")
        parser.add_argument("--dry-run", action="store_true",
                            help="print what would be imported and change nothing")

    def handle(self, *args, files, dry_run, **options):
        contents = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            contents.append((path.name, path.read_bytes()))
        try:
            preview = preview_library(contents) if dry_run else import_library(files=contents)
        except FormatError as exc:
            raise CommandError(str(exc)) from exc
        except LibraryRejected as exc:
            self._print(exc.preview, verbose=True)
            raise CommandError(f"{exc.preview.rejected_rows} row(s) rejected; nothing was imported.") from exc
        self._print(preview, verbose=dry_run or options["verbosity"] > 1)
        if dry_run:
            outcome = "dry run, nothing imported" if preview.ok else "rows rejected: the import would be refused"
        else:
            outcome = "imported"
        message = (f"{outcome}: {len(preview.new)} new, {len(preview.changed)} new version(s), "
                   f"{len(preview.unchanged)} unchanged, {preview.rejected_rows} rejected row(s)")
        self.stdout.write(self.style.SUCCESS(message) if preview.ok else self.style.WARNING(message))
        if dry_run and not preview.ok:
            raise CommandError(f"{preview.rejected_rows} row(s) rejected.")

    def _print(self, preview, *, verbose: bool) -> None:
        if verbose:
            for fields in preview.new:
                self.stdout.write(f"  new      {fields['code']}")
            for change in preview.changed:
                self.stdout.write(f"  version  {change.code} v{change.current.version} → "
                                  f"v{change.next_version} ({', '.join(change.changed)})")
        for rejection in preview.rejected:
            self.stderr.write(f"  rejected {rejection}")
        if preview.ignored_columns:
            self.stderr.write(f"  ignored columns: {', '.join(preview.ignored_columns)}")
