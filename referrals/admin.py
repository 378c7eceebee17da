from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_fsm.admin import FSMAdminMixin
from django_fsm_log.admin import StateLogInline
from import_export import resources
from import_export.admin import ImportExportModelAdmin

from puskesos.admin import ScopedAdminMixin, district_filter, village_filter

from . import services
from .models import Agency, Complaint, ComplaintEvent, DayOff, DeadlineRule, Referral, Sector


class AgencyResource(resources.ModelResource):
    class Meta:
        model = Agency
        import_id_fields = ["code"]
        fields = ["code", "name", "level", "address", "phone", "email", "active"]
        skip_unchanged = True


@admin.register(Agency)
class AgencyAdmin(ImportExportModelAdmin):
    resource_classes = [AgencyResource]
    list_display = ["name", "code", "level", "phone", "active"]
    list_filter = ["level", "active"]
    search_fields = ["name", "code"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "code"]


class StepNoteForm(forms.Form):
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea)


class HandleStepForm(StepNoteForm):
    handling_action = forms.ChoiceField(label=_("Tindakan"),
                                        choices=Complaint.HandlingAction.choices)
    handling_notes = forms.CharField(label=_("Uraian penanganan"), widget=forms.Textarea)


class CloseStepForm(StepNoteForm):
    outcome = forms.ChoiceField(label=_("Hasil akhir"), choices=Complaint.Outcome.choices)
    public_outcome = forms.CharField(label=_("Hasil untuk warga (tanpa data pribadi)"),
                                     widget=forms.Textarea)


@admin.register(Complaint)
class ComplaintAdmin(FSMAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Complaints across the kabupaten. Fields are read-only; the workflow's steps are
    buttons that go through referrals.services (same roles, village and log as the
    pages), shown only to those who may take them."""

    fsm_fields = ["state"]
    fsm_forms = {"review": StepNoteForm, "handle": HandleStepForm, "refer": StepNoteForm,
                 "reconsider": StepNoteForm, "close": CloseStepForm}
    list_display = ["registration_number", "village", "state", "category", "kind",
                    "programme", "sector", "created_at", "respond_by"]
    list_filter = [district_filter("village__district"), village_filter("village"), "state",
                   "category", "kind", "programme", "sector"]
    list_select_related = ["village", "programme", "sector"]
    search_fields = ["=registration_number"]
    date_hierarchy = "created_at"
    exclude = ["visit", "tracking_code"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Complaint._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Only to reach the step buttons: every field is read-only.
        return any(request.user.has_perm(f"referrals.{name}_complaint")
                   for name in ("review", "handle", "refer", "close"))

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        data = dict(kwargs or {})
        note = data.pop("note", "")
        try:
            services.transition(obj.pk, transition_name, request.user, note=note,
                                expected_state=obj.state, **data)
        except (services.WorkflowError, PermissionDenied) as error:
            self.message_user(request, str(getattr(error, "message", error)),
                              level=messages.ERROR)
            return False
        self.message_user(request, _("Langkah «%(step)s» tercatat.") % {
            "step": self.get_fsm_label(
                self._get_fsm_transition_by_name(obj=obj, transition_name=transition_name))},
            level=messages.SUCCESS)
        return True


class ReferralInline(admin.TabularInline):
    model = Referral
    fields = ["agency", "approval", "letter_number", "sent_at", "respond_by", "response",
              "response_date"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    """The timeline's non-transition steps (state changes: django-fsm-log)."""

    model = ComplaintEvent
    fields = ["created_at", "kind", "actor", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


ComplaintAdmin.inlines = [StateLogInline, ReferralInline, EventInline]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "review_days", "decision_days", "referral_response_days"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DayOff)
class DayOffAdmin(admin.ModelAdmin):
    list_display = ["date", "description"]
    date_hierarchy = "date"
