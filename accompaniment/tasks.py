from celery import shared_task

from accompaniment import digests
from accompaniment.services import referrals, retention


@shared_task(name="accompaniment.process_referral_deadlines")
def process_referral_deadlines():
    """Daily: one reminder to partners who have not answered, and expiry of old referrals."""
    referrals.process_referral_deadlines()


@shared_task(name="accompaniment.write_daily_notifications")
def write_daily_notifications():
    """Hourly: the day's step nudges and digests, written to the outbox once the morning
    has come."""
    digests.catch_up_daily_notifications()


@shared_task(name="accompaniment.apply_retention")
def apply_retention():
    """Daily: anonymise the files whose two-year retention is over (idempotent)."""
    retention.apply_retention()


@shared_task(name="accompaniment.run_export")
def run_export(export_id):
    """A large export asked for on the Exports page, written to its file."""
    from accompaniment.reporting import exports

    exports.run_export(export_id)


@shared_task(name="accompaniment.purge_expired_exports")
def purge_expired_exports():
    """Hourly: the files of exports whose download link has expired are deleted."""
    from accompaniment.reporting import exports

    exports.purge_expired_exports()
