from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from footprint.models import Study
from footprint.reports.pdf import render_study_pdf
from footprint.services.report_size import ReportTooLarge
from footprint.services.workflow.issuing import IssuedFileMissing, issued_file, issued_pdf_bytes


class Command(BaseCommand):
    help = "Render a study's report as PDF (a draft, unless the study is issued)."

    def add_arguments(self, parser):
        parser.add_argument("report_number")
        parser.add_argument("--output", required=True, help="the PDF file to write")
        parser.add_argument("--lang", choices=["zh-hans", "en"], default=None,
                            help="report language (default: the study's)")

    def handle(self, *args, report_number, output, lang, **options):
        study = Study.objects.select_related("company").filter(report_number=report_number).first()
        if study is None:
            raise CommandError(f"no study with report number {report_number}")
        if study.is_frozen and issued_file(study, lang) is not None:
            # Issued in that language: the signed file is the report; never re-render it.
            try:
                content = issued_pdf_bytes(study, lang)
            except IssuedFileMissing as exc:
                raise CommandError(str(exc)) from exc
            kind = "issued (signed)"
        else:
            try:
                content = render_study_pdf(study, language=lang, final=False)
            except ReportTooLarge as exc:
                raise CommandError(str(exc)) from exc
            kind = "draft"
        Path(output).write_bytes(content)
        self.stdout.write(f"wrote {output} ({kind}, {len(content):,} bytes)")
