"""Supports given to a person, recorded from the file's page (plain forms, no JavaScript
needed). Files and supports are fetched through the user: anyone outside gets a 404."""

import functools

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accompaniment.forms.supports import SupportForm
from accompaniment.models import Support
from accompaniment.services import supports as services
from accompaniment.services.plans import ClosedFileError, ensure_file_open
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import record_read
from soli_dome.users.permissions import staff_required

CLOSED_FILE_NOTICE = gettext_lazy(
    "Ce dossier est clos : on n'y enregistre plus d'aide. Rouvrez le dossier pour le modifier."
)


def _supports_url(beneficiary):
    return f"{beneficiary.get_absolute_url()}#supports"


def _support(request, pk):
    supports = Support.objects.visible_to(request.user).select_related("beneficiary", "partner")
    return get_object_or_404(supports, pk=pk)


def _refusing_closed_files(view):
    """A closed file takes no new, changed or deleted support: back to the file with a
    message, nothing changed (also for a page opened before the file closed)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ClosedFileError as closed:
            messages.error(request, CLOSED_FILE_NOTICE)
            return redirect(_supports_url(closed.beneficiary))

    return wrapper


@staff_required
@require_http_methods(["GET", "POST"])
@_refusing_closed_files
def support_create(request, pk):
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    ensure_file_open(beneficiary)
    form = SupportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        support = services.record_support(beneficiary=beneficiary, form=form, by=request.user)
        messages.success(
            request, _("L'aide « %(support)s » est enregistrée.") % {"support": support}
        )
        return redirect(_supports_url(beneficiary))
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.support_form_opened")
    return render(
        request,
        "accompaniment/support_form.html",
        {"beneficiary": beneficiary, "form": form},
        status=422 if form.is_bound else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
@_refusing_closed_files
def support_update(request, pk):
    support = _support(request, pk)
    beneficiary = support.beneficiary
    ensure_file_open(beneficiary)
    form = SupportForm(request.POST or None, instance=support, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_support(form=form, by=request.user)
        messages.success(request, _("L'aide « %(support)s » est modifiée.") % {"support": support})
        return redirect(_supports_url(beneficiary))
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.support_form_opened")
    return render(
        request,
        "accompaniment/support_form.html",
        {"beneficiary": beneficiary, "support": support, "form": form},
        status=422 if form.is_bound else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
@_refusing_closed_files
def support_delete(request, pk):
    """A confirmation page, then the deletion of a support recorded by mistake."""
    support = _support(request, pk)
    beneficiary = support.beneficiary
    ensure_file_open(beneficiary)
    if request.method == "POST":
        services.delete_support(support=support, by=request.user)
        messages.success(request, _("L'aide « %(support)s » est supprimée.") % {"support": support})
        return redirect(_supports_url(beneficiary))
    record_read(actor=request.user, target=beneficiary, event="file.support_form_opened")
    return render(
        request,
        "accompaniment/support_delete.html",
        {"beneficiary": beneficiary, "support": support},
    )
