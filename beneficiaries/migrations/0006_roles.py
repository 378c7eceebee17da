"""Give the roles their register permissions (puskesos/roles.py)."""

from django.db import migrations

from puskesos.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0005_export_permission"),
        ("referrals", "0002_agency_catalogue"),
        ("puskesos", "0002_roles"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
