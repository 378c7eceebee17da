"""Test data built through the real services (no hand-made rows where a service exists)."""

from itertools import count

from puskesos.demo import demo_region
from puskesos.models import District, Regency, Village
from puskesos.roles import ROLE_UNIT, Role
from puskesos.services import staff_member_create

PASSWORD = "Uji-Kata-Sandi-2026"
_seq = count(1)


def other_regency() -> tuple[Regency, District, Village]:
    """Kab. Garut with one kecamatan and one desa: outside the demo kabupaten."""
    regency, _ = Regency.objects.get_or_create(code="32.05", defaults={"name": "Kabupaten Garut"})
    district, _ = District.objects.get_or_create(
        code="32.05.01", defaults={"name": "Garut Kota", "regency": regency}
    )
    village, _ = Village.objects.get_or_create(
        code="32.05.01.1001", defaults={"name": "Pakuwon", "district": district,
                                        "kind": Village.Kind.KELURAHAN}
    )
    return regency, district, village


def other_district(regency: Regency) -> tuple[District, Village]:
    """Kec. Banjaran in the demo kabupaten: same kabupaten, other kecamatan."""
    district, _ = District.objects.get_or_create(
        code="32.04.13", defaults={"name": "Banjaran", "regency": regency}
    )
    village, _ = Village.objects.get_or_create(
        code="32.04.13.2001", defaults={"name": "Banjaran", "district": district}
    )
    return district, village


def make_staff(role: Role, unit, *, username: str | None = None):
    username = username or f"{role.name.lower()}-{next(_seq)}"
    return staff_member_create(
        username=username, password=PASSWORD, full_name=f"Petugas {role.value}",
        roles=[role], unit=unit,
    )


class Org:
    """The demo region plus a second kecamatan and a second kabupaten, and one user per
    role. ``own`` is Desa Cimaung; ``sibling`` Desa Jagabaya (same kecamatan);
    ``other_district_village`` is in Kec. Banjaran; ``foreign_village`` in Kab. Garut."""

    def __init__(self):
        self.regency, self.district, villages = demo_region()
        self.own, self.sibling = villages[0], villages[1]
        self.other_district, self.other_district_village = other_district(self.regency)
        self.foreign_regency, self.foreign_district, self.foreign_village = other_regency()
        units = {"village": self.own, "district": self.district, "regency": self.regency}
        self.users = {role: make_staff(role, units[ROLE_UNIT[role]]) for role in Role}
        # Staff of other places, to prove they stay invisible.
        self.sibling_staff = make_staff(Role.FRONT_OFFICE, self.sibling)
        self.foreign_staff = make_staff(Role.FRONT_OFFICE, self.foreign_village)
        self.foreign_manager = make_staff(Role.MANAGER, self.foreign_regency)

    def other_village_for(self, role: Role) -> Village:
        """A village this role's user must not see."""
        if role == Role.SUPERVISOR:
            return self.other_district_village
        if role == Role.MANAGER:
            return self.foreign_village
        return self.sibling

    def village_users(self, village: Village) -> dict:
        """Front office, back office and Koordinator of ``village`` (own: org.users)."""
        if village == self.own:
            return self.users
        cache = self.__dict__.setdefault("_village_users", {})
        if village.pk not in cache:
            cache[village.pk] = {
                role: make_staff(role, village, username=f"{role.name.lower()}.{village.pk}")
                for role in (Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.COORDINATOR)
            }
        return cache[village.pk]
