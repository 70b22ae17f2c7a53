"""URLs of the accompaniment app, one module per feature."""

from . import dashboard, portal

app_name = "accompaniment"

urlpatterns = [
    *dashboard.urlpatterns,
    *portal.urlpatterns,
]
