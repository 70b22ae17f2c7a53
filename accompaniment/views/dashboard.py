from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import render

from beneficiaries.models import Assignment, Beneficiary
from soli_dome.users.permissions import staff_required

DASHBOARD_LIST_SIZE = 10


@staff_required
def dashboard(request):
    visible = Beneficiary.objects.visible_to(request.user)
    counts = Beneficiary.objects.filter(pk__in=visible.values("pk")).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Beneficiary.Status.values}
    )
    days = settings.NO_CONTACT_ALERT_DAYS
    without_contact = visible.without_contact_since(days).order_by("last_contact_on", "last_name")
    context = {
        "status_counts": [(Beneficiary.Status(s).label, counts[s]) for s in counts],
        "no_contact_days": days,
        "without_contact": without_contact.select_related("commune")[:DASHBOARD_LIST_SIZE],
        "without_contact_count": without_contact.count(),
    }
    if request.user.is_coordinator:
        has_primary = Assignment.objects.filter(beneficiary=OuterRef("pk"), is_primary=True)
        without_primary = visible.followed().filter(~Exists(has_primary)).order_by("last_name")
        context["without_primary"] = without_primary[:DASHBOARD_LIST_SIZE]
        context["without_primary_count"] = without_primary.count()
    return render(request, "accompaniment/dashboard.html", context)
