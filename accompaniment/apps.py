from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = _("Accompagnement")

    def ready(self):
        from beneficiaries.models import Beneficiary
        from soli_dome.notifications import outbox

        from . import reminders

        outbox.register_guard(reminders.still_wanted)
        outbox.erase_with_recipient(Beneficiary)
