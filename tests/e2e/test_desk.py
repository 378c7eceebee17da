"""The front desk in Chromium, with the keyboard only: queue number → NIK → register
hit prefilled → complaint with a GPS photo → receipt → the citizen's status page."""

import re

import pytest
from playwright.sync_api import expect

from intake.models import Attachment, Visit
from puskesos.roles import Role
from referrals.models import Complaint
from tests.beneficiaries.factories import make_household
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.intake.factories import gps_photo

pytestmark = pytest.mark.e2e


def focused_name(page):
    return page.evaluate("document.activeElement && document.activeElement.name")


def tab_to(page, name, limit=80, *, attribute="name"):
    """Press Tab until the element whose ``attribute`` is ``name`` has the focus."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement && document.activeElement"
                         f".getAttribute('{attribute}')") == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name!r}")


def test_desk_flow_with_the_keyboard_only(page, e2e_org, tmp_path):
    household = make_household(e2e_org.own, [
        {"name": "ASEP SUNANDAR", "nik": "3204171201900001"},
        {"name": "SITI NURHAYATI", "sex": "P", "relation": 3},
    ], programmes=["pkh"], address="KP. BABAKAN", dusun="DUSUN 2", rt="003", rw="004",
        desil=1)
    photo = tmp_path / "rumah.jpg"
    photo.write_bytes(gps_photo(-7.105123, 107.551234, make="KameraHP"))

    login(page, e2e_org.users[Role.FRONT_OFFICE].username, PASSWORD)
    page.goto("/layanan/antrian/")
    # Take a number, back to the queue, call it.
    tab_to(page, "take-ticket", attribute="data-testid")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ticket-code")).to_have_text("A-001")
    page.go_back()
    tab_to(page, "call-next", attribute="data-testid")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/layanan/kunjungan/baru/\?antrian=\d+$"))
    expect(page.locator("#id_queue_ticket option:checked")).to_contain_text("A-001")

    # The NIK box has the focus: type, and the register answers beside the form.
    expect(page.locator("#id_nik")).to_be_focused()
    page.keyboard.type("3204171201900001")
    panel = page.get_by_test_id("register-panel")
    expect(panel.get_by_test_id("in-register")).to_be_visible()
    expect(panel).to_contain_text("PKH")
    expect(panel.get_by_test_id("desil")).to_contain_text("1")
    page.keyboard.press("Enter")
    expect(page.locator("#id_name")).to_have_value("ASEP SUNANDAR")
    expect(page.locator("#id_address")).to_have_value("KP. BABAKAN")
    expect(page.locator("#id_rt")).to_have_value("003")
    expect(page.locator("#id_no_kk")).to_have_value(household.families.get().no_kk)
    assert focused_name(page) == "name"  # Enter moved on to the next field

    tab_to(page, "phone")
    page.keyboard.type("081234567890")
    tab_to(page, "category")
    page.keyboard.type("Kepesertaan")
    tab_to(page, "sector")
    page.keyboard.type("Sosial")
    tab_to(page, "programme")
    page.keyboard.type("PKH")
    tab_to(page, "description")
    page.keyboard.type("Sudah dua bulan bantuan PKH tidak cair.")
    tab_to(page, "attachment_house")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(photo))
    page.keyboard.press("Control+Enter")

    # The receipt.
    expect(page).to_have_url(re.compile(r"/tanda-terima/"))
    complaint = Complaint.objects.get()
    expect(page).to_have_url(re.compile(rf"/layanan/pengaduan/{complaint.pk}/tanda-terima/"))
    body = page.locator("body")
    expect(body).to_contain_text(complaint.registration_number)
    code = complaint.tracking_code
    expect(body).to_contain_text(f"{code[:4]}-{code[4:]}")
    qr = page.locator("img[src*='qr'], img[src^='data:image'], svg").first
    expect(qr).to_be_visible()
    visit = complaint.visit
    assert visit.person.nik == "3204171201900001" and visit.in_register
    assert visit.queue_ticket.code == "A-001" and visit.queue_ticket.status == "dilayani"
    attachment = visit.attachments.get()
    assert attachment.kind == Attachment.Kind.HOUSE_PHOTO
    assert str(attachment.latitude) == "-7.105123" and str(attachment.longitude) == "107.551234"
    assert b"KameraHP" not in attachment.file.read()
    assert complaint.sector.code == "sosial-ekonomi" and complaint.programme.code == "pkh"

    # The citizen's page, as the QR code opens it, in a fresh browser without login.
    context = page.context.browser.new_context(base_url=page.url.split("/layanan")[0])
    public = context.new_page()
    public.goto(f"/cek-pengaduan/?nomor={complaint.registration_number}&kode={code}")
    public_body = public.locator("body")
    expect(public_body).to_contain_text("Terdaftar")
    expect(public_body).to_contain_text(complaint.registration_number)
    html = public.content()
    for private in ("ASEP", "SUNANDAR", "3204171201900001", "081234567890", "BABAKAN",
                    "tidak cair", household.families.get().no_kk):
        assert private not in html, private
    context.close()


def test_person_not_in_the_register_becomes_a_proposal(page, e2e_org):
    login(page, e2e_org.users[Role.FRONT_OFFICE].username, PASSWORD)
    page.goto("/layanan/kunjungan/baru/")
    # Chromium applies autofocus after the load event; type once the cursor is there,
    # as the clerk does.
    expect(page.locator("#id_nik")).to_be_focused()
    page.keyboard.type("3204175507850002")
    expect(page.get_by_test_id("not-in-register")).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.type("EUIS KOMALASARI")
    tab_to(page, "address")
    page.keyboard.type("Kp. Cikalong")
    tab_to(page, "purpose")
    # Arrow keys move within the purpose radio group: information → complaint →
    # registration.
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=purpose][value=pendaftaran]")).to_be_checked()
    expect(page.get_by_test_id("complaint-fields")).to_be_hidden()
    page.keyboard.press("Control+Enter")

    expect(page).to_have_url(re.compile(r"/layanan/kunjungan/\d+/$"))
    visit = Visit.objects.get()
    assert page.url.endswith(f"/layanan/kunjungan/{visit.pk}/")
    expect(page.get_by_test_id("register-status")).to_contain_text("Tidak ada di register")
    # The proposal link has the focus: Enter opens the proposal form, prefilled.
    expect(page.get_by_test_id("propose-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/register/usulan/baru/"))
    expect(page.locator("input[value='EUIS KOMALASARI']")).to_have_count(1)
    expect(page.locator("input[value='3204175507850002']")).to_have_count(1)
    expect(page.locator("main form :focus")).to_have_count(1)  # autofocus has landed
    tab_to(page, "reason")
    page.keyboard.type("Janda dengan tiga anak, buruh tani, rumah menumpang.")
    tab_to(page, "save", attribute="data-testid")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/register/usulan/\d+/$"))
    visit.refresh_from_db()
    proposal = visit.proposal
    assert proposal is not None
    assert proposal.members.get().name == "EUIS KOMALASARI"
    assert not Complaint.objects.exists()


def test_expired_session_keeps_what_the_clerk_typed(page, e2e_org):
    login(page, e2e_org.users[Role.FRONT_OFFICE].username, PASSWORD)
    page.goto("/layanan/kunjungan/baru/")
    # Chromium applies autofocus after the load event; type once the cursor is there,
    # as the clerk does.
    expect(page.locator("#id_nik")).to_be_focused()
    page.keyboard.type("3204175507850002")
    page.keyboard.press("Enter")
    page.keyboard.type("EUIS KOMALASARI")
    tab_to(page, "description")
    page.keyboard.type("Belum pernah menerima bantuan apa pun.")
    page.context.clear_cookies(name="sessionid")  # the session ends while the form is open
    page.keyboard.press("Control+Enter")

    expect(page).to_have_url(re.compile(r"/masuk/"))
    assert not Visit.objects.exists()
    page.get_by_label("Nama pengguna").fill(e2e_org.users[Role.FRONT_OFFICE].username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_label("Kata sandi").press("Enter")
    expect(page).to_have_url(re.compile(r"/layanan/kunjungan/baru/"))
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.locator("#id_nik")).to_have_value("3204175507850002")
    expect(page.locator("#id_name")).to_have_value("EUIS KOMALASARI")
    expect(page.locator("#id_description")).to_have_value("Belum pernah menerima bantuan apa pun.")
