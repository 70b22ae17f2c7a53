"""Loads the kinds of actor (design, section 1), the services offered and the access conditions."""
from django.db import migrations

from partners.vocabulary import load_vocabulary, unload_vocabulary


def _models(apps):
    return (
        apps.get_model("partners", "Category"),
        apps.get_model("partners", "ServiceTag"),
        apps.get_model("partners", "AccessCondition"),
    )


def load(apps, schema_editor):
    load_vocabulary(*_models(apps))


def unload(apps, schema_editor):
    unload_vocabulary(*_models(apps))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_partner_directory")]

    operations = [migrations.RunPython(load, unload)]
