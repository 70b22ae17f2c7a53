from django.shortcuts import get_object_or_404, render

from beneficiaries.models import Beneficiary
from soli_dome.users.permissions import beneficiary_required


@beneficiary_required
def portal_home(request):
    """The beneficiary's own page. Staff-private notes never reach it."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user))
    assignments = beneficiary.assignments.select_related("accompanier").order_by("-is_primary")
    return render(
        request,
        "accompaniment/portal_home.html",
        {"beneficiary": beneficiary, "assignments": assignments},
    )
