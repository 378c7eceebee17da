"""seed_demo shows the front office: today's queue, complaints, a GPS photo, a proposal."""

import pytest
from django.core.management import call_command
from django_fsm_log.models import StateLog

from beneficiaries.models import PreListProposal, VillageMeeting
from intake.models import Attachment, QueueTicket, Visit
from referrals.models import Complaint, Referral
from reports.demo import HISTORY_NOTE


@pytest.mark.django_db
def test_seed_demo_fills_the_desk_once():
    call_command("seed_demo", people=300, verbosity=0)
    desk = Complaint.objects.filter(events__isnull=True, visit__queue_ticket__isnull=False)
    assert desk.count() == 4
    # The reports' twelve months of history (reports.demo) are left out here.
    assert Visit.objects.filter(in_register=True).exclude(notes=HISTORY_NOTE).count() == 4 + 7
    photo = Attachment.objects.get(kind=Attachment.Kind.HOUSE_PHOTO)
    assert photo.latitude is not None and photo.longitude is not None
    proposal = PreListProposal.objects.get(status="draf")
    assert proposal.visits.get().purpose == Visit.Purpose.REGISTRATION
    # A closed Musyawarah Desa that decided two proposals.
    meeting = VillageMeeting.objects.get()
    assert meeting.status == "ditutup"
    assert sorted(meeting.decisions.filter(proposal__isnull=False).values_list(
        "decision", flat=True)) == ["layak", "tidak_layak"]
    assert QueueTicket.objects.filter(status=QueueTicket.Status.WAITING).count() == 2
    # The back office's work: a complaint in every state, with its history.
    states = set(Complaint.objects.values_list("state", flat=True))
    assert states == {"registered", "reviewed", "handled", "referred", "closed"}
    assert Referral.objects.filter(response="ditolak").exists()
    recent = Complaint.objects.exclude(visit__notes=HISTORY_NOTE)
    closed = recent.get(state="closed")
    assert closed.informed_at and closed.public_outcome
    assert StateLog.objects.filter(transition="reconsider",
                                   object_id__in=recent.values("pk")).count() == 1
    total = Complaint.objects.count()
    assert sorted(Complaint.objects.values_list("sequence", flat=True)) == list(
        range(1, total + 1))
    call_command("seed_demo", people=300, verbosity=0)  # safe to run again
    assert Complaint.objects.count() == total
    assert QueueTicket.objects.exclude(visit__notes=HISTORY_NOTE).count() == 7
