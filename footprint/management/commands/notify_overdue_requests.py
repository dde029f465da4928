"""Tell both sides about data requests past their due date (run daily, e.g. from cron; the
Celery task footprint.notify_overdue_requests does the same from a worker's beat)."""

from django.core.management.base import BaseCommand

from footprint.services.data_requests.notices import notify_overdue_requests


class Command(BaseCommand):
    help = "Notify companies and auditors of overdue data requests (once per due date)."

    def handle(self, *args, **options):
        count = notify_overdue_requests()
        self.stdout.write(f"{count} overdue data request(s) notified")
