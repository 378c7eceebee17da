"""The complaint receipt (tanda terima) handed to the citizen: on screen for printing
(A4, A5 or an 80 mm receipt printer), as a PDF, and its QR code."""

import io

import segno
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from puskesos.pdf import pdf_response
from puskesos.scoping import scope
from puskesos.views import ScopedPermissionMixin
from referrals.models import Complaint

from ..status import group_tracking_code, status_page_url, status_url

PAPERS = {"a4": _("A4"), "a5": _("A5"), "80mm": _("Struk 80 mm")}
DEFAULT_PAPER = "a4"


def receipt_qr(request, complaint: Complaint) -> segno.QRCode:
    """The QR code of the receipt: the public status page with number and code."""
    return segno.make(status_url(request, complaint), error="m")


class ComplaintReceiptMixin(ScopedPermissionMixin):
    permission_required = "referrals.view_complaint"

    @cached_property
    def complaint(self) -> Complaint:
        complaints = Complaint.objects.select_related(
            "village__district__regency", "visit", "programme", "sector", "created_by"
        )
        return get_object_or_404(scope(complaints, self.request.user), pk=self.kwargs["pk"])

    @property
    def paper(self) -> str:
        paper = self.request.GET.get("kertas", DEFAULT_PAPER)
        return paper if paper in PAPERS else DEFAULT_PAPER

    def receipt_context(self) -> dict:
        complaint, request = self.complaint, self.request
        clerk = complaint.created_by
        return {
            "complaint": complaint,
            "visit": complaint.visit,
            "village": complaint.village,
            "paper": self.paper,
            "papers": list(PAPERS.items()),
            "tracking_code_grouped": group_tracking_code(complaint.tracking_code),
            "status_url": status_url(request, complaint),
            "status_page_url": status_page_url(request),
            "clerk_name": clerk.get_full_name() or clerk.get_username(),
        }


class ReceiptView(ComplaintReceiptMixin, TemplateView):
    template_name = "intake/receipt.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.receipt_context(), **kwargs)


class ReceiptPdfView(ComplaintReceiptMixin, View):
    def get(self, request, pk):
        context = self.receipt_context()
        # Embedded: the PDF is built without fetching anything over the network.
        context["qr_data_uri"] = receipt_qr(request, self.complaint).svg_data_uri(
            scale=4, border=2
        )
        village = self.complaint.village
        context["logo_src"] = village.logo.url if village.logo else ""
        return pdf_response(
            "intake/receipt_pdf.html", context, request,
            filename=f"tanda-terima-{self.complaint.registration_number}.pdf",
        )


class ReceiptQrView(ComplaintReceiptMixin, View):
    def get(self, request, pk):
        buffer = io.BytesIO()
        receipt_qr(request, self.complaint).save(
            buffer, kind="svg", scale=4, border=2,
            title=f"QR {self.complaint.registration_number}",
        )
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
        response["Cache-Control"] = "private, max-age=3600"
        return response
