"""Pages of the Musyawarah Desa: the list, a new meeting, and the one fast page where
the agenda is set and each proposal is decided; the berita acara and the SIKS-NG
export once it is closed. Every change goes through beneficiaries.meetings."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from puskesos.scoping import own_village, scope, works_in
from puskesos.views import ScopedPermissionMixin

from . import meetings
from .meetings import MeetingError
from .models import MeetingDecision, PreListProposal, ProfileChange, VillageMeeting


class MeetingForm(forms.ModelForm):
    class Meta:
        model = VillageMeeting
        fields = ["date", "place", "chair", "participants", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "participants": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"participants": gettext_lazy("Peserta (satu per baris)")}


def scoped_meetings(user):
    return scope(VillageMeeting.objects.select_related("village", "closed_by"), user)


class MeetingListView(ScopedPermissionMixin, View):
    permission_required = "beneficiaries.view_villagemeeting"

    def get(self, request):
        return render(request, "beneficiaries/meeting_list.html", {
            "meetings": scoped_meetings(request.user)[:100],
        })


class MeetingCreateView(ScopedPermissionMixin, View):
    permission_required = "beneficiaries.add_villagemeeting"

    @cached_property
    def village(self):
        village = own_village(self.request.user)
        if village is None:
            raise PermissionDenied(_("Musyawarah Desa dicatat oleh petugas desa."))
        return village

    def get(self, request):
        return self.show(MeetingForm(initial={"place": f"Balai Desa {self.village.name}",
                                              "chair": self.village.head_name}))

    def post(self, request):
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = meetings.create_meeting(village=self.village, user=request.user,
                                                  **form.cleaned_data)
            except MeetingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Musyawarah dibuat. Pilih usulan yang dibahas."))
                return redirect("meeting-detail", pk=meeting.pk)
        return self.show(form, status=400)

    def show(self, form, status=200):
        return render(self.request, "beneficiaries/meeting_form.html",
                      {"form": form, "village": self.village}, status=status)


class MeetingMixin(ScopedPermissionMixin):
    @cached_property
    def meeting(self):
        return get_object_or_404(scoped_meetings(self.request.user), pk=self.kwargs["pk"])

    def back(self):
        return redirect("meeting-detail", pk=self.meeting.pk)


class MeetingDetailView(MeetingMixin, View):
    permission_required = "beneficiaries.view_villagemeeting"

    def get(self, request, pk):
        return render_meeting(request, self.meeting)


def render_meeting(request, meeting, *, error=None, status=200):
    decisions = list(meeting.decisions.select_related(
        "proposal", "decided_by", "change__person", "change__household")
        .prefetch_related("proposal__members"))
    can_run = (request.user.has_perm("beneficiaries.change_villagemeeting")
               and works_in(request.user, meeting.village_id))
    ready = []
    waiting_changes = []
    if can_run and meeting.status == VillageMeeting.Status.OPEN:
        on_agenda = {item.proposal_id for item in decisions}
        ready = [p for p in PreListProposal.objects.filter(
            village=meeting.village, status=PreListProposal.Status.READY)
            .prefetch_related("members") if p.pk not in on_agenda]
        changes_on_agenda = {item.change_id for item in decisions}
        waiting_changes = [c for c in ProfileChange.objects.filter(
            village=meeting.village, status=ProfileChange.Status.RECORDED)
            .select_related("person", "household").order_by("created_at", "pk")
            if c.pk not in changes_on_agenda]
    return render(request, "beneficiaries/meeting_detail.html", {
        "meeting": meeting, "decisions": [d for d in decisions if d.proposal_id],
        "change_decisions": [d for d in decisions if d.change_id],
        "ready": ready, "waiting_changes": waiting_changes, "can_run": can_run,
        "is_open": meeting.status == VillageMeeting.Status.OPEN, "error": error,
        "choices": MeetingDecision.Decision.choices,
    }, status=status)


class MeetingStepMixin(MeetingMixin):
    permission_required = "beneficiaries.change_villagemeeting"
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            message = self.step(request)
        except MeetingError as error:
            return render_meeting(request, self.meeting, error=error.message, status=400)
        messages.success(request, message)
        return self.back()


class MeetingAttachView(MeetingStepMixin, View):
    def step(self, request):
        ids = [int(v) for v in request.POST.getlist("usulan") if v.isdigit()]
        change_ids = [int(v) for v in request.POST.getlist("perubahan") if v.isdigit()]
        if not ids and not change_ids:
            raise MeetingError(_("Pilih sedikitnya satu usulan atau perubahan data."))
        proposals = list(PreListProposal.objects.filter(pk__in=ids))
        added = meetings.attach_proposals(self.meeting.pk, request.user, proposals)
        changes = list(ProfileChange.objects.filter(pk__in=change_ids))
        added += meetings.attach_changes(self.meeting.pk, request.user, changes)
        return _("%(n)d agenda ditambahkan.") % {"n": added}


class MeetingDecideView(MeetingStepMixin, View):
    def step(self, request):
        proposal = request.POST.get("usulan", "")
        change = request.POST.get("perubahan", "")
        if change:
            meetings.decide(self.meeting.pk, request.user,
                            change_id=int(change) if change.isdigit() else 0,
                            decision=request.POST.get("keputusan", ""),
                            reason=request.POST.get("alasan", ""))
            return _("Keputusan perubahan #%(n)s dicatat.") % {"n": change}
        meetings.decide(self.meeting.pk, request.user,
                        proposal_id=int(proposal) if proposal.isdigit() else 0,
                        decision=request.POST.get("keputusan", ""),
                        reason=request.POST.get("alasan", ""))
        return _("Keputusan usulan #%(n)s dicatat.") % {"n": proposal}


class MeetingCloseView(MeetingStepMixin, View):
    def step(self, request):
        meetings.close_meeting(self.meeting.pk, request.user)
        return _("Musyawarah ditutup; keputusan tidak dapat diubah lagi.")


class MeetingMinutesView(MeetingMixin, View):
    """The berita acara (PDF), for a closed meeting."""

    permission_required = "beneficiaries.view_villagemeeting"

    def get(self, request, pk):
        if self.meeting.status != VillageMeeting.Status.CLOSED:
            raise PermissionDenied(_("Berita acara tersedia setelah musyawarah ditutup."))
        response = HttpResponse(meetings.berita_acara_pdf(self.meeting),
                                content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="berita-acara-musdes-{self.meeting.date:%Y%m%d}.pdf"')
        return response


class MeetingExportView(MeetingMixin, View):
    """The SIKS-NG upload file of the proposals found layak."""

    permission_required = "beneficiaries.change_villagemeeting"

    def get(self, request, pk):
        try:
            content = meetings.export_for_siks_ng(self.meeting.pk, request.user)
        except MeetingError as error:
            messages.error(request, error.message)
            return self.back()
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (
            f'attachment; filename="usulan-siks-ng-{self.meeting.date:%Y%m%d}.xlsx"')
        return response
