"""The back office's complaint pages: the triage queue, the complaint page with its
timeline and the steps the user may take now, and the POSTs of those steps.

Every change goes through referrals.services; a refused step re-renders the
complaint page (400) with the service's message beside the field it concerns, or at
the top, and what was typed kept. An unknown step name in the URL is a 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from intake.status import status_url
from puskesos.scoping import works_in
from puskesos.views import ScopedPermissionMixin

from .. import selectors, services
from ..forms import TRANSITION_FORMS, AssignForm, CorrectForm, InformForm, QueueFilterForm
from ..models import Complaint
from ..services import WorkflowError

State = Complaint.State
TRANSITION_PERMISSIONS = {
    t.name: t.permission
    for t in Complaint._meta.get_field("state").get_all_transitions(Complaint)
}
INFORM_STATES = (State.REVIEWED, State.HANDLED, State.REFERRED)
CORRECT_STATES = (State.REGISTERED, State.REVIEWED)


class ComplaintQueueView(ScopedPermissionMixin, View):
    """The triage queue: tabs per state with counts, filters, search, ageing."""

    permission_required = "referrals.view_complaint"
    template_name = "referrals/complaint_queue.html"
    paginate_by = 25

    def get(self, request):
        user = request.user
        deadlines = selectors.Deadlines()
        officers = list(selectors.queue_officers(user))
        form = QueueFilterForm(request.GET, officers=officers,
                               dusun_names=selectors.queue_dusun_names(user))
        complaints = selectors.complaint_queryset(user)
        state = ""
        if form.is_valid():
            complaints = selectors.filter_complaints(complaints, deadlines=deadlines,
                                                     **form.filters())
            state = form.cleaned_data["status"]
        else:
            # An unknown filter value is said, and never widens the list.
            complaints = complaints.none()
        counts = selectors.state_counts(complaints, deadlines=deadlines)
        paginator = Paginator(selectors.filter_state(complaints, state), self.paginate_by)
        page = paginator.get_page(request.GET.get("halaman"))
        rows = selectors.attach_ageing(page.object_list, deadlines=deadlines)
        query = request.GET.copy()
        query.pop("halaman", None)
        tab_query = query.copy()
        tab_query.pop("status", None)
        return render(request, self.template_name, {
            "form": form,
            "state": state,
            "counts": counts,
            "overdue_counts": [c for c in counts if c.state in selectors.DEADLINE_STATES],
            "page_obj": page,
            "rows": rows,
            "query": query.urlencode(),
            "tab_query": tab_query.urlencode(),
            "filtered": any(form.data.get(name) for name in form.fields if name != "status"),
            "today": deadlines.today,
        })


class ComplaintPageMixin(ScopedPermissionMixin):
    """The complaint named in the URL, if the user may see its village (else 404), and
    the complaint page, rendered with any refused form kept as typed."""

    permission_required = "referrals.view_complaint"
    template_name = "referrals/complaint_detail.html"

    def get_complaint(self) -> Complaint:
        queryset = selectors.complaint_queryset(self.request.user).select_related(
            "visit__household", "visit__queue_ticket", "visit__created_by", "created_by",
            "duplicate_of", "informed_by")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def render_page(self, complaint, *, bound=None, error="", status=200):
        request, user = self.request, self.request.user
        bound = bound or {}
        for form in bound.values():
            # Re-sent, the form speaks for the state shown now.
            if "expected_state" in form.fields:
                form.data = form.data.copy()
                form.data["expected_state"] = complaint.state
        own = works_in(user, complaint.village_id)  # only its village's staff act on it
        steps = []
        offered = selectors.offered_transitions(complaint, user)
        for transition in offered:
            form = bound.get(transition.name) or TRANSITION_FORMS[transition.name](
                complaint=complaint)
            steps.append({"name": transition.name, "label": transition.custom.get("label"),
                          "form": form})
        shown = {step["name"] for step in steps}
        can_correct = (own and user.has_perm("referrals.review_complaint")
                       and complaint.state in CORRECT_STATES)
        can_inform = (own and user.has_perm("referrals.inform_citizen")
                      and complaint.state in INFORM_STATES)
        can_assign = own and user.has_perm("referrals.assign_complaint")
        if can_correct:
            shown.add("correct")
        if can_inform:
            shown.add("inform")
        if can_assign:
            shown.add("assign")
        tracking_url = status_url(request, complaint)
        referrals = list(complaint.referrals.select_related(
            "agency", "approved_by", "created_by", "coordinator_by", "complaint__village"))
        context = {
            "complaint": complaint,
            "visit": complaint.visit,
            "attachments": list(complaint.visit.attachments.all()),
            "register": selectors.register_context(complaint, user=user),
            "ageing": selectors.Deadlines().ageing(complaint),
            "timeline": selectors.complaint_timeline(complaint),
            "steps": steps,
            "waiting": selectors.waiting_steps(complaint, user, offered) if own else [],
            "correct_form": (bound.get("correct") or CorrectForm(complaint=complaint))
            if can_correct else None,
            "inform_form": (bound.get("inform") or InformForm(complaint=complaint))
            if can_inform else None,
            "whatsapp_url": selectors.whatsapp_url(complaint, status_url=tracking_url)
            if can_inform else None,
            "assign_form": (bound.get("assign") or AssignForm(
                officers=selectors.village_officers([complaint.village_id]),
                initial={"officer": complaint.assigned_to_id})) if can_assign else None,
            # A refused form whose step is no longer offered: its text is not lost.
            "unsaved": [form for name, form in bound.items() if name not in shown],
            "page_error": error,
            "tracking_url": tracking_url,
            # For the referrals section (templates/referrals/_referrals_section.html).
            "referrals": referrals,
            "can_propose_referral": own and user.has_perm("referrals.add_referral")
            and complaint.state in (State.REVIEWED, State.REFERRED),
            "can_approve": any(services.can_decide(referral, user) for referral in referrals),
            "can_record": own and user.has_perm("referrals.change_referral"),
        }
        return render(request, self.template_name, context, status=status)

    def refused(self, name, form, error: WorkflowError):
        """The service said no: the page again, its message where it belongs."""
        field = error.field if error.field in form.fields else None
        if field:
            form.add_error(field, error.message)
        complaint = self.get_complaint()
        return self.render_page(complaint, bound={name: form},
                                error="" if field else error.message, status=400)


class ComplaintDetailView(ComplaintPageMixin, View):
    def get(self, request, pk):
        return self.render_page(self.get_complaint())


class ComplaintTransitionView(ComplaintPageMixin, View):
    """One workflow step (review, handle, refer, reconsider, close)."""

    http_method_names = ["post"]

    def get_permission_required(self):
        return (TRANSITION_PERMISSIONS.get(self.kwargs.get("name"),
                                           "referrals.view_complaint"),)

    def post(self, request, pk, name):
        if name not in TRANSITION_FORMS:
            raise Http404(_("Langkah tidak dikenal."))
        complaint = self.get_complaint()
        form = TRANSITION_FORMS[name](request.POST, complaint=complaint)
        if not form.is_valid():
            return self.render_page(complaint, bound={name: form}, status=400)
        try:
            services.transition(complaint.pk, name, request.user, note=form.note(),
                                expected_state=form.expected(), **form.changes())
        except WorkflowError as error:
            return self.refused(name, form, error)
        label = selectors.TRANSITION_LABELS[name]
        messages.success(request, _("Pengaduan %(number)s: %(step)s.") % {
            "number": complaint.registration_number, "step": label})
        return redirect(complaint)


class ComplaintAssignView(ComplaintPageMixin, View):
    permission_required = "referrals.assign_complaint"
    http_method_names = ["post"]

    def post(self, request, pk):
        complaint = self.get_complaint()
        form = AssignForm(request.POST,
                          officers=selectors.village_officers([complaint.village_id]))
        if not form.is_valid():
            return self.render_page(complaint, bound={"assign": form}, status=400)
        officer = form.cleaned_data["officer"]
        try:
            services.assign(complaint.pk, officer, request.user)
        except WorkflowError as error:
            return self.refused("assign", form, error)
        messages.success(request, _("Pengaduan ditugaskan kepada %(name)s.") % {
            "name": officer.get_full_name() or officer.username})
        return redirect(complaint)


class ComplaintCorrectView(ComplaintPageMixin, View):
    permission_required = "referrals.review_complaint"
    http_method_names = ["post"]

    def post(self, request, pk):
        complaint = self.get_complaint()
        form = CorrectForm(request.POST, complaint=complaint)
        if not form.is_valid():
            return self.render_page(complaint, bound={"correct": form}, status=400)
        try:
            services.correct(complaint.pk, request.user, note=form.note(),
                             expected_state=form.expected(), **form.changes())
        except WorkflowError as error:
            return self.refused("correct", form, error)
        messages.success(request, _("Koreksi tersimpan dan tercatat di riwayat."))
        return redirect(complaint)


class ComplaintInformView(ComplaintPageMixin, View):
    permission_required = "referrals.inform_citizen"
    http_method_names = ["post"]

    def post(self, request, pk):
        complaint = self.get_complaint()
        form = InformForm(request.POST, complaint=complaint)
        if not form.is_valid():
            return self.render_page(complaint, bound={"inform": form}, status=400)
        try:
            services.inform_citizen(complaint.pk, request.user, via=form.cleaned_data["via"],
                                    note=form.note(), expected_state=form.expected())
        except WorkflowError as error:
            return self.refused("inform", form, error)
        messages.success(request, _("Pemberitahuan kepada warga tercatat."))
        return redirect(complaint)
