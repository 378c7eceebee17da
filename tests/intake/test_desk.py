"""The desk: queue, registration with the register check, today's work, records."""

import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from intake.models import Attachment, QueueTicket, Visit
from intake.services import take_ticket
from puskesos.roles import Role
from referrals.models import Complaint, Sector
from tests.beneficiaries.factories import make_household
from tests.factories import make_staff

from .factories import gps_photo, make_visit

pytestmark = pytest.mark.django_db
FO = Role.FRONT_OFFICE


@pytest.fixture
def fo_client(client, org):
    client.force_login(org.users[FO])
    return client


def form_data(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "channel": Visit.Channel.DESK,
        "purpose": Visit.Purpose.COMPLAINT,
        "nik": "",
        "name": "IIS SUGIARTI",
        "address": "Kp. Babakan",
        "rt": "003",
        "rw": "001",
        "reporter_relation": Visit.Relation.SELF,
        "category": Complaint.Category.PARTICIPATION,
        "kind": Complaint.Kind.COMPLAINT,
        "sector": Sector.objects.get(code="pangan").pk,
        "description": "Tidak lagi menerima Sembako sejak Agustus.",
    }
    data.update(overrides)
    return data


# --- queue ---------------------------------------------------------------------------


def test_queue_numbers_run_per_village_and_day(fo_client, org):
    for _ in range(3):
        fo_client.post(reverse("queue-take"))
    codes = [t.code for t in QueueTicket.objects.filter(village=org.own)]
    assert codes == ["A-001", "A-002", "A-003"]
    # The sibling village has its own sequence.
    sibling_fo = make_staff(FO, org.sibling, username="fo.jagabaya")
    assert take_ticket(org.sibling, sibling_fo).code == "A-001"


def test_slip_shows_the_number_and_who_waits_before(fo_client, org):
    fo_client.post(reverse("queue-take"))
    response = fo_client.post(reverse("queue-take"), follow=True)
    html = response.content.decode()
    assert "A-002" in html and "1 orang menunggu sebelum Anda" in html


def test_call_next_serves_in_order_and_registration_closes_the_ticket(fo_client, org):
    fo_client.post(reverse("queue-take"))
    fo_client.post(reverse("queue-take"))
    response = fo_client.post(reverse("queue-call"))
    first = QueueTicket.objects.get(village=org.own, number=1)
    assert response.url == f"{reverse('visit-create')}?antrian={first.pk}"
    assert first.status == QueueTicket.Status.CALLED
    form = fo_client.get(response.url).context["form"]
    assert str(form.initial["queue_ticket"]) == str(first.pk)
    fo_client.post(reverse("visit-create"), form_data(queue_ticket=first.pk))
    first.refresh_from_db()
    assert first.status == QueueTicket.Status.SERVED
    assert first.visit.name == "IIS SUGIARTI"


def test_absent_and_unknown_status(fo_client, org):
    fo_client.post(reverse("queue-take"))
    ticket = QueueTicket.objects.get(village=org.own)
    fo_client.post(reverse("queue-finish", args=[ticket.pk]), {"status": "tidak_hadir"})
    ticket.refresh_from_db()
    assert ticket.status == QueueTicket.Status.ABSENT
    response = fo_client.post(reverse("queue-finish", args=[ticket.pk]), {"status": "x"},
                              follow=True)
    assert "Status antrian tidak dikenal" in response.content.decode()


def test_call_with_nobody_waiting(fo_client):
    response = fo_client.post(reverse("queue-call"), follow=True)
    assert "Tidak ada antrian yang menunggu" in response.content.decode()


def test_queue_board_partial_for_htmx(fo_client):
    fo_client.post(reverse("queue-take"))
    response = fo_client.get(reverse("queue-desk"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'data-testid="queue-board"' in html and "<nav" not in html and "A-001" in html


# --- registration --------------------------------------------------------------------


def test_complaint_in_the_register_is_linked_and_gets_a_number(fo_client, org):
    household = make_household(org.own, ["ASEP SUNANDAR", "SITI AMINAH"], programmes=["pkh"])
    person = household.members.first()
    photo = SimpleUploadedFile("rumah.jpg", gps_photo(-7.105123, 107.551234),
                               content_type="image/jpeg")
    response = fo_client.post(reverse("visit-create"), form_data(
        nik=person.nik, name=person.name, attachment_house=photo))
    complaint = Complaint.objects.get()
    assert response.url == reverse("complaint-receipt", args=[complaint.pk])
    assert complaint.state == Complaint.State.REGISTERED
    period = timezone.localdate().strftime("%Y%m")
    assert complaint.registration_number == f"{org.own.code.replace('.', '')}-{period}-0001"
    visit = complaint.visit
    assert visit.person == person and visit.household == household and visit.in_register
    attachment = visit.attachments.get()
    assert attachment.kind == Attachment.Kind.HOUSE_PHOTO
    assert (attachment.latitude, attachment.longitude) == (Decimal("-7.105123"),
                                                           Decimal("107.551234"))
    stored = attachment.file.read()
    assert b"Kamera Desa" not in stored
    with Image.open(attachment.file.path) as image:
        assert not image.getexif()
    detail = fo_client.get(reverse("visit-detail", args=[visit.pk])).content.decode()
    assert "-7.105123, 107.551234" in detail
    assert fo_client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 200


def test_numbers_are_gapless_within_the_month(fo_client, org):
    for _ in range(3):
        fo_client.post(reverse("visit-create"), form_data())
    assert sorted(Complaint.objects.values_list("sequence", flat=True)) == [1, 2, 3]
    codes = set(Complaint.objects.values_list("tracking_code", flat=True))
    assert len(codes) == 3 and all(len(c) == 8 and not set(c) & set("01ILOS5Z2B8UV")
                                   for c in codes)


def test_double_submission_makes_one_complaint(fo_client):
    data = form_data()
    first = fo_client.post(reverse("visit-create"), data)
    second = fo_client.post(reverse("visit-create"), data, follow=True)
    assert Complaint.objects.count() == 1 and Visit.objects.count() == 1
    assert second.redirect_chain[0][0] == first.url
    assert "sudah tersimpan sebelumnya" in second.content.decode()


def test_information_visit_without_complaint(fo_client):
    response = fo_client.post(reverse("visit-create"), form_data(
        purpose=Visit.Purpose.INFORMATION, category="", sector="", description=""))
    visit = Visit.objects.get()
    assert response.url == reverse("visit-detail", args=[visit.pk])
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("overrides,field,message", [
    ({"nik": "3204130101800000"}, "nik", "0000"),
    ({"nik": "3.20413E+15"}, "nik", "Excel"),
    ({"name": ""}, "name", "tidak boleh kosong"),
    ({"description": ""}, "description", "Wajib diisi untuk pengaduan"),
    ({"sector": ""}, "sector", "Wajib diisi untuk pengaduan"),
    ({"reporter_relation": "keluarga"}, "reporter_name", "nama pelapor"),
])
def test_bad_input_is_said_and_nothing_is_saved(fo_client, overrides, field, message):
    response = fo_client.post(reverse("visit-create"), form_data(**overrides))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message.lower() in errors.lower()
    assert not Visit.objects.exists() and not Complaint.objects.exists()
    html = response.content.decode()
    assert "Tidak lagi menerima Sembako" in html or overrides.get("description") == ""


def test_nik_of_another_village_is_refused(fo_client, org):
    household = make_household(org.sibling, ["DEDE KURNIA"])
    person = household.members.first()
    response = fo_client.post(reverse("visit-create"), form_data(nik=person.nik))
    assert response.status_code == 400
    assert str(org.sibling) in " ".join(response.context["form"].errors["nik"])
    assert not Visit.objects.exists()
    lookup = fo_client.get(reverse("visit-lookup"), {"q": person.nik}).content.decode()
    assert 'data-testid="elsewhere"' in lookup and "DEDE" not in lookup


@pytest.mark.parametrize("name,content", [
    ("ktp.jpg", b"<html><script>alert(1)</script></html>"),
    ("kosong.jpg", b""),
])
def test_bad_attachment_refuses_the_whole_registration(fo_client, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = fo_client.post(reverse("visit-create"), form_data(attachment_ktp=upload))
    assert response.status_code == 400
    assert response.context["form"].errors["attachment_ktp"]
    assert not Visit.objects.exists() and not Attachment.objects.exists()


def test_lookup_prefills_from_the_register(fo_client, org):
    household = make_household(org.own, ["ASEP SUNANDAR", "SITI AMINAH"], programmes=["pkh"])
    person = household.members.first()
    html = fo_client.get(reverse("visit-lookup"), {"nik": person.nik}).content.decode()
    assert "data-exact-hit" in html and 'data-testid="in-register"' in html
    assert f'data-person-id="{person.pk}"' in html and "PKH" in html
    assert f'data-no-kk="{person.family.no_kk}"' in html
    missing = fo_client.get(reverse("visit-lookup"), {"nik": "3204131207850003"})
    assert 'data-testid="not-in-register"' in missing.content.decode()


def test_today_shows_queue_visits_and_my_entries(fo_client, org):
    make_visit(org.own, org.users[FO], ticket=True)
    make_visit(org.own, org.users[Role.COORDINATOR], name="UJANG", nik="3204130101800002")
    make_visit(org.sibling, org.users[FO], name="ORANG JAGABAYA", nik="3204130101800003")
    response = fo_client.get(reverse("desk-today"))
    html = response.content.decode()
    assert "ASEP SUNANDAR" in html and "UJANG" in html and "ORANG JAGABAYA" not in html
    assert response.context["queue"]["total"] == 1
    assert [v.name for v in response.context["mine"]] == ["ASEP SUNANDAR"]
