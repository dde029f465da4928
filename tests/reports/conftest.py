"""Rendered demo reports, shared by the PDF tests of this package.

Rendering a report takes seconds, so each variant (seed study as Chinese draft, English draft
and issued report; DEMO-2 as Chinese draft) is rendered once per test run, inside a transaction
that is rolled back afterwards (the data never leaks into other tests), with its page texts
extracted once. The test processes of one run (pytest-xdist) share them through files: the
first process that needs a variant renders it while the others render another variant or wait
for it, and read it back (SharedReports). Every variant is also written to
test-artifacts/reports/ with one PNG per page (pdftoppm) for the seed and DEMO-2 drafts, to
look at.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import pickle
import re
import shutil
import subprocess
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from tests import shared_run

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


@contextmanager
def collect_warnings():
    """The warnings WeasyPrint and the report code log meanwhile (test_pdf checks that a
    render logs none, and that a refused fetch is caught)."""
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("footprint")]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        yield handler.messages
    finally:
        for lg in loggers:
            lg.removeHandler(handler)


def render(study, *, language=None, final=False, name: str | None = None, pngs: bool = False,
           html: bool = False, issued_by: str = "") -> Rendered:
    """Render the PDF of a study, collecting WeasyPrint's warnings (and the HTML preview if
    asked); `name` writes the PDF (and with `pngs`, one PNG per page) to test-artifacts.
    With `issued_by`, the final report as the issuing step renders it before signing
    (render_issued_pdf; extra["signature_box"] says where its cover reserves the signature)."""
    from footprint.reports.context import build_report_context
    from footprint.reports.html import render_study_html
    from footprint.reports.inputs import load_report_inputs
    from footprint.reports.pdf import render_issued_pdf, render_study_document, write_study_pdf
    from footprint.services.results import study_results

    from .pdfcheck import table_parts

    extra = {}
    with collect_warnings() as warnings:
        if issued_by:
            final = True
            issued = render_issued_pdf(study, issued_by=issued_by, language=language)
            pdf, extra["signature_box"] = issued.pdf, issued.signature_box
        else:
            document = render_study_document(study, language=language, final=final)
            pdf = write_study_pdf(study, document)
            # where the rows went, read before the layout is dropped
            extra["split_tables"] = table_parts(document)
            del document
    html_text = render_study_html(study, language=language, final=final) if html else ""
    context = build_report_context(load_report_inputs(study, language=language, final=final,
                                                      asset_urls={}))
    rendered = Rendered(pdf, html_text, warnings, context["toc"], study_results(study),
                        extra=extra)
    if name:
        rendered.png_dir = write_artifacts(name, pdf, pngs=pngs)
    return rendered


_SECTION = re.compile(r'<section\b[^>]*\bid="([^"]+)".*?</section>', re.S)


def render_sections(study, *ids: str, language=None, final=False) -> bytes:
    """Some parts of the report as a PDF, for a test of what those parts print: the report's
    HTML as render_study_pdf makes it (same templates, stylesheet, fetcher and PDF options)
    without its other top-level sections (`ids` of templates/reports/report.html: "cover",
    "chapter-2", "annexes"…). Every chapter starts on a page of its own, so a part lays out
    as in the whole report; laying out the other twenty-odd pages took seconds."""
    from footprint.reports import html as report_html
    from footprint.reports import pdf as report_pdf

    html = report_html.render_report_html(study, language=language, final=final, for_pdf=True)
    found = _SECTION.findall(html)
    assert set(ids) <= set(found) and len(found) >= 10, found  # the report's parts, all seen
    parts = _SECTION.sub(lambda m: m.group(0) if m.group(1) in ids else "", html)
    return report_pdf.write_study_pdf(study, report_pdf._layout(study, parts))


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


ISSUED_AT = timezone.make_aware(dt.datetime(2025, 4, 3, 10, 0))


def approve_for_test(study, lead, auditor) -> None:
    """The study taken to approved by the workflow's steps before issuing (technical review by
    the auditor on 1 April 2025, approval by the lead verifier on 2 April), and given what the
    issuing step sets before it renders (issue time, date and verification code; the issuing
    step itself is recorded only after the signed file exists)."""
    from footprint.choices import StudyStatus
    from footprint.models import StudyTransition

    day = timezone.make_aware(dt.datetime(2025, 4, 1, 10, 0))
    for from_status, status, user, offset in (
        (StudyStatus.DRAFT, StudyStatus.TECHNICAL_REVIEW, auditor, 0),
        (StudyStatus.TECHNICAL_REVIEW, StudyStatus.APPROVED, lead, 1),
    ):
        t = StudyTransition.objects.create(study=study, from_status=from_status, to_status=status, user=user)
        StudyTransition.objects.filter(pk=t.pk).update(created_at=day + dt.timedelta(days=offset))
    study.status = StudyStatus.APPROVED
    study.save()
    study.verification_code = "AbC123xyz"
    study.issue_date = dt.date(2025, 4, 3)
    study.issued_at = ISSUED_AT


def _load_demo_once(stack: ExitStack, state: dict) -> None:
    """The demo imported (once) in a transaction that `stack` rolls back when it closes."""
    if state.get("loaded"):
        return
    from footprint.services.demo.seed import load_demo

    stack.enter_context(transaction.atomic())
    stack.callback(transaction.set_rollback, True)  # runs before the atomic block exits
    load_demo()
    state["loaded"] = True


def _render_variant(key: str) -> Rendered:
    """One variant of the demo reports, rendered from the demo as load_demo() left it."""
    from django.core.cache import cache

    from footprint.models import Study, User

    cache.clear()  # the Monte Carlo analysis computed for this render, not read back
    seed = Study.objects.get(report_number="202508175GHG")
    if key == "zh":
        return render(seed, name="seed-zh-draft", pngs=True)
    if key == "en":
        return render(seed, language="en", name="seed-en-draft")
    if key == "demo2":
        return render(Study.objects.get(report_number="DEMO-2"), name="demo2-zh-draft", pngs=True)
    if key == "final":
        # as the issuing step renders it (render_issued_pdf), with the signature box
        with transaction.atomic():  # a savepoint: the drafts rendered after it see a draft
            lead = User.objects.get(username="lead")
            approve_for_test(seed, lead, User.objects.get(username="auditor"))
            rendered = render(seed, issued_by=lead.display_name, name="seed-zh-issued", html=True)
            rendered.extra["verification_code"] = seed.verification_code
            transaction.set_rollback(True)
        return rendered
    raise KeyError(key)


VARIANTS = ("zh", "en", "demo2", "final")


class SharedReports:
    """The demo report variants of one test run, each rendered by one process only.

    A variant is a pickled Rendered in `folder` (the run's temporary folder, which every
    pytest-xdist worker of the run shares); its lock file is held (flock) while a process
    renders it, so a process needing several variants renders one nobody else is rendering and
    waits only when all it lacks are being rendered elsewhere. A lock dies with its process:
    a crashed renderer leaves the variant to the next process that asks."""

    def __init__(self, folder: Path, django_db_blocker):
        self.folder = folder
        self.blocker = django_db_blocker
        self.renders = 0  # by this process, for the tests of this sharing

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def _read(self, key: str) -> Rendered | None:
        path = self._path(key)
        return pickle.loads(path.read_bytes()) if path.exists() else None

    def _lock(self, key: str, *, wait: bool) -> int | None:
        return shared_run.try_lock(self._path(key), wait=wait)

    def _store(self, key: str, rendered: Rendered) -> None:
        rendered.page_texts()  # extracted once, by the process that rendered it
        shared_run.write_atomically(self._path(key), pickle.dumps(rendered))

    def get(self, *keys: str) -> dict[str, Rendered]:
        out: dict[str, Rendered] = {}
        pending = list(keys)
        state: dict = {}
        with ExitStack() as stack:
            while pending:
                progressed = False
                for key in list(pending):
                    rendered = self._read(key)
                    if rendered is None:
                        fd = self._lock(key, wait=False)
                        if fd is None:
                            continue  # being rendered by another process
                        try:
                            rendered = self._read(key)  # finished while we asked for the lock
                            if rendered is None:
                                if not state:
                                    stack.enter_context(self.blocker.unblock())
                                _load_demo_once(stack, state)
                                rendered = _render_variant(key)
                                self.renders += 1
                                self._store(key, rendered)
                        finally:
                            os.close(fd)
                    out[key] = rendered
                    pending.remove(key)
                    progressed = True
                if pending and not progressed:
                    fd = self._lock(pending[0], wait=True)  # wait for the other process
                    os.close(fd)
                    time.sleep(0.01)
        return {key: out[key] for key in keys}


@pytest.fixture(scope="session")
def shared_reports(django_db_setup, django_db_blocker, tmp_path_factory):
    base = shared_run.run_folder(tmp_path_factory) or tmp_path_factory.getbasetemp()
    folder = base / "shared-reports"
    folder.mkdir(parents=True, exist_ok=True)
    return SharedReports(folder, django_db_blocker)


@pytest.fixture(scope="session")
def demo_reports(shared_reports):
    """The seed study rendered as Chinese draft, English draft and issued (final) report,
    and DEMO-2 as Chinese draft."""
    return shared_reports.get(*VARIANTS)


@pytest.fixture(scope="session")
def seed_draft_report(shared_reports) -> Rendered:
    """The seed study's Chinese draft, as in demo_reports (without rendering the others)."""
    return shared_reports.get("zh")["zh"]


@pytest.fixture(scope="session")
def issued_seed_report(shared_reports) -> Rendered:
    """The seed study's issued report as the issuing step renders it before signing, as in
    demo_reports (extra["signature_box"]: where its cover reserves the signature)."""
    return shared_reports.get("final")["final"]


@pytest.fixture(scope="session")
def demo2_draft_report(shared_reports) -> Rendered:
    """DEMO-2's Chinese draft, as in demo_reports."""
    return shared_reports.get("demo2")["demo2"]
