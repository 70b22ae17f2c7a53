"""URLs of the accompaniment app, one module per feature."""

from . import (
    assessments,
    calendar,
    closing,
    dashboard,
    exports,
    network,
    outcomes,
    plans,
    portal,
    referrals,
    reminders,
    retention,
    sessions,
    staff_preferences,
    statistics,
    supports,
    themes,
    workshops,
)

app_name = "accompaniment"

urlpatterns = [
    *assessments.urlpatterns,
    *calendar.urlpatterns,
    *closing.urlpatterns,
    *dashboard.urlpatterns,
    *exports.urlpatterns,
    *network.urlpatterns,
    *outcomes.urlpatterns,
    *plans.urlpatterns,
    *portal.urlpatterns,
    *referrals.urlpatterns,
    *reminders.urlpatterns,
    *retention.urlpatterns,
    *sessions.urlpatterns,
    *staff_preferences.urlpatterns,
    *statistics.urlpatterns,
    *supports.urlpatterns,
    *themes.urlpatterns,
    *workshops.urlpatterns,
]
