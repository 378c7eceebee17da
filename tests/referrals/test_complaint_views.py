"""The back office's complaint pages as the staff use them: the triage queue (scope,
tabs, filters, search, ageing against working-day deadlines), the complaint page
(desk data, register context, timeline, only the steps the user may take now) and
the POSTs of those steps, with their refusals."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from beneficiaries.models import Programme
from intake.models import Attachment, Visit
from puskesos.roles import Role
from referrals import services
from referrals.models import Complaint, ComplaintEvent, DayOff, DeadlineRule, Sector
from referrals.selectors import Age, Deadlines, whatsapp_number
from tests.beneficiaries.factories import make_household
from tests.intake.factories import jpeg_attachment, make_complaint

from .factories import approved_referral, complaint_in

pytestmark = pytest.mark.django_db
S = Complaint.State
QUEUE = reverse("complaint-queue")


def detail_url(complaint):
    return reverse("complaint-detail", args=[complaint.pk])


def step_url(complaint, name):
    return reverse("complaint-transition", args=[complaint.pk, name])


def as_user(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return unescape(response.content.decode())


def numbers_shown(response) -> set[str]:
    return set(re.findall(r'data-testid="complaint-row" data-number="([^"]+)"',
                          response.content.decode()))


def registered_on(complaint, day: datetime.date, hour=10):
    """Move a complaint's registration to ``day`` (local time)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    Complaint.objects.filter(pk=complaint.pk).update(created_at=moment)
    complaint.refresh_from_db()
    return complaint


def tab_count(response, state: str) -> int:
    match = re.search(rf'data-testid="tab-{state}">.*?data-testid="tab-count">(\d+)<',
                      response.content.decode(), re.S)
    return int(match.group(1))


def overdue_count(response, state: str) -> int:
    match = re.search(rf'data-testid="overdue-{state}">.*?data-testid="overdue-count">(\d+)<',
                      response.content.decode(), re.S)
    return int(match.group(1))


# -- the queue --------------------------------------------------------------------------


def test_queue_shows_the_villages_open_complaints_by_default(client, org):
    registered = complaint_in(org, S.REGISTERED)
    handled = complaint_in(org, S.HANDLED)
    closed = complaint_in(org, S.CLOSED)
    sibling = complaint_in(org, S.REGISTERED, village=org.sibling)
    response = as_user(client, org.users[Role.BACK_OFFICE]).get(QUEUE)
    assert response.status_code == 200
    assert numbers_shown(response) == {registered.registration_number,
                                       handled.registration_number}
    assert sibling.registration_number not in text(response)
    assert tab_count(response, "terbuka") == 2
    assert tab_count(response, "registered") == 1
    assert tab_count(response, "closed") == 1
    assert tab_count(response, "semua") == 3
    closed_tab = client.get(QUEUE, {"status": "closed"})
    assert numbers_shown(closed_tab) == {closed.registration_number}
    assert numbers_shown(client.get(QUEUE, {"status": "semua"})) == {
        registered.registration_number, handled.registration_number,
        closed.registration_number}


def test_supervisor_sees_the_kecamatans_villages(client, org):
    own = complaint_in(org, S.REGISTERED)
    sibling = complaint_in(org, S.REGISTERED, village=org.sibling)
    foreign = complaint_in(org, S.REGISTERED, village=org.other_district_village)
    response = as_user(client, org.users[Role.SUPERVISOR]).get(QUEUE)
    assert numbers_shown(response) == {own.registration_number, sibling.registration_number}
    assert foreign.registration_number not in text(response)


def test_queue_needs_the_view_permission(client, org):
    assert client.get(QUEUE).status_code == 302  # anonymous: to the login page
    user = org.users[Role.BACK_OFFICE]
    user.groups.clear()
    as_user(client, user)
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert "Peran Anda tidak memiliki akses" in text(response)


def test_queue_filters_and_search(client, org):
    fo, bo = org.users[Role.FRONT_OFFICE], org.users[Role.BACK_OFFICE]
    plain = make_complaint(org.own, fo, name="SITI AMINAH", dusun="Cibeureum")
    other_category = make_complaint(org.own, fo, name="DEDI MULYADI", dusun="Sukamaju",
                                    channel=Visit.Channel.WHATSAPP)
    services.correct(other_category.pk, bo, category="non_kepesertaan",
                     programme=Programme.objects.get(code="pkh"),
                     sector=Sector.objects.get(code="pangan"), note="Soal penyaluran.")
    assigned = make_complaint(org.own, fo, name="UJANG SUPRIATNA", dusun="Sukamaju")
    services.assign(assigned.pk, bo, org.users[Role.COORDINATOR])
    as_user(client, bo)

    def shown(**params):
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        return {number[-4:] for number in numbers_shown(response)}

    def seq(*complaints):
        return {c.registration_number[-4:] for c in complaints}

    assert shown() == seq(plain, other_category, assigned)
    assert shown(kategori="non_kepesertaan") == seq(other_category)
    assert shown(program=Programme.objects.get(code="pkh").pk) == seq(other_category)
    assert shown(sektor=Sector.objects.get(code="pangan").pk) == seq(other_category)
    assert shown(dusun="Sukamaju") == seq(other_category, assigned)
    assert shown(saluran="whatsapp") == seq(other_category)
    assert shown(petugas=bo.pk) == seq(assigned)
    assert shown(petugas="belum") == seq(plain, other_category)
    assert shown(q="siti") == seq(plain)
    assert shown(q=assigned.registration_number[-7:]) == seq(assigned)  # "11-0003"
    assert shown(q="tidak ada") == set()
    # The tabs count what the filters leave.
    response = client.get(QUEUE, {"dusun": "Sukamaju"})
    assert tab_count(response, "registered") == 2


def test_an_unknown_filter_value_is_said_and_shows_nothing(client, org):
    complaint_in(org, S.REGISTERED)
    response = as_user(client, org.users[Role.BACK_OFFICE]).get(QUEUE, {"program": "99999"})
    assert response.status_code == 200
    assert 'data-testid="filter-error"' in response.content.decode()
    assert numbers_shown(response) == set()


def test_queue_is_paginated_by_25(client, org):
    fo = org.users[Role.FRONT_OFFICE]
    made = [make_complaint(org.own, fo) for _ in range(27)]
    as_user(client, org.users[Role.BACK_OFFICE])
    first = client.get(QUEUE)
    second = client.get(QUEUE, {"halaman": 2})
    assert len(numbers_shown(first)) == 25 and len(numbers_shown(second)) == 2
    # Oldest first: the queue is worked from the longest waiting.
    assert numbers_shown(second) == {c.registration_number for c in made[-2:]}
    assert "halaman=2" in first.content.decode()


def test_queue_ageing_colours_counts_and_age_filter(client, org):
    """Relative to the real today: a complaint registered 40 days ago is overdue; one
    registered today with 3 working days is "sisa 3 hari kerja" whatever the weekday;
    1 working day left, or due today, is amber."""
    DeadlineRule.objects.filter(category="kepesertaan").update(review_days=3,
                                                                decision_days=1)
    DeadlineRule.objects.filter(category="non_kepesertaan").update(review_days=0)
    today = timezone.localdate()
    late = registered_on(complaint_in(org, S.REGISTERED), today - datetime.timedelta(days=40))
    fresh = complaint_in(org, S.REGISTERED)
    one_left = complaint_in(org, S.REVIEWED)  # decision within 1 working day
    due_today = complaint_in(org, S.REGISTERED)
    services.correct(due_today.pk, org.users[Role.BACK_OFFICE], category="non_kepesertaan",
                     note="Soal penyaluran.")
    handled = complaint_in(org, S.HANDLED)
    response = as_user(client, org.users[Role.BACK_OFFICE]).get(QUEUE)
    html = text(response)

    def row(complaint):
        match = re.search(rf'data-number="{complaint.registration_number}" data-age="(\w*)">'
                          r'(.*?)</tr>', html, re.S)
        return match.group(1), re.sub(r"\s+", " ", match.group(2))

    level, cells = row(late)
    assert level == "lewat" and "text-bg-danger" in cells and "lewat" in cells
    level, cells = row(fresh)
    assert level == "tepat" and "text-bg-success" in cells and "sisa 3 hari kerja" in cells
    level, cells = row(one_left)
    assert level == "segera" and "text-bg-warning" in cells and "sisa 1 hari kerja" in cells
    level, cells = row(due_today)
    assert level == "segera" and "batas hari ini" in cells
    level, cells = row(handled)
    assert level == "" and "tinggal ditutup" in cells
    assert overdue_count(response, "registered") == 1
    assert overdue_count(response, "reviewed") == 0

    def shown(age):
        return numbers_shown(client.get(QUEUE, {"umur": age}))

    assert shown("lewat") == {late.registration_number}
    assert shown("segera") == {one_left.registration_number, due_today.registration_number}
    assert shown("tepat") == {fresh.registration_number}


def test_referred_complaints_age_by_the_referrals_answer_date(client, org):
    on_time = complaint_in(org, S.REFERRED)  # sent today, 14 working days
    late = complaint_in(org, S.REFERRED)
    referral = late.referrals.get()
    referral.respond_by = timezone.localdate() - datetime.timedelta(days=3)
    referral.save()
    response = as_user(client, org.users[Role.BACK_OFFICE]).get(QUEUE, {"status": "referred"})
    html = response.content.decode()
    assert f'data-number="{late.registration_number}" data-age="lewat"' in html
    assert f'data-number="{on_time.registration_number}" data-age="tepat"' in html
    assert overdue_count(response, "referred") == 1
    assert numbers_shown(client.get(QUEUE, {"umur": "lewat"})) == {late.registration_number}


def test_queue_queries_do_not_grow_with_rows(client, org, django_assert_max_num_queries):
    for state in S.values:
        complaint_in(org, state)
    bo = org.users[Role.BACK_OFFICE]
    as_user(client, bo)
    client.get(QUEUE)  # warm the session and the permission cache
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE, {"status": "semua"})
    for state in S.values * 3:
        complaint_in(org, state)
    services.assign(Complaint.objects.first().pk, bo, org.users[Role.COORDINATOR])
    DayOff.objects.create(date=timezone.localdate() + datetime.timedelta(days=1),
                          description="Hari jadi desa")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(QUEUE, {"status": "semua"})
    assert len(numbers_shown(response)) == 20


# -- deadlines in working days ----------------------------------------------------------


def complaint_on(org, day):
    return registered_on(make_complaint(org.own, org.users[Role.FRONT_OFFICE]), day)


def test_deadlines_skip_christmas_the_weekend_and_local_days_off(org):
    """Registered Wed 23 Dec 2026, review within 3 working days: Thu 24 (1), Fri 25
    Christmas, 26-27 weekend, Mon 28 (2), Tue 29 (3). With a local day off on 24 Dec
    (cuti bersama) the third working day is Wed 30 Dec."""
    DeadlineRule.objects.filter(category="kepesertaan").update(review_days=3)
    complaint = complaint_on(org, datetime.date(2026, 12, 23))

    ageing = Deadlines(today=datetime.date(2026, 12, 28)).ageing(complaint)
    assert ageing.due == datetime.date(2026, 12, 29)
    assert (ageing.level, ageing.text, ageing.colour) == (Age.SOON, "sisa 1 hari kerja",
                                                          "warning")
    # On Thu 24 Dec: Mon 28 and Tue 29 are left after today.
    ageing = Deadlines(today=datetime.date(2026, 12, 24)).ageing(complaint)
    assert (ageing.level, ageing.text) == (Age.ON_TIME, "sisa 2 hari kerja")
    # Registered Mon 21 Dec: due Thu 24. Seen on Sat 26: late, but no working day yet.
    earlier = complaint_on(org, datetime.date(2026, 12, 21))
    ageing = Deadlines(today=datetime.date(2026, 12, 26)).ageing(earlier)
    assert ageing.due == datetime.date(2026, 12, 24)
    assert (ageing.level, ageing.text) == (Age.OVERDUE, "lewat batas waktu")

    DayOff.objects.create(date=datetime.date(2026, 12, 24), description="Cuti bersama")
    deadlines = Deadlines(today=datetime.date(2026, 12, 29))
    ageing = deadlines.ageing(complaint)
    assert ageing.due == datetime.date(2026, 12, 30)
    assert (ageing.level, ageing.text) == (Age.SOON, "sisa 1 hari kerja")
    # Mon 4 Jan 2027: Thu 31 Dec (1), Fri 1 Jan New Year, weekend, Mon 4 Jan (2).
    ageing = Deadlines(today=datetime.date(2027, 1, 4)).ageing(complaint)
    assert (ageing.level, ageing.text, ageing.colour) == (Age.OVERDUE, "lewat 2 hari kerja",
                                                          "danger")


@pytest.mark.parametrize("review_days", [0, 1, 3])
def test_age_filters_agree_with_the_rows(org, review_days):
    """The SQL conditions of the filters and counts put every complaint in the level
    its row shows, for registration days around Christmas and New Year."""
    DeadlineRule.objects.filter(category="kepesertaan").update(review_days=review_days)
    DayOff.objects.create(date=datetime.date(2026, 12, 31), description="Cuti bersama")
    start = datetime.date(2026, 12, 14)
    complaints = [complaint_on(org, start + datetime.timedelta(days=n)) for n in range(24)]
    seen = set()
    for today in (datetime.date(2026, 12, 24), datetime.date(2026, 12, 26),
                  datetime.date(2026, 12, 28), datetime.date(2027, 1, 4)):
        deadlines = Deadlines(today=today)
        expected = {c.pk: deadlines.ageing(c).level for c in complaints}
        for level in (Age.OVERDUE, Age.SOON, Age.ON_TIME):
            found = set(Complaint.objects.filter(deadlines.age_q(level))
                        .values_list("pk", flat=True))
            assert found == {pk for pk, lvl in expected.items() if lvl == level}, (today, level)
        seen |= set(expected.values())
    assert seen == {Age.OVERDUE, Age.SOON, Age.ON_TIME}


# -- the complaint page -----------------------------------------------------------------


def test_page_shows_the_desk_record_register_and_timeline(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fo, bo = org.users[Role.FRONT_OFFICE], org.users[Role.BACK_OFFICE]
    household = make_household(org.own, ["ENGKOS KOSASIH", "IMAS"], desil=2,
                               programmes=["pkh"])
    earlier = make_complaint(org.own, fo, nik="3204130101800777", household=household,
                             in_register=True)
    complaint = make_complaint(
        org.own, fo, nik="3204130101800999", name="ENGKOS KOSASIH", household=household,
        in_register=True, ticket=True, phone="081234567890", dusun="Cikadu",
        reporter_relation=Visit.Relation.NEIGHBOUR, reporter_name="KARTA",
        attachments=[(Attachment.Kind.HOUSE_PHOTO,
                      jpeg_attachment(latitude="-7.105123", longitude="107.551234"))])
    services.transition(complaint.pk, "review", bo, note="Cek data PKH ke Dinsos.")
    services.assign(complaint.pk, bo, org.users[Role.COORDINATOR])
    response = as_user(client, bo).get(detail_url(complaint))
    assert response.status_code == 200
    html = text(response)
    assert complaint.registration_number in html and "ENGKOS KOSASIH" in html
    assert "320413******0999" in html and "3204130101800999" not in html
    assert "Kp. Cimaung" in html and "Cikadu" in html and "081234567890" in html
    assert "Tetangga/kerabat: KARTA" in html
    assert complaint.visit.queue_ticket.code in html
    attachment = complaint.visit.attachments.get()
    assert reverse("attachment-download", args=[attachment.pk]) in html
    assert "-7.105123, 107.551234" in html
    assert reverse("household-detail", args=[household.pk]) in html
    assert re.search(r'data-testid="desil">2<', html)
    assert "PKH" in re.search(r'data-testid="programmes">(.*?)</dd>', html, re.S).group(1)
    others = re.search(r'data-testid="other-complaints">(.*?)</ul>', html, re.S).group(1)
    assert detail_url(earlier) in others and earlier.registration_number in others
    assert complaint.registration_number not in others
    # The timeline: registration, the review with its note and who, the assignment.
    timeline = re.findall(r'data-testid="timeline-entry" data-kind="([^"]+)"', html)
    assert timeline == ["registered", "transition", ComplaintEvent.Kind.ASSIGNED]
    section = re.search(r'data-testid="timeline">(.*?)</ol>', html, re.S).group(1)
    assert "Selesai ditelaah: Terdaftar → Ditelaah" in section
    assert "Cek data PKH ke Dinsos." in section and bo.get_full_name() in section


def test_another_villages_complaint_is_not_found(client, org):
    complaint = complaint_in(org, S.REGISTERED, village=org.sibling)
    as_user(client, org.users[Role.BACK_OFFICE])
    assert client.get(detail_url(complaint)).status_code == 404


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.VILLAGE_HEAD, Role.SUPERVISOR])
def test_viewers_see_no_action_forms(client, org, role):
    complaint = complaint_in(org, S.REVIEWED)
    response = as_user(client, org.users[role]).get(detail_url(complaint))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-actions"' in html
    assert "<form method=\"post\" action=\"/pengaduan/" not in html
    assert 'data-testid="whatsapp-link"' not in html


def steps_offered(response) -> set[str]:
    return set(re.findall(r'data-testid="step-(\w+)"', response.content.decode()))


def test_back_office_sees_only_the_steps_it_may_take_now(client, org):
    as_user(client, org.users[Role.BACK_OFFICE])
    registered = complaint_in(org, S.REGISTERED)
    response = client.get(detail_url(registered))
    assert steps_offered(response) == {"review"}
    html = response.content.decode()
    assert f'name="expected_state" value="{S.REGISTERED}"' in html
    assert 'data-testid="correct"' in html and 'data-testid="inform"' not in html
    assert 'data-testid="assign"' in html
    reviewed = complaint_in(org, S.REVIEWED)
    assert steps_offered(client.get(detail_url(reviewed))) == {"handle"}
    approved_referral(reviewed, org)
    assert steps_offered(client.get(detail_url(reviewed))) == {"handle", "refer"}
    handled = complaint_in(org, S.HANDLED)
    page = client.get(detail_url(handled))
    assert steps_offered(page) == set()  # the citizen was not told yet: said, not offered
    assert "warga sudah diberi tahu" in re.search(
        r'data-testid="waiting-step">(.*?)</div>\s*</div>', text(page), re.S).group(1)
    services.inform_citizen(handled.pk, org.users[Role.BACK_OFFICE], via="telepon")
    assert steps_offered(client.get(detail_url(handled))) == {"close"}
    page = client.get(detail_url(complaint_in(org, S.CLOSED)))
    assert steps_offered(page) == set() and 'data-testid="inform"' not in page.content.decode()


def test_facilitator_may_only_inform_the_citizen(client, org):
    complaint = complaint_in(org, S.HANDLED)
    response = as_user(client, org.users[Role.FACILITATOR]).get(detail_url(complaint))
    html = response.content.decode()
    assert steps_offered(response) == set()
    assert 'data-testid="inform"' in html and 'data-testid="assign"' not in html


# -- the steps ---------------------------------------------------------------------------


def test_review_from_the_page(client, org):
    complaint = complaint_in(org, S.REGISTERED)
    bo = org.users[Role.BACK_OFFICE]
    response = as_user(client, bo).post(step_url(complaint, "review"), {
        "note": "Keluarga miskin, belum terdaftar PKH.", "expected_state": S.REGISTERED})
    assert response.status_code == 302 and response["Location"] == detail_url(complaint)
    complaint.refresh_from_db()
    assert complaint.state == S.REVIEWED
    assert complaint.review_notes == "Keluarga miskin, belum terdaftar PKH."
    log = StateLog.objects.get()
    assert (log.by, log.transition, log.description) == (
        bo, "review", "Keluarga miskin, belum terdaftar PKH.")
    page = client.get(response["Location"])
    assert "Selesai ditelaah" in text(page) and 'alert-success' in page.content.decode()


def test_review_without_a_note_is_refused_beside_the_field(client, org):
    complaint = complaint_in(org, S.REGISTERED)
    response = as_user(client, org.users[Role.BACK_OFFICE]).post(
        step_url(complaint, "review"), {"note": "  ", "expected_state": S.REGISTERED})
    assert response.status_code == 400
    html = text(response)
    assert re.search(r'data-field="note">Catatan wajib diisi', html)
    assert Complaint.objects.get(pk=complaint.pk).state == S.REGISTERED
    assert not StateLog.objects.exists()


def test_a_stale_page_is_told_and_keeps_what_was_typed(client, org):
    complaint = complaint_in(org, S.REGISTERED)
    as_user(client, org.users[Role.COORDINATOR])
    # Someone else reviewed it after this page was opened.
    services.transition(complaint.pk, "review", org.users[Role.BACK_OFFICE], note="Sudah.")
    response = client.post(step_url(complaint, "review"), {
        "note": "Telaah panjang yang saya ketik.", "expected_state": S.REGISTERED})
    assert response.status_code == 400
    html = text(response)
    assert "sudah diubah oleh petugas lain" in re.search(
        r'data-testid="page-error">(.*?)</div>', html, re.S).group(1)
    assert "Telaah panjang yang saya ketik." in html  # kept, to copy
    assert StateLog.objects.count() == 1
    # The page now offers the steps of the state it shows, for that state.
    assert f'name="expected_state" value="{S.REVIEWED}"' in html


def test_two_officers_handling_the_same_complaint(client, org):
    complaint = complaint_in(org, S.REVIEWED)
    data = {"handling_action": "informasi", "handling_notes": "Dijelaskan.",
            "expected_state": S.REVIEWED}
    first = as_user(client, org.users[Role.BACK_OFFICE]).post(step_url(complaint, "handle"),
                                                              data)
    assert first.status_code == 302
    second = as_user(client, org.users[Role.COORDINATOR]).post(step_url(complaint, "handle"),
                                                               data)
    assert second.status_code == 400
    assert "sudah diubah oleh petugas lain" in text(second)
    assert StateLog.objects.filter(transition="handle").count() == 1


def test_handle_needs_what_was_done(client, org):
    complaint = complaint_in(org, S.REVIEWED)
    as_user(client, org.users[Role.BACK_OFFICE])
    response = client.post(step_url(complaint, "handle"), {
        "handling_action": "", "handling_notes": "Sudah.", "expected_state": S.REVIEWED})
    assert response.status_code == 400
    assert "Isi tindakan dan uraian penanganan" in text(response)
    assert re.search(r">\s*Sudah\.</textarea>", text(response))  # kept as typed
    assert Complaint.objects.get(pk=complaint.pk).state == S.REVIEWED
    response = client.post(step_url(complaint, "handle"), {
        "handling_action": "program_desa", "handling_notes": "Diusulkan BLT Dana Desa.",
        "expected_state": S.REVIEWED})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.handling_action) == (S.HANDLED, "program_desa")


def test_refer_after_approval_and_reconsider_after_rejection(client, org):
    complaint = complaint_in(org, S.REVIEWED)
    as_user(client, org.users[Role.BACK_OFFICE])
    response = client.post(step_url(complaint, "refer"), {"expected_state": S.REVIEWED})
    assert response.status_code == 400 and "disetujui Koordinator" in text(response)
    approved_referral(complaint, org)
    response = client.post(step_url(complaint, "refer"), {"expected_state": S.REVIEWED})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).state == S.REFERRED

    rejected = complaint_in(org, S.REFERRED, referral_response="ditolak")
    assert "reconsider" in steps_offered(client.get(detail_url(rejected)))
    response = client.post(step_url(rejected, "reconsider"), {
        "note": "", "expected_state": S.REFERRED})
    assert response.status_code == 400 and "Catatan wajib" in text(response)
    response = client.post(step_url(rejected, "reconsider"), {
        "note": "Dinsos menolak; tangani di desa.", "expected_state": S.REFERRED})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=rejected.pk).state == S.REVIEWED


def test_close_with_outcome_and_duplicate(client, org):
    original = complaint_in(org, S.HANDLED)
    complaint = complaint_in(org, S.HANDLED)
    bo = org.users[Role.BACK_OFFICE]
    services.inform_citizen(complaint.pk, bo, via="telepon")
    as_user(client, bo)
    page = client.get(detail_url(complaint))
    assert "close" in steps_offered(page)
    assert "halaman status publik" in text(page)  # where the public text is shown
    data = {"outcome": "duplikat", "public_outcome": "Sama dengan pengaduan lain.",
            "expected_state": S.HANDLED}
    response = client.post(step_url(complaint, "close"), data)
    assert response.status_code == 400
    assert re.search(r'data-field="duplicate_of">Pilih pengaduan asli', text(response))
    assert Complaint.objects.get(pk=complaint.pk).state == S.HANDLED
    response = client.post(step_url(complaint, "close"), {**data, "duplicate_of": original.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.outcome, complaint.duplicate_of) == (
        S.CLOSED, "duplikat", original)
    assert complaint.public_outcome == "Sama dengan pengaduan lain."


def test_a_forged_post_for_another_village_finds_nothing(client, org):
    complaint = complaint_in(org, S.REGISTERED, village=org.sibling)
    as_user(client, org.users[Role.BACK_OFFICE])
    for url, data in [
        (step_url(complaint, "review"), {"note": "x", "expected_state": S.REGISTERED}),
        (reverse("complaint-inform", args=[complaint.pk]), {"via": "telepon"}),
        (reverse("complaint-correct", args=[complaint.pk]),
         {"category": "non_kepesertaan", "sector": complaint.sector_id, "note": "x"}),
        (reverse("complaint-assign", args=[complaint.pk]),
         {"officer": org.users[Role.BACK_OFFICE].pk}),
    ]:
        assert client.post(url, data).status_code == 404, url
    complaint.refresh_from_db()
    assert complaint.state == S.REGISTERED and complaint.assigned_to is None
    assert not StateLog.objects.exists() and not ComplaintEvent.objects.exists()


@pytest.mark.parametrize("role,name", [
    (Role.VILLAGE_HEAD, "review"), (Role.FRONT_OFFICE, "review"),
    (Role.FACILITATOR, "handle"), (Role.SUPERVISOR, "review"),
])
def test_a_role_without_the_step_is_refused(client, org, role, name):
    complaint = complaint_in(org, S.REGISTERED if name == "review" else S.REVIEWED)
    response = as_user(client, org.users[role]).post(step_url(complaint, name), {
        "note": "x", "handling_action": "informasi", "handling_notes": "x"})
    assert response.status_code == 403
    assert "Peran Anda" in text(response)
    assert not StateLog.objects.filter(transition=name).exists()
    assert Complaint.objects.get(pk=complaint.pk).state == complaint.state


def test_the_steps_are_posts_and_unknown_steps_are_not_found(client, org):
    complaint = complaint_in(org, S.REGISTERED)
    as_user(client, org.users[Role.COORDINATOR])
    for url in (step_url(complaint, "review"), reverse("complaint-assign", args=[complaint.pk]),
                reverse("complaint-correct", args=[complaint.pk]),
                reverse("complaint-inform", args=[complaint.pk])):
        assert client.get(url).status_code == 405, url
    assert client.post(step_url(complaint, "hapus"), {"note": "x"}).status_code == 404


def test_assign_an_officer(client, org):
    complaint = complaint_in(org, S.REGISTERED)
    bo = org.users[Role.BACK_OFFICE]
    as_user(client, org.users[Role.COORDINATOR])
    url = reverse("complaint-assign", args=[complaint.pk])
    # The front office clerk is not among the officers offered, nor accepted.
    page = client.get(detail_url(complaint)).content.decode()
    assign_form = re.search(r'data-testid="assign">(.*?)</form>', page, re.S).group(1)
    assert f'value="{bo.pk}"' in assign_form
    assert f'value="{org.users[Role.FRONT_OFFICE].pk}"' not in assign_form
    response = client.post(url, {"officer": org.users[Role.FRONT_OFFICE].pk})
    assert response.status_code == 400
    assert re.search(r'data-field="officer">', response.content.decode())
    assert Complaint.objects.get(pk=complaint.pk).assigned_to is None
    response = client.post(url, {"officer": bo.pk})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).assigned_to == bo
    assert ComplaintEvent.objects.get().kind == ComplaintEvent.Kind.ASSIGNED
    # The village head may look, not assign.
    as_user(client, org.users[Role.VILLAGE_HEAD])
    assert client.post(url, {"officer": bo.pk}).status_code == 403


def test_correct_category_programme_sector(client, org):
    complaint = complaint_in(org, S.REGISTERED)
    as_user(client, org.users[Role.BACK_OFFICE])
    url = reverse("complaint-correct", args=[complaint.pk])
    pangan = Sector.objects.get(code="pangan")
    bpnt = Programme.objects.get(code="bpnt")
    data = {"category": "non_kepesertaan", "programme": bpnt.pk, "sector": pangan.pk,
            "expected_state": S.REGISTERED}
    response = client.post(url, {**data, "note": ""})
    assert response.status_code == 400
    assert re.search(r'data-field="note">Tulis alasan koreksi', text(response))
    assert Complaint.objects.get(pk=complaint.pk).category == "kepesertaan"
    response = client.post(url, {**data, "note": "Soal beras yang diterima."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.category, complaint.programme, complaint.sector) == (
        "non_kepesertaan", bpnt, pangan)
    event = ComplaintEvent.objects.get(kind=ComplaintEvent.Kind.CORRECTED)
    assert "Soal beras" in event.text
    # Once handled, no correction is offered and none is accepted.
    handled = complaint_in(org, S.HANDLED)
    assert 'data-testid="correct"' not in client.get(detail_url(handled)).content.decode()
    response = client.post(reverse("complaint-correct", args=[handled.pk]),
                           {**data, "expected_state": S.HANDLED, "note": "x"})
    assert response.status_code == 400 and "Koreksi hanya sebelum" in text(response)


def test_inform_the_citizen(client, org):
    complaint = complaint_in(org, S.HANDLED)
    url = reverse("complaint-inform", args=[complaint.pk])
    as_user(client, org.users[Role.FRONT_OFFICE])
    assert client.post(url, {"via": "telepon"}).status_code == 403
    facilitator = org.users[Role.FACILITATOR]
    as_user(client, facilitator)
    response = client.post(url, {"via": "kunjungan_rumah", "note": "Sudah dijelaskan.",
                                 "expected_state": S.REVIEWED})
    assert response.status_code == 400 and "sudah diubah oleh petugas lain" in text(response)
    assert Complaint.objects.get(pk=complaint.pk).informed_at is None
    response = client.post(url, {"via": "kunjungan_rumah", "note": "Sudah dijelaskan.",
                                 "expected_state": S.HANDLED})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.informed_via, complaint.informed_by) == ("kunjungan_rumah", facilitator)
    page = text(client.get(detail_url(complaint)))
    assert 'data-testid="informed"' in page and "Kunjungan rumah" in page


def test_whatsapp_link_has_the_number_status_and_tracking_link_only(client, org):
    complaint = make_complaint(org.own, org.users[Role.FRONT_OFFICE], nik="3204130101800123",
                               phone="0812-3456-7890", address="Kp. Rahasia No. 7")
    services.transition(complaint.pk, "review", org.users[Role.BACK_OFFICE], note="Cek.")
    response = as_user(client, org.users[Role.BACK_OFFICE]).get(detail_url(complaint))
    link = unescape(re.search(r'href="(https://wa\.me/[^"]+)"', response.content.decode())
                    .group(1))
    parsed = urlparse(link)
    assert parsed.path == "/6281234567890"
    message = parse_qs(parsed.query)["text"][0]
    complaint.refresh_from_db()
    tracking = ("http://testserver" + reverse("public-status") + "?nomor="
                + complaint.registration_number + "&kode=" + complaint.tracking_code)
    assert complaint.registration_number in message and tracking in message
    assert "Ditelaah" in message
    for secret in ("3204130101800123", "320413", "Rahasia", "ASEP"):
        assert secret not in message.replace(complaint.registration_number, "")


def test_whatsapp_link_falls_back_to_the_reporters_phone(client, org):
    complaint = make_complaint(org.own, org.users[Role.FRONT_OFFICE], phone="",
                               reporter_relation=Visit.Relation.FAMILY,
                               reporter_name="IMAS", reporter_phone="+62 857-1111-2222")
    services.transition(complaint.pk, "review", org.users[Role.BACK_OFFICE], note="Cek.")
    html = as_user(client, org.users[Role.BACK_OFFICE]).get(detail_url(complaint)).content
    assert b"https://wa.me/6285711112222?text=" in html


@pytest.mark.parametrize("phone,expected", [
    ("081234567890", "6281234567890"), ("+62 812-3456-7890", "6281234567890"),
    ("6281234567890", "6281234567890"), ("81234567890", "6281234567890"),
    ("(022) 5940123", "62225940123"), ("12345", ""), ("", ""),
])
def test_whatsapp_numbers_in_international_form(phone, expected):
    assert whatsapp_number(phone) == expected
