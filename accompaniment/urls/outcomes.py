from django.urls import path

from accompaniment.views import outcomes

urlpatterns = [
    path("statistiques/resultats/", outcomes.statistics_outcomes, name="statistics_outcomes"),
]
