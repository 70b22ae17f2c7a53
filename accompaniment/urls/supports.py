from django.urls import path

from accompaniment.views import supports

urlpatterns = [
    path("beneficiaires/<int:pk>/aides/ajouter/", supports.support_create, name="support_create"),
    path("aides/<int:pk>/modifier/", supports.support_update, name="support_update"),
    path("aides/<int:pk>/supprimer/", supports.support_delete, name="support_delete"),
]
