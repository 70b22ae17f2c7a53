"""The themes of accompaniment of the design; coordinators may add more."""

from django.db import migrations

from accompaniment.vocabulary import THEMES, load_themes


def load(apps, schema_editor):
    load_themes(apps.get_model("accompaniment", "Theme"))


def unload(apps, schema_editor):
    apps.get_model("accompaniment", "Theme").objects.filter(name__in=THEMES).delete()


class Migration(migrations.Migration):
    dependencies = [("accompaniment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
