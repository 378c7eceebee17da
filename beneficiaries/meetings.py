"""The Musyawarah Desa: it decides each pre-list proposal *layak* / *tidak layak*,
signs minutes (berita acara), and the approved proposals are exported for the village
operator to upload into SIKS-NG. A closed meeting is frozen.

Writes: create_meeting, attach_proposals, decide, close_meeting, export_for_siks_ng.
"""

import io

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from puskesos.scoping import scope, works_in

from .models import (
    MeetingDecision,
    PreListProposal,
    ProfileChange,
    ProposalMember,
    VillageMeeting,
)
from .proposal_services import log_event


class MeetingError(Exception):
    """A meeting step refused, with its Indonesian message."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


def _require(user, permission, village):
    if not user.has_perm(permission):
        raise PermissionDenied(_("Musyawarah Desa dicatat oleh Koordinator Puskesos."))
    if not works_in(user, village.pk):
        raise PermissionDenied(_("Hanya untuk petugas desa ini."))


def _locked_meeting(meeting_id, user) -> VillageMeeting:
    """The meeting, locked; ``user`` None is the command line (a trusted operator)."""
    meetings = VillageMeeting.objects.select_for_update(of=("self",))
    if user is not None:
        meetings = scope(meetings, user)
    try:
        return meetings.get(pk=meeting_id)
    except VillageMeeting.DoesNotExist:
        raise MeetingError(_("Musyawarah tidak ditemukan di wilayah Anda.")) from None


def _open(meeting):
    if meeting.status == VillageMeeting.Status.CLOSED:
        raise MeetingError(_("Musyawarah ini sudah ditutup; keputusannya tidak dapat "
                             "diubah. Koreksi dicatat pada musyawarah berikutnya."))


@transaction.atomic
def create_meeting(*, village, user, date, place, chair, participants="", notes=""):
    _require(user, "beneficiaries.add_villagemeeting", village)
    if not (place or "").strip() or not (chair or "").strip():
        raise MeetingError(_("Isi tempat dan pimpinan rapat."))
    return VillageMeeting.objects.create(village=village, date=date, place=place.strip(),
                                         chair=chair.strip(), participants=participants,
                                         notes=notes, created_by=user)


@transaction.atomic
def attach_proposals(meeting_id, user, proposals) -> int:
    """Put proposals that are ready (status *siap*) on the meeting's agenda."""
    meeting = _locked_meeting(meeting_id, user)
    _require(user, "beneficiaries.change_villagemeeting", meeting.village)
    _open(meeting)
    added = 0
    for proposal in proposals:
        if proposal.village_id != meeting.village_id:
            raise MeetingError(_("Usulan #%(n)d bukan usulan desa ini.") % {"n": proposal.pk})
        if proposal.status != PreListProposal.Status.READY:
            raise MeetingError(_("Usulan #%(n)d belum berstatus «siap dibahas».")
                               % {"n": proposal.pk})
        elsewhere = MeetingDecision.objects.filter(
            proposal=proposal, meeting__status=VillageMeeting.Status.OPEN,
        ).exclude(meeting=meeting).first()
        if elsewhere is not None:
            raise MeetingError(_("Usulan #%(n)d sudah dijadwalkan di musyawarah lain "
                                 "(%(m)s).") % {"n": proposal.pk, "m": elsewhere.meeting})
        _obj, created = MeetingDecision.objects.get_or_create(meeting=meeting,
                                                               proposal=proposal)
        added += created
    return added


@transaction.atomic
def attach_changes(meeting_id, user, changes) -> int:
    """Put profile changes that wait for a decision (status *dicatat*) on the agenda."""
    meeting = _locked_meeting(meeting_id, user)
    _require(user, "beneficiaries.change_villagemeeting", meeting.village)
    _open(meeting)
    added = 0
    for change in changes:
        if change.village_id != meeting.village_id:
            raise MeetingError(_("Perubahan #%(n)d bukan dari desa ini.") % {"n": change.pk})
        if change.status != ProfileChange.Status.RECORDED:
            raise MeetingError(_("Perubahan #%(n)d sudah diputuskan.") % {"n": change.pk})
        elsewhere = MeetingDecision.objects.filter(
            change=change, meeting__status=VillageMeeting.Status.OPEN,
        ).exclude(meeting=meeting).first()
        if elsewhere is not None:
            raise MeetingError(_("Perubahan #%(n)d sudah dijadwalkan di musyawarah lain "
                                 "(%(m)s).") % {"n": change.pk, "m": elsewhere.meeting})
        _obj, created = MeetingDecision.objects.get_or_create(meeting=meeting, change=change)
        added += created
    return added


@transaction.atomic
def decide(meeting_id, user, *, proposal_id=None, change_id=None, decision,
           reason="") -> MeetingDecision:
    """Record what the meeting decided on one agenda item, a proposal or a profile
    change (may be changed until closing)."""
    meeting = _locked_meeting(meeting_id, user)
    _require(user, "beneficiaries.change_meetingdecision", meeting.village)
    _open(meeting)
    if proposal_id is not None:
        item = meeting.decisions.filter(proposal_id=proposal_id).first()
    else:
        item = meeting.decisions.filter(change_id=change_id).first() if change_id else None
    if item is None:
        raise MeetingError(_("Perubahan data ini tidak ada dalam agenda musyawarah.")
                           if change_id is not None else
                           _("Usulan ini tidak ada dalam agenda musyawarah."))
    if decision not in MeetingDecision.Decision.values:
        raise MeetingError(_("Pilih keputusan: layak atau tidak layak."), field="decision")
    if decision == MeetingDecision.Decision.NOT_ELIGIBLE and not (reason or "").strip():
        raise MeetingError(_("Tulis alasan bila usulan tidak layak."), field="reason")
    item.decision = decision
    item.reason = (reason or "").strip()
    item.decided_by = user
    item.decided_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def close_meeting(meeting_id, user) -> VillageMeeting:
    """Close the meeting: every agenda item decided; the proposals take the decisions."""
    meeting = _locked_meeting(meeting_id, user)
    _require(user, "beneficiaries.change_villagemeeting", meeting.village)
    _open(meeting)
    items = list(meeting.decisions.select_related("proposal", "change"))
    if not items:
        raise MeetingError(_("Belum ada usulan dalam agenda musyawarah."))
    undecided = [str(item.subject) for item in items if not item.decision]
    if undecided:
        raise MeetingError(_("Masih ada agenda tanpa keputusan: %(items)s.")
                           % {"items": "; ".join(undecided)})
    for item in items:
        if item.proposal_id:
            item.proposal.status = item.decision
            item.proposal.save(update_fields=["status", "updated_at"])
            log_event(item.proposal, user, _("Diputuskan di %(meeting)s%(reason)s.") % {
                "meeting": meeting, "reason": f": {item.reason}" if item.reason else ""})
        else:
            item.change.status = (ProfileChange.Status.APPROVED
                                  if item.decision == MeetingDecision.Decision.ELIGIBLE
                                  else ProfileChange.Status.REJECTED)
            item.change.save(update_fields=["status"])
    meeting.status = VillageMeeting.Status.CLOSED
    meeting.closed_at = timezone.now()
    meeting.closed_by = user
    meeting.save(update_fields=["status", "closed_at", "closed_by"])
    return meeting


# The columns the village operator fills in SIKS-NG's "usulan baru" upload.
EXPORT_COLUMNS = [
    "NO", "KODE WILAYAH", "KODE PROVINSI", "KABUPATEN", "KECAMATAN", "DESA", "ALAMAT", "DUSUN",
    "RT", "RW", "NO KK", "NIK", "NAMA", "JENIS KELAMIN", "TANGGAL LAHIR",
    "HUBUNGAN KELUARGA", "PEKERJAAN", "DISABILITAS", "NO USULAN", "TANGGAL MUSDES",
    "KETERANGAN",
]
SEX = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}


@transaction.atomic
def export_for_siks_ng(meeting_id, user=None) -> bytes:
    """The XLSX of the members of every proposal the closed meeting found *layak*;
    those proposals become *diekspor*. NIK and KK are text cells (never numbers).
    ``user`` None: the command line."""
    meeting = _locked_meeting(meeting_id, user)
    if user is not None:
        _require(user, "beneficiaries.change_villagemeeting", meeting.village)
    if meeting.status != VillageMeeting.Status.CLOSED:
        raise MeetingError(_("Ekspor dibuat setelah musyawarah ditutup."))
    items = list(meeting.decisions.select_related("proposal", "change__person",
                                                  "change__household"))
    proposals = [item.proposal for item in items
                 if item.proposal_id and item.decision == MeetingDecision.Decision.ELIGIBLE]
    changes = [item.change for item in items
               if item.change_id and item.decision == MeetingDecision.Decision.ELIGIBLE]
    if not proposals and not changes:
        raise MeetingError(_("Tidak ada usulan yang diputuskan layak dan tidak ada "
                             "perubahan data yang disetujui; tidak ada yang diekspor."))
    village = meeting.village
    district = village.district
    regency = district.regency
    book = Workbook()
    sheet = book.active
    sheet.title = "Usulan baru"
    sheet.append(EXPORT_COLUMNS)
    number = 0
    members = (ProposalMember.objects.filter(proposal__in=proposals)
               .select_related("proposal").order_by("proposal_id", "relation", "pk"))
    for member in members:
        number += 1
        proposal = member.proposal
        sheet.append([
            number, village.code.replace(".", ""), village.code[:2],
            regency.name, district.name, village.name, proposal.address, proposal.dusun,
            proposal.rt, proposal.rw, proposal.no_kk, member.nik, member.name,
            SEX.get(member.sex, ""),
            member.birth_date.strftime("%d-%m-%Y") if member.birth_date else "",
            member.get_relation_display().upper(), member.occupation,
            "YA" if member.disability else "TIDAK", proposal.pk,
            meeting.date.strftime("%d-%m-%Y"), "",
        ])
    if changes:
        _changes_sheet(book.create_sheet("Perubahan data"), changes, meeting)
    for each in book.worksheets:
        for row in each.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    for proposal in proposals:
        if proposal.status != PreListProposal.Status.EXPORTED:
            proposal.status = PreListProposal.Status.EXPORTED
            proposal.save(update_fields=["status", "updated_at"])
            log_event(proposal, user, _("Diekspor untuk unggah SIKS-NG."))
    return buffer.getvalue()


# The approved profile changes, for the operator's "perbaikan data" in SIKS-NG.
CHANGE_COLUMNS = [
    "NO", "NO PERUBAHAN", "JENIS PERUBAHAN", "ID REGISTER", "NIK", "NAMA", "DATA BARU",
    "TANGGAL KEJADIAN", "PELAPOR", "TANGGAL MUSDES",
]
DETAIL_LABELS = {"name": "NAMA", "nik": "NIK", "birth_date": "TANGGAL LAHIR",
                 "sex": "JENIS KELAMIN", "relation": "HUBUNGAN", "address": "ALAMAT",
                 "moved_to": "PINDAH KE"}


def _changes_sheet(sheet, changes, meeting):
    sheet.append(CHANGE_COLUMNS)
    for number, change in enumerate(sorted(changes, key=lambda c: c.pk), start=1):
        person = change.person
        details = "; ".join(f"{DETAIL_LABELS.get(key, key.upper())}: {value}"
                            for key, value in change.details.items())
        sheet.append([
            number, change.pk, change.get_kind_display().upper(),
            change.household.register_id,
            person.nik if person is not None and person.nik else change.details.get("nik", ""),
            person.name if person is not None else change.details.get("name", ""),
            details, change.event_date.strftime("%d-%m-%Y") if change.event_date else "",
            change.reporter, meeting.date.strftime("%d-%m-%Y"),
        ])


def berita_acara_pdf(meeting) -> bytes:
    """The minutes of the meeting (PDF): every decision, and the signature blocks."""
    from puskesos.pdf import render_pdf

    decisions = list(meeting.decisions.select_related(
        "proposal", "change__person", "change__household").prefetch_related(
        "proposal__members").order_by("pk"))
    rows = []
    changes = []
    for item in decisions:
        if item.change_id:
            changes.append({"number": len(changes) + 1, "item": item})
            continue
        members = list(item.proposal.members.all())
        head = next((m for m in members if m.relation == 1), members[0] if members else None)
        rows.append({"number": len(rows) + 1, "item": item, "head": head,
                     "count": len(members)})
    return render_pdf("beneficiaries/berita_acara.html", {
        "meeting": meeting, "village": meeting.village, "rows": rows, "changes": changes,
        "participants": [line.strip() for line in meeting.participants.splitlines()
                         if line.strip()],
        "eligible": sum(1 for row in rows if row["item"].decision == "layak"),
        "not_eligible": sum(1 for row in rows if row["item"].decision == "tidak_layak"),
    })
