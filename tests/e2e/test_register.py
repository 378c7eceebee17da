"""The register in Chromium: search, household page, export, as the back office would."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from puskesos.roles import Role
from tests.beneficiaries.factories import make_household
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_search_open_household_and_export(page, e2e_org, tmp_path):
    household = make_household(e2e_org.own, [
        {"name": "ASEP SUNANDAR", "nik": "3204171201900001"},
        {"name": "SITI NURHAYATI", "sex": "P", "relation": 3},
    ], programmes=["pkh"], dusun="DUSUN 2", desil=1)
    make_household(e2e_org.own, ["UJANG SOLIHIN"], dusun="DUSUN 3")
    make_household(e2e_org.sibling, [{"name": "ASEP SUNANDAR", "nik": "3204171201900002"}])

    login(page, e2e_org.users[Role.BACK_OFFICE].username, PASSWORD)
    page.locator("[data-nav=register]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    # The search box has the focus: the clerk just types, with a spelling variant.
    expect(page.locator("#lookup-q")).to_be_focused()
    page.keyboard.type("acep sunandar")
    hit = page.get_by_test_id("lookup-hit")
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text("320417******0001")
    expect(hit).to_contain_text("PKH")
    hit.click()

    expect(page).to_have_url(re.compile(rf"/register/rumah-tangga/{household.pk}/$"))
    expect(page.get_by_test_id("member")).to_have_count(2)
    expect(page.locator("body")).to_contain_text("SITI NURHAYATI")
    expect(page.locator("body")).not_to_contain_text("3204171201900001")

    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Dusun").fill("DUSUN 2")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.get_by_test_id("household-table").locator("tbody tr")).to_have_count(1)
    with page.expect_download() as download_info:
        page.get_by_test_id("export-link").click()
    target = tmp_path / "register.xlsx"
    download_info.value.save_as(target)
    rows = list(load_workbook(target).active.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [household.register_id]


def test_unknown_person_is_said_plainly(page, e2e_org):
    login(page, e2e_org.users[Role.FRONT_OFFICE].username, PASSWORD)
    page.goto("/register/")
    page.get_by_test_id("lookup-q").fill("Bambang Sutrisno")
    expect(page.get_by_test_id("not-found")).to_contain_text("Tidak ada di register")
