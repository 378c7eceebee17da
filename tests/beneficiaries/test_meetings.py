"""The Musyawarah Desa: agenda, decisions, closing (frozen), berita acara, SIKS-NG export."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from beneficiaries import meetings
from beneficiaries.identity import parse_nik
from beneficiaries.meetings import MeetingError
from beneficiaries.models import MeetingDecision, PreListProposal
from beneficiaries.proposal_services import create_proposal, mark_proposal_ready
from puskesos.roles import Role
from tests.beneficiaries.factories import make_nik

pytestmark = pytest.mark.django_db
DATE = datetime.date(2026, 11, 20)


def ready_proposal(org, village=None, *, head="EUIS KOMALASARI", serial=1, members=2):
    village = village or org.own
    clerk = (org.users[Role.FRONT_OFFICE] if village == org.own
             else org.village_users(village)[Role.FRONT_OFFICE])
    people = [{"nik": make_nik(datetime.date(1985, 7, serial), "P"), "name": head,
               "relation": 1, "sex": "P"}]
    for index in range(1, members):
        people.append({"nik": make_nik(datetime.date(2010, 3, serial + index), "L"),
                       "name": f"ANAK {serial}-{index}", "relation": 3, "sex": "L"})
    proposal = create_proposal(village=village, user=clerk, members=people, household={
        "address": f"Kp. Cikalong {serial}", "rt": "004", "rw": "002",
        "reason": "Janda, buruh tani, rumah menumpang."})
    return mark_proposal_ready(proposal=proposal, user=clerk)


@pytest.fixture
def koor(org):
    return org.users[Role.COORDINATOR]


def meeting_with(org, koor, proposals):
    meeting = meetings.create_meeting(village=org.own, user=koor, date=DATE,
                                      place="Balai Desa Cimaung", chair="H. Asep Suhendar",
                                      participants="Ketua BPD\nKetua RW 02\nTKSK")
    meetings.attach_proposals(meeting.pk, koor, proposals)
    return meeting


def test_decide_close_and_the_proposals_take_the_decisions(org, koor):
    first, second = ready_proposal(org, serial=1), ready_proposal(org, serial=2, head="IMAS")
    meeting = meeting_with(org, koor, [first, second])
    with pytest.raises(MeetingError, match="tanpa keputusan"):
        meetings.close_meeting(meeting.pk, koor)
    meetings.decide(meeting.pk, koor, proposal_id=first.pk, decision="layak")
    with pytest.raises(MeetingError, match="alasan"):
        meetings.decide(meeting.pk, koor, proposal_id=second.pk, decision="tidak_layak")
    meetings.decide(meeting.pk, koor, proposal_id=second.pk, decision="tidak_layak",
                    reason="Memiliki usaha dan kendaraan roda empat.")
    meetings.close_meeting(meeting.pk, koor)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == ("layak", "tidak_layak")


def test_a_closed_meeting_is_frozen(org, koor):
    proposal = ready_proposal(org)
    meeting = meeting_with(org, koor, [proposal])
    meetings.decide(meeting.pk, koor, proposal_id=proposal.pk, decision="layak")
    meetings.close_meeting(meeting.pk, koor)
    with pytest.raises(MeetingError, match="sudah ditutup"):
        meetings.close_meeting(meeting.pk, koor)
    with pytest.raises(MeetingError, match="sudah ditutup"):
        meetings.decide(meeting.pk, koor, proposal_id=proposal.pk, decision="tidak_layak",
                        reason="x")
    with pytest.raises(MeetingError, match="sudah ditutup"):
        meetings.attach_proposals(meeting.pk, koor, [ready_proposal(org, serial=3)])
    assert MeetingDecision.objects.get().decision == "layak"


def test_only_ready_proposals_of_the_village_once(org, koor):
    draft = ready_proposal(org)
    PreListProposal.objects.filter(pk=draft.pk).update(status="draf")
    draft.refresh_from_db()
    meeting = meeting_with(org, koor, [])
    with pytest.raises(MeetingError, match="siap dibahas"):
        meetings.attach_proposals(meeting.pk, koor, [draft])
    other = ready_proposal(org, org.sibling, serial=4)
    with pytest.raises(MeetingError, match="bukan usulan desa ini"):
        meetings.attach_proposals(meeting.pk, koor, [other])
    ready = ready_proposal(org, serial=5)
    meetings.attach_proposals(meeting.pk, koor, [ready])
    second = meeting_with(org, koor, [])
    with pytest.raises(MeetingError, match="musyawarah lain"):
        meetings.attach_proposals(second.pk, koor, [ready])


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.VILLAGE_HEAD,
                                  Role.FACILITATOR, Role.SUPERVISOR, Role.MANAGER])
def test_only_the_koordinator_runs_the_meeting(org, role):
    with pytest.raises(PermissionDenied):
        meetings.create_meeting(village=org.own, user=org.users[role], date=DATE,
                                place="Balai Desa", chair="Kades")


def test_berita_acara_lists_every_decision(org, koor):
    proposals = [ready_proposal(org, serial=n, head=f"KEPALA {n}") for n in (1, 2, 3)]
    meeting = meeting_with(org, koor, proposals)
    for proposal in proposals[:2]:
        meetings.decide(meeting.pk, koor, proposal_id=proposal.pk, decision="layak")
    meetings.decide(meeting.pk, koor, proposal_id=proposals[2].pk, decision="tidak_layak",
                    reason="Sudah pindah domisili.")
    meetings.close_meeting(meeting.pk, koor)
    text = " ".join(" ".join(page.extract_text().split()) for page in
                    PdfReader(io.BytesIO(meetings.berita_acara_pdf(meeting))).pages)
    assert "BERITA ACARA MUSYAWARAH DESA" in text and "Cimaung" in text
    for proposal in proposals:
        assert f"#{proposal.pk}" in text
    assert "KEPALA 1" in text and "KEPALA 3" in text
    assert text.count("LAYAK") >= 3 and "Sudah pindah domisili." in text
    assert "H. Asep Suhendar" in text and "Ketua RW 02" in text


def test_export_has_one_row_per_member_of_eligible_proposals(org, koor, tmp_path):
    eligible = ready_proposal(org, serial=1, members=3)
    refused = ready_proposal(org, serial=2, members=2, head="IMAS")
    meeting = meeting_with(org, koor, [eligible, refused])
    with pytest.raises(MeetingError, match="setelah musyawarah ditutup"):
        meetings.export_for_siks_ng(meeting.pk, koor)
    meetings.decide(meeting.pk, koor, proposal_id=eligible.pk, decision="layak")
    meetings.decide(meeting.pk, koor, proposal_id=refused.pk, decision="tidak_layak",
                    reason="Mampu.")
    meetings.close_meeting(meeting.pk, koor)
    output = tmp_path / "usulan.xlsx"
    call_command("export_proposals", village=org.own.code, meeting=meeting.pk,
                 output=str(output))
    sheet = load_workbook(output).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[:2] == ("NO", "KODE WILAYAH") and len(data) == 3
    niks = [row[header.index("NIK")] for row in data]
    assert all(isinstance(nik, str) and parse_nik(nik) for nik in niks)
    assert set(niks) == set(eligible.members.values_list("nik", flat=True))
    eligible.refresh_from_db(), refused.refresh_from_db()
    assert (eligible.status, refused.status) == ("diekspor", "tidak_layak")


def test_an_empty_export_is_refused(org, koor, tmp_path):
    proposal = ready_proposal(org)
    meeting = meeting_with(org, koor, [proposal])
    meetings.decide(meeting.pk, koor, proposal_id=proposal.pk, decision="tidak_layak",
                    reason="Sudah terdaftar di kabupaten lain.")
    meetings.close_meeting(meeting.pk, koor)
    with pytest.raises(CommandError, match="Tidak ada usulan yang diputuskan layak"):
        call_command("export_proposals", village=org.own.code, meeting=meeting.pk,
                     output=str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()
    with pytest.raises(CommandError, match="tidak ada di desa"):
        call_command("export_proposals", village=org.sibling.code, meeting=meeting.pk,
                     output=str(tmp_path / "x.xlsx"))
