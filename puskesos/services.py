"""Writes on the organisation: staff accounts and the village profile."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import District, Regency, StaffProfile, Village
from .roles import ROLE_UNIT, Role
from .scoping import can_see_village

VILLAGE_PROFILE_FIELDS = (
    "puskesos_name", "address", "postal_code", "phone", "email", "logo",
    "head_title", "head_name", "coordinator_name",
)


@transaction.atomic
def staff_member_create(
    *,
    username: str,
    password: str,
    full_name: str,
    roles: Iterable[Role],
    unit: Village | District | Regency,
    job_title: str = "",
) -> User:
    """Create a staff account with its roles, attached to a village, kecamatan or kabupaten.

    The roles must fit the unit: village roles need a village, a Supervisor a
    kecamatan, a Manajer a kabupaten. Managers get admin-site access.
    """
    roles = list(roles)
    if not roles:
        raise ValidationError(_("Petugas harus memiliki paling sedikit satu peran."))
    unit_kind = {Village: "village", District: "district", Regency: "regency"}[type(unit)]
    for role in roles:
        if ROLE_UNIT[role] != unit_kind:
            raise ValidationError(
                _("Peran %(role)s tidak cocok dengan unit kerja %(unit)s.")
                % {"role": role.value, "unit": unit}
            )
    first, _sep, last = full_name.partition(" ")
    user = User(username=username, first_name=first, last_name=last)
    user.is_staff = Role.MANAGER in roles
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    StaffProfile.objects.create(user=user, job_title=job_title, **{unit_kind: unit})
    return user


@transaction.atomic
def village_profile_update(*, actor: User, village: Village, data: dict) -> Village:
    """Change the Puskesos profile of a village (letterhead, signatures, contact).

    Only a user who may change villages and who sees this village may do it.
    """
    if not actor.has_perm("puskesos.change_village") or not can_see_village(actor, village):
        raise PermissionDenied(_("Anda tidak berwenang mengubah profil desa ini."))
    village = Village.objects.select_for_update().get(pk=village.pk)
    for field in VILLAGE_PROFILE_FIELDS:
        if field in data:
            setattr(village, field, data[field])
    village.full_clean()
    village.save()
    return village
