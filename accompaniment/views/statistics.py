from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.forms.statistics import StatisticsFilterForm
from accompaniment.reporting import funder_report
from accompaniment.reporting.charts import chart_of
from accompaniment.reporting.statistics import Selection, Statistics, headline
from beneficiaries.models import Beneficiary
from soli_dome import exports
from soli_dome.users.permissions import coordinator_required


def _statistics(request):
    form = StatisticsFilterForm(request.GET or None, today=timezone.localdate())
    period, selection = form.period_and_selection()
    return form, period, selection


def _outcomes_url():
    """The page of outcomes (food practices, food insecurity), once it exists."""
    try:
        return reverse("accompaniment:statistics_outcomes")
    except NoReverseMatch:
        return None


@coordinator_required
def statistics(request):
    """The programme's figures by month over a period, for the coordinators."""
    form, period, selection = _statistics(request)
    tables = Statistics(period, selection).tables()
    query = request.GET.urlencode()
    return render(
        request,
        "accompaniment/statistics.html",
        {
            "form": form,
            "period": period,
            "headline": [figure[:3] for figure in headline(tables)],
            "sections": [(table, chart_of(table, period.months)) for table in tables],
            "query": query,
            "outcomes_url": _outcomes_url(),
        },
    )


def _report_context(period, selection) -> list[tuple]:
    """What the report is about, in words (the public and commune; never a person's name)."""
    context = [
        (
            _("Période"),
            _("de %(start)s à %(end)s")
            % {
                "start": formats.date_format(period.first, "F Y"),
                "end": formats.date_format(period.last, "F Y"),
            },
        ),
        (
            _("Public"),
            Beneficiary.Public(selection.public).label if selection.public else _("Tous"),
        ),
        (_("Commune"), selection.commune.name if selection.commune else _("Toutes")),
    ]
    return context


def _report_selection(request):
    """The report's period and people: the accompanier filter is left out, a report is
    about the programme, not about a member of the team."""
    _form, period, selection = _statistics(request)
    return period, Selection(public=selection.public, commune=selection.commune)


@coordinator_required
def statistics_report(request):
    """The funder activity report for the period, to print."""
    period, selection = _report_selection(request)
    tables = Statistics(period, selection).tables()
    return render(
        request,
        "accompaniment/statistics_report.html",
        {
            "period": period,
            "about": _report_context(period, selection),
            "headline": funder_report.masked_headline(headline(tables), funder_report.threshold()),
            "tables": funder_report.report(tables),
            "threshold": funder_report.threshold(),
            "query": request.GET.urlencode(),
        },
    )


@coordinator_required
def statistics_report_xlsx(request):
    """The same report as an XLSX workbook."""
    period, selection = _report_selection(request)
    tables = Statistics(period, selection).tables()
    sheets = funder_report.workbook_sheets(
        funder_report.report(tables), _report_context(period, selection)
    )
    filename = f"rapport-activite-{period.first:%Y-%m}-{period.last:%Y-%m}.xlsx"
    return exports.xlsx_response(filename, sheets)
