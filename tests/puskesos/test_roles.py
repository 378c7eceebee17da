"""Roles are groups created by the migrations, with exactly the permissions in roles.py."""

import pytest
from django.contrib.auth.models import Group

from puskesos.roles import ROLE_PERMISSIONS, Role


@pytest.mark.parametrize("role", list(Role))
def test_each_role_group_has_exactly_its_permissions(db, role):
    group = Group.objects.get(name=role.value)
    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }
    assert granted == set(ROLE_PERMISSIONS[role])


def test_village_head_is_read_only(db):
    # The one thing the Kepala Desa writes: the mark that a periodic report is signed.
    perms = [p for p in ROLE_PERMISSIONS[Role.VILLAGE_HEAD] if p != "reports.sign_issuedreport"]
    assert all(p.split(".")[1].startswith("view_") for p in perms)
    assert "reports.sign_issuedreport" in ROLE_PERMISSIONS[Role.VILLAGE_HEAD]


def test_only_the_manager_gets_the_admin_site(org):
    for role, user in org.users.items():
        assert user.is_staff == (role == Role.MANAGER)
