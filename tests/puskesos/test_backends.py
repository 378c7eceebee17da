"""The auth backend: the user with its staff profile in one query, permissions kept
for a short time per process."""

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

from puskesos.backends import StaffBackend, clear_permission_cache
from puskesos.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    clear_permission_cache()
    yield
    clear_permission_cache()


def fresh(user):
    return StaffBackend().get_user(user.pk)


def test_user_comes_with_its_staff_profile(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = fresh(org.users[Role.FRONT_OFFICE])
        assert user.staff_profile.village_id == org.own.pk


def test_permissions_are_read_once_per_process(org, django_assert_num_queries):
    fo = org.users[Role.FRONT_OFFICE]
    assert fresh(fo).has_perm("intake.add_visit")
    with django_assert_num_queries(1):  # the user; no permission queries
        assert fresh(fo).has_perm("intake.add_visit")


def test_a_role_change_shows_after_the_cache_time(org):
    fo = org.users[Role.FRONT_OFFICE]
    assert not fresh(fo).has_perm("beneficiaries.add_importbatch")
    fo.groups.add(Group.objects.get(name=Role.COORDINATOR.value))
    assert not fresh(fo).has_perm("beneficiaries.add_importbatch")  # still cached
    with override_settings(PERMISSION_CACHE_SECONDS=0):
        assert fresh(fo).has_perm("beneficiaries.add_importbatch")


def test_a_new_password_is_a_new_entry(org):
    fo = org.users[Role.FRONT_OFFICE]
    assert fresh(fo).has_perm("intake.add_visit")
    fo.groups.clear()
    fo.set_password("Kata-sandi-baru-2026")
    fo.save()
    assert not fresh(fo).has_perm("intake.add_visit")


def test_inactive_users_have_no_permissions(org):
    fo = org.users[Role.FRONT_OFFICE]
    fo.is_active = False
    fo.save()
    assert not fo.has_perm("intake.add_visit")
