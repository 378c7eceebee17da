"""Seed the referral agency catalogue (editable in the admin afterwards).

Destinations per programme follow Perbup Batang 51/2023, Lampiran 2 (DOMAIN.md §3).
"""

from django.db import migrations

AGENCIES = [
    ("slrt-kabupaten", "Sekretariat SLRT Kabupaten (Manajer SLRT)", "kabupaten"),
    ("slrt-kecamatan", "Supervisor SLRT Kecamatan", "kecamatan"),
    ("pemdes", "Pemerintah Desa", "desa"),
    ("dinsos", "Dinas Sosial Kabupaten", "kabupaten"),
    ("kemensos-linjamsos", "Kementerian Sosial — Ditjen Perlindungan dan Jaminan Sosial",
     "nasional"),
    ("kemensos-dayasos", "Kementerian Sosial — Ditjen Pemberdayaan Sosial", "nasional"),
    ("kemensos-rehsos", "Kementerian Sosial — Ditjen Rehabilitasi Sosial", "nasional"),
    ("bank-penyalur", "Bank penyalur bantuan sosial (Himbara)", "lainnya"),
    ("penyalur-sembako", "Penyalur/e-Warong program Sembako", "lainnya"),
    ("disdik", "Dinas Pendidikan Kabupaten", "kabupaten"),
    ("kemendikbud", "Kementerian Pendidikan (PIP)", "nasional"),
    ("kemenag", "Kantor Kementerian Agama Kabupaten (madrasah)", "kabupaten"),
    ("dinkes", "Dinas Kesehatan Kabupaten", "kabupaten"),
    ("bpjs-kesehatan", "BPJS Kesehatan Kantor Cabang", "lainnya"),
    ("disperkim", "Dinas Perumahan dan Kawasan Permukiman Kabupaten", "kabupaten"),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil Kabupaten", "kabupaten"),
]


def seed(apps, schema_editor):
    Agency = apps.get_model("referrals", "Agency")
    for code, name, level in AGENCIES:
        Agency.objects.update_or_create(code=code, defaults={"name": name, "level": level})


def unseed(apps, schema_editor):
    apps.get_model("referrals", "Agency").objects.filter(
        code__in=[code for code, _name, _level in AGENCIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
