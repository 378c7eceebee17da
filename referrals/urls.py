from django.urls import path

from .views import complaints, referrals

urlpatterns = [
    # The back office's complaints
    path("", complaints.ComplaintQueueView.as_view(), name="complaint-queue"),
    path("<int:pk>/", complaints.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("<int:pk>/langkah/<slug:name>/", complaints.ComplaintTransitionView.as_view(),
         name="complaint-transition"),
    path("<int:pk>/tugaskan/", complaints.ComplaintAssignView.as_view(), name="complaint-assign"),
    path("<int:pk>/koreksi/", complaints.ComplaintCorrectView.as_view(),
         name="complaint-correct"),
    path("<int:pk>/beri-tahu/", complaints.ComplaintInformView.as_view(),
         name="complaint-inform"),
    # Referrals
    path("<int:pk>/rujukan/baru/", referrals.ReferralCreateView.as_view(),
         name="referral-create"),
    path("rujukan/", referrals.ReferralListView.as_view(), name="referral-list"),
    path("rujukan/<int:pk>/keputusan/", referrals.ReferralDecideView.as_view(),
         name="referral-decide"),
    path("rujukan/<int:pk>/kirim/", referrals.ReferralSendView.as_view(), name="referral-send"),
    path("rujukan/<int:pk>/tanggapan/", referrals.ReferralResponseView.as_view(),
         name="referral-response"),
    path("rujukan/<int:pk>/surat.pdf", referrals.ReferralLetterView.as_view(),
         name="referral-letter"),
]
