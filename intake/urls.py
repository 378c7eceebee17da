from django.urls import path

from .views import desk, programmes, public, receipt

urlpatterns = [
    # Queue
    path("antrian/", desk.QueueDeskView.as_view(), name="queue-desk"),
    path("antrian/ambil/", desk.QueueTakeView.as_view(), name="queue-take"),
    path("antrian/panggil/", desk.QueueCallView.as_view(), name="queue-call"),
    path("antrian/<int:pk>/", desk.QueueSlipView.as_view(), name="queue-slip"),
    path("antrian/<int:pk>/selesai/", desk.QueueFinishView.as_view(), name="queue-finish"),
    # Registration at the desk
    path("hari-ini/", desk.TodayView.as_view(), name="desk-today"),
    path("kunjungan/baru/", desk.VisitCreateView.as_view(), name="visit-create"),
    path("kunjungan/cek/", desk.VisitLookupView.as_view(), name="visit-lookup"),
    path("kunjungan/<int:pk>/", desk.VisitDetailView.as_view(), name="visit-detail"),
    path("lampiran/<int:pk>/", desk.AttachmentDownloadView.as_view(),
         name="attachment-download"),
    # Receipt
    path("pengaduan/<int:pk>/tanda-terima/", receipt.ReceiptView.as_view(),
         name="complaint-receipt"),
    path("pengaduan/<int:pk>/tanda-terima.pdf", receipt.ReceiptPdfView.as_view(),
         name="complaint-receipt-pdf"),
    path("pengaduan/<int:pk>/qr.svg", receipt.ReceiptQrView.as_view(), name="complaint-qr"),
    # Programme information desk
    path("program/", programmes.ProgrammeListView.as_view(), name="programme-list"),
    path("program/<slug:code>/", programmes.ProgrammeDetailView.as_view(),
         name="programme-detail"),
    path("program/<slug:code>/leaflet/", programmes.ProgrammeLeafletView.as_view(),
         name="programme-leaflet"),
    path("program/<slug:code>/leaflet.pdf", programmes.ProgrammeLeafletPdfView.as_view(),
         name="programme-leaflet-pdf"),
]

# No login: the citizen follows a complaint with its number and tracking code.
public_urlpatterns = [
    path("", public.StatusView.as_view(), name="public-status"),
]
