"""Periodic reports: the narrative, rendering (PDF, XLSX), issuing, signing, and the
kecamatan/kabupaten reports built in the background.

Every state change is one function here that takes the acting user, checks role and
village, and does the whole change inside ``transaction.atomic()``; a refusal is a
:class:`ReportError` with an Indonesian message and nothing changed.
"""

from __future__ import annotations

import hashlib
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from puskesos.models import Village
from puskesos.pdf import render_pdf
from puskesos.scoping import can_see_village, works_in
from puskesos.sequences import next_number

from . import charts
from .figures import area_figures, village_figures
from .models import AreaReport, IssuedReport, ReportNarrative
from .periods import ROMAN, Period, check_not_future

EMPTY_TEXT = "Tidak ada kegiatan pada periode ini."


class ReportError(Exception):
    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


# -- the village profile the letterhead and the signatures need ---------------------------


def profile_gaps(village: Village) -> list[str]:
    """What the village profile lacks for a report on its letterhead, in Indonesian
    (empty when the logo and both signatories' names are there)."""
    gaps = []
    if not village.logo:
        gaps.append(_("logo kop surat"))
    if not village.head_name.strip():
        gaps.append(_("nama %(title)s") % {"title": village.head_title or "Kepala Desa"})
    if not village.coordinator_name.strip():
        gaps.append(_("nama Koordinator Puskesos"))
    return gaps


def profile_gap_message(village: Village) -> str:
    gaps = profile_gaps(village)
    if not gaps:
        return ""
    return _("Profil desa belum lengkap untuk kop surat dan tanda tangan laporan: %(gaps)s "
             "belum diisi. Lengkapi profil desa lebih dulu.") % {"gaps": ", ".join(gaps)}


# -- the narrative -------------------------------------------------------------------------


def narrative_for(village: Village, period: Period) -> ReportNarrative | None:
    return ReportNarrative.objects.filter(village=village, period_key=period.key).first()


def narrative_save(*, village: Village, period: Period, user, notes: str, obstacles: str,
                   plans: str) -> ReportNarrative:
    """The Koordinator writes the report's narrative (notes, obstacles, plans)."""
    if not (works_in(user, village.pk) and user.has_perm("reports.change_reportnarrative")):
        raise ReportError(_("Hanya Koordinator Puskesos desa ini yang menulis narasi laporan."))
    try:
        check_not_future(period)
    except ValidationError as error:
        raise ReportError(error.messages[0]) from None
    with transaction.atomic():
        narrative, _created = ReportNarrative.objects.select_for_update().get_or_create(
            village=village, period_key=period.key, defaults={"updated_by": user})
        narrative.notes, narrative.obstacles, narrative.plans = (
            notes.strip(), obstacles.strip(), plans.strip())
        narrative.updated_by = user
        narrative.save()
    return narrative


# -- rendering -----------------------------------------------------------------------------


def report_title(village: Village, period: Period) -> str:
    """«Laporan Bulanan Kegiatan Puskesos Desa Cimaung — November 2026»."""
    return (f"Laporan {period.kind_label} Kegiatan Puskesos {village.get_kind_display()} "
            f"{village.name} — {period.label}")


def figure_charts(figures: dict) -> dict[str, str]:
    """The report's SVG charts as data: URLs (for <img> in the page and the PDF)."""
    tables = figures["tables"]

    def rows(key):
        return [row for row in tables[key]["rows"]]

    category = rows("complaints_by_category")
    programme = rows("complaints_by_programme")
    responses = rows("referral_responses")
    trend = figures["trend"]
    svgs = {
        "category": charts.bar_chart([r["label"] for r in category],
                                     [r["value"] for r in category],
                                     title="Pengaduan menurut kategori"),
        "programme": charts.bar_chart([r["label"] for r in programme],
                                      [r["value"] for r in programme],
                                      title="Pengaduan menurut program",
                                      color=charts.PALETTE[1]),
        "responses": charts.bar_chart([r["label"] for r in responses],
                                      [r["value"] for r in responses],
                                      title="Tanggapan rujukan", color=charts.PALETTE[2]),
        "trend": charts.line_chart(trend["labels"], trend["series"],
                                   title="Tren 12 bulan terakhir"),
    }
    return {name: charts.data_uri(svg) for name, svg in svgs.items()}


def report_context(village: Village, period: Period, figures: dict, *,
                   narrative: dict | None = None, issued: IssuedReport | None = None,
                   place_date=None) -> dict:
    district = village.district
    return {
        "village": village, "district": district, "regency": district.regency,
        "period": period, "figures": figures, "title": report_title(village, period),
        "narrative": narrative or {}, "issued": issued,
        "charts": figure_charts(figures),
        "empty_text": EMPTY_TEXT,
        "sign_date": place_date or timezone.localdate(),
        "profile_gaps": profile_gaps(village),
    }


def report_pdf(village: Village, period: Period, figures: dict, *, narrative=None,
               issued=None, place_date=None) -> bytes:
    """The village report as PDF (A4, letterhead, charts, signatures)."""
    context = report_context(village, period, figures, narrative=narrative, issued=issued,
                             place_date=place_date)
    context["for_pdf"] = True  # the logo read from the storage, not through a page
    return render_pdf("reports/report_pdf.html", context)


def report_xlsx(figures_list: list[tuple[str, dict]]) -> bytes:
    """The report's tables as a workbook: one sheet per village or total, each with
    the key numbers, every table, the handling times and the 12-month trend."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    used = set()
    for name, figures in figures_list:
        title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Laporan"
        while title in used:
            title = title[:28] + f"~{len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title)
        previous = figures["previous_period"]["label"]
        current = figures["period"]["label"]
        sheet.append([name, current])
        sheet["A1"].font = bold
        sheet.append([])
        sheet.append(["Angka utama", current, previous])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for item in figures["numbers"].values():
            sheet.append([item["label"], item["value"], item["previous"]])
        for table in figures["tables"].values():
            sheet.append([])
            sheet.append([table["title"], current, previous])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in table["rows"]:
                sheet.append([row["label"], row["value"], row["previous"]])
            sheet.append(["Jumlah", table["total"]["value"], table["total"]["previous"]])
        sheet.append([])
        sheet.append(["Waktu penanganan (hari kerja)", "Jumlah", "Median", "Dalam batas",
                      "% dalam batas", "Batas (hari kerja)"])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for item in figures["times"]:
            sheet.append([item["label"], item["count"], item["median_days"], item["within"],
                          item["share"], item["deadline_days"]])
        sheet.append([])
        sheet.append(["Tren 12 bulan", *figures["trend"]["labels"]])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for series, values in figures["trend"]["series"].items():
            sheet.append([series, *values])
        sheet.column_dimensions["A"].width = 55
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- issuing and signing -------------------------------------------------------------------


def report_number(village: Village, sequence: int, when) -> str:
    """e.g. 004/LAP/PUSKESOS/3204172001/XII/2026 (gapless per village and year)."""
    return (f"{sequence:03d}/LAP/PUSKESOS/{village.code.replace('.', '')}/"
            f"{ROMAN[when.month - 1]}/{when.year}")


def report_issue(*, village: Village, period: Period, user) -> IssuedReport:
    """«Terbitkan»: freeze the report of ``village`` for ``period`` — its figures, the
    narrative and the PDF — under the next report number, as a new version.

    Refused (nothing stored) when the user is not the village's Koordinator, the period
    has not ended, or the village profile lacks the logo or a signatory's name."""
    if not (works_in(user, village.pk) and user.has_perm("reports.add_issuedreport")):
        raise ReportError(_("Hanya Koordinator Puskesos desa ini yang menerbitkan laporan."))
    try:
        check_not_future(period)
    except ValidationError as error:
        raise ReportError(error.messages[0]) from None
    if not period.has_ended():
        raise ReportError(_("Periode %(period)s belum berakhir; laporan dapat diterbitkan mulai "
                            "%(day)s.") % {"period": period.label,
                                           "day": f"{period.last_day:%d-%m-%Y}"})
    message = profile_gap_message(village)
    if message:
        raise ReportError(message, field="profile")
    figures = village_figures(village, period)
    narrative = narrative_for(village, period)
    narrative = narrative.as_dict() if narrative else {}
    now = timezone.now()
    stored_name = None
    try:
        with transaction.atomic():
            # The counter row lock also serialises the village's issuers: the version
            # read below cannot be taken twice.
            sequence = next_number(village, f"report:{now.year}")
            last = (IssuedReport.objects.filter(village=village, period_key=period.key)
                    .order_by("-version").values_list("version", flat=True).first())
            report = IssuedReport(
                village=village, period_key=period.key, kind=period.kind,
                period_label=period.label, version=(last or 0) + 1,
                number=report_number(village, sequence, timezone.localtime(now)),
                sequence=sequence, year=now.year, figures=figures, narrative=narrative,
                issued_by=user, issued_at=now,
            )
            pdf = report_pdf(village, period, figures, narrative=narrative, issued=report,
                             place_date=timezone.localdate(now))
            report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            report.pdf.save("laporan.pdf", ContentFile(pdf), save=False)
            stored_name = report.pdf.name
            report.save()
    except Exception:
        if stored_name:  # the row was not stored: do not leave its file behind
            report.pdf.storage.delete(stored_name)
        raise
    return report


def report_sign(*, report_id: int, user, scan=None) -> IssuedReport:
    """The Kepala Desa marks an issued report as signed, optionally with the signed
    scan (``scan``: an intake.attachments.CleanedAttachment, checked by content)."""
    with transaction.atomic():
        report = IssuedReport.objects.select_for_update().select_related("village").get(
            pk=report_id)
        if not (works_in(user, report.village_id)
                and user.has_perm("reports.sign_issuedreport")):
            raise ReportError(_("Hanya Kepala Desa/Lurah desa ini yang menandai laporan "
                                "sudah ditandatangani."))
        if report.is_signed:
            raise ReportError(_("Laporan ini sudah ditandai ditandatangani pada %(at)s.")
                              % {"at": f"{timezone.localtime(report.signed_at):%d-%m-%Y %H:%M}"})
        newer = IssuedReport.objects.filter(village=report.village_id,
                                            period_key=report.period_key,
                                            version__gt=report.version).exists()
        if newer:
            raise ReportError(_("Sudah ada versi yang lebih baru dari laporan ini; tandai "
                                "versi terbaru."))
        report.signed_at = timezone.now()
        report.signed_by = user
        stored = None
        if scan is not None:
            report.signed_scan_content_type = scan.content_type
            report.signed_scan_extension = scan.extension
            report.signed_scan.save("ttd" + scan.extension, ContentFile(scan.content), save=False)
            stored = report.signed_scan.name
        try:
            report.save(update_fields=list(IssuedReport.SIGNING_FIELDS))
        except Exception:
            if stored:
                report.signed_scan.storage.delete(stored)
            raise
    return report


# -- kecamatan and kabupaten reports (background) ------------------------------------------


def area_villages(report: AreaReport):
    if report.district_id:
        return Village.objects.filter(district_id=report.district_id).order_by("code")
    return Village.objects.filter(district__regency_id=report.regency_id).order_by("code")


def area_report_request(*, user, district=None, regency=None, period: Period) -> AreaReport:
    """The Supervisor (their kecamatan) or the Manajer (their kabupaten, or one of its
    kecamatan) asks for an area report; the worker builds it after the commit."""
    from .tasks import area_report_task

    if not user.has_perm("reports.add_areareport"):
        raise ReportError(_("Peran Anda tidak dapat meminta laporan kecamatan/kabupaten."))
    if (district is None) == (regency is None):
        raise ReportError(_("Pilih tepat satu wilayah: kecamatan atau kabupaten."),
                          field="area")
    try:
        check_not_future(period)
    except ValidationError as error:
        raise ReportError(error.messages[0], field="period") from None
    from puskesos.scoping import visible_districts, visible_regencies

    if district is not None and not visible_districts(user).filter(pk=district.pk).exists():
        raise ReportError(_("Kecamatan ini di luar wilayah Anda."), field="area")
    if regency is not None:
        if not visible_regencies(user).filter(pk=regency.pk).exists() or not (
                user.is_superuser or getattr(user.staff_profile, "regency_id", None)):
            raise ReportError(_("Laporan kabupaten hanya untuk Manajer kabupaten."),
                              field="area")
    with transaction.atomic():
        report = AreaReport.objects.create(
            district=district, regency=regency, period_key=period.key, kind=period.kind,
            period_label=period.label, requested_by=user)
        transaction.on_commit(lambda: area_report_task.enqueue(report.pk))
    return report


def area_report_build(report_id: int, *, on_progress=None) -> AreaReport:
    """Compute the figures of every village of the area and the total, then the PDF
    and the XLSX; store them on the report (called by the worker)."""
    report = AreaReport.objects.select_related("district__regency", "regency").get(
        pk=report_id)
    period = Period.parse(report.period_key)
    villages = list(area_villages(report).select_related("district__regency"))
    AreaReport.objects.filter(pk=report_id).update(
        status=AreaReport.Status.RUNNING, progress=5, village_count=len(villages))
    result = area_figures(villages, period)
    if on_progress:
        on_progress(60)
    names = {row["code"]: row["name"] for row in result["villages"]}
    rows = [{"code": row["code"], "name": row["name"],
             "numbers": {k: v["value"] for k, v in row["figures"]["numbers"].items()}}
            for row in result["villages"]]
    total = result["total"]
    context = {
        "report": report, "period": period, "figures": total, "villages": rows,
        "charts": figure_charts(total), "names": names,
        "title": (f"Laporan {period.kind_label} Puskesos {report.area_label} — "
                  f"{period.label}"),
        "empty_text": EMPTY_TEXT,
    }
    pdf = render_pdf("reports/area_pdf.html", context)
    if on_progress:
        on_progress(85)
    xlsx = report_xlsx([("Total", total)]
                       + [(f"{row['code']} {row['name']}", row["figures"])
                          for row in result["villages"]])
    slug = f"{report.period_key}-{report.pk}"
    report.pdf.save(f"laporan-wilayah-{slug}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"laporan-wilayah-{slug}.xlsx", ContentFile(xlsx), save=False)
    report.figures = {"total": total, "villages": rows}
    report.status = AreaReport.Status.DONE
    report.progress = 100
    report.village_count = len(villages)
    report.finished_at = timezone.now()
    report.save()
    return report


def village_profile_url(village: Village) -> str:
    return reverse("village-update", args=[village.code])


def user_may_read_village(user, village: Village) -> bool:
    return can_see_village(user, village)
