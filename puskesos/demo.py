"""Demo organisation: Kab. Bandung, Kec. Cimaung and its ten desa, one user per role.

Used by ``seed_demo`` and by the tests, so both see the same region.
Region names and Kemendagri codes are those of DOMAIN.md; the villages' names of
people are invented.
"""

from django.contrib.auth.models import User
from django.db import transaction

from .models import District, Regency, Village
from .roles import Role
from .services import staff_member_create

DEMO_PASSWORD = "Sejahtera-Desa-2026"

REGENCY = {"code": "32.04", "name": "Kabupaten Bandung", "bps_code": "3204"}
DISTRICT = {"code": "32.04.17", "name": "Cimaung", "bps_code": "3204030"}
VILLAGES = [
    ("2001", "Cimaung", "3204030004"),
    ("2002", "Jagabaya", ""),
    ("2003", "Pasirhuni", ""),
    ("2004", "Campakamulya", ""),
    ("2005", "Cipinang", ""),
    ("2006", "Mekarsari", ""),
    ("2007", "Sukamaju", ""),
    ("2008", "Cikalong", ""),
    ("2009", "Malasari", ""),
    ("2010", "Warjabakti", ""),
]
CIMAUNG_PROFILE = {
    "puskesos_name": "Puskesos Silih Asih",
    "address": "Kantor Desa Cimaung, Jl. Raya Cimaung, Kecamatan Cimaung, Kabupaten Bandung",
    "postal_code": "40374",
    "head_title": "Kepala Desa",
    "head_name": "H. Asep Suhendar",
    "coordinator_name": "Dedi Supriadi",
}

# username, full name, role, unit ("village" = Desa Cimaung)
DEMO_USERS = [
    ("fo.cimaung", "Rina Marlina", Role.FRONT_OFFICE, "village", "Petugas Front Office"),
    ("bo.cimaung", "Ujang Saepudin", Role.BACK_OFFICE, "village", "Petugas Back Office"),
    ("koordinator.cimaung", "Dedi Supriadi", Role.COORDINATOR, "village", "Kasi Kesejahteraan"),
    ("kades.cimaung", "H. Asep Suhendar", Role.VILLAGE_HEAD, "village", "Kepala Desa"),
    ("fasilitator.cimaung", "Euis Nurhayati", Role.FACILITATOR, "village", "Fasilitator (TKSK)"),
    ("supervisor.cimaung", "Agus Hermawan", Role.SUPERVISOR, "district", "Supervisor SLRT"),
    ("manajer.bandung", "Siti Rahmawati", Role.MANAGER, "regency", "Manajer SLRT Dinsos"),
]


@transaction.atomic
def demo_region() -> tuple[Regency, District, list[Village]]:
    """Create (or find) the demo kabupaten, kecamatan and villages."""
    regency, _ = Regency.objects.get_or_create(code=REGENCY["code"], defaults=REGENCY)
    district, _ = District.objects.get_or_create(
        code=DISTRICT["code"], defaults={**DISTRICT, "regency": regency}
    )
    villages = []
    for suffix, name, bps in VILLAGES:
        village, _ = Village.objects.get_or_create(
            code=f"{DISTRICT['code']}.{suffix}",
            defaults={"name": name, "bps_code": bps, "district": district,
                      "puskesos_name": f"Puskesos Desa {name}"},
        )
        villages.append(village)
    Village.objects.filter(pk=villages[0].pk, head_name="").update(**CIMAUNG_PROFILE)
    villages[0].refresh_from_db()
    return regency, district, villages


@transaction.atomic
def demo_users(password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """One account per role; returns (username, role, unit) rows for printing."""
    regency, district, villages = demo_region()
    units = {"village": villages[0], "district": district, "regency": regency}
    rows = []
    for username, full_name, role, unit_kind, job_title in DEMO_USERS:
        unit = units[unit_kind]
        if not User.objects.filter(username=username).exists():
            staff_member_create(
                username=username, password=password, full_name=full_name, roles=[role],
                unit=unit, job_title=job_title,
            )
        else:
            user = User.objects.get(username=username)
            user.set_password(password)
            user.save(update_fields=["password"])
        rows.append((username, role.value, str(unit)))
    return rows
