from django.db import transaction
from django.utils.translation import gettext as _

from accompaniment.models import Registration, Workshop
from accompaniment.services.workshops import unregister
from soli_dome.audit.models import AuditEntry, record
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification


@transaction.atomic
def close_file(*, beneficiary, form, by):
    """Close the file and keep its end-of-accompaniment review (counted in reports).

    The person gets no more messages: those waiting are cancelled, and they leave the coming
    workshops they signed up for, which gives their places to the people waiting. Planned
    individual sessions are left for the accompanier to cancel or record (the file page still
    lists them); their reminders are stopped all the same (``reminders.still_wanted``)."""
    review = form.save(commit=False)
    review.beneficiary = beneficiary
    review.written_by = by
    review.save()
    beneficiary.close(on=review.closed_on, reason=form.cleaned_data["exit_reason"])
    record(actor=by, action=AuditEntry.Action.UPDATE, target=beneficiary, event="file.closed")
    for registration in Registration.objects.active().filter(
        beneficiary=beneficiary, workshop__in=Workshop.objects.coming()
    ):
        unregister(registration=registration, by=by)
    outbox.cancel_pending(
        Notification.objects.for_recipient(beneficiary), reason=_("Dossier clôturé.")
    )
    return review
