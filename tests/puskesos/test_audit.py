"""Who did what, when, to which record, from which address."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessFailureLog, AccessLog
from django.urls import reverse

from puskesos.roles import Role
from tests.factories import PASSWORD


def test_changing_a_village_profile_is_audited_with_actor_and_address(client, org):
    koordinator = org.users[Role.COORDINATOR]
    client.force_login(koordinator)
    response = client.post(
        reverse("village-update", args=[org.own.code]),
        {"puskesos_name": "Puskesos Silih Asih", "head_title": "Kepala Desa",
         "head_name": "Drs. Baru", "coordinator_name": "Dedi"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(org.own).filter(action=LogEntry.Action.UPDATE).latest(
        "timestamp"
    )
    assert entry.actor == koordinator
    assert entry.remote_addr == "10.1.2.3"
    assert entry.changes_dict["head_name"][1] == "Drs. Baru"


def test_forged_forwarded_for_is_not_recorded_without_a_trusted_proxy(client, org):
    client.force_login(org.users[Role.COORDINATOR])
    client.post(
        reverse("village-update", args=[org.own.code]),
        {"head_title": "Kepala Desa", "head_name": "X"},
        REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    entry = LogEntry.objects.get_for_object(org.own).latest("timestamp")
    assert entry.remote_addr == "10.1.2.3"


def test_creating_staff_is_audited(org):
    user = org.users[Role.FRONT_OFFICE]
    assert LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.CREATE).exists()
    assert LogEntry.objects.get_for_object(user.staff_profile).exists()


def test_login_logout_and_failed_login_are_recorded(client, org):
    fo = org.users[Role.FRONT_OFFICE]
    client.post(reverse("login"), {"username": fo.username, "password": "salah"},
                REMOTE_ADDR="10.9.9.9")
    failure = AccessFailureLog.objects.get(username=fo.username)
    assert failure.ip_address == "10.9.9.9"
    client.post(reverse("login"), {"username": fo.username, "password": PASSWORD},
                REMOTE_ADDR="10.9.9.9")
    login = AccessLog.objects.get(username=fo.username)
    assert login.ip_address == "10.9.9.9" and login.logout_time is None
    client.post(reverse("logout"), REMOTE_ADDR="10.9.9.9")
    login.refresh_from_db()
    assert login.logout_time is not None


@pytest.mark.parametrize(
    "url_name", ["admin:auditlog_logentry_changelist", "admin:axes_accessfailurelog_changelist"]
)
def test_manager_reads_the_audit_trail_but_cannot_change_it(client, org, url_name):
    fo = org.users[Role.FRONT_OFFICE]
    client.post(reverse("login"), {"username": fo.username, "password": "salah"})
    client.force_login(org.users[Role.MANAGER])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0
    model_admin = response.context["cl"].model_admin
    request = response.wsgi_request
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)
    # Posting a bulk delete changes nothing.
    entry = response.context["cl"].result_list[0]
    before = type(entry).objects.count()
    client.post(reverse(url_name), {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert type(entry).objects.count() == before
