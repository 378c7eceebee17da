"""Referral pages: propose a referral, the Koordinator's decision, sending, the agency's
response, the referral letter (Surat Rujukan, PDF) and the referral list.

Views only translate: the forms check the input, referrals.services does the step and
refuses with a WorkflowError whose message is shown next to the field it names.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from puskesos.pdf import pdf_response
from puskesos.scoping import scope, staff_profile
from puskesos.views import ScopedPermissionMixin

from .. import services
from ..models import Agency, Complaint, Referral
from ..referral_forms import (
    ReferralDecisionForm,
    ReferralProposeForm,
    ReferralResponseForm,
    ReferralSendForm,
)
from ..services import WorkflowError

A, R = Referral.Approval, Referral.Response
FINAL_RESPONSES = (R.ACCEPTED, R.REJECTED)


def scoped_referrals(user):
    return scope(Referral.objects.all(), user, via="complaint__village").select_related(
        "complaint__village", "complaint__programme", "agency", "approved_by",
        "coordinator_by")


def apply_error(form, error: WorkflowError) -> None:
    """Put the service's message next to the field it names (else above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class ReferralMixin(ScopedPermissionMixin):
    """The referral named in the URL, if its complaint's village is visible; else 404."""

    @cached_property
    def referral(self) -> Referral:
        return get_object_or_404(scoped_referrals(self.request.user), pk=self.kwargs["pk"])

    def back(self):
        return redirect(f"{self.referral.complaint.get_absolute_url()}#rujukan-{self.referral.pk}")

    def render_form(self, form, template, status=200):
        return render(self.request, template, {
            "form": form, "referral": self.referral, "complaint": self.referral.complaint,
        }, status=status)


class ReferralCreateView(ScopedPermissionMixin, View):
    """The back office proposes a referral of a reviewed complaint to an agency."""

    permission_required = "referrals.add_referral"
    template_name = "referrals/referral_form.html"

    @cached_property
    def complaint(self) -> Complaint:
        return get_object_or_404(
            scope(Complaint.objects.select_related("programme__complaint_agency", "village"),
                  self.request.user),
            pk=self.kwargs["pk"])

    def render_form(self, form, status=200):
        return render(self.request, self.template_name,
                      {"form": form, "complaint": self.complaint}, status=status)

    def get(self, request, pk):
        agency = getattr(self.complaint.programme, "complaint_agency", None)
        initial = {"expected_state": self.complaint.state}
        if agency is not None and agency.active:
            initial["agency"] = agency.pk
        return self.render_form(ReferralProposeForm(initial=initial))

    def post(self, request, pk):
        form = ReferralProposeForm(request.POST)
        if form.is_valid():
            try:
                services.propose_referral(
                    self.complaint.pk, request.user, agency=form.cleaned_data["agency"],
                    reason=form.cleaned_data["reason"],
                    expected_state=form.cleaned_data["expected_state"] or None)
            except WorkflowError as error:
                apply_error(form, error)
            else:
                messages.success(request,
                                 _("Rujukan diusulkan; menunggu persetujuan Koordinator."))
                return redirect(self.complaint.get_absolute_url())
        return self.render_form(form, status=400)


class ReferralDecideView(ReferralMixin, View):
    """The Koordinator approves (a letter number is given) or declines with a reason;
    the kecamatan Supervisor does so next for a referral to the kabupaten."""

    def has_permission(self):
        user = self.request.user
        return (user.has_perm("referrals.approve_referral")
                or user.has_perm("referrals.approve_referral_supervisor"))
    http_method_names = ["post", "options"]

    def post(self, request, pk):
        form = ReferralDecisionForm(request.POST)
        if form.is_valid():
            try:
                referral = services.decide_referral(
                    self.referral.pk, request.user, approve=form.approve,
                    note=form.cleaned_data["note"])
            except WorkflowError as error:
                apply_error(form, error)
            else:
                if referral.awaits_supervisor:
                    messages.success(request, _("Disetujui Koordinator; menunggu persetujuan "
                                                "Supervisor kecamatan."))
                elif referral.approval == A.APPROVED:
                    messages.success(request, _("Rujukan disetujui. Nomor surat: %(n)s.")
                                     % {"n": referral.letter_number})
                else:
                    messages.success(request, _("Rujukan tidak disetujui."))
                return self.back()
        return self.render_form(form, "referrals/referral_decide.html", status=400)


class ReferralSendView(ReferralMixin, View):
    """Record when and how the approved letter left the village."""

    permission_required = "referrals.change_referral"
    http_method_names = ["post", "options"]

    def post(self, request, pk):
        form = ReferralSendForm(request.POST)
        if form.is_valid():
            try:
                services.send_referral(self.referral.pk, request.user,
                                       sent_at=form.cleaned_data["sent_at"],
                                       sent_via=form.cleaned_data["sent_via"])
            except WorkflowError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Pengiriman rujukan tercatat."))
                return self.back()
        return self.render_form(form, "referrals/referral_send.html", status=400)


class ReferralResponseView(ReferralMixin, View):
    """Record the agency's answer: accepted, rejected (with the reason) or reviewing."""

    permission_required = "referrals.change_referral"
    template_name = "referrals/referral_response.html"

    def get(self, request, pk):
        return self.render_form(ReferralResponseForm(referral=self.referral), self.template_name)

    def post(self, request, pk):
        form = ReferralResponseForm(request.POST, referral=self.referral)
        if form.is_valid():
            try:
                services.record_response(
                    self.referral.pk, request.user, response=form.cleaned_data["response"],
                    response_date=form.cleaned_data["response_date"],
                    notes=form.cleaned_data["notes"])
            except WorkflowError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Tanggapan instansi tercatat."))
                return self.back()
        return self.render_form(form, self.template_name, status=400)


class ReferralLetterView(ReferralMixin, View):
    """The Surat Rujukan as PDF on the village letterhead. It exists once the Koordinator
    has approved the referral (that gives it its number); before that, or after a
    refusal, the page says so (403)."""

    permission_required = "referrals.view_referral"

    def get(self, request, pk):
        referral = self.referral
        if referral.approval != A.APPROVED or not referral.letter_number:
            raise PermissionDenied(_("Surat rujukan baru tersedia setelah rujukan disetujui "
                                     "Koordinator."))
        complaint = (Complaint.objects
                     .select_related("visit", "village__district__regency", "programme",
                                     "sector")
                     .get(pk=referral.complaint_id))
        village = complaint.village
        rule = services.deadline_rule(complaint.category)
        signer = referral.coordinator_by or referral.approved_by
        return pdf_response("referrals/referral_letter.html", {
            "referral": referral,
            "complaint": complaint,
            "visit": complaint.visit,
            "village": village,
            "district": village.district,
            "regency": village.district.regency,
            "attachments": list(complaint.visit.attachments.order_by("pk")),
            "response_days": rule.referral_response_days,
            # The Koordinator signs; for a referral to the kabupaten the Supervisor
            # approved after the Koordinator (coordinator_by).
            "coordinator_name": (signer.get_full_name() or village.coordinator_name
                                 or signer.username),
        }, request, filename=f"surat-rujukan-{referral.letter_number.replace('/', '-')}.pdf")


class ReferralListView(ScopedPermissionMixin, ListView):
    """Referrals to follow up. The village sees its own: awaiting approval first, then
    approved and not yet sent, then awaiting the agency (overdue first), then answered.
    The Supervisor and the Manajer see every village they oversee, by default only the
    open ones (awaiting approval or the agency's answer), read-only."""

    permission_required = "referrals.view_referral"
    template_name = "referrals/referral_list.html"
    context_object_name = "referrals"
    paginate_by = 50

    APPROVAL_CHOICES = A.choices
    RESPONSE_CHOICES = [("belum", _("Belum ada tanggapan")), *R.choices]

    @cached_property
    def oversees_villages(self) -> bool:
        profile = staff_profile(self.request.user)
        return self.request.user.is_superuser or (profile is not None
                                                  and profile.village_id is None)

    @cached_property
    def filters(self) -> dict:
        get = self.request.GET
        agencies = {str(pk) for pk in self.agencies.values_list("pk", flat=True)}
        show = get.get("tampil", "")
        return {
            "approval": get.get("persetujuan") if get.get("persetujuan") in A.values else "",
            "response": get.get("tanggapan") if get.get("tanggapan") in dict(
                self.RESPONSE_CHOICES) else "",
            "agency": get.get("instansi") if get.get("instansi") in agencies else "",
            "overdue": get.get("terlambat") == "1",
            # Supervisors start with what needs attention; "semua" shows everything.
            "show": show if show in ("terbuka", "semua") else (
                "terbuka" if self.oversees_villages else "semua"),
        }

    @cached_property
    def agencies(self):
        return Agency.objects.filter(Q(active=True) | Q(referrals__isnull=False)).distinct()

    def get_queryset(self):
        today = timezone.localdate()
        open_response = Q(response="") | Q(response=R.REVIEWING)
        overdue = Q(respond_by__lt=today, response="")
        referrals = scoped_referrals(self.request.user).annotate(
            stage=Case(
                When(approval=A.PENDING, then=Value(0)),
                When(approval=A.APPROVED, sent_at__isnull=True, then=Value(1)),
                When(Q(approval=A.APPROVED) & open_response & overdue, then=Value(2)),
                When(Q(approval=A.APPROVED) & open_response, then=Value(3)),
                When(approval=A.APPROVED, then=Value(4)),
                default=Value(5),  # declined
                output_field=IntegerField(),
            ),
        )
        f = self.filters
        if f["show"] == "terbuka":
            referrals = referrals.filter(stage__lte=3)
        if f["approval"]:
            referrals = referrals.filter(approval=f["approval"])
        if f["response"] == "belum":
            referrals = referrals.filter(sent_at__isnull=False, response="")
        elif f["response"]:
            referrals = referrals.filter(response=f["response"])
        if f["agency"]:
            referrals = referrals.filter(agency_id=f["agency"])
        if f["overdue"]:
            referrals = referrals.filter(overdue)
        return referrals.order_by("stage", "respond_by", "created_at", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filters=self.filters,
            approval_choices=self.APPROVAL_CHOICES,
            response_choices=self.RESPONSE_CHOICES,
            agencies=self.agencies.order_by("name"),
            show_village=self.oversees_villages,
            can_approve=self.request.user.has_perm("referrals.approve_referral"),
            querystring=query.urlencode(),
        )
        return context
