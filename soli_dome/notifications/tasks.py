from celery import shared_task

from . import outbox


@shared_task(name="notifications.dispatch_due")
def dispatch_due():
    """Every minute (beat): send the messages whose time has come."""
    return outbox.dispatch()
