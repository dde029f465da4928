from django.core.management.base import BaseCommand

from footprint.services.pact.delivery import deliver_due


class Command(BaseCommand):
    help = ("Send the PACT events whose time has come (answers to requests, Published events); "
            "failed ones are retried with growing pauses and abandoned after 72 hours. Run from cron.")

    def handle(self, *args, **options):
        sent = deliver_due()
        self.stdout.write(f"{sent} PACT event(s) delivered.")
