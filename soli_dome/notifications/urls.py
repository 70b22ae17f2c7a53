from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<int:pk>/renvoyer/", views.notification_send_again, name="notification_send_again"),
    path("budget-sms/", views.sms_budget, name="sms_budget"),
    path("retenus/envoyer/", views.notification_release_held, name="notification_release_held"),
]
