"""Logging in as each role in a real Chromium, as the staff would."""

import re

import pytest
from playwright.sync_api import expect

from puskesos.roles import Role
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

EXPECTED_NAV = {
    Role.FRONT_OFFICE: ["home", "desk", "queue", "complaints", "register", "proposals",
                        "programmes", "villages"],
    Role.BACK_OFFICE: ["home", "complaints", "referrals", "register", "proposals", "programmes",
                       "villages"],
    Role.COORDINATOR: ["home", "dashboard", "reports", "desk", "queue", "complaints",
                       "referrals", "register", "proposals", "programmes", "villages", "staff"],
    Role.VILLAGE_HEAD: ["home", "dashboard", "reports", "complaints", "register", "proposals",
                        "programmes", "villages", "staff"],
    Role.FACILITATOR: ["home", "desk", "complaints", "register", "proposals", "programmes",
                       "villages"],
    Role.SUPERVISOR: ["home", "dashboard", "reports", "complaints", "referrals", "register",
                      "proposals", "programmes", "villages", "staff"],
    Role.MANAGER: ["home", "dashboard", "reports", "complaints", "referrals", "register",
                   "proposals", "programmes", "villages", "staff", "admin"],
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.name)
def test_each_role_logs_in_and_sees_its_menu(page, e2e_org, role):
    user = e2e_org.users[role]
    login(page, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    keys = page.locator("[data-testid=nav] a").evaluate_all(
        "links => links.map(a => a.dataset.nav)"
    )
    assert keys == EXPECTED_NAV[role]
    expect(page.get_by_test_id("roles")).to_contain_text(role.value)
    # Logging out through the user menu.
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk/"))


def test_wrong_password_shows_an_indonesian_error(page, e2e_org):
    login(page, e2e_org.users[Role.FRONT_OFFICE].username, "bukan-sandinya")
    expect(page.get_by_test_id("login-error")).to_contain_text(
        "Nama pengguna atau kata sandi salah"
    )
    expect(page.get_by_label("Nama pengguna")).to_have_value(
        e2e_org.users[Role.FRONT_OFFICE].username
    )


def test_repeated_failures_lock_the_account(page, e2e_org, settings):
    username = e2e_org.users[Role.BACK_OFFICE].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(page, username, "salah-lagi")
    login(page, username, PASSWORD)
    expect(page.get_by_test_id("locked-out")).to_have_text(re.compile("Akun dikunci sementara"))


def test_phone_layout_collapses_the_menu(browser, live_server, e2e_org):
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  base_url=live_server.url)
    page = context.new_page()
    login(page, e2e_org.users[Role.MANAGER].username, PASSWORD)
    admin_link = page.locator("[data-nav=admin]")
    expect(admin_link).to_be_hidden()
    page.get_by_role("button", name="Buka menu").click()
    expect(admin_link).to_be_visible()
    context.close()


def test_manager_reaches_the_indonesian_admin_without_csp_errors(page, e2e_org):
    login(page, e2e_org.users[Role.MANAGER].username, PASSWORD)
    page.locator("[data-nav=admin]").click()
    expect(page.locator("#site-name")).to_contain_text("Administrasi Puskesos")
    page.goto("/admin/puskesos/village/")
    expect(page.locator("#changelist")).to_contain_text("Cimaung")
    expect(page.locator("#changelist")).not_to_contain_text("Pakuwon")
    page.goto(f"/admin/puskesos/village/{e2e_org.own.pk}/change/")
    expect(page.locator("body")).to_contain_text("Simpan")
    assert not [p for p in page.console_problems if "Content Security Policy" in p]


def test_other_villages_record_is_a_clear_indonesian_404(page, e2e_org):
    login(page, e2e_org.users[Role.FRONT_OFFICE].username, PASSWORD)
    response = page.goto(f"/desa/{e2e_org.sibling.code}/")
    assert response.status == 404
    expect(page.get_by_test_id("error-title")).to_have_text("Halaman tidak ditemukan")
