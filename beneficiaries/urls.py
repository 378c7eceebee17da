from django.urls import path

from . import views

urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("cari/", views.RegisterLookupView.as_view(), name="register-lookup"),
    path("ekspor/", views.RegisterExportView.as_view(), name="register-export"),
    path("rumah-tangga/<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path("impor/", views.RegisterImportView.as_view(), name="register-import"),
    path("impor/riwayat/", views.RegisterImportListView.as_view(), name="register-import-list"),
    path("impor/<int:pk>/", views.RegisterImportDetailView.as_view(),
         name="register-import-detail"),
    path("impor/<int:pk>/konfirmasi/", views.RegisterImportConfirmView.as_view(),
         name="register-import-confirm"),
    path("impor/<int:pk>/laporan/", views.RegisterImportReportView.as_view(),
         name="register-import-report"),
]
