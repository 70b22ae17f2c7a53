from django.urls import path

from accompaniment.views import network

urlpatterns = [
    path("reseau/", network.network_overview, name="network_overview"),
]
