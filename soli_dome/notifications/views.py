from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from soli_dome.audit.models import AuditEntry, record_many
from soli_dome.users.permissions import coordinator_required

from . import outbox
from .forms import NotificationFilterForm, SmsBudgetForm
from .models import Notification, SmsBudget

PAGE_SIZE = 50


@coordinator_required
def notification_list(request):
    """The outbox: every message, filterable, with the error of failed ones."""
    filter_form = NotificationFilterForm(request.GET or None)
    notifications = filter_form.filter(
        Notification.objects.select_related("recipient_type").prefetch_related("recipient")
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page shows the names, phones, e-mails and messages of the beneficiaries on it: a
    # read of their files (staff recipients are not files).
    record_many(
        actor=request.user,
        action=AuditEntry.Action.READ,
        targets=[
            notification.recipient
            for notification in page
            if notification.recipient_type.model == "beneficiary" and notification.recipient
        ],
        event="file.outbox_read",
    )
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    budget = SmsBudget.current()
    return render(
        request,
        "notifications/notification_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "query_without_page": query_without_page.urlencode(),
            "budget_form": SmsBudgetForm(instance=budget),
            "budget": budget,
            "usage": budget.usage(),
            "held_count": Notification.objects.filter(status=Notification.Status.HELD).count(),
        },
    )


@coordinator_required
@require_POST
def notification_release_held(request):
    """The held SMS go, past the budget: the coordinator decided."""
    released = outbox.release_held()
    messages.success(
        request,
        ngettext(
            "%(count)s SMS retenu repart : il sera envoyé dans la minute.",
            "%(count)s SMS retenus repartent : ils seront envoyés dans la minute.",
            released,
        )
        % {"count": released},
    )
    return redirect("notifications:notification_list")


@coordinator_required
@require_POST
def notification_send_again(request, pk):
    notification = get_object_or_404(Notification, pk=pk)
    reason, _address = outbox.blocked(notification)
    if reason and notification.status in outbox.SENDABLE_AGAIN:
        messages.warning(
            request, _("Ce message ne peut pas repartir : %(reason)s") % {"reason": reason}
        )
    elif outbox.send_again(notification):
        messages.success(request, _("Le message repart : il sera envoyé dans la minute."))
    else:
        messages.info(request, _("Ce message n'est ni en échec ni annulé."))
    # Back to the same filtered page; only a query string is taken from the form.
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(reverse("notifications:notification_list") + (f"?{query}" if query else ""))


@coordinator_required
def sms_budget(request):
    form = SmsBudgetForm(request.POST or None, instance=SmsBudget.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        outbox.requeue_held()  # tried again under the new budget or choice
        messages.success(request, _("Le budget SMS est enregistré."))
        return redirect("notifications:notification_list")
    return render(request, "notifications/sms_budget_form.html", {"form": form})
