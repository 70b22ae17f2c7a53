"""Partners' and contacts' phone numbers again in E.164 with the overseas country codes
(``soli_dome.phone``); a number that cannot be read is left as typed (partners' numbers are
public landlines: nothing is sent to them)."""

from django.db import migrations

from soli_dome.phone import to_e164


def renormalise(apps, schema_editor):
    from django.core.exceptions import ValidationError

    for name in ("Partner", "Contact"):
        model = apps.get_model("partners", name)
        for row in model.objects.exclude(phone="").only("pk", "phone").iterator():
            try:
                phone = to_e164(row.phone)
            except ValidationError:
                continue
            if phone != row.phone:
                model.objects.filter(pk=row.pk).update(phone=phone)


class Migration(migrations.Migration):
    dependencies = [("partners", "0007_order_contacts_ignoring_accents")]

    operations = [migrations.RunPython(renormalise, migrations.RunPython.noop)]
