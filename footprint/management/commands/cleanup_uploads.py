import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand

from footprint.services.interchange.importing import pending_uploads_cleanup


class Command(BaseCommand):
    help = ("Delete study uploads that were previewed but never confirmed or cancelled "
            "(older than IMPORT_PENDING_MAX_AGE_HOURS, or --hours).")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=None,
                            help=f"age in hours (default: {settings.IMPORT_PENDING_MAX_AGE_HOURS})")

    def handle(self, *args, hours, **options):
        hours = settings.IMPORT_PENDING_MAX_AGE_HOURS if hours is None else hours
        removed = pending_uploads_cleanup(older_than=dt.timedelta(hours=hours))
        self.stdout.write(f"removed {removed} pending upload(s) older than {hours} h")
