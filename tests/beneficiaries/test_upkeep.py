"""Keeping the register current: near-duplicate warnings, the proposal's states and
audit trail, profile changes (recorded beside the register, decided at the meeting,
confirmed by the next extract), programme needs with rule suggestions, participation."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from beneficiaries import meetings, upkeep
from beneficiaries.models import (
    Household,
    NeedRule,
    Participation,
    Person,
    PreListProposal,
    ProfileChange,
    Programme,
    ProgrammeNeed,
)
from beneficiaries.proposal_services import (
    add_photo,
    create_proposal,
    duplicate_warnings,
    mark_proposal_ready,
    record_result,
)
from beneficiaries.upkeep import UpkeepError
from puskesos.roles import Role
from tests.beneficiaries.factories import make_household, make_kk, make_nik
from tests.beneficiaries.test_proposals import form_data
from tests.intake.factories import jpeg_attachment

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)
FO, BO, KOOR, KADES, FASIL, SUP, MAN = (
    Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.COORDINATOR, Role.VILLAGE_HEAD,
    Role.FACILITATOR, Role.SUPERVISOR, Role.MANAGER,
)
RECORDERS = [FO, BO, KOOR, FASIL]
READERS = [KADES, SUP, MAN]


def born(years, today=TODAY):
    return today.replace(year=today.year - years) - datetime.timedelta(days=10)


def proposal_of(org, *, name="EUIS KOMALASARI", birth=datetime.date(1985, 7, 1), kk="",
                user=None):
    user = user or org.users[FO]
    return create_proposal(village=org.own, user=user, household={
        "address": "Kp. Cikalong", "reason": "Janda, buruh tani.", "no_kk": kk},
        members=[{"nik": make_nik(birth, "P"), "name": name, "relation": 1, "sex": "P",
                  "birth_date": birth}])


# --- Near duplicates -----------------------------------------------------------------


def test_same_kk_in_the_register_warns_with_a_link(org):
    kk = make_kk()
    household = make_household(org.own, ["ASEP SUNANDAR"], no_kk=kk)
    warnings = duplicate_warnings(no_kk=kk, members=[])
    assert len(warnings) == 1
    assert household.register_id in warnings[0].message
    assert warnings[0].url == f"/register/rumah-tangga/{household.pk}/"


def test_same_kk_in_another_open_proposal_warns(org):
    kk = make_kk()
    other = proposal_of(org, kk=kk)
    warnings = duplicate_warnings(no_kk=kk, members=[])
    assert [w.url for w in warnings] == [f"/register/usulan/{other.pk}/"]


@pytest.mark.parametrize("typed,expected", [
    ("Siti Nurhayati", True),      # other case
    ("SITI NURHAYATY", True),      # spelling variant
    ("Hj. Siti Noerhayati", True),  # title and old spelling
    ("SITI AMINAH", False),        # another person born the same day
])
def test_near_identical_name_and_same_birth_date_in_the_register(org, typed, expected):
    birth = datetime.date(1982, 3, 4)
    make_household(org.own, [{"name": "SITI NURHAYATI", "birth_date": birth, "sex": "P"}])
    warnings = duplicate_warnings(no_kk="", members=[{"name": typed, "birth_date": birth}])
    assert bool(warnings) is expected
    if expected:
        assert warnings[0].member == 0
        assert "SITI NURHAYATI" in warnings[0].message


def test_a_different_birth_date_is_not_a_duplicate(org):
    make_household(org.own, [{"name": "SITI NURHAYATI", "birth_date": datetime.date(1982, 3, 4),
                              "sex": "P"}])
    assert duplicate_warnings(no_kk="", members=[
        {"name": "SITI NURHAYATI", "birth_date": datetime.date(1982, 3, 5)}]) == []


def test_near_identical_member_of_an_open_proposal_warns_but_not_a_decided_one(org):
    birth = datetime.date(1985, 7, 1)
    other = proposal_of(org, name="EUIS KOMALASARI", birth=birth)
    warnings = duplicate_warnings(no_kk="", members=[{"name": "Euis Komalasary",
                                                      "birth_date": birth}])
    assert [w.url for w in warnings] == [f"/register/usulan/{other.pk}/"]
    PreListProposal.objects.filter(pk=other.pk).update(status="tidak_layak")
    assert duplicate_warnings(no_kk="", members=[{"name": "Euis Komalasary",
                                                  "birth_date": birth}]) == []


def test_the_proposal_form_warns_saves_nothing_then_saves_once_checked(client, org):
    birth = datetime.date(1982, 3, 4)
    household = make_household(org.own, [{"name": "SITI NURHAYATI", "birth_date": birth,
                                           "sex": "P"}])
    client.force_login(org.users[FO])
    data = form_data([{"nik": make_nik(birth, "P"), "name": "Siti Nurhayaty",
                       "relation": "1", "sex": "P", "birth_date": "1982-03-04"}])
    response = client.post("/register/usulan/baru/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="duplicate-warnings"' in page
    assert f"/register/rumah-tangga/{household.pk}/" in page
    assert not PreListProposal.objects.exists()

    response = client.post("/register/usulan/baru/", {**data, "sudah_diperiksa": "1"})
    assert response.status_code == 302
    proposal = PreListProposal.objects.get()
    assert proposal.members.get().name == "Siti Nurhayaty"


# --- The proposal's states and audit trail ------------------------------------------------


def test_every_step_of_a_proposal_is_in_its_audit_trail(org):
    proposal = mark_proposal_ready(proposal=proposal_of(org), user=org.users[FO])
    koor = org.users[KOOR]
    meeting = meetings.create_meeting(village=org.own, user=koor, date=TODAY, place="Balai",
                                      chair="Kades")
    meetings.attach_proposals(meeting.pk, koor, [proposal])
    meetings.decide(meeting.pk, koor, proposal_id=proposal.pk, decision="layak")
    meetings.close_meeting(meeting.pk, koor)
    meetings.export_for_siks_ng(meeting.pk, koor)
    record_result(proposal=proposal, user=koor, accepted=True)
    proposal.refresh_from_db()
    assert proposal.status == "diterima"
    trail = [(e.status, e.user) for e in proposal.events.all()]
    assert trail == [("draf", org.users[FO]), ("siap", org.users[FO]), ("layak", koor),
                     ("diekspor", koor), ("diterima", koor)]


def test_the_source_of_a_proposal_follows_who_records_it(org):
    assert proposal_of(org).source == "loket"
    by_facilitator = proposal_of(org, name="IMAS", birth=datetime.date(1990, 1, 2),
                                 user=org.users[FASIL])
    assert by_facilitator.source == "fasilitator"


@pytest.mark.parametrize("role", [FO, BO, FASIL, KADES, SUP, MAN])
def test_only_the_koordinator_records_the_kabupaten_result(org, role):
    proposal = proposal_of(org)
    PreListProposal.objects.filter(pk=proposal.pk).update(status="diekspor")
    proposal.refresh_from_db()
    with pytest.raises(PermissionDenied):
        record_result(proposal=proposal, user=org.users[role], accepted=True)
    proposal.refresh_from_db()
    assert proposal.status == "diekspor"
    assert not proposal.events.filter(status__in=["diterima", "ditolak_kab"]).exists()


def test_a_result_needs_an_exported_proposal_and_a_refusal_its_reason(org):
    koor = org.users[KOOR]
    proposal = proposal_of(org)
    with pytest.raises(ValidationError, match="diekspor"):
        record_result(proposal=proposal, user=koor, accepted=True)
    PreListProposal.objects.filter(pk=proposal.pk).update(status="diekspor")
    with pytest.raises(ValidationError, match="alasan"):
        record_result(proposal=proposal, user=koor, accepted=False, note="  ")
    record_result(proposal=proposal, user=koor, accepted=False, note="Sudah mampu.")
    proposal.refresh_from_db()
    assert proposal.status == "ditolak_kab"
    assert proposal.events.last().note == "Sudah mampu."


def test_evidence_photos_keep_gps_and_stop_once_decided(org):
    proposal = proposal_of(org)
    photo = add_photo(proposal=proposal, user=org.users[FASIL], caption="Rumah depan",
                      attachment=jpeg_attachment(latitude="-7.105", longitude="107.551"))
    photo.refresh_from_db()
    assert (photo.latitude, photo.longitude) == (Decimal("-7.105"), Decimal("107.551"))
    assert photo.file.read()[:2] == b"\xff\xd8"
    with pytest.raises(PermissionDenied):
        add_photo(proposal=proposal, user=org.users[KADES], attachment=jpeg_attachment())
    PreListProposal.objects.filter(pk=proposal.pk).update(status="layak")
    proposal.refresh_from_db()
    with pytest.raises(PermissionDenied, match="tidak dapat diubah"):
        add_photo(proposal=proposal, user=org.users[FO], attachment=jpeg_attachment())
    assert proposal.photos.count() == 1


# --- Profile changes --------------------------------------------------------------------


@pytest.fixture
def family(org):
    return make_household(org.own, [
        {"name": "ASEP SUNANDAR", "nik": "3204171201900001", "birth_date":
         datetime.date(1990, 1, 12)},
        {"name": "SITI AMINAH", "sex": "P", "relation": 2, "birth_date":
         datetime.date(1992, 4, 1)},
    ])


@pytest.mark.parametrize("role", RECORDERS)
def test_village_staff_record_a_death_beside_the_register(org, family, role):
    person = family.members.get(name="SITI AMINAH")
    change = upkeep.record_change(household=family, user=org.users[role], kind="meninggal",
                                  person=person, event_date=datetime.date(2026, 11, 1),
                                  reporter="Asep, suami",
                                  evidence=jpeg_attachment())
    assert change.status == "dicatat"
    assert change.recorded_by == org.users[role]
    assert change.evidence.read()[:2] == b"\xff\xd8"
    person.refresh_from_db()
    assert person.status == Person.Status.PRESENT  # the register is not overwritten


@pytest.mark.parametrize("role", READERS)
def test_readers_do_not_record_changes(org, family, role):
    with pytest.raises(PermissionDenied):
        upkeep.record_change(household=family, user=org.users[role], kind="mampu",
                             reporter="RT 02")
    assert not ProfileChange.objects.exists()


def test_staff_of_another_village_do_not_record_changes(org, family):
    sibling_fo = org.village_users(org.sibling)[FO]
    with pytest.raises(PermissionDenied):
        upkeep.record_change(household=family, user=sibling_fo, kind="mampu", reporter="RT")


@pytest.mark.parametrize("kind,fields,message", [
    ("meninggal", {"person": None}, "Pilih anggota"),
    ("meninggal", {"event_date": None}, "tanggal meninggal"),
    ("pindah", {"person": None}, "Pilih anggota"),
    ("anggota_baru", {"details": {"relation": 3}}, "nama anggota baru"),
    ("anggota_baru", {"details": {"name": "BAYI", "relation": 3,
                                  "nik": "3204171201900001"}}, "sudah ada di register"),
    ("anggota_baru", {"details": {"name": "BAYI", "relation": 3, "nik": "12345"}}, "16"),
    ("koreksi", {"details": {}}, "paling sedikit satu"),
    ("koreksi", {"details": {"name": "SITI AMINAH"}}, "sama dengan register"),
    ("meninggal", {"event_date": datetime.date(2099, 1, 1)}, "masa depan"),
    ("mampu", {"reporter": " "}, "pelapor"),
])
def test_incomplete_changes_are_refused_and_nothing_is_stored(org, family, kind, fields,
                                                               message):
    arguments = {"household": family, "user": org.users[FO], "kind": kind,
                 "reporter": "Iis", "person": family.members.get(name="SITI AMINAH"),
                 "event_date": datetime.date(2026, 11, 1)}
    arguments.update(fields)
    with pytest.raises(UpkeepError, match=message):
        upkeep.record_change(**arguments)
    assert not ProfileChange.objects.exists()


def test_a_person_of_another_household_is_refused(org, family):
    stranger = make_household(org.own, ["UJANG"]).members.get()
    with pytest.raises(UpkeepError, match="bukan anggota"):
        upkeep.record_change(household=family, user=org.users[FO], kind="pindah",
                             person=stranger, reporter="RT")


def test_the_same_change_twice_is_refused(org, family):
    person = family.members.get(name="SITI AMINAH")
    upkeep.record_change(household=family, user=org.users[FO], kind="pindah", person=person,
                         reporter="RT")
    with pytest.raises(UpkeepError, match="sudah dicatat"):
        upkeep.record_change(household=family, user=org.users[FASIL], kind="pindah",
                             person=person, reporter="RW")
    assert ProfileChange.objects.count() == 1


def test_the_meeting_decides_changes_and_the_extract_confirms_them(org, family):
    koor = org.users[KOOR]
    siti = family.members.get(name="SITI AMINAH")
    asep = family.members.get(name="ASEP SUNANDAR")
    died = upkeep.record_change(household=family, user=org.users[FO], kind="meninggal",
                                person=siti, event_date=datetime.date(2026, 11, 1),
                                reporter="Asep")
    fixed = upkeep.record_change(household=family, user=org.users[FO], kind="koreksi",
                                 person=asep, details={"name": "ASEP SUNANDAR SE"},
                                 reporter="Asep")
    meeting = meetings.create_meeting(village=org.own, user=koor, date=TODAY, place="Balai",
                                      chair="Kades")
    assert meetings.attach_changes(meeting.pk, koor, [died, fixed]) == 2
    with pytest.raises(meetings.MeetingError, match="tanpa keputusan"):
        meetings.close_meeting(meeting.pk, koor)
    meetings.decide(meeting.pk, koor, change_id=died.pk, decision="layak")
    with pytest.raises(meetings.MeetingError, match="alasan"):
        meetings.decide(meeting.pk, koor, change_id=fixed.pk, decision="tidak_layak")
    meetings.decide(meeting.pk, koor, change_id=fixed.pk, decision="tidak_layak",
                    reason="Tidak ada dokumen.")
    meetings.close_meeting(meeting.pk, koor)
    died.refresh_from_db()
    fixed.refresh_from_db()
    assert (died.status, fixed.status) == ("disetujui", "ditolak")

    text = " ".join(" ".join(page.extract_text() for page in
                             PdfReader(io.BytesIO(meetings.berita_acara_pdf(meeting))).pages)
                    .split())
    assert "0 usulan" not in text  # no empty proposals table
    assert f"#{died.pk}" in text and f"#{fixed.pk}" in text
    assert "DISETUJUI" in text and "DITOLAK" in text and "Tidak ada dokumen." in text

    # The next extract says she died: the change is confirmed; the rejected one stays.
    Person.objects.filter(pk=siti.pk).update(status=Person.Status.DIED)
    assert upkeep.confirm_changes_from_register([org.own.pk]) == 1
    died.refresh_from_db()
    assert died.status == "terkonfirmasi"
    assert upkeep.pending_changes(family) == []


def test_a_correction_is_confirmed_only_when_the_extract_shows_it(org, family):
    asep = family.members.get(name="ASEP SUNANDAR")
    change = upkeep.record_change(household=family, user=org.users[FO], kind="koreksi",
                                  person=asep, details={"birth_date": datetime.date(1990, 2, 12)},
                                  reporter="Asep")
    assert upkeep.confirm_changes_from_register([org.own.pk]) == 0
    Person.objects.filter(pk=asep.pk).update(birth_date=datetime.date(1990, 2, 12))
    assert upkeep.confirm_changes_from_register([org.own.pk]) == 1
    change.refresh_from_db()
    assert change.status == "terkonfirmasi"


def test_a_new_member_is_confirmed_when_the_extract_has_the_nik(org, family):
    nik = make_nik(datetime.date(2026, 9, 1), "L")
    change = upkeep.record_change(household=family, user=org.users[FO], kind="anggota_baru",
                                  details={"name": "BAYI ASEP", "nik": nik, "relation": 3},
                                  reporter="Asep")
    assert upkeep.confirm_changes_from_register([org.own.pk]) == 0
    Person.objects.create(household=family, village=org.own, nik=nik, name="BAYI ASEP",
                          relation=3)
    assert upkeep.confirm_changes_from_register([org.own.pk]) == 1
    change.refresh_from_db()
    assert change.status == "terkonfirmasi"


# --- Programme needs: suggestions from editable rules ----------------------------------


def suggested(household):
    return sorted((s.programme.code, s.person.name if s.person else None)
                  for s in upkeep.need_suggestions(household, today=TODAY))


def test_suggestions_for_a_poor_household_with_a_child_an_elder_and_a_disabled_person(org):
    household = make_household(org.own, [
        {"name": "KEPALA", "birth_date": born(45)},
        {"name": "ANAK SEKOLAH", "birth_date": born(10), "relation": 3},
        {"name": "BALITA", "birth_date": born(3), "relation": 3},
        {"name": "NENEK", "birth_date": born(72), "relation": 6, "sex": "P"},
        {"name": "PAMAN", "birth_date": born(30), "relation": 8, "disability": True},
    ], desil=1, programmes=["bpnt"])
    got = suggested(household)
    assert ("pip", "ANAK SEKOLAH") in got
    assert ("pip", "BALITA") not in got  # too young for school
    assert ("atensi", "NENEK") in got and ("atensi", "PAMAN") in got
    assert ("atensi", "KEPALA") not in got
    assert ("pkh", None) in got  # a balita, an elder of 70+, a disabled member
    assert ("rtlh", None) in got  # desil 1
    assert ("bpnt", None) not in got  # already held by the household
    assert sum(1 for code, _ in got if code == "pbi-jk") == 5  # every member, desil 1
    assert len([1 for code, _ in got if code == "pkh"]) == 1  # once per household


def test_a_better_off_household_gets_only_what_does_not_depend_on_desil(org):
    household = make_household(org.own, [
        {"name": "KEPALA", "birth_date": born(45)},
        {"name": "ANAK", "birth_date": born(10), "relation": 3},
        {"name": "PAMAN", "birth_date": born(30), "relation": 8, "disability": True},
    ], desil=7)
    assert suggested(household) == [("atensi", "PAMAN")]


def test_held_programmes_and_decided_needs_are_not_suggested_again(org):
    household = make_household(org.own, [
        {"name": "KEPALA", "birth_date": born(45)},
        {"name": "ANAK SATU", "birth_date": born(10), "relation": 3, "programmes": ["pip"]},
        {"name": "ANAK DUA", "birth_date": born(12), "relation": 3},
        {"name": "ANAK TIGA", "birth_date": born(14), "relation": 3},
    ], desil=4)
    pip = [name for code, name in suggested(household) if code == "pip"]
    assert pip == ["ANAK DUA", "ANAK TIGA"]
    dua = household.members.get(name="ANAK DUA")
    tiga = household.members.get(name="ANAK TIGA")
    programme = Programme.objects.get(code="pip")
    upkeep.confirm_need(household=household, user=org.users[BO], programme_id=programme.pk,
                        person_id=dua.pk)
    upkeep.dismiss_need(household=household, user=org.users[FASIL], programme_id=programme.pk,
                        person_id=tiga.pk, note="Sudah lulus, bekerja.")
    assert [name for code, name in suggested(household) if code == "pip"] == []
    with pytest.raises(UpkeepError, match="sudah dicatat"):
        upkeep.confirm_need(household=household, user=org.users[BO],
                            programme_id=programme.pk, person_id=dua.pk)


def test_editing_a_rule_changes_the_suggestions(org):
    household = make_household(org.own, [{"name": "KEPALA", "birth_date": born(62)}], desil=3)
    assert ("atensi", "KEPALA") in suggested(household)
    NeedRule.objects.filter(code="atensi-lansia").update(min_age=65)
    assert ("atensi", "KEPALA") not in suggested(household)
    NeedRule.objects.filter(code="pbi-desil-rendah").update(active=False)
    assert ("pbi-jk", "KEPALA") not in suggested(household)


@pytest.mark.parametrize("role", READERS)
def test_readers_do_not_record_needs(org, role):
    household = make_household(org.own, ["KEPALA"], desil=1)
    with pytest.raises(PermissionDenied):
        upkeep.confirm_need(household=household, user=org.users[role],
                            programme_id=Programme.objects.get(code="pkh").pk)
    assert not ProgrammeNeed.objects.exists()


def test_recording_participation_meets_the_need(org):
    household = make_household(org.own, [
        {"name": "KEPALA", "birth_date": born(40)},
        {"name": "ANAK", "birth_date": born(9), "relation": 3}], desil=2)
    child = household.members.get(name="ANAK")
    pip = Programme.objects.get(code="pip")
    need = upkeep.confirm_need(household=household, user=org.users[FO], programme_id=pip.pk,
                               person_id=child.pk)
    participation = upkeep.record_participation(household=household, user=org.users[FASIL],
                                                programme=pip, person=child,
                                                since=datetime.date(2026, 8, 1))
    assert participation.source == Participation.Source.FACILITATOR
    need.refresh_from_db()
    assert need.status == ProgrammeNeed.Status.MET
    with pytest.raises(UpkeepError, match="sudah tercatat"):
        upkeep.record_participation(household=household, user=org.users[FO], programme=pip,
                                    person=child)
    assert Participation.objects.filter(household=household, programme=pip).count() == 1


def test_a_need_is_marked_met_once(org):
    household = make_household(org.own, ["KEPALA"], desil=1)
    need = upkeep.confirm_need(household=household, user=org.users[FO],
                               programme_id=Programme.objects.get(code="rtlh").pk)
    upkeep.mark_need_met(need=need, user=org.users[KOOR])
    with pytest.raises(UpkeepError, match="dikonfirmasi"):
        upkeep.mark_need_met(need=need, user=org.users[KOOR])
    assert Household.objects.get(pk=household.pk).needs.get().status == "terpenuhi"


@pytest.mark.parametrize("role,allowed", [(FO, True), (KOOR, True), (FASIL, True),
                                          (BO, False), (KADES, False), (SUP, False),
                                          (MAN, False)])
def test_who_submits_a_draft_to_the_meeting(org, role, allowed):
    proposal = proposal_of(org)
    if allowed:
        assert mark_proposal_ready(proposal=proposal, user=org.users[role]).status == "siap"
        assert proposal.events.last().user == org.users[role]
    else:
        with pytest.raises(PermissionDenied):
            mark_proposal_ready(proposal=proposal, user=org.users[role])
        proposal.refresh_from_db()
        assert proposal.status == "draf"
        assert proposal.events.count() == 1


def test_approved_changes_are_exported_on_their_own_sheet(org, family):
    from openpyxl import load_workbook

    koor = org.users[KOOR]
    siti = family.members.get(name="SITI AMINAH")
    moved = upkeep.record_change(household=family, user=org.users[FO], kind="pindah",
                                 person=siti, details={"moved_to": "Kab. Garut"},
                                 reporter="Asep")
    meeting = meetings.create_meeting(village=org.own, user=koor, date=TODAY, place="Balai",
                                      chair="Kades")
    meetings.attach_changes(meeting.pk, koor, [moved])
    meetings.decide(meeting.pk, koor, change_id=moved.pk, decision="layak")
    meetings.close_meeting(meeting.pk, koor)
    book = load_workbook(io.BytesIO(meetings.export_for_siks_ng(meeting.pk, koor)))
    assert book.sheetnames == ["Usulan baru", "Perubahan data"]
    assert book["Usulan baru"].max_row == 1  # no proposal: the header only
    rows = list(book["Perubahan data"].iter_rows(values_only=True))
    assert rows[0][:5] == ("NO", "NO PERUBAHAN", "JENIS PERUBAHAN", "ID REGISTER", "NIK")
    assert rows[1][2:7] == ("PINDAH", family.register_id, siti.nik, "SITI AMINAH",
                            "PINDAH KE: Kab. Garut")
    assert book["Perubahan data"].cell(row=2, column=5).data_type == "s"  # NIK as text
