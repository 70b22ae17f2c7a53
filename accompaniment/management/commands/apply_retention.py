from django.core.management.base import BaseCommand

from accompaniment.services import retention


class Command(BaseCommand):
    help = (
        "Anonymise the files whose retention period is over (two years after the last "
        "contact). The Celery beat job runs it daily; --dry-run lists what it would do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files, change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        due = retention.files_due()
        if dry_run:
            # Ids only: an operator's terminal and logs need no names.
            for file in due:
                self.stdout.write(
                    f"would anonymise file #{file.pk} "
                    f"(clock from {file.retention_start.isoformat()}, status {file.status})"
                )
            self.stdout.write(f"{len(due)} file(s) would be anonymised (dry run).")
            return
        done = retention.apply_retention()
        self.stdout.write(f"{len(done)} file(s) anonymised.")
