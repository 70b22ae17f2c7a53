from django.urls import path

from . import choosers, views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.beneficiary_list, name="beneficiary_list"),
    path("choisir/", choosers.beneficiary_chooser, name="beneficiary_chooser"),
    path("nouveau/", views.beneficiary_create, name="beneficiary_create"),
    path("<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
    path("<int:pk>/modifier/", views.beneficiary_update, name="beneficiary_update"),
    path("<int:pk>/journal/", views.beneficiary_access_log, name="beneficiary_access_log"),
    path("<int:pk>/consentements/", views.beneficiary_consents, name="beneficiary_consents"),
    path("<int:pk>/statut/", views.beneficiary_status, name="beneficiary_status"),
    path("<int:pk>/suivi/", views.beneficiary_assignments, name="beneficiary_assignments"),
    path("suivis/<int:pk>/retirer/", views.assignment_delete, name="assignment_delete"),
    path("a-suivre/", views.follow_up, name="follow_up"),
    path("<int:pk>/inviter/", views.portal_invite, name="portal_invite"),
    path("invitation/<token:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "coordonnees/<int:pk>/decision/", views.contact_change_decide, name="contact_change_decide"
    ),
    path(
        "suppressions/<int:pk>/traitee/",
        views.deletion_request_handled,
        name="deletion_request_handled",
    ),
    path(
        "acces/<int:pk>/traitee/",
        views.access_request_handled,
        name="access_request_handled",
    ),
]
