from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from footprint.services.demo.data_request import REQUEST_REPORT, load_demo_data_request
from footprint.services.demo.seed import (
    PACT_DEMO_CLIENT,
    SECOND_REPORT,
    issue_demo_study,
    load_demo,
)
from footprint.services.workflow.issuing import issued_files
from footprint.services.workflow.signing import SigningUnavailable
from footprint.services.workflow.transitions import WorkflowError


class Command(BaseCommand):
    help = ("Load the demo: the seed report 202508175GHG, study DEMO-2 (issued and signed) and one "
            "user per role (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--no-issue", action="store_true",
                            help="leave DEMO-2 as a draft (no signing key needed)")

    def handle(self, *args, no_issue=False, **options):
        users = load_demo()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            if load_demo_data_request() is not None:
                self.stdout.write(self.style.SUCCESS(
                    f"{REQUEST_REPORT}: a data request in progress (log in as client to fill it)."))
        if not no_issue:
            try:
                # The demo round's notifications would bury the user list under e-mails printed
                # by the console backend; nobody is waiting for them.
                with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                    issued = issue_demo_study()
            except (SigningUnavailable, WorkflowError) as exc:
                self.stderr.write(self.style.WARNING(f"{SECOND_REPORT} not issued: {exc}"))
            else:
                if issued is not None:
                    languages = " and ".join(f.language for f in issued_files(issued))
                    self.stdout.write(self.style.SUCCESS(
                        f"{SECOND_REPORT} issued and signed by the demo users, in {languages} "
                        f"(verification code {issued.verification_code})."
                    ))
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo users (username / password):"))
        for user in users:
            self.stdout.write(f"  {user.username:<8} / {user.password:<13} {user.description}")
        self.stdout.write(self.style.SUCCESS(
            f"PACT client (OAuth client credentials, granted {SECOND_REPORT}'s company; docs/pact.md):"))
        self.stdout.write(f"  {PACT_DEMO_CLIENT[0]} / {PACT_DEMO_CLIENT[1]}")
