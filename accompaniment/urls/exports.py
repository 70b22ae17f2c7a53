from django.urls import path

from accompaniment.views import exports

urlpatterns = [
    path("exports/", exports.export_list, name="export_list"),
    path("exports/recherche/", exports.research_export, name="research_export"),
    path("exports/<slug:slug>/exporter/", exports.export_create, name="export_create"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/telecharger/<str:token>/", exports.export_download, name="export_download"),
]
