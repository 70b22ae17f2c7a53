from django.urls import path

from accompaniment.views import staff_preferences

urlpatterns = [
    path("mes-preferences/", staff_preferences.staff_preferences, name="staff_preferences"),
]
