"""The whole path in Chromium: the desk registers → the back office reviews and
proposes a referral → the Koordinator approves → the letter downloads → the referral
is recorded as sent and answered → the citizen is informed → closed → the public
status page shows each stage."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from puskesos.roles import Role
from referrals.models import Complaint
from tests.beneficiaries.factories import make_household
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def as_user(page, user):
    """A fresh browser session for ``user`` in the same browser."""
    context = page.context.browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="id-ID",
        base_url=page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2])
    other = context.new_page()
    errors = []
    other.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(other, user.username, PASSWORD)
    return other, errors


def test_complaint_from_desk_to_closing(page, e2e_org):
    make_household(e2e_org.own, [{"name": "ASEP SUNANDAR", "nik": "3204171201900001"}],
                   programmes=["pkh"])
    fo, bo, koor = (e2e_org.users[r] for r in (Role.FRONT_OFFICE, Role.BACK_OFFICE,
                                                Role.COORDINATOR))
    # The desk.
    login(page, fo.username, PASSWORD)
    page.goto("/layanan/kunjungan/baru/")
    page.locator("#id_nik").fill("3204171201900001")
    expect(page.get_by_test_id("in-register")).to_be_visible()
    page.locator("#id_phone").fill("081234567890")
    page.locator("#id_category").select_option("kepesertaan")
    page.locator("#id_sector").select_option(label="Sosial-ekonomi")
    page.locator("#id_programme").select_option(label="PKH")
    page.locator("#id_description").fill("Bantuan PKH tidak cair dua tahap.")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/tanda-terima/"))
    complaint = Complaint.objects.get()

    # The back office reviews and proposes a referral to the Dinas Sosial.
    office, office_errors = as_user(page, bo)
    office.goto(f"/pengaduan/{complaint.pk}/")
    review = office.get_by_test_id("step-review")
    review.locator("[name=note]").fill("Data register sesuai; perlu dicek Dinsos.")
    review.get_by_role("button").click()
    expect(office.get_by_test_id("timeline")).to_contain_text("Ditelaah")
    office.get_by_test_id("referral-create-link").click()
    office.locator("[name=reason]").fill("Mohon verifikasi penyaluran PKH tahap III dan IV.")
    office.get_by_test_id("referral-form").locator("button[type=submit]").last.click()
    expect(office.get_by_test_id("referral-approval").first).to_contain_text("Menunggu")

    # The Koordinator approves; the Dinas Sosial is at the kabupaten, so the kecamatan
    # Supervisor approves too (from the list of referrals awaiting approval).
    coordinator, coordinator_errors = as_user(page, koor)
    coordinator.goto(f"/pengaduan/{complaint.pk}/")
    coordinator.get_by_test_id("referral-approve").click()
    expect(coordinator.get_by_test_id("awaits-supervisor")).to_be_visible()
    supervisor, supervisor_errors = as_user(page, e2e_org.users[Role.SUPERVISOR])
    supervisor.goto("/pengaduan/rujukan/")
    expect(supervisor.locator("body")).to_contain_text(complaint.registration_number)
    supervisor.goto(f"/pengaduan/{complaint.pk}/")
    supervisor.get_by_test_id("referral-approve").click()
    expect(supervisor.get_by_test_id("referral-approval").first).to_contain_text("Disetujui")

    # The letter, then referred, sent and answered.
    office.goto(f"/pengaduan/{complaint.pk}/")
    href = office.get_by_test_id("referral-letter-link").get_attribute("href")
    letter = office.context.request.get(href)
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.body())).pages)
    assert complaint.registration_number in text and "Dinas Sosial" in text
    assert "Cimaung" in text
    office.get_by_test_id("step-refer").get_by_role("button").click()
    expect(office.get_by_test_id("timeline")).to_contain_text("Dirujuk")
    office.get_by_test_id("referral-send-form").locator("button[type=submit]").click()
    office.get_by_test_id("referral-response-link").click()
    office.get_by_role("radio", name="Diterima").check()
    office.locator("[name=notes]").fill("Dinsos mengusulkan pencairan susulan.")
    office.get_by_test_id("referral-response-form").locator("button[type=submit]").last.click()
    expect(office.get_by_test_id("referral-response").first).to_contain_text("Diterima")

    # The citizen is told (WhatsApp link without personal data), then closed.
    whatsapp = office.get_by_test_id("whatsapp-link").get_attribute("href")
    assert whatsapp.startswith("https://wa.me/6281234567890")
    assert complaint.registration_number in whatsapp and "3204171201900001" not in whatsapp
    inform = office.get_by_test_id("inform")
    inform.locator("[name=via]").select_option("whatsapp")
    inform.get_by_role("button", name="Catat pemberitahuan").click()
    close = office.get_by_test_id("step-close")
    close.locator("[name=outcome]").select_option("selesai")
    close.locator("[name=public_outcome]").fill("Bantuan dicairkan susulan oleh Dinas Sosial.")
    close.get_by_role("button").click()
    expect(office.get_by_test_id("timeline")).to_contain_text("Selesai")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CLOSED
    assert not office_errors and not coordinator_errors and not supervisor_errors

    # The public page shows each stage and the outcome, no personal data.
    public, _errors = as_user(page, fo)
    public.context.clear_cookies()
    public.goto(f"/cek-pengaduan/?nomor={complaint.registration_number}"
                f"&kode={complaint.tracking_code}")
    body = public.locator("body")
    for stage in ("Terdaftar", "Ditelaah", "Dirujuk", "Selesai"):
        expect(body).to_contain_text(stage)
    expect(body).to_contain_text("Bantuan dicairkan susulan oleh Dinas Sosial.")
    html = public.content()
    assert "ASEP" not in html and "3204171201900001" not in html
