from django.urls import path

from accompaniment.views import dashboard

urlpatterns = [
    path("tableau-de-bord/", dashboard.dashboard, name="dashboard"),
]
