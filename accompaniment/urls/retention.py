from django.urls import path

from accompaniment.views import retention

urlpatterns = [
    path("fin-de-conservation/", retention.retention_list, name="retention_list"),
    path(
        "suppressions/<int:pk>/anonymiser/",
        retention.deletion_request_anonymise,
        name="deletion_request_anonymise",
    ),
]
