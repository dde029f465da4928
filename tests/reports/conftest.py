"""Rendered demo reports, shared by the PDF tests of this package.

Rendering a report takes seconds, so each variant is rendered once per test session, inside a
transaction that is rolled back afterwards (the data never leaks into other tests). Every
variant is also written to test-artifacts/reports/ with one PNG per page (pdftoppm), to look
at.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


@dataclass
class Rendered:
    pdf: bytes
    html: str
    warnings: list[str]
    toc: list[dict]
    results: object  # StudyResult
    png_dir: Path | None = None
    extra: dict = field(default_factory=dict)
    _page_texts: tuple[str, ...] | None = field(default=None, repr=False)

    @property
    def reader(self):
        from pypdf import PdfReader

        return PdfReader(io.BytesIO(self.pdf))

    def page_texts(self) -> list[str]:
        # Extracting the text of every page takes seconds; the PDF never changes, so once.
        if self._page_texts is None:
            self._page_texts = tuple(page.extract_text() for page in self.reader.pages)
        return list(self._page_texts)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render(study, *, language=None, final=False, name: str | None = None, pngs: bool = False,
           html: bool = False) -> Rendered:
    """Render the PDF of a study, collecting WeasyPrint's warnings (and the HTML preview if
    asked); `name` writes the PDF (and with `pngs`, one PNG per page) to test-artifacts."""
    from footprint.reports.context import build_report_context
    from footprint.reports.inputs import load_report_inputs
    from footprint.reports.pdf import render_study_document, render_study_html, write_study_pdf
    from footprint.services.results import study_results

    from .pdfcheck import table_parts

    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("footprint")]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        document = render_study_document(study, language=language, final=final)
        pdf = write_study_pdf(study, document)
        split_tables = table_parts(document)  # where the rows went, before the layout is dropped
        del document
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
    html_text = render_study_html(study, language=language, final=final) if html else ""
    context = build_report_context(load_report_inputs(study, language=language, final=final,
                                                      asset_urls={}))
    rendered = Rendered(pdf, html_text, handler.messages, context["toc"], study_results(study),
                        extra={"split_tables": split_tables})
    if name:
        rendered.png_dir = write_artifacts(name, pdf, pngs=pngs)
    return rendered


def write_artifacts(name: str, pdf: bytes, *, pngs: bool) -> Path | None:
    folder = ARTIFACTS / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / f"{name}.pdf").write_bytes(pdf)
    if not pngs or shutil.which("pdftoppm") is None:
        return None
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(folder / f"{name}.pdf"), str(folder / "page")],
                   check=True)
    return folder


def issue_for_test(study, lead, auditor) -> None:
    """What the issuing step does to a study, enough for the report to print it."""
    from footprint.choices import StudyStatus
    from footprint.models import StudyTransition

    day = timezone.make_aware(dt.datetime(2025, 4, 1, 10, 0))
    for status, user, offset in (
        (StudyStatus.TECHNICAL_REVIEW, auditor, 0),
        (StudyStatus.APPROVED, lead, 1),
        (StudyStatus.ISSUED, lead, 2),
    ):
        t = StudyTransition.objects.create(study=study, from_status=study.status, to_status=status, user=user)
        StudyTransition.objects.filter(pk=t.pk).update(created_at=day + dt.timedelta(days=offset))
    study.status = StudyStatus.ISSUED
    study.verification_code = "AbC123xyz"
    study.issue_date = dt.date(2025, 4, 3)
    study.issued_at = day + dt.timedelta(days=2)
    study.save()


@pytest.fixture(scope="session")
def demo_reports(django_db_setup, django_db_blocker):
    """The seed study rendered as Chinese draft, English draft and issued (final) report,
    and DEMO-2 as Chinese draft."""
    from footprint.models import Study, User
    from footprint.services.demo.seed import load_demo

    out: dict[str, Rendered] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        seed = Study.objects.get(report_number="202508175GHG")
        out["zh"] = render(seed, name="seed-zh-draft", pngs=True)
        out["en"] = render(seed, language="en", name="seed-en-draft")
        out["demo2"] = render(Study.objects.get(report_number="DEMO-2"), name="demo2-zh-draft")
        issue_for_test(seed, User.objects.get(username="lead"), User.objects.get(username="auditor"))
        seed.refresh_from_db()
        out["final"] = render(seed, final=True, name="seed-zh-issued", html=True)
        out["final"].extra["verification_code"] = seed.verification_code
        transaction.set_rollback(True)
    return out
