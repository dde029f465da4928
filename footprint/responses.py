"""HTTP responses that the pages (views/) and the API (api/) send alike."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from .models import EvidenceFile
from .services.evidence import storage as evidence_storage


def evidence_file_response(evidence: EvidenceFile) -> HttpResponse:
    """An evidence file as uploaded, always as an attachment and never rendered: uploaded
    content is untrusted whatever its type (docs/evidence.md). A file whose stored bytes no
    longer match its SHA-256, or that is gone, is not served (404)."""
    try:
        download = evidence_storage.evidence_download(evidence)
    except (evidence_storage.EvidenceIntegrityError, FileNotFoundError) as exc:
        raise Http404 from exc
    response = HttpResponse(download.data, content_type=download.content_type)
    response["Content-Disposition"] = content_disposition_header(True, download.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
