"""Numbers stay unique and gapless when many desks save at the same moment.

PostgreSQL only: that is where several gunicorn workers write at once with row locks.
(SQLite serialises every writer, and its shared-cache test database cannot wait on a
lock from another thread.)
"""

import threading
import uuid

import pytest
from django.db import close_old_connections, connection

from intake.models import QueueTicket, Visit
from intake.services import register_visit, take_ticket
from puskesos.roles import Role
from referrals.models import Complaint, Sector

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="PostgreSQL only (concurrent writers)")


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at the same instant."""
    barrier = threading.Barrier(count)
    errors = []

    def target(index):
        try:
            barrier.wait()
            work(index)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_fifty_simultaneous_complaints_get_fifty_gapless_numbers(committed_org):
    village, clerk = committed_org.own, committed_org.users[Role.FRONT_OFFICE]
    sector = Sector.objects.get(code="pangan")

    def save(index):
        register_visit(
            village=village, user=clerk, submission_key=uuid.uuid4(),
            visit_data={"purpose": Visit.Purpose.COMPLAINT, "name": f"WARGA {index}"},
            complaint_data={"category": Complaint.Category.PARTICIPATION, "sector": sector,
                            "description": f"Pengaduan {index}"},
        )

    run_together(50, save)
    sequences = sorted(Complaint.objects.filter(village=village)
                       .values_list("sequence", flat=True))
    assert sequences == list(range(1, 51))
    numbers = set(Complaint.objects.values_list("registration_number", flat=True))
    assert len(numbers) == 50


def test_twenty_simultaneous_queue_tickets_are_gapless(committed_org):
    village, clerk = committed_org.own, committed_org.users[Role.FRONT_OFFICE]
    run_together(20, lambda index: take_ticket(village, clerk))
    numbers = sorted(QueueTicket.objects.filter(village=village)
                     .values_list("number", flat=True))
    assert numbers == list(range(1, 21))


def test_the_same_form_saved_twice_at_once_makes_one_complaint(committed_org):
    village, clerk = committed_org.own, committed_org.users[Role.FRONT_OFFICE]
    sector = Sector.objects.get(code="pangan")
    key = uuid.uuid4()

    def save(index):
        register_visit(
            village=village, user=clerk, submission_key=key,
            visit_data={"purpose": Visit.Purpose.COMPLAINT, "name": "WARGA"},
            complaint_data={"category": Complaint.Category.PARTICIPATION, "sector": sector,
                            "description": "Sekali saja"},
        )

    run_together(5, save)
    assert Visit.objects.count() == 1 and Complaint.objects.count() == 1
    # The numbers given back by the failed attempts leave no gap.
    assert Complaint.objects.get().sequence == 1
