"""Permission-matrix rows of the periodic reports (loaded by test_permission_matrix).

Village reports: the Koordinator (writes, issues), the Kepala Desa (reads, signs), the
Supervisor and the Manajer (read their area's villages); everyone else 403. Area
reports: the Supervisor and the Manajer. Another village's object is a 404.
"""

import functools

from django.core.files.base import ContentFile
from django.utils import timezone

from puskesos.roles import Role
from reports.figures import village_figures
from reports.models import AreaReport, IssuedReport
from reports.periods import Period
from tests.reports.factories import complete_profile, png_bytes

ANON = "anonymous"
ROLES = [ANON, *Role]
LOGIN = 302


def every(status, **overrides):
    table = {role: status for role in ROLES}
    table.update({Role[k] if k != "anonymous" else ANON: v for k, v in overrides.items()})
    return table


READERS = {"COORDINATOR": (200, 404), "VILLAGE_HEAD": (200, 404), "SUPERVISOR": (200, 404),
           "MANAGER": (200, 404)}
AREA = {"SUPERVISOR": (200, 404), "MANAGER": (200, 404)}

ROWS = {
    "report-list": (None, every(403, anonymous=LOGIN, COORDINATOR=200, VILLAGE_HEAD=200,
                                SUPERVISOR=200, MANAGER=200)),
    "report-preview": ("report-period", every(403, anonymous=LOGIN, **READERS)),
    "report-pdf": ("report-period", every(403, anonymous=LOGIN, **READERS)),
    "report-xlsx": ("report-period", every(403, anonymous=LOGIN, **READERS)),
    # POST only, for the Koordinator.
    "report-narrative": ("report-period", every(403, anonymous=LOGIN, COORDINATOR=405)),
    "report-issue": ("report-period", every(403, anonymous=LOGIN, COORDINATOR=405)),
    "issued-report-detail": ("issued-report", every(403, anonymous=LOGIN, **READERS)),
    "issued-report-pdf": ("issued-report", every(403, anonymous=LOGIN, **READERS)),
    "issued-report-scan": ("issued-report", every(403, anonymous=LOGIN, **READERS)),
    # POST only, for the Kepala Desa.
    "issued-report-sign": ("issued-report", every(403, anonymous=LOGIN, VILLAGE_HEAD=405)),
    "area-report-list": (None, every(403, anonymous=LOGIN, SUPERVISOR=200, MANAGER=200)),
    "area-report-detail": ("area-report", every(403, anonymous=LOGIN, **AREA)),
    "area-report-download": ("area-report-file", every(403, anonymous=LOGIN, **AREA)),
}


def last_month() -> Period:
    return Period.containing(timezone.localdate()).previous()


@functools.cache
def tiny_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Laporan</p>").write_pdf()


def report_period(org, village):
    complete_profile(village)
    return {"code": village.code, "period": last_month().key}


def issued_report(org, village):
    """An issued, signed report of ``village`` (made directly: the matrix checks access,
    tests/reports check issuing)."""
    period = last_month()
    existing = IssuedReport.objects.filter(village=village).first()
    if existing is None:
        report = IssuedReport(
            village=village, period_key=period.key, kind=period.kind,
            period_label=period.label, version=1, sequence=1, year=period.year,
            number=f"001/LAP/PUSKESOS/{village.code.replace('.', '')}/X/{period.year}",
            figures=village_figures(village, period), narrative={},
            issued_by=org.users[Role.COORDINATOR], issued_at=timezone.now(),
            pdf_sha256="0" * 64, signed_at=timezone.now(),
            signed_by=org.users[Role.VILLAGE_HEAD], signed_scan_content_type="image/png",
            signed_scan_extension=".png")
        report.pdf.save("laporan.pdf", ContentFile(tiny_pdf()), save=False)
        report.signed_scan.save("ttd.png", ContentFile(png_bytes()), save=False)
        report.save()
        existing = report
    return {"pk": existing.pk}


def area_report(org, village):
    district = village.district
    report = AreaReport.objects.filter(district=district).first()
    if report is None:
        period = last_month()
        report = AreaReport(district=district, period_key=period.key, kind=period.kind,
                            period_label=period.label, status=AreaReport.Status.DONE,
                            progress=100, requested_by=org.users[Role.MANAGER],
                            finished_at=timezone.now())
        report.pdf.save("wilayah.pdf", ContentFile(tiny_pdf()), save=False)
        report.xlsx.save("wilayah.xlsx", ContentFile(b"PK-test"), save=False)
        report.save()
    return {"pk": report.pk}


KINDS = {
    "report-period": report_period,
    "issued-report": issued_report,
    "area-report": area_report,
    "area-report-file": lambda org, village: {**area_report(org, village), "fmt": "pdf"},
}
