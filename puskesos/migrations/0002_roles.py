"""Create the role groups with their permissions (puskesos/roles.py)."""

from django.db import migrations

from puskesos.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("puskesos", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("auditlog", "0017_add_actor_email"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
