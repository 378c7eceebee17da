"""Pre-list proposals (*usulan daftar awal*): list, record, view and edit.

The writes go through beneficiaries.proposal_services; these views translate the
forms to and from it.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from intake.attachments import AttachmentField
from puskesos.files import inline_file_response
from puskesos.models import Village
from puskesos.scoping import own_village, scope, works_in
from puskesos.views import ScopedPermissionMixin

from .identity import mask_kk
from .models import PreListProposal, ProposalPhoto, Relation
from .proposal_forms import (
    ProposalForm,
    mark_invalid,
    member_formset,
    with_one_more_row,
)
from .proposal_services import (
    ProposalInvalid,
    ProposalLocked,
    add_photo,
    create_proposal,
    duplicate_warnings,
    is_editable,
    mark_proposal_ready,
    proposals_for,
    record_result,
    update_proposal,
)

ADD_ROW = "tambah_anggota"
# Checked by the clerk once the near-duplicate warnings have been looked at.
CHECKED_DUPLICATES = "sudah_diperiksa"
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
            "photos": proposal.photos.all()
            if request.user.has_perm("beneficiaries.view_proposalphoto") else (),
            "can_add_photo": (request.user.has_perm("beneficiaries.add_proposalphoto")
                              and is_editable(proposal)
                              and works_in(request.user, proposal.village_id)),
            "photo_form": ProposalPhotoForm(),
            "events": proposal.events.select_related("user"),
            "can_record_result": (proposal.status == PreListProposal.Status.EXPORTED
                                  and request.user.has_perm("beneficiaries.change_villagemeeting")
                                  and works_in(request.user, proposal.village_id)),
            "decisions": proposal.decisions.select_related("meeting"),
        })


class ProposalFormMixin:
    """The household form and the members' formset on one page, for new and edit."""

    template_name = "beneficiaries/proposal_form.html"

    def render_form(self, form, formset, *, show_errors=True, focus=None, warnings=None):
        if warnings is None:
            # A refused save (e.g. a NIK already in the register) still links to the
            # records it clashes with.
            warnings = self.known_elsewhere(form, formset) if show_errors else ()
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
            "warnings": warnings, "checked_duplicates": CHECKED_DUPLICATES,
            "may_confirm": bool(warnings) and not any(w.refused for w in warnings),
        })

    @staticmethod
    def known_elsewhere(form, formset):
        """Exact NIK matches in the register, from what was typed (valid or not)."""
        typed = [{"nik": member.data.get(member.add_prefix("nik"), "")}
                 for member in formset.forms if member.is_bound]
        found = duplicate_warnings(no_kk="", members=typed)
        return [warning for warning in found if warning.refused]

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
        if not request.POST.get(CHECKED_DUPLICATES):
            warnings = duplicate_warnings(no_kk=household.get("no_kk") or "",
                                          members=formset.members(),
                                          proposal=self.instance())
            if warnings:
                # Nothing is saved until the clerk has looked and says it is another
                # household (the same people must not be proposed twice).
                return self.render_form(form, formset, warnings=warnings)
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

        source = None
        if self.visit_id():
            visit = Visit.objects.filter(pk=self.visit_id(), village=self.village).first()
            if visit is not None and hasattr(visit, "complaint"):
                source = PreListProposal.Source.COMPLAINT
        with transaction.atomic():
            proposal = create_proposal(village=self.village, user=self.request.user,
                                       household=household, members=members, source=source)
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


class ProposalPhotoForm(forms.Form):
    file = AttachmentField(label=gettext_lazy("Foto rumah atau dokumen"))
    caption = forms.CharField(label=gettext_lazy("Keterangan"), max_length=150,
                              required=False)


class ProposalPhotoAddView(ScopedPermissionMixin, View):
    """Add evidence to a proposal not decided yet (a phone photo keeps its GPS)."""

    permission_required = "beneficiaries.add_proposalphoto"
    http_method_names = ["post"]

    def post(self, request, pk):
        proposal = get_object_or_404(_scoped_proposals(request.user), pk=pk)
        form = ProposalPhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(proposal)
        add_photo(proposal=proposal, user=request.user,
                  attachment=form.cleaned_data["file"], caption=form.cleaned_data["caption"])
        messages.success(request, _("Bukti ditambahkan ke usulan #%(n)d.") % {"n": proposal.pk})
        return redirect(proposal)


class ProposalPhotoView(ScopedPermissionMixin, View):
    permission_required = "beneficiaries.view_proposalphoto"

    def get(self, request, pk):
        photo = get_object_or_404(
            scope(ProposalPhoto.objects.select_related("proposal"), request.user,
                  via="proposal__village"), pk=pk)
        return inline_file_response(photo.file, content_type=photo.content_type,
                                    filename=f"bukti-{photo.pk}{photo.extension}")


class ProposalResultView(ScopedPermissionMixin, View):
    """The kabupaten's verification of an exported proposal (Koordinator)."""

    permission_required = "beneficiaries.change_villagemeeting"
    http_method_names = ["post"]

    def post(self, request, pk):
        proposal = get_object_or_404(_scoped_proposals(request.user), pk=pk)
        result = request.POST.get("hasil", "")
        if result not in ("diterima", "ditolak"):
            messages.error(request, _("Pilih hasil verifikasi: diterima atau ditolak."))
            return redirect(proposal)
        try:
            record_result(proposal=proposal, user=request.user,
                          accepted=result == "diterima", note=request.POST.get("catatan", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Hasil verifikasi kabupaten dicatat."))
        return redirect(proposal)
