"""The pages that keep the register current, through the real views: the household page
shows changes beside the register and the need suggestions; bad input is said in
Indonesian and changes nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries.models import (
    Participation,
    PreListProposal,
    ProfileChange,
    Programme,
    ProgrammeNeed,
)
from beneficiaries.proposal_services import create_proposal
from puskesos.roles import Role
from tests.beneficiaries.factories import make_household, make_nik
from tests.intake.factories import jpeg_attachment

pytestmark = pytest.mark.django_db
FO, KOOR, FASIL, KADES = Role.FRONT_OFFICE, Role.COORDINATOR, Role.FACILITATOR, \
    Role.VILLAGE_HEAD


@pytest.fixture
def household(org):
    return make_household(org.own, [
        {"name": "ASEP SUNANDAR", "birth_date": datetime.date(1980, 1, 12)},
        {"name": "SITI AMINAH", "sex": "P", "relation": 2,
         "birth_date": datetime.date(1982, 4, 1)},
        {"name": "DEDE", "relation": 3, "birth_date": datetime.date(2015, 6, 1)},
    ], desil=2)


def photo_upload(name="akta.jpg"):
    return SimpleUploadedFile(name, jpeg_attachment().content, content_type="image/jpeg")


def test_a_facilitator_records_a_correction_with_evidence(client, org, household):
    client.force_login(org.users[FASIL])
    siti = household.members.get(name="SITI AMINAH")
    url = f"/register/rumah-tangga/{household.pk}/perubahan/baru/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "koreksi", "person": siti.pk,
                                 "birth_date": "1982-04-11", "reporter": "Siti sendiri",
                                 "note": "Salah ketik di KK lama.", "evidence": photo_upload()})
    change = ProfileChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/register/perubahan/{change.pk}/"
    assert change.details == {"birth_date": "1982-04-11"}
    assert change.source == "fasilitator"
    assert change.content_type == "image/jpeg"

    page = client.get(f"/register/rumah-tangga/{household.pk}/").content.decode()
    # Both: the register's value (struck through) and the recorded one.
    assert "01-04-1982" in page and "1982-04-11" in page
    assert 'data-testid="pending-change"' in page
    evidence = client.get(f"/register/perubahan/{change.pk}/bukti/")
    assert evidence.status_code == 200 and evidence["Content-Type"] == "image/jpeg"


def test_a_bad_change_is_said_and_nothing_is_stored(client, org, household):
    client.force_login(org.users[FO])
    url = f"/register/rumah-tangga/{household.pk}/perubahan/baru/"
    response = client.post(url, {"kind": "meninggal", "reporter": "RT 02",
                                 "person": household.members.get(name="DEDE").pk})
    assert response.status_code == 400
    assert "Isi tanggal meninggal." in response.content.decode()
    response = client.post(url, {"kind": "mampu", "reporter": "RT",
                                 "evidence": SimpleUploadedFile("x.jpg", b"not an image")})
    assert response.status_code == 400
    assert "bukan gambar" in response.content.decode()
    assert not ProfileChange.objects.exists()


def test_the_household_page_suggests_and_the_officer_confirms_or_dismisses(client, org,
                                                                          household):
    client.force_login(org.users[FO])
    url = f"/register/rumah-tangga/{household.pk}/"
    page = client.get(url).content.decode()
    assert page.count('data-testid="suggestion"') >= 2
    pip = Programme.objects.get(code="pip")
    dede = household.members.get(name="DEDE")
    response = client.post(f"{url}kebutuhan/", {"program": pip.pk, "anggota": dede.pk,
                                                "aksi": "konfirmasi"})
    assert response.status_code == 302
    need = ProgrammeNeed.objects.get()
    assert (need.person, need.status, need.created_by) == (dede, "dikonfirmasi", org.users[FO])
    pkh = Programme.objects.get(code="pbi-jk")
    client.post(f"{url}kebutuhan/", {"program": pkh.pk, "anggota": dede.pk, "aksi": "tolak"})
    assert ProgrammeNeed.objects.get(programme=pkh).status == "ditolak"
    # Confirming twice is said, not duplicated.
    response = client.post(f"{url}kebutuhan/", {"program": pip.pk, "anggota": dede.pk},
                           follow=True)
    assert "sudah dicatat" in response.content.decode()
    assert ProgrammeNeed.objects.count() == 2
    # The programme received: recorded beside the extract, the need met.
    client.post(f"{url}kepesertaan/", {"program": pip.pk, "anggota": dede.pk,
                                       "sejak": "2026-08-01"})
    assert Participation.objects.get(programme=pip).source == "meja"
    need.refresh_from_db()
    assert need.status == "terpenuhi"


def test_bad_participation_input_is_said(client, org, household):
    client.force_login(org.users[FO])
    url = f"/register/rumah-tangga/{household.pk}/kepesertaan/"
    stranger = make_household(org.own, ["UJANG"]).members.get()
    for data, message in [({}, "Pilih program."), ({"program": "abc"}, "Pilih program."),
                          ({"program": Programme.objects.get(code="pip").pk,
                            "anggota": "x"}, "bukan anggota"),
                          ({"program": Programme.objects.get(code="pip").pk,
                            "anggota": stranger.pk}, "bukan anggota"),
                          ({"program": Programme.objects.get(code="pip").pk,
                            "sejak": "31-31-2026"}, "tidak valid"),
                          ({"program": Programme.objects.get(code="pip").pk,
                            "sejak": "2099-01-01"}, "masa depan")]:
        response = client.post(url, data, follow=True)
        assert message in response.content.decode(), data
    assert not Participation.objects.filter(source="meja").exists()


def test_the_village_head_reads_but_does_not_see_the_forms(client, org, household):
    client.force_login(org.users[KADES])
    page = client.get(f"/register/rumah-tangga/{household.pk}/").content.decode()
    assert 'data-testid="needs"' in page and 'data-testid="pending-changes"' in page
    assert 'data-testid="suggestion"' not in page
    assert 'data-testid="need-form"' not in page and 'data-testid="record-change"' not in page


def test_proposal_evidence_upload_and_the_kabupaten_result(client, org):
    clerk = org.users[FO]
    proposal = create_proposal(village=org.own, user=clerk, household={
        "address": "Kp. Cikalong", "reason": "Janda."}, members=[
        {"nik": make_nik(datetime.date(1985, 7, 1), "P"), "name": "EUIS", "relation": 1}])
    client.force_login(clerk)
    response = client.post(f"/register/usulan/{proposal.pk}/bukti/",
                           {"file": photo_upload("rumah.jpg"), "caption": "Rumah"})
    assert response.status_code == 302
    photo = proposal.photos.get()
    assert client.get(f"/register/usulan/bukti/{photo.pk}/")["Content-Type"] == "image/jpeg"
    response = client.post(f"/register/usulan/{proposal.pk}/bukti/",
                           {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 broken")},
                           follow=True)
    assert proposal.photos.count() == 1
    assert "PDF rusak atau tidak bisa dibaca." in response.content.decode()

    PreListProposal.objects.filter(pk=proposal.pk).update(status="diekspor")
    client.force_login(org.users[KOOR])
    response = client.post(f"/register/usulan/{proposal.pk}/hasil/",
                           {"hasil": "ditolak", "catatan": ""}, follow=True)
    assert "alasan penolakan" in response.content.decode()
    client.post(f"/register/usulan/{proposal.pk}/hasil/", {"hasil": "diterima"})
    proposal.refresh_from_db()
    assert proposal.status == "diterima"
    page = client.get(f"/register/usulan/{proposal.pk}/").content.decode()
    assert "Diterima kabupaten" in page and 'data-testid="proposal-events"' in page


def test_the_change_list_is_scoped(client, org, household):
    other = make_household(org.sibling, ["UJANG"])
    for h, clerk in ((household, org.users[FO]), (other, org.village_users(org.sibling)[FO])):
        ProfileChange.objects.create(village=h.village, household=h, kind="mampu",
                                     reporter="RT", recorded_by=clerk)
    client.force_login(org.users[KADES])
    page = client.get("/register/perubahan/").content.decode()
    assert page.count('data-testid="change-row"') == 1
    assert household.register_id in page and other.register_id not in page
    assert client.get("/register/perubahan/?status=zzz").status_code == 200


def test_the_proposal_records_the_household_economy(client, org):
    from tests.beneficiaries.test_proposals import form_data

    client.force_login(org.users[FASIL])
    data = form_data([{"nik": make_nik(datetime.date(1979, 2, 3), "L"), "name": "OMAN",
                       "relation": "1", "sex": "L"}],
                     income="lt500", cooking_fuel="kayu", toilet="tidak_ada",
                     assets="Dua ekor kambing.")
    response = client.post("/register/usulan/baru/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = PreListProposal.objects.get()
    assert (proposal.income, proposal.cooking_fuel, proposal.toilet, proposal.assets) == (
        "lt500", "kayu", "tidak_ada", "Dua ekor kambing.")
    page = client.get(f"/register/usulan/{proposal.pk}/").content.decode()
    assert "Kurang dari Rp500.000 sebulan" in page and "Kayu bakar/arang" in page
    other = form_data([{"nik": make_nik(datetime.date(1981, 4, 5), "L"), "name": "UJANG",
                        "relation": "1", "sex": "L"}], income="banyak")
    response = client.post("/register/usulan/baru/", other)
    assert response.status_code == 200 and PreListProposal.objects.count() == 1
    assert "banyak" in response.content.decode()  # said beside the field (not a valid choice)


def test_a_person_already_in_the_register_is_refused_with_a_link(client, org, household):
    from tests.beneficiaries.test_proposals import form_data

    asep = household.members.get(name="ASEP SUNANDAR")
    client.force_login(org.users[FO])
    response = client.post("/register/usulan/baru/", form_data([
        {"nik": asep.nik, "name": "ASEP SUNANDAR", "relation": "1", "sex": "L"}]))
    page = response.content.decode()
    assert response.status_code == 200 and not PreListProposal.objects.exists()
    assert "sudah ada di register" in page
    assert f'href="/register/rumah-tangga/{household.pk}/"' in page
    assert 'data-testid="checked-duplicates"' not in page  # nothing to confirm: refused
    # Ticking the box by hand changes nothing either.
    client.post("/register/usulan/baru/", {**form_data([
        {"nik": asep.nik, "name": "ASEP SUNANDAR", "relation": "1", "sex": "L"}]),
        "sudah_diperiksa": "1"})
    assert not PreListProposal.objects.exists()
