"""The report pages as the Koordinator, the Kepala Desa, the Supervisor and the Manajer
use them: preview, narrative, PDF/XLSX, issuing, the archive, signing, area reports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from puskesos.roles import Role
from referrals.models import Complaint
from reports.models import AreaReport, IssuedReport, ReportNarrative
from reports.periods import Period
from tests.referrals.factories import complaint_in
from tests.reports.factories import COORDINATOR, HEAD, complete_profile, pdf_text, png_bytes


def last_month():
    return Period.containing(timezone.localdate()).previous()


def preview_url(village, key):
    return reverse("report-preview", args=[village.code, key])


def login(client, org, role):
    client.force_login(org.users[role])
    return client


def test_the_preview_shows_the_report_with_charts_and_the_narrative_form(client, org):
    complete_profile(org.own)
    complaint_in(org, Complaint.State.HANDLED)
    period = Period.containing(timezone.localdate())
    login(client, org, Role.COORDINATOR)
    page = client.get(preview_url(org.own, period.key)).content.decode()
    assert f"Laporan Bulanan Kegiatan Puskesos Desa Cimaung — {period.label}" in page
    assert "PEMERINTAH KABUPATEN BANDUNG" in page and HEAD in page and COORDINATOR in page
    assert page.count('src="data:image/svg+xml;base64,') == 4
    assert 'data-testid="narrative-form"' in page
    assert "Periode ini masih berjalan" in page or period.has_ended()
    # The figures table shows the complaint against last month.
    assert "Pengaduan diterima" in page


def test_the_kepala_desa_reads_the_preview_without_writing(client, org):
    complete_profile(org.own)
    login(client, org, Role.VILLAGE_HEAD)
    page = client.get(preview_url(org.own, last_month().key)).content.decode()
    assert "Laporan Bulanan" in page
    assert 'data-testid="narrative-form"' not in page and 'data-testid="issue-button"' not in page
    response = client.post(reverse("report-issue", args=[org.own.code, last_month().key]))
    assert response.status_code == 403
    assert not IssuedReport.objects.exists()


def test_an_empty_period_says_there_was_no_activity(client, org):
    complete_profile(org.own)
    login(client, org, Role.COORDINATOR)
    page = client.get(preview_url(org.own, "2025-02")).content.decode()
    assert "Tidak ada kegiatan pada periode ini." in page
    response = client.get(reverse("report-pdf", args=[org.own.code, "2025-02"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Tidak ada kegiatan pada periode ini" in pdf_text(response.content)


@pytest.mark.parametrize("key,message", [
    ("2999-01", "belum dimulai"),
    ("2026-13", "di luar rentang"),
    ("kemarin", "tidak dikenali"),
    ("2026-Q5", "di luar rentang"),
])
def test_a_bad_or_future_period_is_explained(client, org, key, message):
    login(client, org, Role.COORDINATOR)
    for name in ("report-preview", "report-pdf", "report-xlsx"):
        response = client.get(reverse(name, args=[org.own.code, key]))
        assert response.status_code == 400
        assert message in response.content.decode()
    response = client.post(reverse("report-issue", args=[org.own.code, key]))
    assert response.status_code == 400
    assert not IssuedReport.objects.exists()


def test_another_villages_bad_period_is_still_a_404(client, org):
    login(client, org, Role.COORDINATOR)
    response = client.get(preview_url(org.sibling, "2999-01"))
    assert response.status_code == 404


def test_a_village_without_logo_or_names_gets_a_prompt_not_a_broken_pdf(client, org):
    complete_profile(org.own, head="", coordinator="", logo=False)
    login(client, org, Role.COORDINATOR)
    response = client.get(reverse("report-pdf", args=[org.own.code, last_month().key]))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Profil desa belum lengkap" in page
    assert "logo kop surat" in page and "nama Kepala Desa" in page
    assert "nama Koordinator Puskesos" in page
    assert reverse("village-update", args=[org.own.code]) in page
    preview = client.get(preview_url(org.own, last_month().key)).content.decode()
    assert "Profil desa belum lengkap" in preview
    assert 'data-testid="issue-button" disabled' in preview
    response = client.post(reverse("report-issue", args=[org.own.code, last_month().key]))
    assert response.status_code == 400
    assert "Profil desa belum lengkap" in response.content.decode()
    assert not IssuedReport.objects.exists()
    # The Kepala Desa cannot edit the profile: asked to tell the Koordinator.
    login(client, org, Role.VILLAGE_HEAD)
    page = client.get(reverse("report-pdf", args=[org.own.code, last_month().key]))
    assert "Minta Koordinator" in page.content.decode()
    assert reverse("village-update", args=[org.own.code]) not in page.content.decode()


def test_narrative_issue_download_and_sign(client, org):
    complete_profile(org.own)
    period = last_month()
    login(client, org, Role.COORDINATOR)
    response = client.post(reverse("report-narrative", args=[org.own.code, period.key]),
                           {"notes": "Kunjungan rumah di dusun 3.", "obstacles": "",
                            "plans": "Musdes bulan depan."})
    assert response.status_code == 302
    assert ReportNarrative.objects.get().plans == "Musdes bulan depan."
    response = client.post(reverse("report-issue", args=[org.own.code, period.key]))
    report = IssuedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("issued-report-detail", args=[report.pk])
    detail = client.get(response["Location"]).content.decode()
    assert report.number in detail and "Belum ditandatangani" in detail
    assert 'data-testid="sign-form"' not in detail  # the Koordinator does not sign

    login(client, org, Role.VILLAGE_HEAD)
    listing = client.get(reverse("report-list")).content.decode()
    assert report.number in listing and "1 belum ditandatangani" in listing
    download = client.get(reverse("issued-report-pdf", args=[report.pk]))
    content = b"".join(download.streaming_content)
    assert content == report.pdf.open("rb").read()
    assert "attachment" in download["Content-Disposition"]
    assert "Musdes bulan depan." in pdf_text(content)

    # A scan that is not an image or PDF is refused; nothing is marked.
    bad = SimpleUploadedFile("ttd.pdf", b"<script>alert(1)</script>" * 20)
    response = client.post(reverse("issued-report-sign", args=[report.pk]), {"scan": bad})
    assert response.status_code == 400
    assert "bukan gambar" in response.content.decode()
    report.refresh_from_db()
    assert report.signed_at is None and not report.signed_scan
    scan = SimpleUploadedFile("ttd.png", png_bytes())
    response = client.post(reverse("issued-report-sign", args=[report.pk]), {"scan": scan})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.signed_by == org.users[Role.VILLAGE_HEAD]
    scan_download = client.get(reverse("issued-report-scan", args=[report.pk]))
    assert b"".join(scan_download.streaming_content)[:3] == b"\xff\xd8\xff"
    response = client.post(reverse("issued-report-sign", args=[report.pk]))
    assert response.status_code == 400 and "sudah ditandai" in response.content.decode()


def test_the_period_form_opens_a_report_and_refuses_the_future(client, org):
    login(client, org, Role.COORDINATOR)
    response = client.get(reverse("report-list"), {"kind": "quarterly", "year": "2025",
                                                   "number": "4"})
    assert response["Location"] == preview_url(org.own, "2025-Q4")
    response = client.get(reverse("report-list"), {"kind": "monthly", "year": "2999",
                                                   "number": "1"})
    assert response.status_code == 400
    assert "belum dimulai" in response.content.decode()
    response = client.get(reverse("report-list"), {"kind": "semester", "year": "2025",
                                                   "number": "3"})
    assert response.status_code == 400
    assert "isi 1 sampai 2" in response.content.decode()


def test_the_supervisor_opens_a_village_of_the_kecamatan_only(client, org):
    login(client, org, Role.SUPERVISOR)
    response = client.get(reverse("report-list"), {"village": org.sibling.pk,
                                                   "kind": "monthly", "year": "2025",
                                                   "number": "1"})
    assert response["Location"] == preview_url(org.sibling, "2025-01")
    response = client.get(reverse("report-list"), {
        "village": org.other_district_village.pk, "kind": "monthly", "year": "2025",
        "number": "1"})
    assert response.status_code == 400
    assert client.get(preview_url(org.other_district_village, "2025-01")).status_code == 404


def test_the_xlsx_has_every_table(client, org):
    complaint_in(org, Complaint.State.REGISTERED)
    period = Period.containing(timezone.localdate())
    login(client, org, Role.VILLAGE_HEAD)
    response = client.get(reverse("report-xlsx", args=[org.own.code, period.key]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    labels = [row[0] for row in rows]
    assert "Pengaduan menurut kategori" in labels and "Warga PPKS menurut klaster (akhir periode)" \
        in labels
    assert ("Pengaduan diterima", 1, 0) in [tuple(row[:3]) for row in rows]
    assert "Tren 12 bulan" in labels


# -- kecamatan / kabupaten reports, built by the worker ---------------------------------------


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_the_supervisor_gets_the_kecamatan_report_in_the_background(client, committed_org):
    org = committed_org
    complaint_in(org, Complaint.State.REGISTERED)
    complaint_in(org, Complaint.State.REGISTERED, village=org.sibling)
    complaint_in(org, Complaint.State.REGISTERED, village=org.other_district_village)
    period = Period.containing(timezone.localdate())
    client.force_login(org.users[Role.SUPERVISOR])
    form = client.get(reverse("area-report-list")).content.decode()
    assert "Kecamatan Cimaung" in form and "Kabupaten Bandung" not in form
    response = client.post(reverse("area-report-list"), {
        "area": f"kec:{org.district.pk}", "kind": "monthly", "year": period.year,
        "number": period.number})
    report = AreaReport.objects.get()
    assert response["Location"] == reverse("area-report-detail", args=[report.pk])
    assert report.status == AreaReport.Status.PENDING
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Menunggu giliran" in page

    run_worker()
    report.refresh_from_db()
    assert report.status == AreaReport.Status.DONE and report.progress == 100
    assert report.village_count == 10
    assert report.figures["total"]["numbers"]["complaints"]["value"] == 2
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Unduh PDF" in partial and "every 2s" not in partial
    download = client.get(reverse("area-report-download", args=[report.pk, "pdf"]))
    text = pdf_text(b"".join(download.streaming_content))
    assert "Kecamatan Cimaung" in text and "Jagabaya" in text
    assert "Banjaran" not in text
    xlsx = client.get(reverse("area-report-download", args=[report.pk, "xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert workbook.sheetnames[0] == "Total" and len(workbook.sheetnames) == 11


def test_area_report_requests_outside_the_area_are_refused(client, org):
    client.force_login(org.users[Role.SUPERVISOR])
    response = client.post(reverse("area-report-list"), {
        "area": f"kec:{org.other_district.pk}", "kind": "monthly", "year": "2025",
        "number": "1"})
    assert response.status_code == 400 and "Pilih wilayah dari daftar" in \
        response.content.decode()
    response = client.post(reverse("area-report-list"), {
        "area": f"kab:{org.regency.pk}", "kind": "monthly", "year": "2025", "number": "1"})
    assert response.status_code == 400
    response = client.post(reverse("area-report-list"), {
        "area": f"kec:{org.district.pk}", "kind": "monthly", "year": "2999", "number": "1"})
    assert response.status_code == 400 and "belum dimulai" in response.content.decode()
    assert not AreaReport.objects.exists()
    client.force_login(org.users[Role.MANAGER])
    response = client.post(reverse("area-report-list"), {
        "area": f"kab:{org.regency.pk}", "kind": "yearly", "year": "2025"})
    assert response.status_code == 302
    assert AreaReport.objects.get().regency == org.regency
