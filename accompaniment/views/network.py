from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment import queries
from accompaniment.forms.network import PeriodForm
from soli_dome.users.permissions import coordinator_required

CHART_SERIES = [
    ("sent_count", _("Envoyées"), "text-primary"),
    ("accepted_count", _("Acceptées"), "text-success"),
]


@coordinator_required
def network_overview(request):
    """The shape of the partner network and what the programme exchanged with each partner
    and each kind of partner over a period (the last twelve months by default)."""
    today = timezone.localdate()
    period = queries.Period.year_to(today)
    form = PeriodForm(request.GET or None, initial={"start": period.start, "end": period.end})
    if form.is_bound and form.is_valid():
        period = queries.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    categories = queries.category_rows(period)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "accompaniment/network_overview.html",
        {
            "form": form,
            "period": period,
            "shape": queries.directory_shape(today),
            "categories": categories,
            "category_bars": queries.bars(categories, CHART_SERIES),
            "partners": queries.partner_rows(period, request.GET.get("page")),
            "query_without_page": query_without_page.urlencode(),
        },
    )
