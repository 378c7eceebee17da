"""The admin's workflow buttons go through the same service as the pages."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_fsm_log.models import StateLog

from puskesos.roles import Role
from referrals.models import Complaint

from .factories import complaint_in

pytestmark = pytest.mark.django_db


def test_a_superuser_takes_a_step_with_its_note(client, org):
    complaint = complaint_in(org, Complaint.State.REGISTERED)
    admin_user = get_user_model().objects.create_superuser("root", "r@x.id", "Rahasia-2026-x")
    client.force_login(admin_user)
    page = client.get(reverse("admin:referrals_complaint_change", args=[complaint.pk]))
    assert b'name="_fsm_transition_to"' in page.content and b'value="review"' in page.content
    url = reverse("admin:referrals_complaint_transition", args=[complaint.pk, "review"])
    assert client.post(url, {"note": ""}).status_code == 200  # refused: a note is required
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.REGISTERED
    response = client.post(url, {"note": "Ditelaah dari admin."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.REVIEWED
    log = StateLog.objects.get(transition="review")
    assert log.by == admin_user and log.description == "Ditelaah dari admin."


def test_the_manajer_sees_no_buttons_and_cannot_step(client, org):
    complaint = complaint_in(org, Complaint.State.REGISTERED)
    client.force_login(org.users[Role.MANAGER])
    page = client.get(reverse("admin:referrals_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200 and b"_fsm_transition_to" not in page.content
    assert b"Telaah" in page.content or b"Terdaftar" in page.content
    url = reverse("admin:referrals_complaint_transition", args=[complaint.pk, "review"])
    client.post(url, {"note": "x"})
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.REGISTERED
