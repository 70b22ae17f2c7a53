from django.urls import path

from accompaniment.views import reminders

urlpatterns = [
    path(
        "beneficiaires/<int:pk>/rappels/pause/",
        reminders.reminder_pause,
        name="reminder_pause",
    ),
]
