from django.urls import path

from accompaniment.views import calendar

urlpatterns = [
    path("agenda/", calendar.calendar_week, name="calendar_week"),
    path("agenda/mois/", calendar.calendar_month, name="calendar_month"),
    path("agenda/abonnement/", calendar.calendar_subscription, name="calendar_subscription"),
    path(
        "agenda/abonnement/changer/",
        calendar.calendar_subscription_change,
        name="calendar_subscription_change",
    ),
    path("agenda/flux/<token:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
