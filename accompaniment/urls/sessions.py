from django.urls import path

from accompaniment.views import sessions

urlpatterns = [
    path("seances/", sessions.session_list, name="session_list"),
    path("seances/nouvelle/", sessions.session_create, name="session_create"),
    path(
        "beneficiaires/<int:pk>/seances/nouvelle/",
        sessions.session_create_for,
        name="session_create_for",
    ),
    path("seances/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("seances/<int:pk>/modifier/", sessions.session_update, name="session_update"),
    path("seances/<int:pk>/realisee/", sessions.session_record, name="session_record"),
    path("seances/<int:pk>/annuler/", sessions.session_cancel, name="session_cancel"),
    path("seances/<int:pk>/manquee/", sessions.session_missed, name="session_missed"),
]
