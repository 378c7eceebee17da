"""The referral pages as the back office, the Koordinator and the Supervisor use them:
propose, decide, send, record the response, the Surat Rujukan PDF, the referral list."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from beneficiaries.models import Programme
from intake.models import Attachment
from puskesos.roles import Role
from puskesos.services import village_profile_update
from referrals import services
from referrals.models import Agency, Complaint, ComplaintEvent, Referral
from tests.intake.factories import jpeg_attachment, make_complaint

from .factories import approve, approved_referral, complaint_in

pytestmark = pytest.mark.django_db
S = Complaint.State
TODAY = timezone.localdate
PROPOSED = "Rujukan diusulkan; menunggu persetujuan Koordinator."


def login(client, user):
    client.force_login(user)
    return client


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pending_referral(complaint, org, *, agency="slrt-kecamatan") -> Referral:
    """A referral the Koordinator alone approves (to the kecamatan's Supervisor SLRT)."""
    return services.propose_referral(
        complaint.pk, org.village_users(complaint.village)[Role.BACK_OFFICE],
        agency=Agency.objects.get(code=agency), reason="Mohon verifikasi kepesertaan.")


def sent_referral(complaint, org, *, sent_at) -> Referral:
    referral = approved_referral(complaint, org)
    return services.send_referral(referral.pk, org.village_users(complaint.village)[
        Role.BACK_OFFICE], sent_at=sent_at, sent_via="langsung")


def snapshot(referral):
    referral.refresh_from_db()
    return {f.name: getattr(referral, f.name) for f in Referral._meta.concrete_fields}


# -- the letter ------------------------------------------------------------------------


def png_logo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), (20, 110, 60)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_letter_is_a_real_pdf_with_number_agency_village_and_the_subject(client, org, media):
    koor, bo = org.users[Role.COORDINATOR], org.users[Role.BACK_OFFICE]
    village_profile_update(actor=koor, village=org.own, data={
        "logo": png_logo(), "head_name": "H. Dadang Suryana", "address": "Jl. Raya Cimaung 1"})
    complaint = make_complaint(
        org.own, org.users[Role.FRONT_OFFICE], no_kk="3204171212120003", attachments=[
            (Attachment.Kind.KTP, jpeg_attachment("ktp-asep.jpg")),
            (Attachment.Kind.HOUSE_PHOTO, jpeg_attachment("rumah.jpg", "-7.1", "107.5")),
        ])
    services.transition(complaint.pk, "review", bo, note="Keluarga miskin belum terdaftar PKH.")
    referral = services.propose_referral(
        complaint.pk, bo, agency=Agency.objects.get(code="dinsos"),
        reason="Mohon verifikasi dan pemutakhiran kepesertaan PKH.")
    referral = approve(referral, org, koor)

    response = login(client, bo).get(reverse("referral-letter", args=[referral.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    expected_name = f"surat-rujukan-{referral.letter_number.replace('/', '-')}.pdf"
    assert f'filename="{expected_name}"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = flat("".join(page.extract_text() for page in reader.pages))
    for expected in (complaint.registration_number, "Dinas Sosial Kabupaten",
                     "DESA CIMAUNG", referral.letter_number, "3204130101800001",
                     "3204171212120003", "ktp-asep.jpg", "rumah.jpg", "Lampiran:2berkas",
                     f"Rujukanpengaduan{complaint.registration_number}",
                     "Mohonverifikasidanpemutakhiran", "KeluargamiskinbelumterdaftarPKH",
                     flat(koor.get_full_name()), "H.DadangSuryana", "KepalaDesaCimaung"):
        assert flat(expected) in text, expected
    approved = timezone.localtime(referral.approved_at)
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember"]
    assert f"Cimaung,{approved.day}{months[approved.month - 1]}{approved.year}" in text
    # The logo is on the letterhead.
    assert any(page.images for page in reader.pages)


@pytest.mark.parametrize("decision", ["pending", "declined"])
def test_no_letter_before_approval(client, org, decision):
    referral = pending_referral(complaint_in(org, S.REVIEWED), org)
    if decision == "declined":
        services.decide_referral(referral.pk, org.users[Role.COORDINATOR], approve=False,
                                 note="Cukup ditangani di desa.")
    response = login(client, org.users[Role.BACK_OFFICE]).get(
        reverse("referral-letter", args=[referral.pk]))
    assert response.status_code == 403
    assert "setelah rujukan disetujui" in response.content.decode()


# -- proposing -------------------------------------------------------------------------


def test_create_form_proposes_the_programmes_agency_and_saves(client, org):
    bo = org.users[Role.BACK_OFFICE]
    complaint = complaint_in(org, S.REVIEWED)
    pip = Programme.objects.get(code="pip")
    services.correct(complaint.pk, bo, note="Program keliru.", programme=pip)
    url = reverse("referral-create", args=[complaint.pk])

    page = login(client, bo).get(url)

    assert page.status_code == 200
    form = page.context["form"]
    assert form["agency"].value() == pip.complaint_agency.pk
    assert f'<option value="{pip.complaint_agency.pk}" selected>' in page.content.decode()
    assert form["expected_state"].value() == S.REVIEWED

    response = client.post(url, {"agency": pip.complaint_agency.pk, "reason": "Mohon PIP.",
                                 "expected_state": S.REVIEWED}, follow=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("complaint-detail", args=[complaint.pk])
    referral = complaint.referrals.get()
    assert (referral.agency, referral.reason, referral.approval, referral.created_by) == (
        pip.complaint_agency, "Mohon PIP.", Referral.Approval.PENDING, bo)
    assert [str(m) for m in response.wsgi_request._messages] == [PROPOSED]


def test_create_form_without_a_programme_has_no_default_agency(client, org):
    complaint = complaint_in(org, S.REVIEWED)
    page = login(client, org.users[Role.BACK_OFFICE]).get(
        reverse("referral-create", args=[complaint.pk]))
    assert page.context["form"]["agency"].value() is None
    select = page.content.decode().split('name="agency"')[1].split("</select>")[0]
    assert select.count(" selected>") == 1 and '<option value="" selected>' in select


def test_create_errors_are_shown_by_the_field_and_keep_the_text(client, org):
    complaint = complaint_in(org, S.REVIEWED)
    url = reverse("referral-create", args=[complaint.pk])
    response = login(client, org.users[Role.BACK_OFFICE]).post(
        url, {"agency": "", "reason": "Teks yang sudah diketik", "expected_state": S.REVIEWED})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-agency">Pilih instansi tujuan rujukan.' in html
    assert "Teks yang sudah diketik</textarea>" in html
    assert not Referral.objects.exists()


def test_create_refuses_a_complaint_not_yet_reviewed(client, org):
    complaint = complaint_in(org, S.REGISTERED)
    response = login(client, org.users[Role.BACK_OFFICE]).post(
        reverse("referral-create", args=[complaint.pk]),
        {"agency": Agency.objects.get(code="dinsos").pk, "reason": "Mohon.",
         "expected_state": S.REGISTERED})
    assert response.status_code == 400
    assert "Rujukan diusulkan setelah pengaduan ditelaah." in response.content.decode()
    assert not Referral.objects.exists()


def test_create_from_a_stale_page_is_refused(client, org):
    complaint = complaint_in(org, S.REVIEWED)
    response = login(client, org.users[Role.BACK_OFFICE]).post(
        reverse("referral-create", args=[complaint.pk]),
        {"agency": Agency.objects.get(code="dinsos").pk, "reason": "Mohon.",
         "expected_state": S.REGISTERED})
    assert response.status_code == 400
    assert "sudah diubah oleh petugas lain" in response.content.decode()
    assert not Referral.objects.exists()


def test_create_is_refused_for_read_only_roles(client, org):
    complaint = complaint_in(org, S.REVIEWED)
    for role in (Role.FRONT_OFFICE, Role.VILLAGE_HEAD, Role.SUPERVISOR):
        response = login(client, org.users[role]).get(
            reverse("referral-create", args=[complaint.pk]))
        assert response.status_code == 403, role


# -- the Koordinator's decision ----------------------------------------------------------


def test_koordinator_approves_and_the_letter_gets_its_number(client, org):
    complaint = complaint_in(org, S.REVIEWED)
    referral = pending_referral(complaint, org)
    response = login(client, org.users[Role.COORDINATOR]).post(
        reverse("referral-decide", args=[referral.pk]), {"decision": "setujui"})
    assert response.status_code == 302
    assert response["Location"] == f"/pengaduan/{complaint.pk}/#rujukan-{referral.pk}"
    referral.refresh_from_db()
    assert referral.approval == Referral.Approval.APPROVED
    assert referral.approved_by == org.users[Role.COORDINATOR]
    assert re.fullmatch(r"001/RJK/PUSKESOS/3204172001/[IVX]+/\d{4}", referral.letter_number)


def test_back_office_may_not_decide(client, org):
    referral = pending_referral(complaint_in(org, S.REVIEWED), org)
    before = snapshot(referral)
    response = login(client, org.users[Role.BACK_OFFICE]).post(
        reverse("referral-decide", args=[referral.pk]), {"decision": "setujui"})
    assert response.status_code == 403
    assert snapshot(referral) == before


def test_declining_needs_a_note(client, org):
    referral = pending_referral(complaint_in(org, S.REVIEWED), org)
    url = reverse("referral-decide", args=[referral.pk])
    before = snapshot(referral)
    login(client, org.users[Role.COORDINATOR])
    response = client.post(url, {"decision": "tolak", "note": "  "})
    assert response.status_code == 400
    assert 'data-testid="error-note">Tulis alasan rujukan tidak disetujui.' in \
        response.content.decode()
    assert snapshot(referral) == before

    response = client.post(url, {"decision": "tolak", "note": "Cukup ditangani di desa."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.approval, referral.approval_note, referral.letter_number) == (
        Referral.Approval.DECLINED, "Cukup ditangani di desa.", "")


def test_deciding_twice_says_someone_else_did_it(client, org):
    referral = pending_referral(complaint_in(org, S.REVIEWED), org)
    url = reverse("referral-decide", args=[referral.pk])
    login(client, org.users[Role.COORDINATOR])
    client.post(url, {"decision": "setujui"})
    number = Referral.objects.get(pk=referral.pk).letter_number
    response = client.post(url, {"decision": "setujui"})
    assert response.status_code == 400
    assert "sudah diubah oleh petugas lain" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).letter_number == number


def test_decide_and_send_accept_only_post(client, org):
    referral = pending_referral(complaint_in(org, S.REVIEWED), org)
    login(client, org.users[Role.COORDINATOR])
    assert client.get(reverse("referral-decide", args=[referral.pk])).status_code == 405
    assert client.get(reverse("referral-send", args=[referral.pk])).status_code == 405


# -- sending and the response ----------------------------------------------------------


def test_send_in_the_future_is_refused_and_today_is_recorded(client, org):
    referral = approved_referral(complaint_in(org, S.REVIEWED), org)
    url = reverse("referral-send", args=[referral.pk])
    before = snapshot(referral)
    login(client, org.users[Role.BACK_OFFICE])
    tomorrow = TODAY() + datetime.timedelta(days=1)
    response = client.post(url, {"sent_at": tomorrow.isoformat(), "sent_via": "surel"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-sent_at">Tanggal kirim tidak boleh di masa depan.' in html
    assert f'value="{tomorrow.isoformat()}"' in html
    assert snapshot(referral) == before

    response = client.post(url, {"sent_at": TODAY().isoformat(), "sent_via": "surel"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.sent_at, referral.sent_via) == (TODAY(), "surel")
    assert referral.respond_by > TODAY()


def test_response_before_the_sent_date_is_refused_and_nothing_changes(client, org):
    sent = TODAY() - datetime.timedelta(days=3)
    referral = sent_referral(complaint_in(org, S.REVIEWED), org, sent_at=sent)
    before = snapshot(referral)
    events = ComplaintEvent.objects.count()
    response = login(client, org.users[Role.BACK_OFFICE]).post(
        reverse("referral-response", args=[referral.pk]),
        {"response": "diterima", "response_date": (sent - datetime.timedelta(days=1)).isoformat(),
         "notes": "Diterima."})
    assert response.status_code == 400
    html = response.content.decode()
    assert ('data-testid="error-response_date">Tanggal tanggapan tidak boleh sebelum tanggal '
            f'dikirim ({sent:%d-%m-%Y}).') in html
    assert "Diterima.</textarea>" in html
    assert snapshot(referral) == before
    assert ComplaintEvent.objects.count() == events


def test_rejected_response_needs_the_agencys_reason(client, org):
    complaint = complaint_in(org, S.REFERRED)
    referral = complaint.referrals.get()
    url = reverse("referral-response", args=[referral.pk])
    login(client, org.users[Role.BACK_OFFICE])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="response_date"' in page.content.decode()
    before = snapshot(referral)
    response = client.post(url, {"response": "ditolak", "response_date": TODAY().isoformat(),
                                 "notes": ""})
    assert response.status_code == 400
    assert 'data-testid="error-notes">Tulis alasan penolakan dari instansi.' in \
        response.content.decode()
    assert snapshot(referral) == before

    response = client.post(url, {"response": "ditolak", "response_date": TODAY().isoformat(),
                                 "notes": "Sudah menerima bantuan lain."})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("complaint-detail", args=[complaint.pk]))
    referral.refresh_from_db()
    assert (referral.response, referral.response_notes) == ("ditolak",
                                                            "Sudah menerima bantuan lain.")


def test_response_in_the_future_is_refused(client, org):
    referral = complaint_in(org, S.REFERRED).referrals.get()
    before = snapshot(referral)
    response = login(client, org.users[Role.BACK_OFFICE]).post(
        reverse("referral-response", args=[referral.pk]),
        {"response": "diterima",
         "response_date": (TODAY() + datetime.timedelta(days=2)).isoformat()})
    assert response.status_code == 400
    assert "Tanggal tanggapan tidak boleh di masa depan." in response.content.decode()
    assert snapshot(referral) == before


# -- other villages --------------------------------------------------------------------

VIEWS = {
    "referral-create": ("get", Role.BACK_OFFICE, "complaint", {}),
    "referral-decide": ("post", Role.COORDINATOR, "referral", {"decision": "setujui"}),
    "referral-send": ("post", Role.BACK_OFFICE, "referral",
                      {"sent_at": "2026-01-05", "sent_via": "pos"}),
    "referral-response": ("get", Role.BACK_OFFICE, "referral", {}),
    "referral-letter": ("get", Role.BACK_OFFICE, "referral", {}),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_another_villages_referral_is_not_found(client, org, name):
    method, role, target, data = VIEWS[name]
    complaint = complaint_in(org, S.REVIEWED, village=org.sibling)
    referral = approved_referral(complaint, org)
    before = snapshot(referral)
    pk = complaint.pk if target == "complaint" else referral.pk
    response = getattr(login(client, org.users[role]), method)(reverse(name, args=[pk]), data)
    assert response.status_code == 404
    assert snapshot(referral) == before
    if name == "referral-create":
        assert login(client, org.users[role]).post(
            reverse(name, args=[pk]), {"agency": referral.agency_id, "reason": "X"}
        ).status_code == 404
        assert complaint.referrals.count() == 1


def test_supervisor_reads_the_letter_of_a_village_of_the_kecamatan_only(client, org):
    mine = approved_referral(complaint_in(org, S.REVIEWED, village=org.sibling), org)
    other = approved_referral(
        complaint_in(org, S.REVIEWED, village=org.other_district_village), org)
    login(client, org.users[Role.SUPERVISOR])
    assert client.get(reverse("referral-letter", args=[mine.pk])).status_code == 200
    assert client.get(reverse("referral-letter", args=[other.pk])).status_code == 404


# -- the list --------------------------------------------------------------------------


def referrals_at_every_stage(org, village):
    """pending, approved-not-sent, overdue, awaiting, answered, declined (that order)."""
    koor = org.village_users(village)[Role.COORDINATOR]
    pending = pending_referral(complaint_in(org, S.REVIEWED, village=village), org)
    unsent = approved_referral(complaint_in(org, S.REVIEWED, village=village), org)
    overdue = sent_referral(complaint_in(org, S.REVIEWED, village=village), org,
                            sent_at=TODAY() - datetime.timedelta(days=60))
    awaiting = complaint_in(org, S.REFERRED, village=village).referrals.get()
    answered = complaint_in(org, S.REFERRED, village=village,
                            referral_response="diterima").referrals.get()
    declined = pending_referral(complaint_in(org, S.REVIEWED, village=village), org)
    services.decide_referral(declined.pk, koor, approve=False, note="Ditangani di desa.")
    return [pending, unsent, overdue, awaiting, answered, declined]


def listed(response):
    assert response.status_code == 200
    return [r.pk for r in response.context["referrals"]]


def test_koordinator_sees_the_villages_referrals_in_working_order(client, org):
    own = referrals_at_every_stage(org, org.own)
    sibling = pending_referral(complaint_in(org, S.REVIEWED, village=org.sibling), org)
    response = login(client, org.users[Role.COORDINATOR]).get(reverse("referral-list"))
    assert listed(response) == [r.pk for r in own]
    html = response.content.decode()
    assert sibling.complaint.registration_number not in html
    assert html.count('data-testid="referral-overdue"') == 1
    assert html.count('data-testid="referral-review-link"') == 1
    assert not response.context["show_village"]


def test_supervisor_sees_open_referrals_of_the_kecamatan_with_the_village(client, org):
    own = referrals_at_every_stage(org, org.own)
    sibling = pending_referral(complaint_in(org, S.REVIEWED, village=org.sibling), org)
    elsewhere = pending_referral(
        complaint_in(org, S.REVIEWED, village=org.other_district_village), org)
    login(client, org.users[Role.SUPERVISOR])

    response = client.get(reverse("referral-list"))

    # Awaiting approval (both villages) first, then unsent, overdue, awaiting the agency.
    assert listed(response) == [own[0].pk, sibling.pk, *[r.pk for r in own[1:4]]]
    html = response.content.decode()
    assert elsewhere.complaint.registration_number not in html
    assert f"<td>{org.sibling.name}</td>" in html
    assert 'data-testid="referral-review-link"' not in html  # read-only
    everything = listed(client.get(reverse("referral-list"), {"tampil": "semua"}))
    assert set(everything) == {*[r.pk for r in own], sibling.pk}


def test_manager_sees_every_village_of_the_kabupaten(client, org):
    mine = pending_referral(
        complaint_in(org, S.REVIEWED, village=org.other_district_village), org)
    foreign = pending_referral(
        complaint_in(org, S.REVIEWED, village=org.foreign_village), org)
    response = login(client, org.users[Role.MANAGER]).get(reverse("referral-list"))
    assert mine.pk in listed(response) and foreign.pk not in listed(response)


def test_list_filters(client, org):
    refs = referrals_at_every_stage(org, org.own)
    pending, unsent, overdue, awaiting, answered, declined = refs
    pip = approved_referral(complaint_in(org, S.REVIEWED), org)
    Referral.objects.filter(pk=pip.pk).update(agency=Agency.objects.get(code="disdik"))
    login(client, org.users[Role.COORDINATOR])
    url = reverse("referral-list")
    assert listed(client.get(url, {"terlambat": "1"})) == [overdue.pk]
    assert listed(client.get(url, {"persetujuan": "menunggu"})) == [pending.pk]
    assert listed(client.get(url, {"persetujuan": "ditolak"})) == [declined.pk]
    assert listed(client.get(url, {"tanggapan": "diterima"})) == [answered.pk]
    assert listed(client.get(url, {"tanggapan": "belum"})) == [overdue.pk, awaiting.pk]
    disdik = Agency.objects.get(code="disdik").pk
    assert listed(client.get(url, {"instansi": disdik})) == [pip.pk]
    assert listed(client.get(url, {"tampil": "terbuka"})) == [
        pending.pk, unsent.pk, pip.pk, overdue.pk, awaiting.pk]
    # Nonsense filters are ignored, never an error.
    assert len(listed(client.get(url, {"persetujuan": "x", "instansi": "abc"}))) == 7


def test_list_needs_a_unit_and_a_login(client, org, settings):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("tanpa-unit", password="x")
    assert login(client, nobody).get(reverse("referral-list")).status_code == 403
    client.logout()
    response = client.get(reverse("referral-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL)
                                           if not settings.LOGIN_URL.startswith("/")
                                           else settings.LOGIN_URL)


# -- the section of the complaint page ---------------------------------------------------


def section(org, complaint, user, **flags):
    request = RequestFactory().get("/")
    request.user = user
    context = {"complaint": complaint, "referrals": list(complaint.referrals.all()),
               "can_propose_referral": False, "can_approve": False, "can_record": False,
               **flags}
    return render_to_string("referrals/_referrals_section.html", context, request=request)


def test_section_offers_the_actions_the_user_may_take_now(org):
    complaint = complaint_in(org, S.REVIEWED)
    koor = org.users[Role.COORDINATOR]
    assert 'data-testid="no-referrals"' in section(org, complaint, koor)
    html = section(org, complaint, koor, can_propose_referral=True)
    assert reverse("referral-create", args=[complaint.pk]) in html

    referral = pending_referral(complaint, org)
    html = section(org, complaint, koor, can_approve=True, can_record=True)
    assert reverse("referral-decide", args=[referral.pk]) in html
    assert "referral-send-form" not in html and "referral-letter-link" not in html
    assert "Menunggu persetujuan" in html
    assert "referral-decide-form" not in section(org, complaint, koor, can_record=True)

    approve(referral, org, koor)
    html = section(org, complaint, koor, can_approve=True, can_record=True)
    referral.refresh_from_db()
    assert "referral-decide-form" not in html
    assert referral.letter_number in html
    assert reverse("referral-letter", args=[referral.pk]) in html
    assert reverse("referral-send", args=[referral.pk]) in html
    assert f'value="{TODAY().isoformat()}"' in html
    assert '<option value="aplikasi">Aplikasi SIKS-NG/SLRT</option>' in html
    assert "referral-send-form" not in section(org, complaint, koor)  # read-only

    services.send_referral(referral.pk, koor, sent_at=TODAY() - datetime.timedelta(days=60),
                           sent_via="pos")
    html = section(org, complaint, koor, can_record=True)
    assert "referral-send-form" not in html
    assert reverse("referral-response", args=[referral.pk]) in html
    assert 'data-testid="referral-overdue"' in html and "Pos" in html

    services.record_response(referral.pk, koor, response="diterima", response_date=TODAY())
    html = section(org, complaint, koor, can_record=True)
    assert "referral-response-link" not in html and "referral-overdue" not in html
    assert "Diterima" in html
