"""The dashboard (filled by the dashboard work)."""

urlpatterns = []
