from celery import shared_task

from . import purge


@shared_task(name="audit.purge_journal")
def purge_journal() -> int:
    """The journal's retention purge, run daily by Celery beat."""
    return purge.purge_old_entries().params["count"]
