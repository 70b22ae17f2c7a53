from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "soli_dome.notifications"
    label = "notifications"
    verbose_name = _("Messages et rappels")

    def ready(self):
        from django.contrib.auth import get_user_model

        from . import outbox

        outbox.erase_with_recipient(get_user_model())
