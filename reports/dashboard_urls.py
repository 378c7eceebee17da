"""The dashboard: the figures and the records behind each figure."""

from django.urls import path

from . import dashboard_views

urlpatterns = [
    path("", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("rincian/<slug:figure>/", dashboard_views.DashboardRecordsView.as_view(),
         name="dashboard-records"),
]
