"""The complaint workflow's write side. Views and the admin call these functions and
nothing else changes a complaint: each takes the acting user, checks the role and the
village, locks the row, changes it in one transaction and records who did what."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from puskesos.scoping import scope, works_in
from puskesos.sequences import next_number

from .calendar import add_working_days
from .models import Complaint, ComplaintEvent, DeadlineRule, Referral

STALE = _("Pengaduan ini sudah diubah oleh petugas lain. Muat ulang halaman untuk melihat "
          "keadaannya sekarang.")


class WorkflowError(Exception):
    """A workflow step refused, with the Indonesian message for the user."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


# -- deadlines -------------------------------------------------------------------------

DEFAULT_RULE = DeadlineRule(review_days=3, decision_days=14, referral_response_days=14)


def deadline_rule(category) -> DeadlineRule:
    return DeadlineRule.objects.filter(category=category).first() or DEFAULT_RULE


def registration_number(village, period: str, sequence: int) -> str:
    """Village code (digits) + year-month + the month's sequence: 3204132001-202611-0007."""
    return f"{village.code.replace('.', '')}-{period}-{sequence:04d}"


@transaction.atomic
def register_complaint(visit, *, category, sector, description, user, kind=None,
                       programme=None) -> Complaint:
    """Create the complaint of a desk visit in state ``registered`` with the month's
    next gapless registration number and an unguessable tracking code."""
    now = timezone.localtime()
    period = now.strftime("%Y%m")
    sequence = next_number(visit.village, f"complaint:{period}")
    return Complaint.objects.create(
        village=visit.village,
        visit=visit,
        registration_number=registration_number(visit.village, period, sequence),
        period=period,
        sequence=sequence,
        category=category,
        kind=kind or Complaint.Kind.COMPLAINT,
        programme=programme,
        sector=sector,
        description=description,
        respond_by=add_working_days(now.date(), deadline_rule(category).review_days),
        created_by=user,
    )


# -- the state machine -----------------------------------------------------------------

TRANSITIONS = ("review", "handle", "refer", "reconsider", "close")
# Fields a transition may set together with the state change.
TRANSITION_FIELDS = {
    "review": {"review_notes"},
    "handle": {"handling_action", "handling_notes"},
    "refer": set(),
    "reconsider": set(),
    "close": {"outcome", "public_outcome", "duplicate_of"},
}
CONDITION_MESSAGES = {
    "handle": _("Isi tindakan dan uraian penanganan."),
    "refer": _("Pengaduan baru dapat dirujuk setelah rujukannya disetujui Koordinator."),
    "reconsider": _("Telaah ulang hanya bila instansi menolak rujukan terakhir."),
    "close": _("Untuk menutup: isi hasil akhir dan teks hasil untuk warga, dan catat dulu "
               "bahwa warga sudah diberi tahu."),
}


def _locked_complaint(complaint_id, user) -> Complaint:
    """The complaint, locked for this transaction, if the user may see its village."""
    try:
        return scope(Complaint.objects.select_for_update(of=("self",)), user).get(
            pk=complaint_id)
    except Complaint.DoesNotExist:
        raise WorkflowError(_("Pengaduan tidak ditemukan di wilayah Anda.")) from None


def _check_state(complaint, expected_state):
    if expected_state is not None and complaint.state != expected_state:
        raise WorkflowError(STALE)


def _require(user, permission, complaint):
    if not user.has_perm(permission):
        raise PermissionDenied(_("Peran Anda tidak boleh melakukan langkah ini."))
    if not works_in(user, complaint.village_id):
        raise PermissionDenied(_("Langkah ini hanya untuk petugas desa pengaduan ini."))


def available_transitions(complaint, user) -> list:
    """The transitions ``user`` may take now (for the buttons of the complaint page)."""
    if not works_in(user, complaint.village_id):
        return []
    return list(complaint.get_available_user_state_transitions(user))


@transaction.atomic
def transition(complaint_id, name, user, *, note="", expected_state=None,
               **changes) -> Complaint:
    """Take the workflow step ``name`` on a complaint as ``user``."""
    if name not in TRANSITIONS:
        raise WorkflowError(_("Langkah tidak dikenal."))
    complaint = _locked_complaint(complaint_id, user)
    _check_state(complaint, expected_state)
    method = getattr(complaint, name)
    meta = method._django_fsm.get_transition(complaint.state)
    if meta is None:
        raise WorkflowError(_("Langkah ini tidak tersedia pada status «%(state)s».")
                            % {"state": complaint.get_state_display()})
    if not method._django_fsm.has_transition_perm(complaint, complaint.state, user):
        raise PermissionDenied(_("Peran Anda tidak boleh melakukan langkah ini."))
    _require(user, meta.permission, complaint)
    unknown = set(changes) - TRANSITION_FIELDS[name]
    if unknown:
        raise WorkflowError(_("Isian tidak dikenal: %(f)s") % {"f": ", ".join(sorted(unknown))})
    note = (note or "").strip()
    if meta.custom.get("note_required") and not note:
        raise WorkflowError(_("Catatan wajib diisi untuk langkah ini."), field="note")
    for field, value in changes.items():
        setattr(complaint, field, value.strip() if isinstance(value, str) else value)
    if name == "review":
        complaint.review_notes = note
    if name == "close" and complaint.outcome == Complaint.Outcome.DUPLICATE.value \
            and complaint.duplicate_of_id in (None, complaint.pk):
        raise WorkflowError(_("Pilih pengaduan asli untuk hasil «duplikat»."),
                            field="duplicate_of")
    if not can_proceed(method):
        raise WorkflowError(CONDITION_MESSAGES.get(name, STALE))
    method(by=user, description=note or None)
    now = timezone.now()
    if name in ("review", "reconsider"):
        complaint.reviewed_at = now
    elif name in ("handle", "refer"):
        complaint.decided_at = now
    elif name == "close":
        complaint.closed_at = now
    try:
        complaint.save()
    except ConcurrentTransition:
        raise WorkflowError(STALE) from None
    return complaint


# -- steps that are not state changes --------------------------------------------------


def _event(complaint, kind, user, text=""):
    return ComplaintEvent.objects.create(complaint=complaint, kind=kind, actor=user, text=text)


@transaction.atomic
def assign(complaint_id, officer, user) -> Complaint:
    complaint = _locked_complaint(complaint_id, user)
    _require(user, "referrals.assign_complaint", complaint)
    profile = getattr(officer, "staff_profile", None)
    if profile is None or profile.village_id != complaint.village_id \
            or not officer.has_perm("referrals.review_complaint"):
        raise WorkflowError(_("Petugas ini bukan petugas layanan desa pengaduan ini."),
                            field="officer")
    complaint.assigned_to = officer
    complaint.save(update_fields=["assigned_to"])
    _event(complaint, ComplaintEvent.Kind.ASSIGNED, user,
           officer.get_full_name() or officer.username)
    return complaint


@transaction.atomic
def correct(complaint_id, user, *, note, expected_state=None, **fields) -> Complaint:
    """Correct category, programme or sector while reviewing; the change is logged."""
    complaint = _locked_complaint(complaint_id, user)
    _check_state(complaint, expected_state)
    _require(user, "referrals.review_complaint", complaint)
    if complaint.state not in (Complaint.State.REGISTERED, Complaint.State.REVIEWED):
        raise WorkflowError(_("Koreksi hanya sebelum pengaduan ditangani atau dirujuk."))
    if not (note or "").strip():
        raise WorkflowError(_("Tulis alasan koreksi."), field="note")
    changed = []
    for field in ("category", "programme", "sector"):
        if field in fields and getattr(complaint, field) != fields[field]:
            label = Complaint._meta.get_field(field).verbose_name
            changed.append(f"{label}: {getattr(complaint, field) or '—'} → {fields[field] or '—'}")
            setattr(complaint, field, fields[field])
    if not changed:
        raise WorkflowError(_("Tidak ada yang berubah."))
    complaint.save(update_fields=["category", "programme", "sector"])
    _event(complaint, ComplaintEvent.Kind.CORRECTED, user, "; ".join(changed) + f". {note}")
    return complaint


@transaction.atomic
def inform_citizen(complaint_id, user, *, via, note="", expected_state=None) -> Complaint:
    complaint = _locked_complaint(complaint_id, user)
    _check_state(complaint, expected_state)
    _require(user, "referrals.inform_citizen", complaint)
    if complaint.state in (Complaint.State.REGISTERED, Complaint.State.CLOSED):
        raise WorkflowError(_("Warga diberi tahu setelah pengaduan ditelaah dan sebelum "
                              "ditutup."))
    complaint.informed_at = timezone.now()
    complaint.informed_via = via
    complaint.informed_by = user
    complaint.save(update_fields=["informed_at", "informed_via", "informed_by"])
    _event(complaint, ComplaintEvent.Kind.INFORMED, user,
           f"{complaint.get_informed_via_display()}. {note}".strip())
    return complaint


# -- referrals -------------------------------------------------------------------------


def _locked_referral(referral_id, user) -> Referral:
    try:
        return (scope(Referral.objects.select_for_update(of=("self",)), user,
                      via="complaint__village")
                .select_related("complaint__village", "agency").get(pk=referral_id))
    except Referral.DoesNotExist:
        raise WorkflowError(_("Rujukan tidak ditemukan di wilayah Anda.")) from None


@transaction.atomic
def propose_referral(complaint_id, user, *, agency, reason, expected_state=None) -> Referral:
    complaint = _locked_complaint(complaint_id, user)
    _check_state(complaint, expected_state)
    _require(user, "referrals.add_referral", complaint)
    if complaint.state not in (Complaint.State.REVIEWED, Complaint.State.REFERRED):
        raise WorkflowError(_("Rujukan diusulkan setelah pengaduan ditelaah."))
    if not (reason or "").strip():
        raise WorkflowError(_("Tulis alasan dan permintaan rujukan."), field="reason")
    if complaint.referrals.filter(approval=Referral.Approval.PENDING).exists():
        raise WorkflowError(_("Masih ada rujukan yang menunggu persetujuan."))
    referral = Referral.objects.create(complaint=complaint, agency=agency,
                                       reason=reason.strip(), created_by=user,
                                       needs_supervisor=needs_supervisor(complaint, agency))
    _event(complaint, ComplaintEvent.Kind.REFERRAL_PROPOSED, user, f"{agency}: {reason}")
    return referral


def letter_number(referral, sequence: int) -> str:
    """e.g. 007/RJK/PUSKESOS/3204172001/XI/2026."""
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    today = timezone.localdate()
    village = referral.complaint.village.code.replace(".", "")
    return f"{sequence:03d}/RJK/PUSKESOS/{village}/{roman[today.month - 1]}/{today.year}"


# Agencies at these levels are "the kabupaten and above": the SLRT line goes through
# the kecamatan Supervisor first [002 Pasal 18(5)].
ABOVE_KECAMATAN = ("kabupaten", "provinsi", "nasional")


def needs_supervisor(complaint, agency) -> bool:
    """A referral to the kabupaten (or above) needs the Supervisor's approval when the
    deployment includes the complaint's kecamatan (it has an active Supervisor)."""
    from django.conf import settings

    from puskesos.models import StaffProfile
    from puskesos.roles import Role

    if not getattr(settings, "REFERRAL_SUPERVISOR_APPROVAL", True):
        return False
    if agency.level not in ABOVE_KECAMATAN:
        return False
    return StaffProfile.objects.filter(
        district_id=complaint.village.district_id, user__is_active=True,
        user__groups__name=Role.SUPERVISOR.value,
    ).exists()


def can_decide(referral, user) -> bool:
    """Whether ``user`` is the one to approve ``referral`` now."""
    if referral.approval != Referral.Approval.PENDING:
        return False
    if referral.awaits_supervisor:
        return user.has_perm("referrals.approve_referral_supervisor") and scope(
            Referral.objects.filter(pk=referral.pk), user, via="complaint__village").exists()
    return (user.has_perm("referrals.approve_referral")
            and works_in(user, referral.complaint.village_id))


@transaction.atomic
def decide_referral(referral_id, user, *, approve: bool, note="") -> Referral:
    """The Koordinator's approval (or refusal) before a referral leaves the village;
    then, for a referral to the kabupaten, the kecamatan Supervisor's."""
    referral = _locked_referral(referral_id, user)
    complaint = referral.complaint
    if referral.approval != Referral.Approval.PENDING:
        raise WorkflowError(STALE)
    if not can_decide(referral, user):
        if referral.awaits_supervisor:
            raise PermissionDenied(_("Rujukan ini menunggu persetujuan Supervisor kecamatan."))
        raise PermissionDenied(_("Rujukan disetujui oleh Koordinator desa pengaduan ini."))
    if not approve and not (note or "").strip():
        raise WorkflowError(_("Tulis alasan rujukan tidak disetujui."), field="note")
    if approve and referral.needs_supervisor and referral.coordinator_at is None:
        # The Koordinator's half: the Supervisor decides next.
        referral.coordinator_by = user
        referral.coordinator_at = timezone.now()
        referral.save(update_fields=["coordinator_by", "coordinator_at"])
        _event(complaint, ComplaintEvent.Kind.REFERRAL_APPROVED, user,
               _("%(agency)s: disetujui Koordinator, menunggu Supervisor kecamatan. %(note)s")
               % {"agency": referral.agency, "note": (note or "").strip()})
        return referral
    referral.approved_by = user
    referral.approved_at = timezone.now()
    referral.approval_note = (note or "").strip()
    if approve:
        referral.approval = Referral.Approval.APPROVED
        year = timezone.localdate().year
        referral.letter_sequence = next_number(complaint.village, f"referral-letter:{year}")
        referral.letter_number = letter_number(referral, referral.letter_sequence)
        kind = ComplaintEvent.Kind.REFERRAL_APPROVED
    else:
        referral.approval = Referral.Approval.DECLINED
        kind = ComplaintEvent.Kind.REFERRAL_DECLINED
    referral.save()
    _event(complaint, kind, user, f"{referral.agency}. {referral.approval_note}".strip())
    return referral


@transaction.atomic
def send_referral(referral_id, user, *, sent_at: datetime.date, sent_via) -> Referral:
    referral = _locked_referral(referral_id, user)
    _require(user, "referrals.change_referral", referral.complaint)
    if referral.approval != Referral.Approval.APPROVED:
        raise WorkflowError(_("Rujukan belum disetujui Koordinator."))
    if referral.sent_at is not None:
        raise WorkflowError(STALE)
    if sent_at > timezone.localdate():
        raise WorkflowError(_("Tanggal kirim tidak boleh di masa depan."), field="sent_at")
    rule = deadline_rule(referral.complaint.category)
    referral.sent_at = sent_at
    referral.sent_via = sent_via
    referral.respond_by = add_working_days(sent_at, rule.referral_response_days)
    referral.save()
    _event(referral.complaint, ComplaintEvent.Kind.REFERRAL_SENT, user,
           f"{referral.agency}, {referral.get_sent_via_display()}, {sent_at:%d-%m-%Y}")
    return referral


@transaction.atomic
def record_response(referral_id, user, *, response, response_date: datetime.date,
                    notes="") -> Referral:
    referral = _locked_referral(referral_id, user)
    _require(user, "referrals.change_referral", referral.complaint)
    if referral.sent_at is None:
        raise WorkflowError(_("Catat dulu tanggal rujukan dikirim."))
    if referral.response and referral.response != Referral.Response.REVIEWING:
        raise WorkflowError(STALE)
    if response_date < referral.sent_at:
        raise WorkflowError(_("Tanggal tanggapan tidak boleh sebelum tanggal dikirim "
                              "(%(d)s).") % {"d": f"{referral.sent_at:%d-%m-%Y}"},
                            field="response_date")
    if response_date > timezone.localdate():
        raise WorkflowError(_("Tanggal tanggapan tidak boleh di masa depan."),
                            field="response_date")
    if response == Referral.Response.REJECTED and not (notes or "").strip():
        raise WorkflowError(_("Tulis alasan penolakan dari instansi."), field="notes")
    referral.response = response
    referral.response_date = response_date
    referral.response_notes = (notes or "").strip()
    referral.save()
    _event(referral.complaint, ComplaintEvent.Kind.REFERRAL_RESPONSE, user,
           f"{referral.agency}: {referral.get_response_display()}. {referral.response_notes}")
    return referral
