"""Seed the complaint sectors (editable in the admin afterwards) and give the roles
their front-office permissions (puskesos/roles.py)."""

from django.db import migrations

from puskesos.roles import sync_roles

# Sectors seen in the field [004, SLRT practice], DOMAIN.md §3.
SECTORS = [
    ("kesehatan", "Kesehatan"),
    ("pendidikan", "Pendidikan"),
    ("adminduk", "Administrasi kependudukan"),
    ("sosial-ekonomi", "Sosial-ekonomi"),
    ("pangan", "Pangan"),
    ("perumahan", "Perumahan"),
    ("energi", "Energi"),
    ("pertanian", "Pertanian"),
    ("perikanan", "Perikanan"),
    ("lainnya", "Lainnya"),
]


def seed(apps, schema_editor):
    Sector = apps.get_model("referrals", "Sector")
    for order, (code, name) in enumerate(SECTORS, start=1):
        Sector.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})


def seed_and_sync(apps, schema_editor):
    seed(apps, schema_editor)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_sector_complaint"),
        ("intake", "0001_initial"),
        ("beneficiaries", "0007_prelistproposal_proposalmember"),
        ("puskesos", "0003_counter"),
    ]
    operations = [migrations.RunPython(seed_and_sync, migrations.RunPython.noop)]
