from django.urls import path

from . import meeting_views, proposal_views, views

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
    # Pre-list proposals (usulan daftar awal)
    path("usulan/", proposal_views.ProposalListView.as_view(), name="proposal-list"),
    path("usulan/baru/", proposal_views.ProposalCreateView.as_view(), name="proposal-create"),
    path("usulan/<int:pk>/", proposal_views.ProposalDetailView.as_view(),
         name="proposal-detail"),
    path("usulan/<int:pk>/ubah/", proposal_views.ProposalUpdateView.as_view(),
         name="proposal-update"),
    # The Musyawarah Desa
    path("musyawarah/", meeting_views.MeetingListView.as_view(), name="meeting-list"),
    path("musyawarah/baru/", meeting_views.MeetingCreateView.as_view(), name="meeting-create"),
    path("musyawarah/<int:pk>/", meeting_views.MeetingDetailView.as_view(),
         name="meeting-detail"),
    path("musyawarah/<int:pk>/agenda/", meeting_views.MeetingAttachView.as_view(),
         name="meeting-attach"),
    path("musyawarah/<int:pk>/keputusan/", meeting_views.MeetingDecideView.as_view(),
         name="meeting-decide"),
    path("musyawarah/<int:pk>/tutup/", meeting_views.MeetingCloseView.as_view(),
         name="meeting-close"),
    path("musyawarah/<int:pk>/berita-acara.pdf", meeting_views.MeetingMinutesView.as_view(),
         name="meeting-minutes"),
    path("musyawarah/<int:pk>/ekspor-siks-ng.xlsx", meeting_views.MeetingExportView.as_view(),
         name="meeting-export"),
]
