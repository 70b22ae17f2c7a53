from django.urls import path

from accompaniment.views import plans

urlpatterns = [
    path("beneficiaires/<int:pk>/plan/", plans.plan_detail, name="plan_detail"),
    path("beneficiaires/<int:pk>/plan/imprimer/", plans.plan_print, name="plan_print"),
    path("beneficiaires/<int:pk>/historique/", plans.plan_timeline, name="plan_timeline"),
    path(
        "beneficiaires/<int:pk>/historique/recent/",
        plans.timeline_recent,
        name="timeline_recent",
    ),
    path("beneficiaires/<int:pk>/objectifs/ajouter/", plans.goal_create, name="goal_create"),
    path("beneficiaires/<int:pk>/notes/ajouter/", plans.note_create, name="note_create"),
    path("objectifs/<int:pk>/modifier/", plans.goal_update, name="goal_update"),
    path("objectifs/<int:pk>/etat/", plans.goal_status, name="goal_status"),
    path("objectifs/<int:pk>/deplacer/", plans.goal_move, name="goal_move"),
    path("objectifs/<int:pk>/actions/ajouter/", plans.step_create, name="step_create"),
    path("actions/<int:pk>/modifier/", plans.step_update, name="step_update"),
    path("actions/<int:pk>/cocher/", plans.step_toggle, name="step_toggle"),
    path("actions/<int:pk>/deplacer/", plans.step_move, name="step_move"),
    path("actions/<int:pk>/supprimer/", plans.step_delete, name="step_delete"),
]
