from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accompaniment.forms.reminders import ReminderPauseForm
from beneficiaries.models import Beneficiary
from soli_dome.audit.events import iso
from soli_dome.audit.models import AuditEntry, record
from soli_dome.users.permissions import staff_required


@staff_required
def reminder_pause(request, pk):
    """An accompanier stops a person's automatic reminders for a while (after a call, during
    a hard time); the news of a change or a cancellation still reaches them."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    form = ReminderPauseForm(request.POST or None, instance=beneficiary)
    if request.method == "POST" and form.is_valid():
        beneficiary = form.save()
        until = beneficiary.reminders_paused_until
        record(
            actor=request.user,
            action=AuditEntry.Action.UPDATE,
            target=beneficiary,
            event="file.reminders_paused" if until else "file.reminders_resumed",
            until=iso(until),
        )
        if until:
            messages.success(
                request,
                _("Plus de rappel automatique jusqu'au %(day)s inclus.")
                % {"day": date_format(until, "SHORT_DATE_FORMAT")},
            )
        else:
            messages.success(request, _("Les rappels automatiques reprennent."))
        return redirect(beneficiary)
    if request.method == "GET":
        record(
            actor=request.user,
            action=AuditEntry.Action.READ,
            target=beneficiary,
            event="file.reminders_read",
        )
    return render(
        request,
        "accompaniment/reminder_pause.html",
        {"form": form, "beneficiary": beneficiary},
    )
