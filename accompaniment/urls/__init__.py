"""URLs of the accompaniment app, one module per feature."""

from . import closing, dashboard, portal, themes

app_name = "accompaniment"

urlpatterns = [
    *closing.urlpatterns,
    *dashboard.urlpatterns,
    *portal.urlpatterns,
    *themes.urlpatterns,
]
