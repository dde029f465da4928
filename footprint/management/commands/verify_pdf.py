from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from footprint.services import formatting as F
from footprint.services.workflow.verification import public_facts, verify_pdf

LEVEL_NOTES = {
    "B-B": " (no timestamp; no embedded validation data)",
    "B-B+LT-data": " (chain and CRL embedded; no RFC 3161 timestamp: set SIGNING_TIMESTAMP_URL for B-LTA)",
    "B-T": " (timestamped; no embedded validation data)",
    "B-LT": " (timestamped; chain and CRL embedded; no document timestamp)",
    "B-LTA": " (timestamped; chain and CRL embedded; document timestamp over the signed file)",
}


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


class Command(BaseCommand):
    help = ("Check whether FILE is an authentic issued report: the stored SHA-256 and the PDF "
            "signature. Exits non-zero for a tampered or unknown file.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        verdict = verify_pdf(path.read_bytes())
        sig = verdict.signature
        # One verdict in plain words first; the technical details after it.
        lines = [
            f"{'AUTHENTIC' if verdict.authentic else 'NOT AUTHENTIC'}: {verdict.summary}",
            "",
            f"file:          {path}",
            f"sha256:        {verdict.sha256}",
            f"issued file:   {'yes, byte for byte' if verdict.hash_matches else 'no: no issued report has this hash'}",
        ]
        if verdict.language:
            lines.append(f"language:      {verdict.language} ({verdict.language_label})")
        if sig.present:
            lines += [
                f"PAdES level:   {sig.level}" + LEVEL_NOTES.get(sig.level, ""),
                f"signed bytes unchanged:        {_yes(sig.intact)}",
                f"signature mathematically valid: {_yes(sig.valid)}",
                f"signer trusted (our CA):       {_yes(sig.trusted)}",
                f"revocation checked offline:    {_yes(sig.revocation_checked)} (CRL embedded in the file)",
                f"certified, no changes allowed: {_yes(sig.certified_no_changes)}",
                f"unchanged since signing:       {_yes(sig.unchanged_since_signing)}"
                + (" (only a document timestamp and validation data appended, not a change under PAdES)"
                   if sig.archival_updates_only else ""),
            ]
            if sig.doc_timestamp_time:
                lines.append(f"document timestamp:            {sig.doc_timestamp_time:%Y-%m-%d %H:%M:%S %Z}"
                             f" (TSA trusted: {_yes(sig.doc_timestamp_trusted)})")
        else:
            lines.append("signature:     none")
        if sig.error:
            lines.append(f"problem:       {sig.error}")
        if sig.signer:
            lines.append(f"signer:        {sig.signer}")
        if verdict.matched is not None:
            facts = public_facts(verdict.matched)
            lines += [
                f"report:        {facts.report_number} — {facts.company}",
                f"issued:        {facts.issue_date}",
                f"status:        {facts.status}"
                + (f" (superseded by {facts.superseded_by})" if facts.superseded_by else ""),
            ]
            for p in facts.products:
                lines.append(f"  {p.code}: {F.kg(p.total_kgco2e)} kgCO2e / {p.functional_unit}")
            for file in facts.files:
                lines.append(f"issued {file.language + ':':8} {file.sha256}")
        self.stdout.write("\n".join(lines))
        if not verdict.authentic:
            raise CommandError("NOT AUTHENTIC: the file is not an intact issued report.")
