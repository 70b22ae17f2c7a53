"""The starting services that are features of a place ("Accepte la Doume") are not services
in the data·inclusion sense."""
from django.db import migrations

from partners.vocabulary import mark_place_features


def mark(apps, schema_editor):
    mark_place_features(apps.get_model("partners", "ServiceTag"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_data_inclusion_fields")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
