from django.db import migrations

from puskesos.roles import sync_roles


class Migration(migrations.Migration):
    """Give the roles the report permissions (puskesos.roles)."""

    dependencies = [
        ("reports", "0001_reports"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
