from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accompaniment.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Builds (or refreshes) the demo programme and prints the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="password of every account")
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though DEBUG is off (never in production)",
        )

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: it creates accounts with a known "
                "password. Use --force on a demonstration server only."
            )
        accounts = seed_demo(password=password)
        self.stdout.write(self.style.SUCCESS("Demo programme ready. Accounts:"))
        for email, role in accounts:
            self.stdout.write(f"  {email:<32} {role}")
        self.stdout.write(f"Password for all: {password}")
