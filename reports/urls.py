"""Periodic reports: preview, PDF/XLSX, issuing and the archive (filled by the reports work)."""

urlpatterns = []
