"""Seed the need-suggestion rules (editable by the Manajer afterwards) and give the roles
the permissions for profile changes, programme needs and proposal evidence."""

from django.db import migrations

from puskesos.roles import sync_roles

# code, name, programme, min age, max age, disability only, max desil, per person, order
RULES = [
    ("pip-anak-sekolah", "Anak usia sekolah (6–21) tanpa PIP/KIP", "pip", 6, 21, False, 4,
     True, 10),
    ("atensi-lansia", "Lanjut usia (60+) tanpa ATENSI", "atensi", 60, None, False, 4, True,
     20),
    ("atensi-disabilitas", "Penyandang disabilitas tanpa ATENSI", "atensi", None, None,
     True, None, True, 30),
    ("pbi-desil-rendah", "Anggota rumah tangga desil 1–4 tanpa PBI-JK", "pbi-jk", None,
     None, False, 4, True, 40),
    ("pkh-balita", "Rumah tangga desil 1–2 dengan balita tanpa PKH", "pkh", None, 5, False,
     2, False, 50),
    ("pkh-lansia", "Rumah tangga desil 1–2 dengan lansia 70+ tanpa PKH", "pkh", 70, None,
     False, 2, False, 51),
    ("pkh-disabilitas", "Rumah tangga desil 1–2 dengan penyandang disabilitas tanpa PKH",
     "pkh", None, None, True, 2, False, 52),
    ("sembako-desil-rendah", "Rumah tangga desil 1–4 tanpa Sembako/BPNT", "bpnt", None,
     None, False, 4, False, 60),
    ("rtlh-desil-1", "Rumah tangga desil 1 tanpa RTLH (cek kondisi rumah)", "rtlh", None,
     None, False, 1, False, 70),
]


def seed(apps, schema_editor):
    Programme = apps.get_model("beneficiaries", "Programme")
    NeedRule = apps.get_model("beneficiaries", "NeedRule")
    for code, name, programme, min_age, max_age, disability, desil, per_person, order in RULES:
        target = Programme.objects.filter(code=programme).first()
        if target is None:
            continue
        NeedRule.objects.update_or_create(code=code, defaults={
            "name": name, "programme": target, "min_age": min_age, "max_age": max_age,
            "disability_only": disability, "max_desil": desil, "per_person": per_person,
            "order": order,
        })


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0009_register_upkeep"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
