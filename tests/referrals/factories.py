"""Complaints brought to a given state through the real workflow services."""

from django.utils import timezone

from puskesos.roles import Role
from referrals import services
from referrals.models import Agency, Complaint, Referral
from tests.intake.factories import make_complaint


def complaint_in(org, state, *, village=None, referral_response=None) -> Complaint:
    """A complaint of ``village`` (default: own) in ``state``, with a realistic history
    made by the village's Back office and Koordinator."""
    village = village or org.own
    users = org.village_users(village)
    bo, koor = users[Role.BACK_OFFICE], users[Role.COORDINATOR]
    complaint = make_complaint(village, users[Role.FRONT_OFFICE])
    if state == Complaint.State.REGISTERED:
        return complaint
    services.transition(complaint.pk, "review", bo, note="Telaah: perlu dicek ke Dinsos.")
    if state == Complaint.State.REVIEWED:
        return Complaint.objects.get(pk=complaint.pk)
    if state == Complaint.State.HANDLED:
        services.transition(complaint.pk, "handle", bo, handling_action="informasi",
                            handling_notes="Dijelaskan jadwal penyaluran.")
    else:
        referral = services.propose_referral(
            complaint.pk, bo, agency=Agency.objects.get(code="dinsos"),
            reason="Mohon verifikasi kepesertaan PKH.")
        approve(referral, org, koor)
        services.transition(complaint.pk, "refer", bo)
        services.send_referral(referral.pk, bo, sent_at=timezone.localdate(), sent_via="langsung")
        if referral_response:
            services.record_response(referral.pk, bo, response=referral_response,
                                     response_date=timezone.localdate(),
                                     notes="Tidak memenuhi kriteria.")
    if state == Complaint.State.CLOSED:
        services.inform_citizen(complaint.pk, bo, via="telepon")
        services.transition(complaint.pk, "close", bo, outcome="selesai",
                            public_outcome="Sudah dijelaskan kepada pelapor.")
    return Complaint.objects.get(pk=complaint.pk)


def approved_referral(complaint, org) -> Referral:
    users = org.village_users(complaint.village)
    referral = services.propose_referral(complaint.pk, users[Role.BACK_OFFICE],
                                         agency=Agency.objects.get(code="dinsos"),
                                         reason="Mohon verifikasi.")
    return approve(referral, org, users[Role.COORDINATOR])


def approve(referral, org, coordinator) -> Referral:
    """The Koordinator's approval, and the Supervisor's when the referral needs it."""
    referral = services.decide_referral(referral.pk, coordinator, approve=True)
    if referral.awaits_supervisor:
        referral = services.decide_referral(referral.pk, org.users[Role.SUPERVISOR],
                                            approve=True)
    return referral
