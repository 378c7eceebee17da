"""Every figure of the village report, computed here from what the fixture made, compared
with the report's data and with the text of the PDF."""

import datetime
import re
import statistics
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone
from django_fsm_log.models import StateLog

from beneficiaries import meetings
from beneficiaries.models import (
    Participation,
    Person,
    PersonPpks,
    PpksType,
    PreListProposal,
    ProfileChange,
    Programme,
    ProgrammeNeed,
)
from beneficiaries.proposal_services import create_proposal, mark_proposal_ready
from intake.models import QueueTicket, Visit
from intake.services import take_ticket
from puskesos.roles import Role
from referrals.calendar import working_days_between
from referrals.models import Agency, Complaint, DeadlineRule, Referral, Sector
from reports.figures import area_figures, number, table, village_figures
from reports.periods import Period
from reports.services import report_pdf
from tests.beneficiaries.factories import make_household, make_nik
from tests.intake.factories import make_visit
from tests.referrals.factories import complaint_in
from tests.reports.factories import complete_profile, local, pdf_text

S = Complaint.State
# (state, category, kind, programme code, sector code, when): "now" is today, "start"
# the first minutes of this month, "before" 23:30 WIB on the last day of last month.
COMPLAINTS = [
    (S.REGISTERED, "kepesertaan", "pengaduan", "pkh", "sosial-ekonomi", "now"),
    (S.REGISTERED, "non_kepesertaan", "pertanyaan", "bpnt", "kesehatan", "now"),
    (S.REVIEWED, "kepesertaan", "pengaduan", None, "sosial-ekonomi", "now"),
    (S.HANDLED, "kepesertaan", "pengaduan", None, "sosial-ekonomi", "start"),
    (S.REFERRED, "kepesertaan", "pengaduan", "pkh", "pendidikan", "now"),
    (S.CLOSED, "kepesertaan", "pengaduan", None, "sosial-ekonomi", "now"),
    (S.REGISTERED, "non_kepesertaan", "saran", None, "pangan", "before"),
]


def period_now():
    return Period.containing(timezone.localdate())


def moment(when, period):
    previous = period.previous().last_day
    if when == "start":
        return period.start_at + datetime.timedelta(minutes=10)
    if when == "before":
        return local(previous.year, previous.month, previous.day, 23, 30)
    return None


def move_complaint(complaint, at):
    Complaint.objects.filter(pk=complaint.pk).update(created_at=at)
    Visit.objects.filter(pk=complaint.visit_id).update(created_at=at)


@pytest.fixture
def history(org):
    """A month of work in Desa Cimaung (and a little in Jagabaya, which must not count)."""
    period = period_now()
    users = org.users
    made = []
    for state, category, kind, programme, sector, when in COMPLAINTS:
        complaint = complaint_in(org, state, referral_response="diterima"
                                 if state == S.REFERRED else None)
        Complaint.objects.filter(pk=complaint.pk).update(
            category=category, kind=kind, sector=Sector.objects.get(code=sector),
            programme=Programme.objects.filter(code=programme).first())
        if when != "now":
            move_complaint(complaint, moment(when, period))
        made.append(complaint)
    # The complaint of last month is reviewed this month: it counts in this month's
    # review times, and stays "registered" in last month's state table.
    from referrals import services as workflow

    workflow.transition(made[-1].pk, "review", users[Role.BACK_OFFICE], note="Ditelaah.")
    complaint_in(org, S.REGISTERED, village=org.sibling)

    # An information call with a queue number today; a queue number last month.
    make_visit(org.own, users[Role.FRONT_OFFICE], purpose=Visit.Purpose.INFORMATION,
               complaint=False, channel=Visit.Channel.PHONE, ticket=True)
    old_ticket = take_ticket(org.own, users[Role.FRONT_OFFICE])
    QueueTicket.objects.filter(pk=old_ticket.pk).update(date=period.previous().last_day)

    # Pre-list proposals: two decided by this month's Musyawarah Desa, one of last month.
    koor = users[Role.COORDINATOR]
    proposals = []
    for name in ("UJANG", "DEDE", "ENTIS"):
        proposal = create_proposal(
            village=org.own, user=users[Role.FRONT_OFFICE],
            household={"address": "Kp. Sukamaju", "reason": "Rumah tidak layak huni."},
            members=[{"nik": make_nik(datetime.date(1980, 1, 1)), "name": name,
                      "relation": 1}])
        proposals.append(mark_proposal_ready(proposal=proposal, user=users[Role.FRONT_OFFICE]))
    PreListProposal.objects.filter(pk=proposals[2].pk).update(
        created_at=moment("before", period))
    meeting = meetings.create_meeting(village=org.own, user=koor, date=timezone.localdate(),
                                      place="Balai Desa", chair="Kepala Desa")
    meetings.attach_proposals(meeting.pk, koor, proposals[:2])
    meetings.decide(meeting.pk, koor, proposal_id=proposals[0].pk, decision="layak")
    meetings.decide(meeting.pk, koor, proposal_id=proposals[1].pk, decision="tidak_layak",
                    reason="Sudah mampu.")
    meetings.close_meeting(meeting.pk, koor)

    # The register: PPKS, participation, profile changes, needs.
    h1 = make_household(org.own, ["ASEP", "SITI"], programmes=["pkh"])
    h2 = make_household(org.own, ["OTONG", {"name": "EMIN", "status": Person.Status.DIED}],
                        programmes=["pkh"])
    asep, siti = h1.members.order_by("pk")
    otong, emin = h2.members.order_by("pk")
    ketelantaran = PpksType.objects.filter(cluster__code="ketelantaran").first()
    kecacatan = PpksType.objects.filter(cluster__code="kecacatan").first()
    PersonPpks.objects.create(person=asep, ppks_type=ketelantaran)
    PersonPpks.objects.create(person=asep, ppks_type=kecacatan)
    old = PersonPpks.objects.create(person=siti, ppks_type=ketelantaran)
    PersonPpks.objects.filter(pk=old.pk).update(recorded_at=moment("before", period))
    PersonPpks.objects.create(person=emin, ppks_type=ketelantaran)  # died: not counted
    Participation.objects.filter(household=h2).update(recorded_at=moment("before", period))
    Participation.objects.create(household=h1, person=asep,
                                 programme=Programme.objects.get(code="pbi-jk"),
                                 source="ekstrak")
    Participation.objects.create(household=h1, programme=Programme.objects.get(code="bpnt"),
                                 source="meja", recorded_by=koor)
    for kind, status, when in (("pindah", "dicatat", "now"), ("meninggal", "disetujui", "now"),
                               ("koreksi", "dicatat", "before")):
        change = ProfileChange.objects.create(village=org.own, household=h2, person=otong,
                                              kind=kind, status=status, reporter="Ketua RT",
                                              recorded_by=koor)
        if when == "before":
            ProfileChange.objects.filter(pk=change.pk).update(created_at=moment(when, period))
    ProgrammeNeed.objects.create(village=org.own, household=h2, person=otong,
                                 programme=Programme.objects.get(code="atensi"),
                                 created_by=koor)
    return {"period": period, "complaints": made}


def expected_counts(field_index, when_in):
    return Counter(spec[field_index] for spec in COMPLAINTS if spec[5] in when_in)


def test_every_figure_matches_what_happened(history, org):
    period = history["period"]
    figures = village_figures(org.own, period)
    this = ("now", "start")

    assert figures["period"]["key"] == period.key
    assert figures["previous_period"]["key"] == period.previous().key
    numbers = {key: (item["value"], item["previous"])
               for key, item in figures["numbers"].items()}
    in_month = sum(1 for spec in COMPLAINTS if spec[5] in this)
    assert numbers["complaints"] == (in_month, len(COMPLAINTS) - in_month) == (6, 1)
    # Each complaint came with a visit; plus the information call.
    assert numbers["visits"] == (in_month + 1, 1)
    assert numbers["tickets"] == (1, 1)
    # Registering the call's visit served its number; last month's was never called.
    assert numbers["tickets_served"] == (1, 0)

    categories = {"kepesertaan": "Kepesertaan", "non_kepesertaan": "Non-kepesertaan"}
    got = table(figures, "complaints_by_category")
    for code, label in categories.items():
        assert got[label] == expected_counts(1, this)[code]
    kinds = dict(Complaint.Kind.choices)
    got = table(figures, "complaints_by_kind")
    for code, count in expected_counts(2, this).items():
        assert got[str(kinds[code])] == count
    got = table(figures, "complaints_by_programme")
    names = {p.code: p.short_name for p in Programme.objects.all()}
    for code, count in expected_counts(3, this).items():
        assert got[names[code] if code else "Tanpa program"] == count
    got = table(figures, "complaints_by_sector")
    sectors = {s.code: s.name for s in Sector.objects.all()}
    for code, count in expected_counts(4, this).items():
        assert got[sectors[code]] == count
    assert sum(got.values()) == in_month

    # States at the end of the month: the complaint of last month was "registered" then.
    states = {str(label): count for label, count in (
        (S.REGISTERED.label, 2), (S.REVIEWED.label, 1), (S.HANDLED.label, 1),
        (S.REFERRED.label, 1), (S.CLOSED.label, 1))}
    assert table(figures, "complaints_by_state") == states
    previous_states = {row["label"]: row["previous"]
                       for row in figures["tables"]["complaints_by_state"]["rows"]}
    assert previous_states[str(S.REGISTERED.label)] == 1
    assert sum(previous_states.values()) == 1

    # Decisions this month: handled once; referred twice (the referred and the closed).
    assert numbers["handled"] == (1, 0)
    assert numbers["referred"] == (2, 0)
    assert numbers["closed"] == (1, 0)
    assert table(figures, "handling") == {"Ditangani di desa": 1, "Dirujuk": 2}
    dinsos = Agency.objects.get(code="dinsos").name
    assert table(figures, "referrals_by_agency") == {dinsos: 2}
    assert numbers["referrals_sent"] == (2, 0)
    responses = table(figures, "referral_responses")
    assert responses[str(Referral.Response.ACCEPTED.label)] == 1
    assert sum(responses.values()) == 1
    assert numbers["referrals_awaiting"] == (1, 0)

    # Handling times in working days from registration (same rule as the deadlines).
    today = timezone.localdate()
    rule = DeadlineRule.objects.get(category="kepesertaan")
    start_day = period.start
    before_day = period.previous().last_day
    review_days = [0, working_days_between(start_day, today), 0, 0,
                   working_days_between(before_day, today)]
    decision_days = [working_days_between(start_day, today), 0, 0]
    limits = {"review": [rule.review_days] * 4 + [
        DeadlineRule.objects.get(category="non_kepesertaan").review_days],
              "decision": [rule.decision_days] * 3}
    times = {item["stage"]: item for item in figures["times"]}
    for stage, values in (("review", review_days), ("decision", decision_days)):
        within = sum(1 for days, limit in zip(values, limits[stage], strict=True)
                     if days <= limit)
        assert times[stage]["count"] == len(values)
        assert times[stage]["median_days"] == statistics.median(values)
        assert times[stage]["within"] == within
        assert times[stage]["share"] == round(100 * within / len(values))
    assert times["answer"]["count"] == 1 and times["answer"]["within"] == 1
    assert times["answer"]["median_days"] == 0

    assert numbers["proposals"] == (2, 1)
    assert numbers["meetings"] == (1, 0)
    decisions = table(figures, "meeting_decisions")
    assert decisions["Usulan daftar awal — layak"] == 1
    assert decisions["Usulan daftar awal — tidak layak"] == 1
    assert decisions["Perubahan data — layak"] == 0

    assert numbers["profile_changes"] == (2, 1)
    kinds = table(figures, "profile_changes_by_kind")
    assert kinds["Pindah"] == 1 and kinds["Meninggal dunia"] == 1 and kinds["Koreksi data"] == 0
    statuses = table(figures, "profile_changes_by_status")
    assert statuses["Dicatat, menunggu musyawarah"] == 1
    assert statuses["Disetujui musyawarah"] == 1

    # PPKS: Asep (two clusters) and Siti (last month); Emin died and is not counted.
    assert numbers["ppks_people"] == (2, 1)
    assert numbers["ppks_new"] == (1, 1)
    clusters = {row["label"]: (row["value"], row["previous"])
                for row in figures["tables"]["ppks_by_cluster"]["rows"]}
    assert clusters["Ketelantaran"] == (2, 1)
    assert clusters["Kecacatan"] == (1, 0)
    assert figures["tables"]["ppks_by_cluster"]["total"]["value"] == 2

    participation = {row["label"]: (row["value"], row["previous"])
                     for row in figures["tables"]["participation_by_programme"]["rows"]}
    assert participation["PKH (keluarga)"] == (2, 1)
    assert participation["PBI-JK (orang)"] == (1, 0)
    assert participation["Sembako/BPNT (keluarga)"] == (1, 0)
    assert numbers["participation_new"] == (1, 0)
    assert table(figures, "needs_by_programme") == {"ATENSI": 1}
    assert numbers["needs"] == (1, 0)

    # The 12-month trend ends with this month.
    trend = figures["trend"]
    assert trend["months"][-1] == f"{period.year}-{period.number:02d}"
    assert trend["series"]["Pengaduan"][-2:] == [1, in_month]
    assert trend["series"]["Kunjungan"][-2:] == [1, in_month + 1]
    assert trend["series"]["Rujukan dikirim"][-1] == 2
    assert figures["empty"] is False

    # The PDF says the same.
    complete_profile(org.own)
    text = pdf_text(report_pdf(org.own, period, figures))
    for item in figures["numbers"].values():
        change = item["value"] - item["previous"]
        sign = f"+{change}" if change > 0 else (f"−{-change}" if change < 0 else "0")
        assert re.search(rf"{re.escape(item['label'])}\s+{item['value']}\s+{item['previous']}"
                         rf"\s+{re.escape(sign)}", text), item
    for key in ("complaints_by_category", "complaints_by_sector", "referrals_by_agency",
                "ppks_by_cluster", "participation_by_programme"):
        for row in figures["tables"][key]["rows"]:
            assert re.search(rf"{re.escape(row['label'])}\s+{row['value']}\s+{row['previous']}",
                             text), (key, row)


def test_a_complaint_at_23_30_on_the_last_day_belongs_to_that_month(org):
    november = Period.parse("2026-11")
    late = complaint_in(org, S.REGISTERED)
    early = complaint_in(org, S.REGISTERED)
    # 23:30 WIB on 31 October is 16:30 UTC; 00:30 WIB on 1 November is 17:30 UTC.
    move_complaint(late, local(2026, 10, 31, 23, 30))
    move_complaint(early, local(2026, 11, 1, 0, 30))
    assert local(2026, 10, 31, 23, 30).astimezone(datetime.UTC).hour == 16
    october = november.previous()
    assert number(village_figures(org.own, october), "complaints") == 1
    figures = village_figures(org.own, november)
    assert figures["numbers"]["complaints"] == {"label": "Pengaduan diterima", "value": 1,
                                                "previous": 1}


def test_quarter_semester_and_year_add_up_their_months(org):
    for month in (7, 8, 11):
        complaint = complaint_in(org, S.REGISTERED)
        move_complaint(complaint, local(2026, month, 15, 10))
    assert number(village_figures(org.own, Period.parse("2026-Q3")), "complaints") == 2
    assert number(village_figures(org.own, Period.parse("2026-Q4")), "complaints") == 1
    assert number(village_figures(org.own, Period.parse("2026-S2")), "complaints") == 3
    assert number(village_figures(org.own, Period.parse("2026")), "complaints") == 3
    assert number(village_figures(org.own, Period.parse("2026-S1")), "complaints") == 0


def test_an_empty_period_is_a_valid_report_that_says_so(org):
    complete_profile(org.own)
    period = Period.parse("2025-03")
    figures = village_figures(org.own, period)
    assert figures["empty"] is True
    assert all(item["value"] == 0 for key, item in figures["numbers"].items()
               if key not in ("ppks_people",))
    text = pdf_text(report_pdf(org.own, period, figures))
    assert "Tidak ada kegiatan pada periode ini" in text
    assert "Hal. 1 dari" in text


def test_area_figures_are_the_sum_of_their_villages(history, org):
    period = history["period"]
    result = area_figures([org.own, org.sibling], period)
    own, sibling = (row["figures"] for row in result["villages"])
    assert number(sibling, "complaints") == 1
    for key in result["total"]["numbers"]:
        assert number(result["total"], key) == number(own, key) + number(sibling, key), key
    assert result["total"]["villages"] == [org.own.code, org.sibling.code]
    assert table(result["total"], "complaints_by_category")["Kepesertaan"] == 6


def test_the_queries_do_not_grow_with_the_number_of_villages(org, django_assert_max_num_queries):
    villages = [org.own, org.sibling, org.other_district_village]
    for village in villages:
        complaint_in(org, S.REGISTERED, village=village)
    with django_assert_max_num_queries(60):
        area_figures(villages, period_now())


def test_state_log_is_read_for_the_state_at_the_end_of_the_period(org):
    complaint = complaint_in(org, S.REVIEWED)
    move_complaint(complaint, local(2026, 10, 10, 9))
    # Reviewed on 3 November: in the October report it is still "registered".
    StateLog.objects.filter(object_id=complaint.pk, transition="review").update(
        timestamp=local(2026, 11, 3, 9))
    october = village_figures(org.own, Period.parse("2026-10"))
    assert table(october, "complaints_by_state")[str(S.REGISTERED.label)] == 1
    assert table(october, "complaints_by_state")[str(S.REVIEWED.label)] == 0
    Complaint.objects.filter(pk=complaint.pk).update(reviewed_at=F("created_at"))
