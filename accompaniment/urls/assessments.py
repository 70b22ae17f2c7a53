from django.urls import path

from accompaniment.views import assessments

urlpatterns = [
    path(
        "beneficiaires/<int:pk>/questionnaires/",
        assessments.file_outcomes,
        name="file_outcomes",
    ),
    path(
        "beneficiaires/<int:pk>/questionnaires/<slug:instrument>/ajouter/",
        assessments.assessment_create,
        name="assessment_create",
    ),
    path(
        "questionnaires/<slug:instrument>/<int:pk>/modifier/",
        assessments.assessment_update,
        name="assessment_update",
    ),
    path("mon-accompagnement/mes-habitudes/", assessments.portal_check_in, name="portal_check_in"),
]
