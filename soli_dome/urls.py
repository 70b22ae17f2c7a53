from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import converters, health

converters.register()  # before the apps' URLconfs below use them

urlpatterns = [
    path("", include("soli_dome.users.urls")),
    path("healthz/", login_not_required(health.healthz), name="healthz"),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("compte/", include("allauth.urls")),
    path("beneficiaires/", include("beneficiaries.urls")),
    path("acteurs/", include("partners.urls")),
    path("messages/", include("soli_dome.notifications.urls")),
    path("journal/", include("soli_dome.audit.urls")),
    path("", include("accompaniment.urls")),
    path("admin/", admin.site.urls),
]
