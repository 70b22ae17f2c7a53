from django.db import migrations


class Migration(migrations.Migration):
    """Apart from 0005: PostgreSQL refuses to alter a table whose rows the same transaction
    updated under a deferred foreign key."""

    dependencies = [("accompaniment", "0005_workshop_host_partner")]

    operations = [migrations.RemoveField(model_name="workshop", name="host_name")]
