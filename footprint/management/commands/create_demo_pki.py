from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from footprint.services.demo.pki import create_demo_pki


class Command(BaseCommand):
    help = ("Create the demo CA, the signer certificate (PKCS#12 at SIGNING_PKCS12_PATH) and the "
            "demo seal image (idempotent). Demo only: never for real reports.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="replace an existing demo PKI")

    def handle(self, *args, force, **options):
        if not settings.SIGNING_IS_DEMO:
            raise CommandError("SIGNING_IS_DEMO is off: configure the certification body's real "
                               "PKCS#12 file instead of creating a demo one.")
        pki = create_demo_pki(
            pkcs12_path=Path(settings.SIGNING_PKCS12_PATH),
            passphrase=settings.SIGNING_PKCS12_PASSPHRASE,
            body_name=settings.CERTIFICATION_BODY_NAME,
            seal_path=Path(settings.SIGNING_SEAL_IMAGE),
            force=force,
        )
        verb = "created" if pki.created else "already present"
        self.stdout.write(self.style.SUCCESS(
            f"Demo PKI {verb}: signer {pki.pkcs12_path}, CA {pki.ca_path}, seal {pki.seal_path}"
        ))
