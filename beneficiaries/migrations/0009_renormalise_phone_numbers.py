"""Stored phone numbers again in E.164 with the overseas country codes (``soli_dome.phone``):
"+33692…" written before for a Réunion mobile becomes "+262692…". The numbers that cannot be
read are left as they are, and each active coordinator gets an e-mail (through the outbox)
listing the files to correct."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from soli_dome.phone import national_digits, to_e164


def renormalise(apps, schema_editor):
    from django.core.exceptions import ValidationError

    Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
    ContactChangeRequest = apps.get_model("beneficiaries", "ContactChangeRequest")
    unreadable = []
    for model in (Beneficiary, ContactChangeRequest):
        for row in model.objects.exclude(phone="").only("pk", "phone").iterator():
            try:
                phone = to_e164(row.phone)
            except ValidationError:
                if model is Beneficiary:
                    unreadable.append(row.pk)
                continue
            if phone != row.phone:
                fields = {"phone": phone}
                if model is Beneficiary:
                    fields["phone_digits"] = national_digits(phone)
                model.objects.filter(pk=row.pk).update(**fields)
    if unreadable:
        _report(apps, Beneficiary.objects.filter(pk__in=unreadable).order_by("last_name"))


def _report(apps, files):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    ContentType = apps.get_model("contenttypes", "ContentType")
    Notification = apps.get_model("notifications", "Notification")
    user_type, _created = ContentType.objects.get_or_create(app_label="users", model="user")
    lines = [
        f"- {file.first_name} {file.last_name} ({file.phone}) : "
        f"{settings.SITE_URL}/beneficiaires/{file.pk}/modifier/"
        for file in files[:200]
    ]
    body = (
        "Bonjour,\n\nCes numéros de téléphone n'ont pas pu être lus lors de la mise à jour "
        "des numéros (format international, codes des outre-mer). Les rappels par SMS ne leur "
        "partent pas : corrigez-les dans les dossiers.\n\n" + "\n".join(lines) + "\n"
    )
    now = timezone.now()
    for coordinator in User.objects.filter(role="coordinator", is_active=True).exclude(email=""):
        Notification.objects.get_or_create(
            idempotency_key=f"phone-renormalisation:{coordinator.pk}",
            defaults={
                "kind": "staff_notice",
                "channel": "email",
                "recipient_type": user_type,
                "recipient_id": coordinator.pk,
                "address": coordinator.email,
                "language": "fr",
                "subject": "Soli'dôme — numéros de téléphone à corriger",
                "body": body,
                "due_at": now,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0008_retention_anonymised_at_and_access_request"),
        ("notifications", "0004_message_kinds_and_held_status"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(renormalise, migrations.RunPython.noop)]
