from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = _("Accompagnement")

    def ready(self):
        from django.db.models.signals import post_save

        from beneficiaries.models import Beneficiary
        from soli_dome.notifications import outbox

        from . import reminders

        outbox.register_guard(reminders.still_wanted)
        outbox.register_addresser(reminders.current_address)
        outbox.erase_with_recipient(Beneficiary)
        post_save.connect(
            reminders.follow_new_contact, sender=Beneficiary, dispatch_uid="follow_new_contact"
        )
