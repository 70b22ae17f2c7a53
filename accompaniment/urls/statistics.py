from django.urls import path

from accompaniment.views import statistics

urlpatterns = [
    path("statistiques/", statistics.statistics, name="statistics"),
    path("statistiques/rapport/", statistics.statistics_report, name="statistics_report"),
    path(
        "statistiques/rapport.xlsx",
        statistics.statistics_report_xlsx,
        name="statistics_report_xlsx",
    ),
]
