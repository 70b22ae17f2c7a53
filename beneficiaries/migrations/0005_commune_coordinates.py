from django.db import migrations

from beneficiaries.communes import load_commune_positions


def forwards(apps, schema_editor):
    load_commune_positions(apps.get_model("beneficiaries", "Commune"))


def backwards(apps, schema_editor):
    apps.get_model("beneficiaries", "Commune").objects.update(latitude=None, longitude=None)


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0004_portal_invitation_contact_change_deletion_request"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
