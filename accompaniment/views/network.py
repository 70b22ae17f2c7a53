import csv

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accompaniment import queries
from accompaniment.forms.network import PeriodForm
from soli_dome.users.permissions import coordinator_required

CHART_SERIES = [
    ("sent_count", _("Envoyées"), "text-primary"),
    ("accepted_count", _("Acceptées"), "text-success"),
]
# The figures both tables share, as the page shows them (header, value of a row).
FIGURES = [
    (_("Orientations envoyées"), lambda row: row.sent_count),
    (_("Acceptées"), lambda row: row.accepted_count),
    (_("Refusées"), lambda row: row.refused_count),
    (_("Expirées"), lambda row: row.expired_count),
    (
        _("Taux d'acceptation (%)"),
        lambda row: "" if row.acceptance_rate is None else row.acceptance_rate,
    ),
    (
        _("Délai moyen de réponse (jours)"),
        lambda row: "" if row.answer_delay_days is None else floatformat(row.answer_delay_days, 1),
    ),
    (_("Ateliers accueillis"), lambda row: row.workshop_count),
    (_("Personnes orientées vers le programme"), lambda row: row.referred_in_count),
    (
        _("Dernier contact"),
        lambda row: row.last_contact_on.strftime("%d/%m/%Y") if row.last_contact_on else "",
    ),
]
TABLES = {
    "categories": [
        (_("Catégorie"), str),
        (_("Acteurs"), lambda row: row.partner_count),
        *FIGURES,
    ],
    "acteurs": [
        (_("Acteur"), lambda row: row.name),
        (
            _("Catégories"),
            lambda row: ", ".join(str(category) for category in row.categories.all()),
        ),
        (_("Commune"), lambda row: row.commune.name if row.commune_id else ""),
        (_("Partenariat"), lambda row: row.get_partnership_status_display()),
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


class _Echo:
    def write(self, value):
        return value


def _csv_lines(columns, rows, language):
    """The table as CSV, as French spreadsheets open it (UTF-8 with a byte-order mark, ";"),
    line after line. A plain writer until the shared one (soli_dome/exports) lands."""
    writer = csv.writer(_Echo(), delimiter=";")
    with translation.override(language):
        yield "\ufeff" + writer.writerow([str(header) for header, _value in columns])
        for row in rows:
            yield writer.writerow([value(row) for _header, value in columns])


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
    response = StreamingHttpResponse(
        _csv_lines(TABLES[table], rows, translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"reseau-{table}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
