from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "soli_dome.users"
    label = "users"
    verbose_name = _("Comptes et rôles")
