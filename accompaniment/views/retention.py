"""The retention clock seen by staff: files about to be anonymised, and a coordinator's
"anonymise now" for a verified deletion request."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accompaniment.forms.retention import AnonymiseForm
from accompaniment.services import retention
from beneficiaries.models import RETENTION_WARNING_DAYS, Beneficiary, DeletionRequest
from soli_dome.users.permissions import coordinator_required, staff_required

RETENTION_PAGE_SIZE = 50


@staff_required
def retention_list(request):
    """ "Fin de conservation": the files anonymised within 30 days unless a contact happens
    (a coordinator sees the programme's, an accompanier their own)."""
    files = (
        Beneficiary.objects.visible_to(request.user)
        .retention_ending_soon()
        .select_related("commune")
    )
    page = Paginator(files, RETENTION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accompaniment/retention_list.html",
        {"page": page, "warning_days": RETENTION_WARNING_DAYS},
    )


@coordinator_required
def deletion_request_anonymise(request, pk):
    """A confirmation page with the reason, then the irreversible anonymisation."""
    deletion_request = get_object_or_404(
        DeletionRequest.objects.pending().select_related("beneficiary"), pk=pk
    )
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        retention.anonymise(
            beneficiary_id=deletion_request.beneficiary_id,
            by=request.user,
            reason=form.cleaned_data["reason"],
            exit_reason=Beneficiary.ExitReason.NO_LONGER_WANTED,
        )
        messages.success(request, _("Le dossier est anonymisé. La demande est traitée."))
        return redirect("accompaniment:dashboard")
    return render(
        request,
        "accompaniment/deletion_request_anonymise.html",
        {"deletion_request": deletion_request, "form": form},
        status=422 if form.is_bound else 200,
    )
