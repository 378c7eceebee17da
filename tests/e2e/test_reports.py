"""The report in Chromium: the Koordinator writes the narrative and issues last month's
report; the Kepala Desa follows the menu to the issued reports, downloads the PDF and
marks it signed."""

import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from puskesos.roles import Role
from referrals.models import Complaint
from reports.models import IssuedReport
from reports.periods import Period
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.referrals.factories import complaint_in
from tests.reports.factories import COORDINATOR, HEAD, complete_profile

pytestmark = pytest.mark.e2e


def test_koordinator_issues_and_kepala_desa_downloads_and_signs(page, e2e_org, settings,
                                                               tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    org = e2e_org
    complete_profile(org.own)
    period = Period.containing(timezone.localdate()).previous()
    complaint = complaint_in(org, Complaint.State.HANDLED)
    Complaint.objects.filter(pk=complaint.pk).update(created_at=period.start_at)

    # The Koordinator: menu → Laporan → last month (the form's default) → narrative → issue.
    login(page, org.users[Role.COORDINATOR].username, PASSWORD)
    page.locator("[data-testid=nav] a[data-nav=reports]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan")
    page.get_by_role("button", name="Tampilkan laporan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Laporan Bulanan Kegiatan Puskesos Desa Cimaung — {period.label}")
    form = page.get_by_test_id("narrative-form")
    form.get_by_label("Kendala").fill("Jaringan internet kantor desa sering terputus.")
    form.get_by_role("button", name="Simpan narasi").click()
    expect(page.get_by_text("Narasi laporan disimpan.")).to_be_visible()
    page.get_by_test_id("issue-button").click()
    expect(page.get_by_text(re.compile(r"Laporan diterbitkan dengan nomor"))).to_be_visible()
    report = IssuedReport.objects.get()
    expect(page.get_by_test_id("issued-meta")).to_contain_text(report.number)
    page.context.clear_cookies()

    # The Kepala Desa: menu → Laporan → the issued list → download.
    login(page, org.users[Role.VILLAGE_HEAD].username, PASSWORD)
    page.locator("[data-testid=nav] a[data-nav=reports]").click()
    table = page.get_by_test_id("issued-table")
    expect(table).to_contain_text(report.number)
    expect(table).to_contain_text("Belum")
    with page.expect_download() as download_info:
        table.get_by_test_id("issued-download").first.click()
    download = download_info.value
    content = open(download.path(), "rb").read()
    assert content == report.pdf.open("rb").read()
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(content)).pages)
    assert report.number in text and HEAD in text and COORDINATOR in text
    assert "Jaringan internet kantor desa sering terputus." in text

    # … and marks it signed.
    table.get_by_role("link", name=report.number).click()
    page.get_by_role("button", name="Tandai sudah ditandatangani").click()
    expect(page.get_by_text("Laporan ditandai sudah ditandatangani.")).to_be_visible()
    report.refresh_from_db()
    assert report.signed_by == org.users[Role.VILLAGE_HEAD]
