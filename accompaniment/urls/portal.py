from django.urls import path

from accompaniment.views import portal

urlpatterns = [
    path("mon-accompagnement/", portal.portal_home, name="portal_home"),
]
