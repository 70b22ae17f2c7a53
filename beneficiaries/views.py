from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from soli_dome.audit.models import AuditEntry, record
from soli_dome.users.permissions import staff_required

from .forms import BeneficiaryFilterForm
from .models import Assignment, Beneficiary

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
