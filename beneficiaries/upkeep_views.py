"""Pages that keep the register current between extracts: record a profile change
(also on a phone, on a home visit), list and read changes, confirm or dismiss need
suggestions, record a need or a programme the extract does not show. Every write goes
through beneficiaries.upkeep."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from intake.attachments import AttachmentField
from puskesos.files import inline_file_response
from puskesos.scoping import scope, works_in
from puskesos.views import ScopedPermissionMixin

from . import upkeep
from .models import Household, Person, ProfileChange, Programme, ProgrammeNeed, Relation
from .upkeep import UpkeepError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def scoped_households(user):
    return scope(Household.objects.select_related("village"), user, via="village")


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Jenis perubahan"),
                             choices=ProfileChange.Kind.choices, widget=forms.RadioSelect)
    person = forms.TypedChoiceField(label=gettext_lazy("Anggota"), required=False,
                                    coerce=int, empty_value=None)
    event_date = forms.DateField(label=gettext_lazy("Tanggal kejadian"), required=False,
                                 widget=DATE)
    name = forms.CharField(label=gettext_lazy("Nama (baru/benar)"), max_length=150,
                           required=False)
    nik = forms.CharField(label=gettext_lazy("NIK (baru/benar)"), max_length=24,
                          required=False,
                          widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    birth_date = forms.DateField(label=gettext_lazy("Tanggal lahir (baru/benar)"),
                                 required=False, widget=DATE)
    sex = forms.ChoiceField(label=gettext_lazy("Jenis kelamin"), required=False,
                            choices=[("", "—"), *Person.Sex.choices])
    relation = forms.TypedChoiceField(label=gettext_lazy("Hubungan dengan kepala keluarga"),
                                      required=False, coerce=int, empty_value=None,
                                      choices=[("", "—"), *Relation.choices])
    address = forms.CharField(label=gettext_lazy("Alamat (benar)"), max_length=255,
                              required=False)
    moved_to = forms.CharField(label=gettext_lazy("Pindah ke"), max_length=255,
                               required=False)
    reporter = forms.CharField(label=gettext_lazy("Pelapor"), max_length=150,
                               help_text=gettext_lazy("Nama dan hubungan, mis. “Iis, istri”."))
    note = forms.CharField(label=gettext_lazy("Keterangan"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence = AttachmentField(label=gettext_lazy("Bukti (foto surat/akta/KK)"),
                               required=False)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.members = {p.pk: p for p in household.members.order_by("relation", "pk")}
        self.fields["person"].choices = [("", _("— rumah tangga / anggota baru —"))] + [
            (p.pk, f"{p.name} ({p.get_relation_display() if p.relation else '—'})")
            for p in self.members.values()]
        self.fields["evidence"].widget.attrs["capture"] = "environment"

    def details(self):
        return {key: self.cleaned_data.get(key) for key in upkeep.DETAIL_FIELDS}


class HouseholdMixin(ScopedPermissionMixin):
    @cached_property
    def household(self):
        return get_object_or_404(scoped_households(self.request.user), pk=self.kwargs["pk"])

    def check_works_here(self):
        if not works_in(self.request.user, self.household.village_id):
            raise PermissionDenied(_("Hanya petugas desa ini yang mencatat untuk rumah "
                                     "tangga ini."))


class ChangeCreateView(HouseholdMixin, View):
    """Record a profile change; works on a phone (one column, large touch targets,
    the camera for the evidence)."""

    permission_required = "beneficiaries.add_profilechange"

    def get(self, request, pk):
        self.check_works_here()
        initial = {}
        if request.GET.get("anggota", "").isdigit():
            initial["person"] = int(request.GET["anggota"])
        if request.GET.get("jenis") in ProfileChange.Kind.values:
            initial["kind"] = request.GET["jenis"]
        return self.show(ChangeForm(household=self.household, initial=initial))

    def post(self, request, pk):
        self.check_works_here()
        form = ChangeForm(request.POST, request.FILES, household=self.household)
        if form.is_valid():
            data = form.cleaned_data
            try:
                change = upkeep.record_change(
                    household=self.household, user=request.user, kind=data["kind"],
                    reporter=data["reporter"], person=form.members.get(data["person"]),
                    details=form.details(), event_date=data["event_date"], note=data["note"],
                    evidence=data["evidence"])
            except UpkeepError as error:
                form.add_error(error.field if error.field in form.fields else None,
                               error.message)
            else:
                messages.success(request, _("Perubahan data #%(n)d dicatat. Register tidak "
                                            "diubah sampai musyawarah memutuskan dan ekstrak "
                                            "berikutnya mengonfirmasi.") % {"n": change.pk})
                return redirect(change)
        return self.show(form, status=400)

    def show(self, form, status=200):
        return render(self.request, "beneficiaries/change_form.html",
                      {"form": form, "household": self.household}, status=status)


class ChangeListView(ScopedPermissionMixin, ListView):
    permission_required = "beneficiaries.view_profilechange"
    template_name = "beneficiaries/change_list.html"
    context_object_name = "changes"
    paginate_by = 25

    def get_queryset(self):
        changes = scope(ProfileChange.objects.select_related(
            "household", "person", "village", "recorded_by"), self.request.user)
        self.status = self.request.GET.get("status", "")
        if self.status in ProfileChange.Status.values:
            changes = changes.filter(status=self.status)
        else:
            self.status = ""
        return changes

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(statuses=ProfileChange.Status.choices, status=self.status,
                       querystring=query.urlencode())
        return context


def scoped_changes(user):
    return scope(ProfileChange.objects.select_related(
        "household__village", "person", "recorded_by"), user)


class ChangeDetailView(ScopedPermissionMixin, View):
    permission_required = "beneficiaries.view_profilechange"

    def get(self, request, pk):
        change = get_object_or_404(scoped_changes(request.user), pk=pk)
        return render(request, "beneficiaries/change_detail.html", {
            "change": change, "decisions": change.decisions.select_related("meeting"),
        })


class ChangeEvidenceView(ScopedPermissionMixin, View):
    permission_required = "beneficiaries.view_profilechange"

    def get(self, request, pk):
        change = get_object_or_404(scoped_changes(request.user), pk=pk)
        if not change.evidence:
            raise Http404(_("Perubahan ini tanpa bukti."))
        return inline_file_response(change.evidence, content_type=change.content_type,
                                    filename=f"bukti-perubahan-{change.pk}{change.extension}")


class NeedCreateView(HouseholdMixin, View):
    """Confirm or dismiss a suggestion, or record a need by hand (POST only)."""

    permission_required = "beneficiaries.add_programmeneed"
    http_method_names = ["post"]

    def post(self, request, pk):
        self.check_works_here()
        action = request.POST.get("aksi", "konfirmasi")
        values = {key: request.POST.get(key, "") for key in ("program", "anggota", "aturan")}
        ids = {key: int(value) if value.isdigit() else None for key, value in values.items()}
        kwargs = {"household": self.household, "user": request.user,
                  "programme_id": ids["program"], "person_id": ids["anggota"],
                  "rule_id": ids["aturan"], "note": request.POST.get("catatan", "")}
        try:
            if action == "tolak":
                need = upkeep.dismiss_need(**kwargs)
                messages.success(request, _("Saran %(p)s ditandai tidak diperlukan.")
                                 % {"p": need.programme.short_name})
            else:
                need = upkeep.confirm_need(**kwargs)
                messages.success(request, _("Kebutuhan %(p)s dicatat.")
                                 % {"p": need.programme.short_name})
        except UpkeepError as error:
            messages.error(request, error.message)
        return redirect(f"{self.household.get_absolute_url()}#kebutuhan")


class NeedMetView(ScopedPermissionMixin, View):
    permission_required = "beneficiaries.change_programmeneed"
    http_method_names = ["post"]

    def post(self, request, pk):
        need = get_object_or_404(scope(ProgrammeNeed.objects.select_related("household"),
                                       request.user), pk=pk)
        try:
            upkeep.mark_need_met(need=need, user=request.user)
        except UpkeepError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Kebutuhan ditandai terpenuhi."))
        return redirect(f"{need.household.get_absolute_url()}#kebutuhan")


class ParticipationCreateView(HouseholdMixin, View):
    permission_required = "beneficiaries.add_participation"
    http_method_names = ["post"]

    def post(self, request, pk):
        self.check_works_here()
        form = ParticipationForm(request.POST, household=self.household)
        if not form.is_valid():
            messages.error(request, next(iter(form.errors.values()))[0])
        else:
            data = form.cleaned_data
            try:
                upkeep.record_participation(household=self.household, user=request.user,
                                            programme=data["program"],
                                            person=form.members.get(data["anggota"]),
                                            since=data["sejak"])
            except UpkeepError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Kepesertaan %(p)s dicatat.")
                                 % {"p": data["program"].short_name})
        return redirect(f"{self.household.get_absolute_url()}#kepesertaan")


class ParticipationForm(forms.Form):
    """The household page's small "receives a programme" form (field names as posted)."""

    program = forms.ModelChoiceField(
        queryset=Programme.objects.filter(active=True),
        error_messages={"required": gettext_lazy("Pilih program."),
                        "invalid_choice": gettext_lazy("Pilih program.")})
    anggota = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": gettext_lazy(
            "Anggota itu bukan anggota rumah tangga ini.")})
    sejak = forms.DateField(required=False, error_messages={
        "invalid": gettext_lazy("Tanggal mulai tidak valid.")})

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {p.pk: p for p in household.members.all()}
        self.fields["anggota"].choices = [("", ""), *((pk, pk) for pk in self.members)]
