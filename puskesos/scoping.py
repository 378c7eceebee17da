"""The one scoping rule: which villages' data a user may see.

- village staff: their own village;
- Supervisor Kecamatan: the villages of their kecamatan;
- Manajer Kabupaten: every village of their kabupaten;
- a superuser: everything.
A user without a staff profile sees nothing.

Every view, selector and admin page limits its rows with :func:`scope`.
"""

from django.db.models import Q, QuerySet

from .models import District, Regency, StaffProfile, Village


def staff_profile(user) -> StaffProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def visible_villages(user) -> QuerySet[Village]:
    """The villages whose records ``user`` may see (a lazy queryset, usable as a subquery)."""
    if not user.is_authenticated or not user.is_active:
        return Village.objects.none()
    if user.is_superuser:
        return Village.objects.all()
    profile = staff_profile(user)
    if profile is None:
        return Village.objects.none()
    if profile.village_id:
        return Village.objects.filter(pk=profile.village_id)
    if profile.district_id:
        return Village.objects.filter(district_id=profile.district_id)
    return Village.objects.filter(district__regency_id=profile.regency_id)


def scope(queryset: QuerySet, user, *, via: str = "village") -> QuerySet:
    """Limit ``queryset`` to the rows of the villages ``user`` may see.

    ``via`` is the lookup path from the model to its village (``"village"``,
    ``"household__village"``, …); ``""`` means the model is the village itself.
    """
    villages = visible_villages(user)
    if user.is_authenticated and user.is_superuser:
        return queryset
    if via == "":
        return queryset.filter(pk__in=villages.values("pk"))
    return queryset.filter(**{f"{via}__in": villages.values("pk")})


def works_in(user, village_id) -> bool:
    """Whether ``user`` is staff of this village (or a superuser): the people who act on
    its records. Seeing a village (a Supervisor, a Manajer) is not enough to act."""
    if user.is_superuser:
        return True
    profile = staff_profile(user)
    return profile is not None and profile.village_id == village_id


def own_village(user) -> Village | None:
    """The village a village staff member works in; None for kecamatan/kabupaten staff."""
    profile = staff_profile(user)
    return profile.village if profile is not None and profile.village_id else None


def can_see_village(user, village: Village) -> bool:
    return visible_villages(user).filter(pk=village.pk).exists()


def visible_districts(user) -> QuerySet[District]:
    return District.objects.filter(pk__in=visible_villages(user).values("district"))


def visible_regencies(user) -> QuerySet[Regency]:
    return Regency.objects.filter(pk__in=visible_villages(user).values("district__regency"))


def visible_staff_profiles(user) -> QuerySet[StaffProfile]:
    """Staff of the villages, kecamatan and kabupaten the user sees."""
    if user.is_authenticated and user.is_superuser:
        return StaffProfile.objects.all()
    return StaffProfile.objects.filter(
        Q(village__in=visible_villages(user).values("pk"))
        | Q(district__in=visible_districts(user).values("pk"))
        | Q(regency__in=visible_regencies(user).values("pk"))
    )
