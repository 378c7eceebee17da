"""A user of village A never sees village B's rows, in the pages and in the admin."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from puskesos.models import StaffProfile, Village
from puskesos.roles import Role
from puskesos.scoping import scope, visible_villages


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_village_staff_see_only_their_village(org):
    for role in (Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.COORDINATOR, Role.VILLAGE_HEAD,
                 Role.FACILITATOR):
        assert codes(visible_villages(org.users[role])) == {org.own.code}


def test_supervisor_sees_the_villages_of_the_kecamatan(org):
    seen = codes(visible_villages(org.users[Role.SUPERVISOR]))
    assert seen == set(Village.objects.filter(district=org.district).values_list("code", flat=True))
    assert len(seen) == 10
    assert org.other_district_village.code not in seen


def test_manager_sees_the_kabupaten_and_nothing_outside(org):
    seen = codes(visible_villages(org.users[Role.MANAGER]))
    assert org.own.code in seen and org.other_district_village.code in seen
    assert org.foreign_village.code not in seen


def test_user_without_unit_sees_nothing_and_gets_an_explanation(client, db):
    user = User.objects.create_user("tanpa.desa", password="Uji-Kata-Sandi-2026")
    assert not visible_villages(user).exists()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "belum terhubung ke desa" in response.content.decode()


def test_scope_follows_a_lookup_path(org):
    fo = org.users[Role.FRONT_OFFICE]
    profiles = scope(StaffProfile.objects.all(), fo, via="village")
    assert set(profiles.values_list("village__code", flat=True)) == {org.own.code}


def test_village_pages_hide_other_villages(client, org):
    client.force_login(org.users[Role.FRONT_OFFICE])
    listing = client.get(reverse("village-list")).content.decode()
    assert org.own.code in listing
    assert org.sibling.code not in listing
    detail = client.get(reverse("village-detail", args=[org.sibling.code]))
    assert detail.status_code == 404
    assert "bukan bagian dari wilayah kerja Anda" in detail.content.decode()


def test_staff_list_shows_only_own_village_staff(client, org):
    client.force_login(org.users[Role.COORDINATOR])
    html = client.get(reverse("staff-list")).content.decode()
    assert org.users[Role.FRONT_OFFICE].get_full_name() in html
    assert org.sibling_staff.username not in html
    usernames = {p.user.username for p in client.get(reverse("staff-list")).context["object_list"]}
    assert org.sibling_staff.username not in usernames
    assert org.users[Role.FRONT_OFFICE].username in usernames


@pytest.mark.parametrize(
    "url_name,hidden",
    [
        ("admin:puskesos_village_changelist", "foreign_village"),
        ("admin:puskesos_staffprofile_changelist", "foreign_staff"),
        ("admin:auth_user_changelist", "foreign_staff"),
    ],
)
def test_admin_lists_are_scoped_for_the_manager(client, org, url_name, hidden):
    client.force_login(org.users[Role.MANAGER])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    shown = {str(obj.pk) for obj in response.context["cl"].result_list}
    obj = getattr(org, hidden)
    if hasattr(obj, "staff_profile") and "staffprofile" in url_name:
        obj = obj.staff_profile
    assert str(obj.pk) not in shown
    assert len(shown) > 0


def test_admin_filter_offers_only_visible_kecamatan(client, org):
    client.force_login(org.users[Role.MANAGER])
    html = client.get(reverse("admin:puskesos_village_changelist")).content.decode()
    assert "kecamatan=32.04.17" in html
    assert "kecamatan=32.05.01" not in html
    filtered = client.get(reverse("admin:puskesos_village_changelist"), {"kecamatan": "32.04.13"})
    assert {v.code for v in filtered.context["cl"].result_list} == {
        org.other_district_village.code
    }


def test_manager_cannot_grant_superuser_or_edit_superusers(client, org):
    boss = User.objects.create_superuser("root", password="Uji-Kata-Sandi-2026")
    manager = org.users[Role.MANAGER]
    client.force_login(manager)
    assert client.get(reverse("admin:auth_user_change", args=[boss.pk])).status_code == 302
    form = client.get(reverse("admin:auth_user_change", args=[manager.pk])).context["adminform"]
    assert "is_superuser" not in form.form.fields
    assert "user_permissions" not in form.form.fields
