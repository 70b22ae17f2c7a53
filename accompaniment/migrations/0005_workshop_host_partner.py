import django.db.models.deletion
from django.db import migrations, models


def link_hosts(apps, schema_editor):
    """A host named in free text becomes the listing of that name; a name the directory does
    not know is kept in the workshop's place, so nothing written is lost."""
    Workshop = apps.get_model("accompaniment", "Workshop")
    Partner = apps.get_model("partners", "Partner")
    place_length = Workshop._meta.get_field("place").max_length
    for workshop in Workshop.objects.exclude(host_name=""):
        name = workshop.host_name.strip()
        partner = Partner.objects.filter(name__iexact=name).order_by("is_archived", "pk").first()
        if partner:
            workshop.host = partner
        elif name.casefold() not in workshop.place.casefold():
            workshop.place = f"{workshop.place} — {name}"[:place_length]
        workshop.save(update_fields=["host", "place"])


def name_hosts(apps, schema_editor):
    Workshop = apps.get_model("accompaniment", "Workshop")
    for workshop in Workshop.objects.exclude(host=None).select_related("host"):
        workshop.host_name = workshop.host.name
        workshop.save(update_fields=["host_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("accompaniment", "0004_referrals"),
        ("partners", "0004_import_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="host",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "L'acteur du territoire qui accueille l'atelier, s'il y en a un : "
                    "l'atelier paraît alors sur sa fiche."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="hosted_workshops",
                to="partners.partner",
                verbose_name="accueilli par",
            ),
        ),
        migrations.RunPython(link_hosts, name_hosts),
    ]
