from django.conf import settings
from django.core.management.base import BaseCommand

from soli_dome.audit import purge


class Command(BaseCommand):
    help = (
        "Removes the journal entries older than AUDIT_RETENTION_MONTHS and journals the purge "
        "(Celery beat runs it daily)."
    )

    def handle(self, *args, **options):
        entry = purge.purge_old_entries()
        self.stdout.write(
            f"{entry.params['count']} entries older than {settings.AUDIT_RETENTION_MONTHS} "
            "months removed."
        )
