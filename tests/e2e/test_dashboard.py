"""The dashboard in Chromium, as the Kepala Desa reads it: from the menu to a figure,
from the figure to the households behind it, and on to one household's page."""

import re

import pytest
from playwright.sync_api import expect

from puskesos.roles import Role
from tests.beneficiaries.factories import make_household
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_village_head_follows_a_figure_to_its_households(page, e2e_org):
    own = e2e_org.own
    both = make_household(own, ["ASEP SUNANDAR", {"name": "SITI AMINAH", "sex": "P",
                                                   "relation": 3, "programmes": ["pbi-jk"]}],
                          programmes=["pkh"], desil=1)
    make_household(own, ["UJANG SOLIHIN"], programmes=["pkh"], desil=3)
    make_household(own, ["DEDI MULYADI"], desil=2)  # desil 2 and nothing: a service gap
    make_household(e2e_org.sibling, ["TATANG"], programmes=["pkh"], desil=1)

    login(page, e2e_org.users[Role.VILLAGE_HEAD].username, PASSWORD)
    page.locator("[data-nav=dashboard]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor")
    expect(page.get_by_test_id("dashboard-scope")).to_contain_text("Cimaung")
    expect(page.get_by_test_id("kpi-households")).to_contain_text("3")
    expect(page.get_by_test_id("kpi-gap")).to_contain_text("1")

    # The combination "PKH + PBI-JK": one household, counted once.
    row = page.get_by_test_id("combination").filter(has_text="PKH + PBI-JK")
    expect(row.get_by_test_id("value")).to_have_text("1")
    row.get_by_test_id("value").click()

    expect(page).to_have_url(re.compile(r"/dasbor/rincian/kombinasi/\?"))
    expect(page.get_by_test_id("records-title")).to_contain_text("PKH + PBI-JK")
    records = page.get_by_test_id("record")
    expect(records).to_have_count(1)
    expect(records.first).to_contain_text("ASEP SUNANDAR")
    records.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/register/rumah-tangga/{both.pk}/$"))
    expect(page.locator("body")).to_contain_text("SITI AMINAH")

    # Back on the dashboard, the service gap leads to the household without a programme.
    page.go_back()
    page.get_by_test_id("back").click()
    page.get_by_test_id("kpi-gap").click()
    expect(page.get_by_test_id("record")).to_have_count(1)
    expect(page.get_by_test_id("record")).to_contain_text("DEDI MULYADI")


def test_an_unknown_filter_is_said_on_the_page(page, e2e_org):
    login(page, e2e_org.users[Role.VILLAGE_HEAD].username, PASSWORD)
    page.goto("/dasbor/?periode=2026-13&program=bansos-x")
    expect(page.get_by_test_id("filter-error")).to_contain_text("tidak dikenali")
    expect(page.get_by_test_id("filter-error")).to_contain_text("Program «bansos-x»")
    page.get_by_role("link", name="Kembali ke dasbor tanpa filter").click()
    expect(page.get_by_test_id("kpis")).to_be_visible()


def test_village_head_from_a_figure_to_its_records_and_the_issued_report(page, e2e_org,
                                                                        settings, tmp_path):
    """The issue's path in one go: dashboard → a figure → its records → the issued PDF."""
    from django.utils import timezone

    from reports.periods import Period
    from reports.services import report_issue
    from tests.reports.factories import HEAD, complete_profile, pdf_text

    settings.MEDIA_ROOT = tmp_path / "media"
    complete_profile(e2e_org.own)
    make_household(e2e_org.own, ["DEDI MULYADI"], desil=2)  # a service gap
    report = report_issue(village=e2e_org.own, user=e2e_org.users[Role.COORDINATOR],
                          period=Period.containing(timezone.localdate()).previous())

    login(page, e2e_org.users[Role.VILLAGE_HEAD].username, PASSWORD)
    page.locator("[data-nav=dashboard]").click()
    page.get_by_test_id("kpi-gap").click()
    expect(page.get_by_test_id("record")).to_have_count(1)
    expect(page.get_by_test_id("record")).to_contain_text("DEDI MULYADI")

    page.locator("[data-nav=reports]").click()
    table = page.get_by_test_id("issued-table")
    expect(table).to_contain_text(report.number)
    with page.expect_download() as download:
        table.get_by_test_id("issued-download").first.click()
    content = download.value.path().read_bytes()
    assert content == report.pdf.open("rb").read()
    text = pdf_text(content)
    assert report.number in text and HEAD in text
