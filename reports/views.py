"""Report pages: the list (issued reports and the period chooser), a village report's
preview with its narrative, PDF and XLSX, issuing, the issued report (download, mark
signed, signed scan), and the kecamatan/kabupaten reports built in the background.

Views only translate: forms check the input, reports.services does the change and
refuses with a ReportError whose message is shown; nothing is stored half.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from puskesos.models import Village
from puskesos.scoping import (
    own_village,
    scope,
    staff_profile,
    visible_districts,
    visible_regencies,
    works_in,
)
from puskesos.views import ScopedPermissionMixin

from . import services
from .figures import village_figures
from .forms import AreaReportForm, NarrativeForm, PeriodForm, SignForm, VillagePeriodForm
from .models import AreaReport, IssuedReport
from .periods import Period, check_not_future
from .services import ReportError

READ = "reports.view_issuedreport"


def scoped_villages(user):
    return scope(Village.objects.select_related("district__regency"), user, via="")


def scoped_issued(user):
    return scope(IssuedReport.objects.select_related("village", "issued_by", "signed_by"),
                 user)


def period_error(request, message, status=400):
    return render(request, "reports/report_error.html", {"message": message}, status=status)


class ReportListView(ScopedPermissionMixin, View):
    """Issued reports of the villages the user sees (newest first), and the form that
    opens a village report for a period."""

    permission_required = READ

    def get(self, request):
        user = request.user
        villages = scoped_villages(user)
        village = own_village(user)
        data = request.GET if "kind" in request.GET else None
        if village is not None:
            form = PeriodForm(data, initial=PeriodForm.initial_for_today())
        else:
            form = VillagePeriodForm(data, villages=villages,
                                     initial=PeriodForm.initial_for_today())
        status = 200
        if data is not None:
            if form.is_valid():
                chosen = village or form.cleaned_data["village"]
                return redirect("report-preview", code=chosen.code,
                                period=form.cleaned_data["period"].key)
            status = 400
        reports = scoped_issued(user)
        village_filter = request.GET.get("desa", "")
        if village_filter:
            reports = reports.filter(village__code=village_filter)
        return render(request, "reports/report_list.html", {
            "form": form, "reports": reports[:200], "own_village": village,
            "can_area": user.has_perm("reports.add_areareport"),
            "village_filter": village_filter,
            "unsigned": reports.filter(signed_at__isnull=True).count(),
        }, status=status)


class VillagePeriodMixin(ScopedPermissionMixin):
    """The village (visible to the user, else 404) and the period named in the URL."""

    permission_required = READ

    @cached_property
    def village(self) -> Village:
        return get_object_or_404(scoped_villages(self.request.user), code=self.kwargs["code"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        try:
            self.period = Period.parse(kwargs["period"])
            check_not_future(self.period)
        except ValidationError as error:
            # Checked after login and permission (below), before any work.
            self.period_problem = error.messages[0]
        else:
            self.period_problem = None
        return super().dispatch(request, *args, **kwargs)

    def period_refused(self):
        if self.period_problem:
            self.village  # noqa: B018 -- another village's URL is a 404 first
            return period_error(self.request, self.period_problem)
        return None


class ReportPreviewView(VillagePeriodMixin, View):
    """The report on screen, the same content as the PDF; the Koordinator writes the
    narrative and issues it here."""

    def get(self, request, code, period):
        refused = self.period_refused()
        if refused:
            return refused
        return self.render_page(NarrativeForm(initial=self.narrative_initial()))

    def narrative_initial(self):
        narrative = services.narrative_for(self.village, self.period)
        return narrative.as_dict() if narrative else {}

    def render_page(self, narrative_form, status=200, issue_error=None):
        user = self.request.user
        village, period = self.village, self.period
        figures = village_figures(village, period)
        can_write = works_in(user, village.pk) and user.has_perm("reports.add_issuedreport")
        context = services.report_context(village, period, figures,
                                          narrative=self.narrative_initial())
        context.update({
            "narrative_form": narrative_form, "can_write": can_write,
            "can_issue": can_write and period.has_ended() and not context["profile_gaps"],
            "period_running": not period.has_ended(),
            "issue_error": issue_error,
            "profile_message": services.profile_gap_message(village),
            "profile_url": reverse("village-update", args=[village.code]),
            "can_edit_profile": user.has_perm("puskesos.change_village"),
            "versions": IssuedReport.objects.filter(village=village, period_key=period.key)
            .select_related("issued_by").order_by("-version"),
        })
        return render(self.request, "reports/report_preview.html", context, status=status)


class ReportNarrativeView(VillagePeriodMixin, View):
    """Save the Koordinator's narrative (POST)."""

    permission_required = "reports.change_reportnarrative"
    http_method_names = ["post", "options"]

    def post(self, request, code, period):
        refused = self.period_refused()
        if refused:
            return refused
        if not works_in(request.user, self.village.pk):
            raise PermissionDenied(_("Hanya Koordinator desa ini yang menulis narasi laporan."))
        form = NarrativeForm(request.POST)
        if form.is_valid():
            try:
                services.narrative_save(village=self.village, period=self.period,
                                        user=request.user, **form.cleaned_data)
            except ReportError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Narasi laporan disimpan."))
                return redirect("report-preview", code=code, period=period)
        preview = ReportPreviewView(request=request, kwargs=self.kwargs)
        preview.period, preview.period_problem = self.period, None
        return preview.render_page(form, status=400)


class ReportIssueView(VillagePeriodMixin, View):
    """«Terbitkan» (POST): freeze the report as a new version with its number."""

    permission_required = "reports.add_issuedreport"
    http_method_names = ["post", "options"]

    def post(self, request, code, period):
        refused = self.period_refused()
        if refused:
            return refused
        try:
            report = services.report_issue(village=self.village, period=self.period,
                                           user=request.user)
        except ReportError as error:
            preview = ReportPreviewView(request=request, kwargs=self.kwargs)
            preview.period, preview.period_problem = self.period, None
            return preview.render_page(NarrativeForm(initial=preview.narrative_initial()),
                                       status=400, issue_error=error.message)
        messages.success(request, _("Laporan diterbitkan dengan nomor %(n)s (versi %(v)d).")
                         % {"n": report.number, "v": report.version})
        return redirect("issued-report-detail", pk=report.pk)


class ReportPdfView(VillagePeriodMixin, View):
    """The draft report as PDF; a village profile without logo or signatory names gets
    a page asking to complete it instead of a broken PDF."""

    def get(self, request, code, period):
        refused = self.period_refused()
        if refused:
            return refused
        village = self.village
        if services.profile_gaps(village):
            return render(request, "reports/profile_missing.html", {
                "village": village, "message": services.profile_gap_message(village),
                "profile_url": reverse("village-update", args=[village.code]),
                "can_edit_profile": request.user.has_perm("puskesos.change_village"),
            }, status=409)
        narrative = services.narrative_for(village, self.period)
        pdf = services.report_pdf(village, self.period, village_figures(village, self.period),
                                  narrative=narrative.as_dict() if narrative else None)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="laporan-draf-{village.code}-{self.period.key}.pdf"')
        return response


class ReportXlsxView(VillagePeriodMixin, View):
    def get(self, request, code, period):
        refused = self.period_refused()
        if refused:
            return refused
        figures = village_figures(self.village, self.period)
        content = services.report_xlsx([(str(self.village), figures)])
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (
            f'attachment; filename="laporan-{self.village.code}-{self.period.key}.xlsx"')
        return response


class IssuedReportMixin(ScopedPermissionMixin):
    permission_required = READ

    @cached_property
    def report(self) -> IssuedReport:
        return get_object_or_404(scoped_issued(self.request.user), pk=self.kwargs["pk"])


class IssuedReportDetailView(IssuedReportMixin, View):
    """An issued report: number, version, issuer, signing; download; the frozen figures."""

    def get(self, request, pk):
        return self.render_page(SignForm())

    def render_page(self, form, status=200):
        report = self.report
        user = self.request.user
        newer = IssuedReport.objects.filter(village=report.village_id,
                                            period_key=report.period_key,
                                            version__gt=report.version).order_by("-version")
        return render(self.request, "reports/issued_detail.html", {
            "report": report, "form": form, "newer": newer.first(),
            "can_sign": (not report.is_signed and works_in(user, report.village_id)
                         and user.has_perm("reports.sign_issuedreport")),
            "figures": report.figures,
        }, status=status)


class IssuedReportPdfView(IssuedReportMixin, View):
    def get(self, request, pk):
        report = self.report
        name = report.number.replace("/", "-")
        return FileResponse(report.pdf.open("rb"), as_attachment=True,
                            filename=f"laporan-{name}-v{report.version}.pdf",
                            content_type="application/pdf")


class IssuedReportScanView(IssuedReportMixin, View):
    def get(self, request, pk):
        report = self.report
        if not report.signed_scan:
            raise Http404(_("Belum ada pindaian bertanda tangan untuk laporan ini."))
        name = report.number.replace("/", "-")
        return FileResponse(report.signed_scan.open("rb"), as_attachment=True,
                            filename=f"laporan-{name}-ttd{report.signed_scan_extension}",
                            content_type=report.signed_scan_content_type)


class IssuedReportSignView(IssuedReportMixin, View):
    """The Kepala Desa marks the report signed, optionally uploading the signed scan."""

    permission_required = "reports.sign_issuedreport"
    http_method_names = ["post", "options"]

    def post(self, request, pk):
        form = SignForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.report_sign(report_id=self.report.pk, user=request.user,
                                     scan=form.cleaned_data["scan"])
            except ReportError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Laporan ditandai sudah ditandatangani."))
                return redirect("issued-report-detail", pk=pk)
        detail = IssuedReportDetailView(request=request, kwargs=self.kwargs)
        return detail.render_page(form, status=400)


# -- kecamatan / kabupaten reports -----------------------------------------------------------


def scoped_area_reports(user):
    districts = visible_districts(user)
    regencies = visible_regencies(user)
    queryset = AreaReport.objects.select_related("district", "regency", "requested_by")
    if user.is_superuser:
        return queryset
    profile = staff_profile(user)
    if profile is None or profile.village_id:
        return queryset.none()
    if profile.district_id:
        return queryset.filter(district__in=districts)
    return queryset.filter(district__in=districts) | queryset.filter(regency__in=regencies)


class AreaReportListView(ScopedPermissionMixin, View):
    """Kecamatan/kabupaten reports: request one, follow its progress, download."""

    permission_required = "reports.view_areareport"

    def form(self, data=None):
        user = self.request.user
        profile = staff_profile(user)
        regencies = (list(visible_regencies(user))
                     if user.is_superuser or (profile and profile.regency_id) else [])
        return AreaReportForm(data, districts=list(visible_districts(user)),
                              regencies=regencies, initial=PeriodForm.initial_for_today())

    def render_page(self, form, status=200):
        return render(self.request, "reports/area_list.html", {
            "form": form, "reports": scoped_area_reports(self.request.user)[:100],
            "can_request": self.request.user.has_perm("reports.add_areareport"),
        }, status=status)

    def get(self, request):
        return self.render_page(self.form())

    def post(self, request):
        if not request.user.has_perm("reports.add_areareport"):
            raise PermissionDenied(_("Peran Anda tidak dapat meminta laporan wilayah."))
        form = self.form(request.POST)
        if form.is_valid():
            try:
                report = services.area_report_request(
                    user=request.user, period=form.cleaned_data["period"],
                    **form.cleaned_data["area"])
            except ReportError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Laporan sedang disusun di latar belakang; halaman "
                                            "ini menunjukkan kemajuannya."))
                return redirect("area-report-detail", pk=report.pk)
        return self.render_page(form, status=400)


class AreaReportDetailView(ScopedPermissionMixin, View):
    permission_required = "reports.view_areareport"

    def get(self, request, pk):
        report = get_object_or_404(scoped_area_reports(request.user), pk=pk)
        template = ("reports/_area_status.html" if request.headers.get("HX-Request")
                    else "reports/area_detail.html")
        return render(request, template, {"report": report})


class AreaReportDownloadView(ScopedPermissionMixin, View):
    permission_required = "reports.view_areareport"

    def get(self, request, pk, fmt):
        report = get_object_or_404(scoped_area_reports(request.user), pk=pk)
        file = report.pdf if fmt == "pdf" else report.xlsx
        if report.status != AreaReport.Status.DONE or not file:
            raise Http404(_("Laporan belum selesai disusun."))
        content_type = ("application/pdf" if fmt == "pdf" else
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return FileResponse(file.open("rb"), as_attachment=True,
                            filename=f"laporan-{report.period_key}-{report.pk}.{fmt}",
                            content_type=content_type)
