from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from footprint.services import formatting as F
from footprint.services.workflow.verification import public_facts, verify_pdf


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
        lines = [
            f"file:       {path}",
            f"sha256:     {verdict.sha256}",
            f"verdict:    {'AUTHENTIC' if verdict.authentic else 'NOT AUTHENTIC'} — {verdict.summary}",
            f"issued file: {'yes' if verdict.hash_matches else 'no'}",
            f"signature:  {'present' if sig.present else 'none'}; intact={sig.intact} "
            f"valid={sig.valid} trusted={sig.trusted} certified_no_changes={sig.certified_no_changes} "
            f"whole_file={sig.covers_whole_file}" + (f" ({sig.error})" if sig.error else ""),
        ]
        if sig.signer:
            lines.append(f"signer:     {sig.signer}")
        if verdict.matched is not None:
            facts = public_facts(verdict.matched)
            lines += [
                f"report:     {facts.report_number} — {facts.company}",
                f"issued:     {facts.issue_date}",
                f"status:     {facts.status}"
                + (f" (superseded by {facts.superseded_by})" if facts.superseded_by else ""),
            ]
            for p in facts.products:
                lines.append(f"  {p.code}: {F.kg(p.total_kgco2e)} kgCO2e / {p.functional_unit}")
        self.stdout.write("\n".join(lines))
        if not verdict.authentic:
            raise CommandError("NOT AUTHENTIC: the file is not an intact issued report.")
