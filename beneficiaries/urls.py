from django.urls import path

from . import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.beneficiary_list, name="beneficiary_list"),
    path("nouveau/", views.beneficiary_create, name="beneficiary_create"),
    path("<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
    path("<int:pk>/modifier/", views.beneficiary_update, name="beneficiary_update"),
    path("<int:pk>/journal/", views.beneficiary_access_log, name="beneficiary_access_log"),
]
