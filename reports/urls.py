"""Periodic reports: preview, PDF/XLSX, issuing and the archive; area reports."""

from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "pdf|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "report_format")

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report-list"),
    path("desa/<str:code>/<str:period>/", views.ReportPreviewView.as_view(),
         name="report-preview"),
    path("desa/<str:code>/<str:period>/laporan.pdf", views.ReportPdfView.as_view(),
         name="report-pdf"),
    path("desa/<str:code>/<str:period>/laporan.xlsx", views.ReportXlsxView.as_view(),
         name="report-xlsx"),
    path("desa/<str:code>/<str:period>/narasi/", views.ReportNarrativeView.as_view(),
         name="report-narrative"),
    path("desa/<str:code>/<str:period>/terbitkan/", views.ReportIssueView.as_view(),
         name="report-issue"),
    path("terbit/<int:pk>/", views.IssuedReportDetailView.as_view(),
         name="issued-report-detail"),
    path("terbit/<int:pk>/laporan.pdf", views.IssuedReportPdfView.as_view(),
         name="issued-report-pdf"),
    path("terbit/<int:pk>/pindaian/", views.IssuedReportScanView.as_view(),
         name="issued-report-scan"),
    path("terbit/<int:pk>/tandatangan/", views.IssuedReportSignView.as_view(),
         name="issued-report-sign"),
    path("wilayah/", views.AreaReportListView.as_view(), name="area-report-list"),
    path("wilayah/<int:pk>/", views.AreaReportDetailView.as_view(), name="area-report-detail"),
    path("wilayah/<int:pk>/unduh.<report_format:fmt>", views.AreaReportDownloadView.as_view(),
         name="area-report-download"),
]
