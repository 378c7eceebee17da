"""Keeping the register current in Chromium: the Koordinator runs a Musyawarah Desa
(agenda, decisions, closing, the berita acara), and a Fasilitator records a death on a
phone during a home visit, with the phone camera's photo as evidence."""

import datetime
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from beneficiaries.models import PreListProposal, ProfileChange, VillageMeeting
from beneficiaries.proposal_services import create_proposal, mark_proposal_ready
from puskesos.roles import Role
from tests.beneficiaries.factories import make_household, make_nik
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.intake.factories import jpeg_attachment

pytestmark = pytest.mark.e2e


def ready(org, head, day):
    clerk = org.users[Role.FRONT_OFFICE]
    proposal = create_proposal(village=org.own, user=clerk, household={
        "address": f"Kp. Cikalong {day}", "reason": "Buruh tani, rumah menumpang."},
        members=[{"nik": make_nik(datetime.date(1985, 7, day), "P"), "name": head,
                  "relation": 1, "sex": "P"}])
    return mark_proposal_ready(proposal=proposal, user=clerk)


def test_a_musyawarah_desa_from_agenda_to_berita_acara(page, e2e_org):
    euis, imas = ready(e2e_org, "EUIS KOMALASARI", 1), ready(e2e_org, "IMAS MASITOH", 2)
    login(page, e2e_org.users[Role.COORDINATOR].username, PASSWORD)
    page.locator("[data-nav=proposals]").click()
    page.get_by_test_id("meetings-link").click()
    page.get_by_role("link", name=re.compile("Musyawarah baru")).click()
    page.get_by_label("Tanggal").fill("2026-11-20")
    page.get_by_label("Peserta (satu per baris)").fill("Ketua BPD\nKetua RW 02\nTKSK")
    page.get_by_role("button", name=re.compile("Buat musyawarah|Simpan")).click()

    # Both ready proposals are offered, ticked; put them on the agenda.
    attach = page.get_by_test_id("attach-form")
    expect(attach).to_contain_text("EUIS KOMALASARI")
    expect(attach).to_contain_text("IMAS MASITOH")
    attach.get_by_role("button", name="Masukkan ke agenda").click()
    items = page.get_by_test_id("agenda-item")
    expect(items).to_have_count(2)

    # Decide on the one fast page: layak, then tidak layak with its reason.
    first = items.filter(has_text="EUIS KOMALASARI")
    first.get_by_label("Layak", exact=True).check()
    first.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("agenda-item").filter(has_text="EUIS KOMALASARI")
           .get_by_test_id("decision")).to_have_text("Layak")
    second = page.get_by_test_id("agenda-item").filter(has_text="IMAS MASITOH")
    second.get_by_label("Tidak layak").check()
    second.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("meeting-error")).to_contain_text("alasan")
    second = page.get_by_test_id("agenda-item").filter(has_text="IMAS MASITOH")
    second.get_by_label("Tidak layak").check()
    second.get_by_placeholder(re.compile("Alasan")).fill("Sudah menerima bantuan RTLH 2025.")
    second.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("agenda-item").filter(has_text="IMAS MASITOH")
           .get_by_test_id("decision")).to_have_text("Tidak layak")

    page.get_by_test_id("close-meeting").click()
    expect(page.get_by_test_id("meeting-status")).to_have_text("Ditutup")
    expect(page.get_by_test_id("decide-form")).to_have_count(0)  # frozen
    meeting = VillageMeeting.objects.get()
    assert meeting.status == "ditutup"
    euis.refresh_from_db()
    imas.refresh_from_db()
    assert (euis.status, imas.status) == ("layak", "tidak_layak")

    # The berita acara downloads as a PDF that lists both decisions.
    with page.expect_download() as download:
        page.get_by_test_id("minutes-link").click(modifiers=["Alt"])
    pdf = download.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
                    .split())
    assert "BERITA ACARA MUSYAWARAH DESA" in text
    assert "EUIS KOMALASARI" in text and "IMAS MASITOH" in text
    assert "LAYAK" in text and "TIDAK LAYAK" in text
    assert "Sudah menerima bantuan RTLH 2025." in text


def test_a_facilitator_records_a_death_on_a_phone(browser, live_server, e2e_org, tmp_path):
    household = make_household(e2e_org.own, [
        {"name": "ASEP SUNANDAR", "nik": "3204171201900001"},
        {"name": "ENOK ROHAETI", "sex": "P", "relation": 6,
         "birth_date": datetime.date(1940, 2, 3)},
    ])
    photo = tmp_path / "surat-kematian.jpg"
    photo.write_bytes(jpeg_attachment().content)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2, locale="id-ID",
                                  base_url=live_server.url)
    phone = context.new_page()
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        login(phone, e2e_org.users[Role.FACILITATOR].username, PASSWORD)
        phone.goto(f"/register/rumah-tangga/{household.pk}/")
        record = phone.get_by_test_id("record-change")
        expect(record).to_be_visible()
        box = record.bounding_box()
        assert box["height"] >= 44  # a thumb-sized target
        record.tap()
        expect(phone).to_have_url(re.compile(r"/perubahan/baru/$"))
        # One column: the form is not wider than the phone.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.get_by_text("Meninggal dunia").tap()
        # Only what a death needs: who, when, the reporter, the evidence.
        expect(phone.get_by_label("Nama (baru/benar)")).to_be_hidden()
        expect(phone.get_by_label("Pindah ke")).to_be_hidden()
        enok = household.members.get(name="ENOK ROHAETI")
        member = phone.get_by_label("Anggota", exact=True)
        expect(member.locator(f"option[value='{enok.pk}']")).to_contain_text("ENOK ROHAETI")
        member.select_option(str(enok.pk))
        phone.get_by_label("Tanggal kejadian").fill("2026-11-15")
        phone.get_by_label("Pelapor").fill("Asep, anak")
        evidence = phone.get_by_label(re.compile("Bukti"))
        assert evidence.get_attribute("capture") == "environment"
        evidence.set_input_files(str(photo))
        phone.get_by_test_id("save-change").tap()
        expect(phone.get_by_test_id("change-status")).to_contain_text("menunggu musyawarah")
        change = ProfileChange.objects.get()
        assert (change.kind, change.person.name, change.source) == (
            "meninggal", "ENOK ROHAETI", "fasilitator")
        assert change.evidence
        # The household page shows the change beside the register, which is unchanged.
        phone.goto(f"/register/rumah-tangga/{household.pk}/")
        expect(phone.get_by_test_id("pending-change")).to_contain_text("ENOK ROHAETI")
        expect(phone.get_by_test_id("member").filter(has_text="ENOK ROHAETI")).to_contain_text(
            "Ada")
        # The other forms a Fasilitator fills on a home visit fit the phone too.
        for url in ("/register/usulan/baru/", "/layanan/kunjungan/baru/"):
            phone.goto(url)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
        assert not errors, errors
    finally:
        context.close()
    assert not PreListProposal.objects.exists()
