from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment import queries
from accompaniment.forms.network import PeriodForm
from soli_dome import exports
from soli_dome.users.permissions import coordinator_required

CHART_SERIES = [
    ("sent_count", _("Envoyées"), "text-primary"),
    ("accepted_count", _("Acceptées"), "text-success"),
]
# The figures both tables share, as the page shows them; the shared writer types them.
FIGURES = [
    exports.Column(_("Orientations envoyées"), lambda row: row.sent_count),
    exports.Column(_("Acceptées"), lambda row: row.accepted_count),
    exports.Column(_("Refusées"), lambda row: row.refused_count),
    exports.Column(_("Expirées"), lambda row: row.expired_count),
    exports.Column(_("Taux d'acceptation (%)"), lambda row: row.acceptance_rate),
    exports.Column(
        _("Délai moyen de réponse (jours)"),
        lambda row: None if row.answer_delay_days is None else round(row.answer_delay_days, 1),
        number_format="0.0",
    ),
    exports.Column(_("Ateliers accueillis"), lambda row: row.workshop_count),
    exports.Column(_("Personnes orientées vers le programme"), lambda row: row.referred_in_count),
    exports.Column(_("Dernier contact"), lambda row: row.last_contact_on),
]
TABLES = {
    "categories": [
        exports.Column(_("Catégorie"), str),
        exports.Column(_("Acteurs"), lambda row: row.partner_count),
        *FIGURES,
    ],
    "acteurs": [
        exports.Column(_("Acteur"), lambda row: row.name),
        exports.Column(
            _("Catégories"),
            lambda row: ", ".join(str(category) for category in row.categories.all()),
        ),
        exports.Column(_("Commune"), lambda row: row.commune.name if row.commune_id else ""),
        exports.Column(_("Partenariat"), lambda row: row.get_partnership_status_display()),
        *FIGURES,
    ],
}


def _period(request, today):
    period = queries.Period.year_to(today)
    form = PeriodForm(request.GET or None, initial={"start": period.start, "end": period.end})
    if form.is_bound and form.is_valid():
        period = queries.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, period


@coordinator_required
def network_overview(request):
    """The shape of the partner network and what the programme exchanged with each partner
    and each kind of partner over a period (the last twelve months by default)."""
    today = timezone.localdate()
    form, period = _period(request, today)
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
            "query": query_without_page.urlencode(),
            "query_without_page": query_without_page.urlencode(),
        },
    )


@coordinator_required
def network_export(request, table):
    """One table of the network view, for the same period, as a CSV file."""
    if table not in TABLES:
        raise Http404
    _form, period = _period(request, timezone.localdate())
    if table == "categories":
        rows = queries.category_rows(period)
    else:
        rows = queries.every_partner_row(period)
    filename = f"reseau-{table}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv"
    return exports.csv_response(filename, TABLES[table], rows)
