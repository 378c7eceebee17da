"""The complaint state machine: every transition × every role, conditions, the log."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_fsm_log.models import StateLog

from puskesos.roles import Role
from referrals import services
from referrals.models import Agency, Complaint, ComplaintEvent, Referral
from referrals.services import WorkflowError

from .factories import approve, approved_referral, complaint_in

pytestmark = pytest.mark.django_db
S = Complaint.State
ALLOWED = {Role.BACK_OFFICE, Role.COORDINATOR}

# transition -> (source state, data, setup needed, target)
CASES = {
    "review": (S.REGISTERED, {"note": "Perlu verifikasi."}, None, S.REVIEWED),
    "handle": (S.REVIEWED, {"handling_action": "informasi",
                            "handling_notes": "Dijelaskan."}, None, S.HANDLED),
    "refer": (S.REVIEWED, {}, "approved_referral", S.REFERRED),
    "reconsider": (S.REFERRED, {"note": "Instansi menolak."}, "rejected", S.REVIEWED),
    "close": (S.HANDLED, {"outcome": "selesai", "public_outcome": "Selesai."}, "informed",
              S.CLOSED),
}


def prepared(org, name):
    source, data, setup, _target = CASES[name]
    complaint = complaint_in(org, source,
                             referral_response="ditolak" if setup == "rejected" else None)
    if setup == "approved_referral":
        approved_referral(complaint, org)
    if setup == "informed":
        services.inform_citizen(complaint.pk, org.users[Role.BACK_OFFICE], via="telepon")
    return complaint, data


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.name)
@pytest.mark.parametrize("name", list(CASES))
def test_every_transition_for_every_role(org, name, role):
    complaint, data = prepared(org, name)
    user = org.users[role]
    logs_before = StateLog.objects.count()
    if role in ALLOWED:
        services.transition(complaint.pk, name, user, **data)
        complaint.refresh_from_db()
        assert complaint.state == CASES[name][3]
        log = StateLog.objects.order_by("-pk").first()
        assert (log.by, log.transition, log.source_state, log.state) == (
            user, name, CASES[name][0], CASES[name][3])
        assert StateLog.objects.count() == logs_before + 1
    else:
        with pytest.raises((PermissionDenied, WorkflowError)) as refused:
            services.transition(complaint.pk, name, user, **data)
        message = str(refused.value)
        assert any(word in message for word in ("Peran Anda", "wilayah Anda", "petugas desa"))
        complaint.refresh_from_db()
        assert complaint.state == CASES[name][0]
        assert StateLog.objects.count() == logs_before


def test_another_villages_officer_cannot_act(org):
    complaint = complaint_in(org, S.REGISTERED, village=org.sibling)
    with pytest.raises(WorkflowError, match="tidak ditemukan di wilayah Anda"):
        services.transition(complaint.pk, "review", org.users[Role.BACK_OFFICE], note="x")
    complaint.refresh_from_db()
    assert complaint.state == S.REGISTERED


def test_review_needs_a_note(org):
    complaint = complaint_in(org, S.REGISTERED)
    with pytest.raises(WorkflowError, match="Catatan wajib"):
        services.transition(complaint.pk, "review", org.users[Role.BACK_OFFICE], note="  ")
    complaint.refresh_from_db()
    assert complaint.state == S.REGISTERED and not StateLog.objects.exists()


def test_refer_needs_an_approved_referral(org):
    complaint = complaint_in(org, S.REVIEWED)
    bo = org.users[Role.BACK_OFFICE]
    with pytest.raises(WorkflowError, match="disetujui Koordinator"):
        services.transition(complaint.pk, "refer", bo)
    referral = services.propose_referral(complaint.pk, bo, agency=Agency.objects.get(
        code="dinsos"), reason="Verifikasi.")
    with pytest.raises(WorkflowError, match="disetujui Koordinator"):
        services.transition(complaint.pk, "refer", bo)  # proposed, not approved
    with pytest.raises(PermissionDenied):
        services.decide_referral(referral.pk, bo, approve=True)  # not the Koordinator
    approve(referral, org, org.users[Role.COORDINATOR])
    services.transition(complaint.pk, "refer", bo)
    assert Complaint.objects.get(pk=complaint.pk).state == S.REFERRED


def test_close_needs_outcome_and_informed_citizen(org):
    complaint = complaint_in(org, S.HANDLED)
    bo = org.users[Role.BACK_OFFICE]
    with pytest.raises(WorkflowError, match="diberi tahu"):
        services.transition(complaint.pk, "close", bo, outcome="selesai",
                            public_outcome="Selesai.")
    services.inform_citizen(complaint.pk, bo, via="whatsapp")
    with pytest.raises(WorkflowError, match="hasil akhir"):
        services.transition(complaint.pk, "close", bo, outcome="", public_outcome="")
    complaint.refresh_from_db()
    assert complaint.state == S.HANDLED and complaint.outcome == ""
    services.transition(complaint.pk, "close", bo, outcome="selesai", public_outcome="Selesai.")
    complaint.refresh_from_db()
    assert complaint.state == S.CLOSED and complaint.closed_at is not None


def test_a_duplicate_names_the_original(org):
    original = complaint_in(org, S.HANDLED)
    complaint = complaint_in(org, S.HANDLED)
    bo = org.users[Role.BACK_OFFICE]
    services.inform_citizen(complaint.pk, bo, via="telepon")
    with pytest.raises(WorkflowError, match="pengaduan asli"):
        services.transition(complaint.pk, "close", bo, outcome="duplikat",
                            public_outcome="Sama dengan pengaduan lain.")
    services.transition(complaint.pk, "close", bo, outcome="duplikat", duplicate_of=original,
                        public_outcome="Sama dengan pengaduan lain.")
    assert Complaint.objects.get(pk=complaint.pk).duplicate_of == original


def test_a_stale_page_changes_nothing(org):
    complaint = complaint_in(org, S.REVIEWED)
    bo = org.users[Role.BACK_OFFICE]
    with pytest.raises(WorkflowError, match="sudah diubah oleh petugas lain"):
        services.transition(complaint.pk, "review", bo, note="lagi",
                            expected_state=S.REGISTERED)
    with pytest.raises(WorkflowError, match="tidak tersedia"):
        services.transition(complaint.pk, "review", bo, note="lagi")
    assert StateLog.objects.filter(transition="review").count() == 1


def test_a_rejected_referral_sends_the_complaint_back_to_review(org):
    complaint = complaint_in(org, S.REFERRED, referral_response=Referral.Response.REJECTED)
    bo = org.users[Role.BACK_OFFICE]
    services.transition(complaint.pk, "reconsider", bo, note="Ditolak Dinsos; tangani di desa.")
    services.transition(complaint.pk, "handle", bo, handling_action="program_desa",
                        handling_notes="Diusulkan BLT Dana Desa.")
    assert Complaint.objects.get(pk=complaint.pk).state == S.HANDLED
    assert [log.transition for log in StateLog.objects.order_by("pk")] == [
        "review", "refer", "reconsider", "handle"]


def test_response_date_before_sent_date_is_refused(org):
    complaint = complaint_in(org, S.REFERRED)
    referral = complaint.referrals.get()
    bo = org.users[Role.BACK_OFFICE]
    with pytest.raises(WorkflowError, match="sebelum tanggal dikirim"):
        services.record_response(referral.pk, bo, response="diterima",
                                 response_date=referral.sent_at - datetime.timedelta(days=1))
    referral.refresh_from_db()
    assert referral.response == ""
    with pytest.raises(WorkflowError, match="alasan penolakan"):
        services.record_response(referral.pk, bo, response="ditolak",
                                 response_date=timezone.localdate())


def test_letter_numbers_are_gapless_per_village_and_year(org):
    first = approved_referral(complaint_in(org, S.REVIEWED), org)
    second = approved_referral(complaint_in(org, S.REVIEWED), org)
    year = timezone.localdate().year
    assert (first.letter_sequence, second.letter_sequence) == (1, 2)
    assert first.letter_number.startswith("001/RJK/PUSKESOS/") and first.letter_number.endswith(
        f"/{year}")


def test_correction_is_logged(org):
    complaint = complaint_in(org, S.REGISTERED)
    bo = org.users[Role.BACK_OFFICE]
    services.correct(complaint.pk, bo, category="non_kepesertaan", note="Soal penyaluran.")
    event = ComplaintEvent.objects.get(kind=ComplaintEvent.Kind.CORRECTED)
    assert "Kepesertaan" in event.text or "kepesertaan" in event.text
    assert event.actor == bo
    with pytest.raises(WorkflowError, match="alasan koreksi"):
        services.correct(complaint.pk, bo, category="kepesertaan", note="")


def test_assignment_only_to_the_villages_officers(org):
    complaint = complaint_in(org, S.REGISTERED)
    koor = org.users[Role.COORDINATOR]
    services.assign(complaint.pk, org.users[Role.BACK_OFFICE], koor)
    assert Complaint.objects.get(pk=complaint.pk).assigned_to == org.users[Role.BACK_OFFICE]
    with pytest.raises(WorkflowError, match="bukan petugas layanan"):
        services.assign(complaint.pk, org.users[Role.FRONT_OFFICE], koor)
    with pytest.raises(WorkflowError, match="bukan petugas layanan"):
        services.assign(complaint.pk, org.village_users(org.sibling)[Role.BACK_OFFICE], koor)


def test_a_referral_to_the_kabupaten_also_needs_the_supervisor(org):
    complaint = complaint_in(org, S.REVIEWED)
    bo, koor, sup = (org.users[r] for r in (Role.BACK_OFFICE, Role.COORDINATOR,
                                             Role.SUPERVISOR))
    referral = services.propose_referral(complaint.pk, bo, agency=Agency.objects.get(
        code="dinsos"), reason="Verifikasi.")
    assert referral.needs_supervisor  # Kec. Cimaung has a Supervisor
    with pytest.raises(PermissionDenied):
        services.decide_referral(referral.pk, sup, approve=True)  # the Koordinator first
    referral = services.decide_referral(referral.pk, koor, approve=True)
    assert referral.awaits_supervisor and referral.approval == Referral.Approval.PENDING
    assert not referral.letter_number
    with pytest.raises(WorkflowError, match="disetujui Koordinator"):
        services.transition(complaint.pk, "refer", bo)
    with pytest.raises(PermissionDenied, match="Supervisor"):
        services.decide_referral(referral.pk, koor, approve=True)
    referral = services.decide_referral(referral.pk, sup, approve=True)
    assert referral.approval == Referral.Approval.APPROVED and referral.letter_number
    assert referral.approved_by == sup and referral.coordinator_by == koor
    services.transition(complaint.pk, "refer", bo)


def test_a_referral_within_the_kecamatan_needs_only_the_koordinator(org):
    complaint = complaint_in(org, S.REVIEWED)
    referral = services.propose_referral(
        complaint.pk, org.users[Role.BACK_OFFICE],
        agency=Agency.objects.get(code="slrt-kecamatan"), reason="Mohon telaah.")
    assert not referral.needs_supervisor
    referral = services.decide_referral(referral.pk, org.users[Role.COORDINATOR], approve=True)
    assert referral.approval == Referral.Approval.APPROVED


def test_another_kecamatans_supervisor_cannot_approve(org):
    from tests.factories import make_staff

    complaint = complaint_in(org, S.REVIEWED)
    referral = services.propose_referral(complaint.pk, org.users[Role.BACK_OFFICE],
                                         agency=Agency.objects.get(code="dinsos"),
                                         reason="Verifikasi.")
    services.decide_referral(referral.pk, org.users[Role.COORDINATOR], approve=True)
    stranger = make_staff(Role.SUPERVISOR, org.other_district, username="sup.banjaran")
    with pytest.raises(WorkflowError, match="tidak ditemukan"):
        services.decide_referral(referral.pk, stranger, approve=True)
