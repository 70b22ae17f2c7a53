from django.urls import path

from accompaniment.views import portal

urlpatterns = [
    path("mon-accompagnement/", portal.portal_home, name="portal_home"),
    path("mon-accompagnement/parcours/", portal.portal_plan, name="portal_plan"),
    path(
        "mon-accompagnement/parcours/imprimer/",
        portal.portal_plan_print,
        name="portal_plan_print",
    ),
    path(
        "mon-accompagnement/actions/<int:pk>/cocher/",
        portal.portal_step_toggle,
        name="portal_step_toggle",
    ),
    path(
        "mon-accompagnement/objectifs/<int:pk>/ajouter/",
        portal.portal_step_add,
        name="portal_step_add",
    ),
    path("mon-accompagnement/rendez-vous/", portal.portal_appointments, name="portal_appointments"),
    path(
        "mon-accompagnement/rendez-vous/<str:kind>-<int:pk>.ics",
        portal.portal_appointment_ics,
        name="portal_appointment_ics",
    ),
    path("mon-accompagnement/agenda/", portal.portal_calendar, name="portal_calendar"),
    path(
        "mon-accompagnement/agenda/changer/",
        portal.portal_calendar_change,
        name="portal_calendar_change",
    ),
    path(
        "mon-accompagnement/agenda/<token:token>.ics",
        portal.portal_calendar_feed,
        name="portal_calendar_feed",
    ),
    path("mon-accompagnement/ateliers/", portal.portal_workshops, name="portal_workshops"),
    path(
        "mon-accompagnement/ateliers/<int:pk>/inscription/",
        portal.portal_workshop_register,
        name="portal_workshop_register",
    ),
    path(
        "mon-accompagnement/ateliers/<int:pk>/desinscription/",
        portal.portal_workshop_unregister,
        name="portal_workshop_unregister",
    ),
    path("mon-accompagnement/bonnes-adresses/", portal.portal_addresses, name="portal_addresses"),
    path(
        "mon-accompagnement/qui-voit-mon-dossier/",
        portal.portal_file_access,
        name="portal_file_access",
    ),
    path(
        "mon-accompagnement/consentements/<int:pk>/retirer/",
        portal.portal_consent_withdraw,
        name="portal_consent_withdraw",
    ),
    path(
        "mon-accompagnement/consentements/<int:pk>/donner/",
        portal.portal_consent_give,
        name="portal_consent_give",
    ),
    path("mon-accompagnement/mes-choix/", portal.portal_preferences, name="portal_preferences"),
    path(
        "mon-accompagnement/mes-choix/coordonnees/",
        portal.portal_contact_change,
        name="portal_contact_change",
    ),
    path("mon-accompagnement/mes-donnees/", portal.portal_data, name="portal_data"),
    path(
        "mon-accompagnement/mes-donnees/telecharger/",
        portal.portal_data_download,
        name="portal_data_download",
    ),
    path(
        "mon-accompagnement/mes-donnees/imprimer/",
        portal.portal_data_print,
        name="portal_data_print",
    ),
    path(
        "mon-accompagnement/mes-donnees/archive/",
        portal.portal_data_zip,
        name="portal_data_zip",
    ),
    path(
        "mon-accompagnement/mes-donnees/demande-copie/",
        portal.portal_access_request,
        name="portal_access_request",
    ),
    path(
        "mon-accompagnement/mes-donnees/suppression/",
        portal.portal_deletion_request,
        name="portal_deletion_request",
    ),
]
