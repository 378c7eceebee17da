"""The front-office desk: the queue, the registration form with its live register
check, today's work, a visit's record and its documents."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from beneficiaries import selectors
from beneficiaries.models import Person
from puskesos.files import inline_file_response
from puskesos.scoping import own_village, scope
from puskesos.views import ScopedPermissionMixin
from referrals.models import Complaint

from .. import services
from ..forms import VisitForm
from ..models import Attachment, QueueTicket, Visit


class OwnVillageMixin(ScopedPermissionMixin):
    """Desk work happens in the clerk's own village."""

    @cached_property
    def village(self):
        village = own_village(self.request.user)
        if village is None:
            raise PermissionDenied(_("Halaman ini untuk petugas desa/kelurahan."))
        return village


def today_tickets(village):
    return QueueTicket.objects.filter(village=village, date=timezone.localdate())


class QueueDeskView(OwnVillageMixin, View):
    """Take numbers, call the next one, mark served or absent."""

    permission_required = "intake.change_queueticket"

    def get(self, request):
        tickets = list(today_tickets(self.village).select_related("visit").order_by("number"))
        context = {
            "village": self.village,
            "tickets": tickets,
            "waiting": [t for t in tickets if t.status == QueueTicket.Status.WAITING],
            "called": [t for t in tickets if t.status == QueueTicket.Status.CALLED],
            "done": [t for t in tickets if t.status in (QueueTicket.Status.SERVED,
                                                         QueueTicket.Status.ABSENT)],
            "today": timezone.localdate(),
        }
        partial = request.headers.get("HX-Request")
        template = "intake/_queue_board.html" if partial else "intake/queue_desk.html"
        return render(request, template, context)


class QueueTakeView(OwnVillageMixin, View):
    permission_required = "intake.add_queueticket"
    http_method_names = ["post"]

    def post(self, request):
        ticket = services.take_ticket(self.village, request.user)
        messages.success(request, _("Nomor antrian %(code)s diambil.") % {"code": ticket.code})
        return redirect("queue-slip", pk=ticket.pk)


class QueueCallView(OwnVillageMixin, View):
    permission_required = "intake.change_queueticket"
    http_method_names = ["post"]

    def post(self, request):
        ticket = services.call_next(self.village, request.user)
        if ticket is None:
            messages.info(request, _("Tidak ada antrian yang menunggu."))
            return redirect("queue-desk")
        messages.success(request, _("Memanggil nomor %(code)s.") % {"code": ticket.code})
        return redirect(f"{reverse('visit-create')}?antrian={ticket.pk}")


class QueueFinishView(OwnVillageMixin, View):
    permission_required = "intake.change_queueticket"
    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = get_object_or_404(QueueTicket, pk=pk, village=self.village)
        status = request.POST.get("status")
        if status not in (QueueTicket.Status.SERVED, QueueTicket.Status.ABSENT):
            messages.error(request, _("Status antrian tidak dikenal."))
        else:
            services.finish_ticket(ticket, status)
            messages.success(request, _("Nomor %(code)s: %(status)s.") % {
                "code": ticket.code, "status": ticket.get_status_display()})
        return redirect("queue-desk")


class QueueSlipView(ScopedPermissionMixin, View):
    """The printable slip (80 mm receipt printer or A6)."""

    permission_required = "intake.view_queueticket"

    def get(self, request, pk):
        ticket = get_object_or_404(
            scope(QueueTicket.objects.select_related("village__district"), request.user), pk=pk
        )
        ahead = QueueTicket.objects.filter(
            village=ticket.village, date=ticket.date, number__lt=ticket.number,
            status=QueueTicket.Status.WAITING,
        ).count()
        return render(request, "intake/queue_slip.html", {"ticket": ticket, "ahead": ahead})


class TodayView(OwnVillageMixin, View):
    """Today at the desk: the queue, today's visits and complaints, my recent entries."""

    permission_required = "intake.add_visit"

    def get(self, request):
        today = timezone.localdate()
        visits = Visit.objects.filter(village=self.village, created_at__date=today)
        queue = today_tickets(self.village).aggregate(
            total=Count("pk"),
            waiting=Count("pk", filter=Q(status=QueueTicket.Status.WAITING)),
            called=Count("pk", filter=Q(status=QueueTicket.Status.CALLED)),
            served=Count("pk", filter=Q(status=QueueTicket.Status.SERVED)),
            absent=Count("pk", filter=Q(status=QueueTicket.Status.ABSENT)),
        )
        context = {
            "village": self.village,
            "today": today,
            "queue": queue,
            "visits": visits.select_related("complaint", "queue_ticket", "created_by")[:200],
            "by_purpose": [
                (Visit.Purpose(row["purpose"]).label, row["n"])
                for row in visits.values("purpose").annotate(n=Count("pk")).order_by("purpose")
            ],
            "complaints": Complaint.objects.filter(village=self.village, created_at__date=today)
            .select_related("visit", "programme", "sector"),
            "mine": Visit.objects.filter(village=self.village, created_by=request.user)
            .select_related("complaint")[:10],
        }
        return render(request, "intake/today.html", context)


class VisitCreateView(OwnVillageMixin, View):
    """Register a visit: the keyboard-first form with the live register check."""

    permission_required = ("intake.add_visit", "referrals.add_complaint")

    def get(self, request):
        initial = {"submission_key": uuid.uuid4()}
        ticket_id = request.GET.get("antrian", "")
        if ticket_id.isdigit():
            initial["queue_ticket"] = ticket_id
        form = VisitForm(village=self.village, initial=initial)
        return self.render_form(form)

    def post(self, request):
        form = VisitForm(request.POST, request.FILES, village=self.village)
        if not form.is_valid():
            messages.error(request, _("Periksa kembali isian yang ditandai; belum ada yang "
                                      "disimpan."))
            return self.render_form(form, status=400)
        visit, created = services.register_visit(
            village=self.village, user=request.user,
            submission_key=form.cleaned_data["submission_key"],
            visit_data=form.visit_data(), attachments=form.attachments(),
            complaint_data=form.complaint_data(),
        )
        if not created:
            messages.info(request, _("Formulir ini sudah tersimpan sebelumnya; tidak dibuat "
                                     "dua kali."), extra_tags="clear-draft")
        else:
            messages.success(request, _("Kunjungan %(name)s tersimpan.") % {"name": visit.name},
                             extra_tags="clear-draft")
        complaint = getattr(visit, "complaint", None)
        if complaint is not None:
            return redirect("complaint-receipt", pk=complaint.pk)
        return redirect("visit-detail", pk=visit.pk)

    def render_form(self, form, status=200):
        return render(request=self.request, template_name="intake/visit_form.html",
                      context={"form": form, "village": self.village,
                               "attachment_fields": [form[name] for name in (
                                   "attachment_ktp", "attachment_kk", "attachment_house",
                                   "attachment_other")]},
                      status=status)


class VisitLookupView(OwnVillageMixin, View):
    """The register check beside the form (htmx partial): hits with what to prefill."""

    permission_required = ("intake.add_visit", "beneficiaries.view_person")

    def get(self, request):
        # The NIK box sends "nik", the name box "name"; a plain search box "q".
        query = next((request.GET[key].strip() for key in ("q", "nik", "name")
                      if request.GET.get(key, "").strip()), "")
        result = selectors.register_lookup(user=request.user, query=query, limit=8)
        elsewhere = None
        if result.kind in ("nik", "kk") and not result.hits:
            # In the register, but of a village the clerk does not serve.
            digits = "".join(ch for ch in query if ch.isdigit())
            other = (Person.objects.filter(Q(nik=digits) | Q(family__no_kk=digits))
                     .exclude(village=self.village).select_related("village").first())
            elsewhere = other.village if other else None
        return render(request, "intake/_desk_lookup.html",
                      {"result": result, "elsewhere": elsewhere, "query": query})


class VisitDetailView(ScopedPermissionMixin, View):
    permission_required = "intake.view_visit"

    def get(self, request, pk):
        visit = get_object_or_404(
            scope(Visit.objects.select_related(
                "village", "queue_ticket", "person", "household", "proposal", "created_by",
                "complaint__programme", "complaint__sector",
            ), request.user),
            pk=pk,
        )
        return render(request, "intake/visit_detail.html", {
            "visit": visit,
            "complaint": getattr(visit, "complaint", None),
            "attachments": list(visit.attachments.all()),
        })


class AttachmentDownloadView(ScopedPermissionMixin, View):
    permission_required = "intake.view_attachment"

    def get(self, request, pk):
        attachment = get_object_or_404(
            scope(Attachment.objects.all(), request.user, via="visit__village"), pk=pk
        )
        return inline_file_response(
            attachment.file, content_type=attachment.content_type,
            filename=f"{attachment.kind}-{attachment.pk}{attachment.extension}")
