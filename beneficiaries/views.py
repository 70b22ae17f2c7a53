from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from soli_dome.audit.models import AuditEntry, record
from soli_dome.users.permissions import coordinator_required, staff_required

from .forms import BeneficiaryFilterForm, BeneficiaryForm
from .models import Assignment, Beneficiary
from .services import create_beneficiary, update_beneficiary

PAGE_SIZE = 25


def with_accompaniers(queryset):
    """Files with their assignments and accompaniers in two extra queries, whatever the count."""
    return queryset.select_related("commune").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("accompanier").order_by("-is_primary"),
        )
    )


@staff_required
def beneficiary_list(request):
    visible = Beneficiary.objects.visible_to(request.user)
    form = BeneficiaryFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        visible = form.filter(visible)
    else:
        visible = visible.order_by("last_name", "first_name")
    page = Paginator(with_accompaniers(visible), PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "beneficiaries/beneficiary_list.html",
        {"form": form, "page": page, "query_without_page": query_without_page.urlencode()},
    )


@staff_required
def beneficiary_detail(request, pk):
    beneficiary = get_object_or_404(
        with_accompaniers(Beneficiary.objects.visible_to(request.user)), pk=pk
    )
    record(actor=request.user, action=AuditEntry.Action.READ, target=beneficiary)
    consents = beneficiary.consents.select_related("recorded_by")
    return render(
        request,
        "beneficiaries/beneficiary_detail.html",
        {"beneficiary": beneficiary, "consents": consents},
    )


@staff_required
def beneficiary_create(request):
    form = BeneficiaryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        beneficiary = create_beneficiary(form=form, by=request.user)
        messages.success(request, _("Le dossier de %(name)s est créé.") % {"name": beneficiary})
        return redirect(beneficiary)
    return render(request, "beneficiaries/beneficiary_form.html", {"form": form})


@staff_required
def beneficiary_update(request, pk):
    with transaction.atomic():
        # Locked while the form compares versions, so two saves cannot both pass the check.
        visible = Beneficiary.objects.visible_to(request.user)
        if request.method == "POST":
            visible = Beneficiary.objects.select_for_update().filter(pk__in=visible.values("pk"))
        beneficiary = get_object_or_404(visible, pk=pk)
        form = BeneficiaryForm(request.POST or None, instance=beneficiary, user=request.user)
        if request.method == "POST" and form.is_valid():
            update_beneficiary(form=form, by=request.user)
            messages.success(request, _("Les changements sont enregistrés."))
            return redirect(beneficiary)
    return render(
        request, "beneficiaries/beneficiary_form.html", {"form": form, "beneficiary": beneficiary}
    )


@coordinator_required
def beneficiary_access_log(request, pk):
    """Who read or changed this file."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    entries = Paginator(AuditEntry.objects.about(beneficiary), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "beneficiaries/beneficiary_access_log.html",
        {"beneficiary": beneficiary, "page": entries},
    )
