from django.urls import path

from accompaniment.views import network

urlpatterns = [
    path("reseau/", network.network_overview, name="network_overview"),
    path("reseau/export/<str:table>.csv", network.network_export, name="network_export"),
]
