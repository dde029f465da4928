from django.core.management.base import BaseCommand

from footprint.services.reference.loading import load_reference_data


class Command(BaseCommand):
    help = ("Add the starter emission factor library and the IPCC GWP editions that are missing; "
            "never rewrites one that exists (upgrade path).")

    def handle(self, *args, **options):
        report = load_reference_data()
        self.stdout.write(
            f"factors: {report.factors_created} created, {report.factors_existing} already present; "
            f"GWP editions: {report.gwp_created} created, {report.gwp_existing} already present; "
            f"studies moved to a corrected GWP edition: {report.studies_moved}"
        )
        for name in report.gwp_conflicts:
            self.stderr.write(
                f"GWP edition {name} differs from the shipped values and was left as it is "
                "(an edition is never rewritten; a correction is a new version)"
            )
