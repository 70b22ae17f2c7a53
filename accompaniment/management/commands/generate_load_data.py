import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accompaniment import load_data
from accompaniment.demo import DEMO_PASSWORD
from accompaniment.vocabulary import load_reference_rows
from soli_dome.audit import purge


class Command(BaseCommand):
    help = (
        "Fills the database with a métropole-sized generated programme, for load tests and "
        f"benchmarks (accounts under @{load_data.LOAD_DOMAIN})."
    )

    def add_arguments(self, parser):
        defaults = load_data.Sizes()
        for name in (
            "beneficiaries",
            "accompaniers",
            "sessions",
            "partners",
            "notifications",
            "journal_entries",
            "heavy_file_sessions",
        ):
            parser.add_argument(
                f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name)
            )
        parser.add_argument("--password", default=DEMO_PASSWORD, help="password of every account")
        parser.add_argument("--seed", type=int, default=2020, help="seed of the random generator")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="empty the database first (it must hold generated data only, or --force)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run although the database holds data this command did not generate",
        )

    def handle(self, *args, password, seed, replace, force, verbosity, **sizes):
        sizes = load_data.Sizes(**{k: sizes[k] for k in load_data.Sizes.__dataclass_fields__})
        if sizes.accompaniers < 1 or sizes.beneficiaries < 1 or sizes.partners < 1:
            raise CommandError("At least one accompanier, beneficiary and partner are needed.")
        if load_data.holds_foreign_data() and not force:
            raise CommandError(
                "This database holds data that generate_load_data did not make (accounts "
                f"outside @{load_data.LOAD_DOMAIN}, or partners). Use an empty database, "
                "or --force."
            )
        if load_data.holds_generated_data():
            if not replace:
                raise CommandError(
                    "Generated data is already here: --replace empties the database first."
                )
            # The journal refuses deletes: this database holds only generated data (checked
            # above), so its synthetic journal goes too.
            with purge.journal_opened():
                call_command("flush", interactive=False, verbosity=0)
            load_reference_rows()
        started = time.monotonic()
        log = self.stdout.write if verbosity > 0 else (lambda message: None)
        counts = load_data.generate(sizes=sizes, password=password, seed=seed, log=log)
        self.stdout.write(
            self.style.SUCCESS(f"Generated in {time.monotonic() - started:.0f} s: ")
            + ", ".join(f"{count:,} {name}" for name, count in counts.items())
        )
        self.stdout.write(
            f"Accounts (password {password}): {load_data.COORDINATOR_EMAIL}, "
            f"{load_data.accompanier_email(1)}…, {load_data.BENEFICIARY_EMAIL}"
        )
