"""URLs of the accompaniment app, one module per feature."""

from . import (
    calendar,
    closing,
    dashboard,
    network,
    plans,
    portal,
    referrals,
    reminders,
    retention,
    sessions,
    statistics,
    supports,
    themes,
    workshops,
)

app_name = "accompaniment"

urlpatterns = [
    *calendar.urlpatterns,
    *closing.urlpatterns,
    *dashboard.urlpatterns,
    *network.urlpatterns,
    *plans.urlpatterns,
    *portal.urlpatterns,
    *referrals.urlpatterns,
    *reminders.urlpatterns,
    *retention.urlpatterns,
    *sessions.urlpatterns,
    *statistics.urlpatterns,
    *supports.urlpatterns,
    *themes.urlpatterns,
    *workshops.urlpatterns,
]
