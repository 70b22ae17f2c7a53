"""The outcome statistics page, for coordinators: what the questionnaires show at entry and
at exit, with the small-cell rule. No name, no file: counts only."""

from django.conf import settings
from django.shortcuts import render

from accompaniment.reporting.outcomes import outcome_statistics
from soli_dome.users.permissions import coordinator_required


@coordinator_required
def statistics_outcomes(request):
    return render(
        request,
        "accompaniment/statistics_outcomes.html",
        {**outcome_statistics(), "threshold": settings.STATISTICS_SMALL_CELL},
    )
