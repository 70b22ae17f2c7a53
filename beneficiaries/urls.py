from django.urls import path

from . import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.beneficiary_list, name="beneficiary_list"),
    path("<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
]
