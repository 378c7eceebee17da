"""Register pages: search, households, export, and the import of extracts."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from puskesos.models import Village
from puskesos.scoping import scope, works_in
from puskesos.views import ScopedPermissionMixin

from . import selectors, upkeep
from .exports import register_export_xlsx
from .forms import RegisterImportForm
from .models import Household, ImportBatch, PpksCluster, Programme
from .services import import_scope
from .tasks import register_import_task

RUNNING = {ImportBatch.Status.PENDING, ImportBatch.Status.VALIDATING,
           ImportBatch.Status.IMPORTING}


def _enqueue(batch: ImportBatch, *, confirm: bool) -> None:
    transaction.on_commit(lambda: register_import_task.enqueue(batch.pk, confirm))


class RegisterImportView(ScopedPermissionMixin, FormView):
    """Upload an extract: it is checked in the background, then previewed, then confirmed."""

    permission_required = "beneficiaries.add_importbatch"
    template_name = "beneficiaries/import_form.html"
    form_class = RegisterImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent"] = selectors.import_batches_for(user=self.request.user)[:10]
        return context

    @transaction.atomic
    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        _villages, village = import_scope(form.cleaned_data["scope"])
        batch = ImportBatch(
            scope_code=form.cleaned_data["scope"], village=village, file_name=upload.name,
            layout="" if form.cleaned_data["layout"] == "auto" else form.cleaned_data["layout"],
            skip_invalid=form.cleaned_data["skip_invalid"], created_by=self.request.user,
            status=ImportBatch.Status.PENDING, size=upload.size,
        )
        batch.file.save(upload.name, upload, save=False)
        batch.save()
        _enqueue(batch, confirm=False)
        messages.info(self.request, _("File diterima dan sedang diperiksa. Halaman ini boleh "
                                      "ditinggalkan; hasilnya tersimpan di riwayat impor."))
        return redirect("register-import-detail", pk=batch.pk)


class ScopedBatchMixin:
    def get_object(self, queryset=None):
        return get_object_or_404(selectors.import_batches_for(user=self.request.user),
                                 pk=self.kwargs["pk"])


class RegisterImportDetailView(ScopedPermissionMixin, ScopedBatchMixin, DetailView):
    """The state of one import; polled by htmx while it runs."""

    permission_required = "beneficiaries.view_importbatch"
    context_object_name = "batch"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["beneficiaries/_import_status.html"]
        return ["beneficiaries/import_detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["running"] = self.object.status in RUNNING
        context["can_confirm"] = (
            self.object.status == ImportBatch.Status.PREVIEW
            and self.request.user.has_perm("beneficiaries.add_importbatch")
        )
        return context


class RegisterImportConfirmView(ScopedPermissionMixin, ScopedBatchMixin, View):
    permission_required = "beneficiaries.add_importbatch"

    def post(self, request, pk):
        with transaction.atomic():
            batch = get_object_or_404(
                selectors.import_batches_for(user=request.user).select_for_update(), pk=pk)
            if batch.status != ImportBatch.Status.PREVIEW:
                messages.error(request, _("Impor ini tidak sedang menunggu konfirmasi."))
                return redirect("register-import-detail", pk=pk)
            batch.status = ImportBatch.Status.PENDING
            batch.progress = 0
            batch.save(update_fields=["status", "progress"])
            _enqueue(batch, confirm=True)
        messages.info(request, _("Impor dimulai. Halaman ini boleh ditinggalkan."))
        return redirect("register-import-detail", pk=pk)


class RegisterImportReportView(ScopedPermissionMixin, ScopedBatchMixin, View):
    permission_required = "beneficiaries.view_importbatch"

    def get(self, request, pk):
        batch = self.get_object()
        if not batch.report:
            raise Http404(_("Impor ini tidak memiliki laporan masalah."))
        return FileResponse(batch.report.open("rb"), as_attachment=True,
                            filename=f"masalah-impor-{batch.pk}.xlsx")


class RegisterImportListView(ScopedPermissionMixin, ListView):
    permission_required = "beneficiaries.view_importbatch"
    template_name = "beneficiaries/import_list.html"
    paginate_by = 30

    def get_queryset(self):
        return selectors.import_batches_for(user=self.request.user).select_related(
            "created_by", "village")


# --- The register pages -----------------------------------------------------------


class RegisterFilterForm(forms.Form):
    """Filters of the household list; choices limited to what the user sees."""

    village = forms.ModelChoiceField(queryset=Village.objects.none(), required=False,
                                     label=_("Desa"), empty_label=_("Semua desa"))
    dusun = forms.CharField(required=False, label=_("Dusun"))
    rt = forms.CharField(required=False, label=_("RT"), max_length=3)
    rw = forms.CharField(required=False, label=_("RW"), max_length=3)
    programme = forms.ChoiceField(required=False, label=_("Program"))
    desil = forms.TypedChoiceField(
        required=False, label=_("Desil"), coerce=int, empty_value=None,
        choices=[("", _("Semua desil"))] + [(i, str(i)) for i in range(1, 11)])
    ppks_cluster = forms.ChoiceField(required=False, label=_("Klaster PPKS"))
    status = forms.ChoiceField(
        required=False, label=_("Status"),
        choices=[("", _("Semua status")), *Household.Status.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = scope(Village.objects.all(), user, via="")
        self.fields["programme"].choices = [("", _("Semua program"))] + [
            (p.code, p.short_name) for p in Programme.objects.filter(active=True)]
        self.fields["ppks_cluster"].choices = [("", _("Semua klaster"))] + [
            (c.code, c.name) for c in PpksCluster.objects.all()]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def filters(self) -> dict:
        """The valid filters; invalid ones are left out (see :meth:`error_message`)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items()
                if v not in (None, "")}

    def error_message(self) -> str | None:
        if not self.is_bound or self.is_valid():
            return None
        fields = ", ".join(str(self.fields[name].label) for name in self.errors)
        return _("Filter tidak valid dan diabaikan: %(fields)s.") % {"fields": fields}


class RegisterView(ScopedPermissionMixin, ListView):
    """The register: a live look-up box on top, the filtered household list below."""

    permission_required = "beneficiaries.view_household"
    template_name = "beneficiaries/register.html"
    paginate_by = 25
    context_object_name = "households"

    def get_queryset(self):
        self.filter_form = RegisterFilterForm(self.request.GET or None, user=self.request.user)
        if error := self.filter_form.error_message():
            messages.error(self.request, error)
        return selectors.register_list(user=self.request.user,
                                       filters=self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            querystring=query.urlencode(),
            can_export=self.request.user.has_perm("beneficiaries.export_register"),
            many_villages=self.filter_form.fields["village"].queryset.count() > 1,
        )
        return context


class RegisterLookupView(ScopedPermissionMixin, View):
    """Live results for the look-up box (htmx partial); the desk uses it too."""

    permission_required = "beneficiaries.view_person"

    def get(self, request):
        query = request.GET.get("q", "").strip()
        birth_year = request.GET.get("tahun", "").strip()
        village = request.GET.get("desa") or None
        result = selectors.register_lookup(
            user=request.user, query=query,
            village=int(village) if village and village.isdigit() else None,
            dusun=request.GET.get("dusun") or None, rt=request.GET.get("rt") or None,
            birth_year=int(birth_year) if birth_year.isdigit() else None,
        )
        return render(request, "beneficiaries/_lookup_results.html", {"result": result})


class HouseholdDetailView(ScopedPermissionMixin, View):
    permission_required = "beneficiaries.view_household"

    def get(self, request, pk):
        try:
            detail = selectors.household_detail(user=request.user, household_id=pk)
        except Household.DoesNotExist:
            raise Http404(_("Rumah tangga tidak ditemukan di wilayah Anda.")) from None
        household = detail.household
        user = request.user
        works_here = works_in(user, household.village_id)
        can_record_need = works_here and user.has_perm("beneficiaries.add_programmeneed")
        return render(request, "beneficiaries/household_detail.html", {
            "detail": detail,
            "changes": upkeep.pending_changes(household)
            if user.has_perm("beneficiaries.view_profilechange") else None,
            "can_record_change": works_here and user.has_perm("beneficiaries.add_profilechange"),
            "needs": household.needs.select_related("programme", "person").order_by(
                "status", "programme__order") if user.has_perm(
                "beneficiaries.view_programmeneed") else None,
            "suggestions": upkeep.need_suggestions(household) if can_record_need else (),
            "can_record_need": can_record_need,
            "can_record_participation": works_here and user.has_perm(
                "beneficiaries.add_participation"),
            "programmes": Programme.objects.filter(active=True).order_by("order", "code"),
        })


class RegisterExportView(ScopedPermissionMixin, View):
    """The filtered household list as XLSX (NIK of the head masked)."""

    permission_required = "beneficiaries.export_register"

    def get(self, request):
        form = RegisterFilterForm(request.GET or None, user=request.user)
        if error := form.error_message():
            # Never export a wider list than the one asked for.
            messages.error(request, error + " " + _("Tidak ada yang diekspor."))
            return redirect(f"{reverse('register')}?{request.GET.urlencode()}")
        households = selectors.register_list(user=request.user, filters=form.filters())
        content = register_export_xlsx(households)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="register-{stamp}.xlsx"'
        return response
