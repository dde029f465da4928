from django.core.management.base import BaseCommand

from footprint.services.reference import load_reference_data


class Command(BaseCommand):
    help = "Load the starter emission factor library and IPCC GWP values (idempotent)."

    def handle(self, *args, **options):
        report = load_reference_data()
        self.stdout.write(
            f"factors: {report.factors_created} created, {report.factors_existing} already present; "
            f"GWP values: {report.gwp_created} created, {report.gwp_existing} already present"
        )
