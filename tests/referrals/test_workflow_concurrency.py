"""Two officers act on the same complaint at the same moment: exactly one succeeds,
the other is told that someone else changed it, and nothing is duplicated.

PostgreSQL only (row locks between concurrent connections)."""

import threading

import pytest
from django.db import connection
from django_fsm_log.models import StateLog

from puskesos.roles import Role
from referrals import services
from referrals.models import Complaint, ComplaintEvent
from referrals.services import WorkflowError
from tests.factories import make_staff
from tests.intake.test_concurrency import run_together

from .factories import complaint_in

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="PostgreSQL only (concurrent writers)")


def test_two_officers_review_the_same_complaint_at_once(committed_org):
    complaint = complaint_in(committed_org, Complaint.State.REGISTERED)
    officers = [committed_org.users[Role.BACK_OFFICE],
                make_staff(Role.BACK_OFFICE, committed_org.own, username="bo.kedua")]
    results, lock = [], threading.Lock()

    def act(index):
        try:
            services.transition(complaint.pk, "review", officers[index],
                                note=f"Telaah petugas {index}",
                                expected_state=Complaint.State.REGISTERED)
            outcome = "ok"
        except WorkflowError as error:
            outcome = error.message
        with lock:
            results.append(outcome)

    run_together(2, act)
    assert results.count("ok") == 1
    refused = next(r for r in results if r != "ok")
    assert "sudah diubah oleh petugas lain" in refused
    assert StateLog.objects.filter(transition="review").count() == 1
    assert Complaint.objects.get(pk=complaint.pk).state == Complaint.State.REVIEWED


def test_two_officers_inform_and_close_at_once(committed_org):
    complaint = complaint_in(committed_org, Complaint.State.HANDLED)
    bo = committed_org.users[Role.BACK_OFFICE]
    services.inform_citizen(complaint.pk, bo, via="telepon")
    second = make_staff(Role.BACK_OFFICE, committed_org.own, username="bo.ketiga")
    results = []

    def act(index):
        try:
            services.transition(complaint.pk, "close", [bo, second][index],
                                outcome="selesai", public_outcome="Selesai.",
                                expected_state=Complaint.State.HANDLED)
            results.append("ok")
        except WorkflowError as error:
            results.append(error.message)

    run_together(2, act)
    assert results.count("ok") == 1
    assert StateLog.objects.filter(transition="close").count() == 1
    assert ComplaintEvent.objects.filter(kind="warga_diberi_tahu").count() == 1
