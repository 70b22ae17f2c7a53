from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = _("Accompagnement")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from beneficiaries.models import Beneficiary, Consent
        from soli_dome.notifications import outbox

        from . import reminders

        outbox.register_guard(reminders.still_wanted)
        outbox.register_addresser(reminders.current_address)
        outbox.erase_with_recipient(Beneficiary)
        # The person's choices drive what is pending (reminders.replan), in the transaction
        # that changed them, whoever changed them (portal, file, consents, admin).
        post_save.connect(reminders.replan_on_save, sender=Beneficiary, dispatch_uid="replan")
        post_save.connect(reminders.replan_on_consent, sender=Consent, dispatch_uid="replan-c")
        post_delete.connect(reminders.replan_on_consent, sender=Consent, dispatch_uid="replan-d")
