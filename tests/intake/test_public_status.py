"""The citizen's status page: found with number + code, shows stages and nothing
personal, answers every miss the same way, and slows down guessing."""

import datetime
import re
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog
from django_ratelimit.core import _get_window

from puskesos.roles import Role
from referrals.models import Complaint
from tests.intake.factories import make_complaint

URL = "/cek-pengaduan/"
NOT_FOUND = "Nomor registrasi dan kode lacak tidak cocok dengan pengaduan mana pun."

SUBJECT = {
    "name": "RATNA KOMALASARI", "nik": "3204175507880042", "no_kk": "3204171203150007",
    "address": "Jl. Melati Putih No. 17", "dusun": "Dusun Sukaraja",
    "phone": "081298765432", "reporter_name": "DEDI MULYADI",
    "reporter_nik": "3204170303700011", "reporter_phone": "085711223344",
    "reporter_relation": "keluarga",
}
DESCRIPTION = "Ibu Ratna di Jl. Melati Putih tidak lagi menerima PKH sejak Maret."


@pytest.fixture(autouse=True)
def _fresh_rate_limit(db):
    """Each test starts with no look-ups counted against the test client's address."""
    caches[getattr(django_settings, "RATELIMIT_USE_CACHE", "default")].clear()
    yield
    caches[getattr(django_settings, "RATELIMIT_USE_CACHE", "default")].clear()


@pytest.fixture
def complaint(org):
    complaint = make_complaint(org.own, org.users[Role.FRONT_OFFICE], **SUBJECT)
    Complaint.objects.filter(pk=complaint.pk).update(description=DESCRIPTION)
    complaint.refresh_from_db()
    return complaint


def within_one_window(address, margin=30):
    """django-ratelimit counts in 60-second windows that end at an offset of its own for
    each address: wait, if need be, until the next ``margin`` seconds fall in one window,
    so that a slow machine cannot spread the test's look-ups over two."""
    left = _get_window(address, 60) - time.time()  # may be just below 0 at the edge
    if left < margin:
        time.sleep(max(left, 0) + 1)


def look_up(client, number, code, **extra):
    return client.get(URL, {"nomor": number, "kode": code}, **extra)


def record_transition(complaint, state, when):
    """What django-fsm-log writes when a transition runs (the model has none yet)."""
    return StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk,
        source_state=complaint.state, state=state, transition=f"to_{state}", timestamp=when,
    )


def test_the_blank_page_asks_for_number_and_code(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="nomor"' in html and 'name="kode"' in html
    assert NOT_FOUND not in html
    assert '<meta name="robots" content="noindex' in html
    assert "no-store" in response["Cache-Control"]
    assert reverse("public-status") == URL


def test_number_and_code_show_the_stages_and_status(client, complaint):
    response = look_up(client, complaint.registration_number, complaint.tracking_code)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'data-testid="status-result"' in html
    assert complaint.registration_number in html
    assert "Desa Cimaung" in html
    assert "Kepesertaan" in html and "Sosial-ekonomi" in html
    assert re.search(r'data-testid="status-current">Terdaftar<', html)
    registered = timezone.localtime(complaint.created_at)
    assert f"Terdaftar</strong> <span class=\"text-muted\">— {registered.day} " in html
    assert f"{complaint.respond_by.day} " in html
    # The steps still ahead, without dates.
    assert "Ditangani di desa / Dirujuk" in html and NOT_FOUND not in html


def test_code_is_read_tolerantly(client, complaint):
    code = complaint.tracking_code
    for typed in (code.lower(), f"{code[:4]}-{code[4:]}", f" {code[:4]} {code[4:].lower()} "):
        html = look_up(client, f" {complaint.registration_number} ", typed).content.decode()
        assert 'data-testid="status-result"' in html, typed


def test_a_recorded_transition_appears_with_its_date(client, complaint):
    when = timezone.make_aware(datetime.datetime(2026, 11, 24, 9, 30))
    record_transition(complaint, Complaint.State.REVIEWED, when)
    Complaint.objects.filter(pk=complaint.pk).update(state=Complaint.State.REVIEWED)
    html = look_up(client, complaint.registration_number, complaint.tracking_code).content.decode()
    assert "<strong>Ditelaah</strong>" in html
    assert "24 November 2026, 09.30" in html
    assert re.search(r'data-testid="status-current">Ditelaah<', html)
    assert html.index("<strong>Terdaftar</strong>") < html.index("<strong>Ditelaah</strong>")


def test_closed_complaint_shows_the_public_outcome(client, complaint):
    record_transition(complaint, Complaint.State.REVIEWED, timezone.now())
    record_transition(complaint, Complaint.State.CLOSED, timezone.now())
    Complaint.objects.filter(pk=complaint.pk).update(
        state=Complaint.State.CLOSED,
        public_outcome="Keluarga diusulkan kembali dalam pemutakhiran DTKS bulan depan.",
    )
    html = look_up(client, complaint.registration_number, complaint.tracking_code).content.decode()
    assert "<strong>Selesai</strong>" in html
    assert "Keluarga diusulkan kembali dalam pemutakhiran DTKS bulan depan." in html
    assert "(belum)" not in html  # nothing left ahead


def without_echo(html, *typed):
    """The page repeats what was typed into the form; that is not data from the database."""
    for value in typed:
        html = html.replace(f'value="{value}"', 'value=""')
    # The CSRF token base.html renders is masked afresh on every response.
    return re.sub(r'name="csrf-token" content="[^"]*"', "", html)


def test_every_miss_answers_the_same(client, org, complaint):
    other = make_complaint(org.sibling, org.sibling_staff)
    wrong_code = "".join(reversed(complaint.tracking_code))
    misses = [
        (complaint.registration_number, wrong_code),  # wrong code
        ("3204172001-209901-9999", complaint.tracking_code),  # unknown number
        (other.registration_number, complaint.tracking_code),  # code of another complaint
        (complaint.registration_number, other.tracking_code),
        (complaint.registration_number, complaint.tracking_code[:7]),  # too short
    ]
    pages = []
    for number, code in misses:
        response = look_up(client, number, code)
        assert response.status_code == 200
        assert [t.name for t in response.templates][0] == "intake/public_status.html"
        html = response.content.decode()
        assert NOT_FOUND in html
        assert 'data-testid="status-result"' not in html
        assert complaint.get_state_display() not in html.replace("Terdaftar di", "")
        assert "Desa Cimaung" not in html and "Desa Jagabaya" not in html
        pages.append(without_echo(html, number, code))
    # Apart from the echoed input, every miss is the same page, byte for byte.
    assert all(page == pages[0] for page in pages)


def test_a_miss_does_the_same_database_work_as_a_hit(client, complaint):
    def queries(number, code):
        with CaptureQueriesContext(connection) as captured:
            look_up(client, number, code)
        # The complaint's own queries (not a database-backed rate-limit cache's).
        return [re.sub(r"\d+", "N", q["sql"]) for q in captured.captured_queries
                if "referrals_" in q["sql"] or "django_fsm_log" in q["sql"]]

    number = complaint.registration_number
    hit = queries(number, complaint.tracking_code)
    miss = queries(number, "".join(reversed(complaint.tracking_code)))
    unknown = queries("3204172001-209901-9999", "ABCDEFGH")
    assert hit == miss == unknown
    assert any("django_fsm_log_statelog" in q for q in hit)


def digit_windows(value, width=6):
    return {value[i:i + width] for i in range(len(value) - width + 1)}


def test_the_page_leaks_nothing_personal(client, complaint):
    html = look_up(client, complaint.registration_number, complaint.tracking_code).content.decode()
    assert 'data-testid="status-result"' in html
    visit = complaint.visit
    clerk = complaint.created_by
    for text in [visit.name, "RATNA", visit.address, "Melati", visit.dusun, visit.phone,
                 visit.reporter_name, visit.reporter_phone, DESCRIPTION, DESCRIPTION[:25],
                 clerk.get_full_name(), clerk.username, visit.nik_masked]:
        assert text and text not in html, text
    # No NIK, KK or phone, whole or as any run of 6 digits. A NIK and a KK begin with the
    # kecamatan code, which the registration number carries too: that part is public.
    public = complaint.registration_number.replace("-", "")
    for number in (visit.nik, visit.no_kk, visit.reporter_nik, visit.phone, visit.reporter_phone):
        assert number not in html
        checked = [w for w in digit_windows(number) if w not in public]
        assert len(checked) >= 5
        for window in checked:
            assert window not in html, (number, window)


def test_too_many_look_ups_from_one_address_are_refused(client, complaint):
    within_one_window("203.0.113.7")
    for attempt in range(20):
        response = look_up(client, complaint.registration_number, f"AAAA{attempt:04d}",
                           REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200, attempt
    refused = look_up(client, complaint.registration_number, complaint.tracking_code,
                      REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Terlalu banyak percobaan. Coba lagi dalam satu menit." in html
    assert complaint.registration_number not in html
    assert "no-store" in refused["Cache-Control"]
    # Another address is still served, with the right answer.
    other = look_up(client, complaint.registration_number, complaint.tracking_code,
                    REMOTE_ADDR="203.0.113.8")
    assert other.status_code == 200
    assert 'data-testid="status-result"' in other.content.decode()
    # The empty form is not a look-up and stays open.
    assert client.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_rate_limit_follows_the_trusted_proxy_address(client, complaint, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    within_one_window("198.51.100.1")
    for _ in range(20):
        look_up(client, "x", "y", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    blocked = look_up(client, "x", "y", REMOTE_ADDR="10.0.0.1",
                      HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert blocked.status_code == 429
    # Same proxy, another citizen.
    served = look_up(client, "x", "y", REMOTE_ADDR="10.0.0.1",
                     HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert served.status_code == 200


def test_staff_may_open_the_public_page(client, org, complaint):
    client.force_login(org.users[Role.BACK_OFFICE])
    html = look_up(client, complaint.registration_number, complaint.tracking_code).content.decode()
    assert 'data-testid="status-result"' in html
