"""The themes of accompaniment of the design; coordinators may add more."""

from django.db import migrations

THEMES = [
    "Budget alimentaire",
    "Savoir-faire culinaires",
    "Nutrition et santé",
    "Approvisionnement local et durable",
    "Accès aux droits et à l'aide alimentaire",
    "Monnaie locale (la Doume)",
    "Lien social",
]


def load_themes(apps, schema_editor):
    Theme = apps.get_model("accompaniment", "Theme")
    for position, name in enumerate(THEMES):
        Theme.objects.update_or_create(name=name, defaults={"position": position})


def unload_themes(apps, schema_editor):
    apps.get_model("accompaniment", "Theme").objects.filter(name__in=THEMES).delete()


class Migration(migrations.Migration):
    dependencies = [("accompaniment", "0001_initial")]

    operations = [migrations.RunPython(load_themes, unload_themes)]
