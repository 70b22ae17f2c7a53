from django.urls import path

from accompaniment.views import workshops

urlpatterns = [
    path("ateliers/", workshops.workshop_list, name="workshop_list"),
    path("ateliers/nouveau/", workshops.workshop_create, name="workshop_create"),
    path("ateliers/<int:pk>/", workshops.workshop_detail, name="workshop_detail"),
    path("ateliers/<int:pk>/modifier/", workshops.workshop_update, name="workshop_update"),
    path("ateliers/<int:pk>/annuler/", workshops.workshop_cancel, name="workshop_cancel"),
    path("ateliers/<int:pk>/inscrire/", workshops.workshop_register, name="workshop_register"),
    path(
        "ateliers/inscriptions/<int:pk>/desinscrire/",
        workshops.registration_cancel,
        name="registration_cancel",
    ),
    path("ateliers/<int:pk>/feuille-de-presence/", workshops.workshop_sheet, name="workshop_sheet"),
    path("ateliers/<int:pk>/presences/", workshops.workshop_attendance, name="workshop_attendance"),
    path("ateliers/<int:pk>/actions/", workshops.workshop_steps, name="workshop_steps"),
]
