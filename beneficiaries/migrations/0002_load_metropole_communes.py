"""Loads the 21 communes of the métropole."""
from django.db import migrations

from beneficiaries.communes import METROPOLE_COMMUNES, load_metropole_communes



def load_communes(apps, schema_editor):
    load_metropole_communes(apps.get_model("beneficiaries", "Commune"))


def unload_communes(apps, schema_editor):
    Commune = apps.get_model("beneficiaries", "Commune")
    Commune.objects.filter(insee_code__in=[row[1] for row in METROPOLE_COMMUNES]).delete()


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_initial")]

    operations = [migrations.RunPython(load_communes, unload_communes)]
