from django.core.management.base import BaseCommand

from footprint.services.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo: the seed report 202508175GHG, study DEMO-2 and one user per role (idempotent)."

    def handle(self, *args, **options):
        users = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo users (username / password):"))
        for user in users:
            self.stdout.write(f"  {user.username:<8} / {user.password:<13} {user.description}")
