from django.urls import path

from . import views

app_name = "accompaniment"

urlpatterns = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("mon-accompagnement/", views.portal_home, name="portal_home"),
]
