"""Pre-list proposals (*usulan daftar awal*): list, record, view and edit.

The writes go through beneficiaries.proposal_services; these views translate the
forms to and from it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from puskesos.models import Village
from puskesos.scoping import own_village, scope
from puskesos.views import ScopedPermissionMixin

from .identity import mask_kk
from .models import PreListProposal, Relation
from .proposal_forms import (
    ProposalForm,
    mark_invalid,
    member_formset,
    with_one_more_row,
)
from .proposal_services import (
    ProposalInvalid,
    ProposalLocked,
    create_proposal,
    is_editable,
    mark_proposal_ready,
    proposals_for,
    update_proposal,
)

ADD_ROW = "tambah_anggota"
MARK_READY = "tandai_siap"
# GET parameter -> household field; the front desk links here with what it typed.
PREFILL_HOUSEHOLD = {"no_kk": "no_kk", "alamat": "address", "dusun": "dusun", "rt": "rt",
                     "rw": "rw", "telepon": "phone"}
# The household fields shown above the members, in the page's order.
TOP_FIELDS = ("no_kk", "address", "dusun", "rt", "rw", "phone")
NEW_ROWS = 3  # empty member rows on a new proposal (the head's included)


def _scoped_proposals(user):
    return scope(PreListProposal.objects.select_related("village", "created_by"), user,
                 via="village")


class ProposalListView(ScopedPermissionMixin, ListView):
    permission_required = "beneficiaries.view_prelistproposal"
    template_name = "beneficiaries/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = 25

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        self.status = status if status in PreListProposal.Status.values else ""
        self.query = self.request.GET.get("q", "").strip()
        return proposals_for(user=self.request.user, status=self.status, query=self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            statuses=PreListProposal.Status.choices, status=self.status, q=self.query,
            querystring=query.urlencode(),
            many_villages=scope(Village.objects.all(), self.request.user, via="").count() > 1,
        )
        return context


class ProposalDetailView(ScopedPermissionMixin, View):
    permission_required = "beneficiaries.view_prelistproposal"

    def get(self, request, pk):
        proposal = get_object_or_404(_scoped_proposals(request.user), pk=pk)
        can_change = (request.user.has_perm("beneficiaries.change_prelistproposal")
                      and is_editable(proposal))
        return render(request, "beneficiaries/proposal_detail.html", {
            "proposal": proposal,
            "no_kk_masked": mask_kk(proposal.no_kk) if proposal.no_kk else "",
            "members": proposal.members.all(),
            "can_change": can_change,
            "can_mark_ready": can_change and proposal.status == PreListProposal.Status.DRAFT,
            "visits": proposal.visits.select_related("created_by").order_by("-created_at")
            if request.user.has_perm("intake.view_visit") else None,
        })


class ProposalFormMixin:
    """The household form and the members' formset on one page, for new and edit."""

    template_name = "beneficiaries/proposal_form.html"

    def render_form(self, form, formset, *, show_errors=True, focus=None):
        if show_errors:
            mark_invalid(form)
            for member_form in formset.forms:
                mark_invalid(member_form)
            focus = focus or self.first_error(form, formset)
        field = focus or form["no_kk"]
        field.field.widget.attrs["autofocus"] = True
        return render(self.request, self.template_name, {
            "form": form, "formset": formset, "show_errors": show_errors,
            "proposal": getattr(self, "proposal", None), "add_row": ADD_ROW,
            "village": self.village,
            "visit_id": self.visit_id() if hasattr(self, "visit_id") else None,
        })

    @staticmethod
    def first_error(form, formset):
        """The first field with an error in the order of the page: the household's
        identity and address, the members, then housing and reason."""
        top = [form[name] for name in TOP_FIELDS]
        rest = [field for field in form if field.name not in TOP_FIELDS]
        members = [member[name] for member in formset.forms for name in member.fields]
        for field in [*top, *members, *rest]:
            if field.errors:
                return field
        if formset.non_form_errors() and formset.forms:
            return formset.forms[0]["relation"]  # no head, or two: the relations to fix
        return None

    def post(self, request, *args, **kwargs):
        self.prepare()
        if ADD_ROW in request.POST:
            data = with_one_more_row(request.POST)
            form, formset = ProposalForm(data, instance=self.instance()), self.formset(data)
            return self.render_form(form, formset, show_errors=False,
                                    focus=formset.forms[-1]["nik"] if formset.forms else None)
        form = ProposalForm(request.POST, instance=self.instance())
        formset = self.formset(request.POST)
        if not (form.is_valid() & formset.is_valid()):  # both, for all the messages
            return self.render_form(form, formset)
        household = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            proposal = self.save(household, formset.members())
        except ProposalInvalid as error:
            # A rule broken meanwhile (e.g. the same NIK proposed at the next desk).
            general = []
            for problem in error.problems:
                if problem.member is None and problem.field in form.fields:
                    form.add_error(problem.field, problem.message)
                elif problem.member is None:
                    general.append(problem.message)
            general += formset.add_problems([p for p in error.problems if p.member is not None])
            for message in general:
                form.add_error(None, message)
            return self.render_form(form, formset)
        return redirect(proposal)


class ProposalCreateView(ScopedPermissionMixin, ProposalFormMixin, View):
    permission_required = "beneficiaries.add_prelistproposal"

    def prepare(self):
        self.village = own_village(self.request.user)
        if self.village is None:
            raise PermissionDenied(_("Usulan daftar awal dicatat oleh petugas desa; akun Anda "
                                     "tidak terhubung ke satu desa."))

    def instance(self):
        return None

    def formset(self, data):
        return member_formset(data)

    def get(self, request):
        self.prepare()
        params = request.GET
        household = {field: params[key].strip() for key, field in PREFILL_HOUSEHOLD.items()
                     if params.get(key, "").strip()}
        head = {"relation": Relation.HEAD}
        if params.get("nik", "").strip():
            head["nik"] = params["nik"].strip()
        if params.get("nama", "").strip():
            head["name"] = params["nama"].strip()
        form = ProposalForm(initial=household)
        return self.render_form(form, member_formset(initial=[head], extra=NEW_ROWS),
                                show_errors=False)

    def visit_id(self):
        """The desk visit this proposal comes from (``?kunjungan=``), if any."""
        value = self.request.POST.get("kunjungan") or self.request.GET.get("kunjungan", "")
        return int(value) if value.isdigit() else None

    def save(self, household, members):
        from intake.models import Visit

        with transaction.atomic():
            proposal = create_proposal(village=self.village, user=self.request.user,
                                       household=household, members=members)
            if self.visit_id():
                Visit.objects.filter(pk=self.visit_id(), village=self.village,
                                     proposal__isnull=True).update(proposal=proposal)
        messages.success(self.request, _("Usulan #%(number)d tersimpan sebagai draf.")
                         % {"number": proposal.pk})
        return proposal


class ProposalUpdateView(ScopedPermissionMixin, ProposalFormMixin, View):
    """Edit a proposal not decided yet; a POST with ``tandai_siap`` marks a draft ready
    for the Musyawarah Desa (the button on the detail page)."""

    permission_required = "beneficiaries.change_prelistproposal"

    def prepare(self):
        self.proposal = get_object_or_404(_scoped_proposals(self.request.user),
                                          pk=self.kwargs["pk"])
        self.village = self.proposal.village
        if not is_editable(self.proposal):
            raise ProposalLocked()

    def instance(self):
        return self.proposal

    def formset(self, data):
        return member_formset(data, instance=self.proposal)

    def get(self, request, pk):
        self.prepare()
        return self.render_form(ProposalForm(instance=self.proposal),
                                member_formset(instance=self.proposal), show_errors=False)

    def post(self, request, *args, **kwargs):
        if MARK_READY in request.POST:
            self.prepare()
            try:
                mark_proposal_ready(proposal=self.proposal, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Usulan #%(number)d siap dibahas di Musyawarah "
                                            "Desa.") % {"number": self.proposal.pk})
            return redirect(self.proposal)
        return super().post(request, *args, **kwargs)

    def save(self, household, members):
        proposal = update_proposal(proposal=self.proposal, user=self.request.user,
                                   household=household, members=members)
        messages.success(self.request, _("Perubahan usulan #%(number)d tersimpan.")
                         % {"number": proposal.pk})
        return proposal
