from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from intake.urls import public_urlpatterns

from . import views

admin.site.site_header = "Administrasi Puskesos — SLRT Kabupaten"
admin.site.site_title = "Admin Puskesos"
admin.site.index_title = "Data lintas desa"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/kata-sandi/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "akun/kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("desa/", views.VillageListView.as_view(), name="village-list"),
    path("desa/<str:code>/", views.VillageDetailView.as_view(), name="village-detail"),
    path("desa/<str:code>/ubah/", views.VillageUpdateView.as_view(), name="village-update"),
    path("desa/<str:code>/logo/", views.VillageLogoView.as_view(), name="village-logo"),
    path("petugas/", views.StaffListView.as_view(), name="staff-list"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("register/", include("beneficiaries.urls")),
    path("layanan/", include("intake.urls")),
    path("pengaduan/", include("referrals.urls")),
    path("laporan/", include("reports.urls")),
    path("dasbor/", include("reports.dashboard_urls")),
    path("cek-pengaduan/", include(public_urlpatterns)),
    path("admin/", admin.site.urls),
]
