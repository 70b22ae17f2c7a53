from django.urls import path

from . import choosers, imports, views
from .map import partner_map, partner_markers

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="partner_list"),
    path("nouveau/", views.partner_create, name="partner_create"),
    path("carte/", partner_map, name="partner_map"),
    path("carte/marqueurs.json", partner_markers, name="partner_markers"),
    path("choisir/", choosers.partner_chooser, name="partner_chooser"),
    path("a-revoir/", views.partner_review_list, name="partner_review_list"),
    path("listes/", views.category_list, name="category_list"),
    path("importer/", imports.partner_import, name="partner_import"),
    path(
        "importer/<filetoken:token>/", imports.partner_import_preview, name="partner_import_preview"
    ),
    path(
        "importer/<filetoken:token>/confirmer/",
        imports.partner_import_confirm,
        name="partner_import_confirm",
    ),
    path("imports/<int:pk>/", imports.import_job_detail, name="import_job_detail"),
    path(
        "modele.<str:extension>",
        imports.partner_import_template,
        name="partner_import_template",
    ),
    path("export.<str:extension>", imports.partner_export, name="partner_export"),
    path(
        "export-data-inclusion-<str:kind>.json",
        imports.partner_export_data_inclusion,
        name="partner_export_data_inclusion",
    ),
    path("<int:pk>/", views.partner_detail, name="partner_detail"),
    path("<int:pk>/modifier/", views.partner_update, name="partner_update"),
    path("<int:pk>/archiver/", views.partner_archive, name="partner_archive"),
    path("<int:pk>/desarchiver/", views.partner_unarchive, name="partner_unarchive"),
    path("<int:pk>/verifiee/", views.partner_mark_checked, name="partner_mark_checked"),
    path("<int:pk>/contacts/nouveau/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/retirer/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/fermetures/nouvelle/", views.closure_create, name="closure_create"),
    path("fermetures/<int:pk>/retirer/", views.closure_delete, name="closure_delete"),
    path(
        "<int:pk>/journal/nouveau/",
        views.partnership_event_create,
        name="partnership_event_create",
    ),
]
