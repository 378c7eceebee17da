"""Register models in the Manajer's admin, scoped like every page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin

from puskesos.admin import ScopedAdminMixin, district_filter, village_filter

from .models import (
    Family,
    Household,
    ImportBatch,
    NeedRule,
    Participation,
    Person,
    PersonPpks,
    PpksCluster,
    PpksType,
    Programme,
)
from .resources import HouseholdResource, PersonResource, PpksTypeResource, ProgrammeResource
from .selectors import import_batches_for


@admin.register(Programme)
class ProgrammeAdmin(ImportExportModelAdmin):
    resource_classes = [ProgrammeResource]
    list_display = ["short_name", "name", "level", "unit", "complaint_agency", "in_extracts",
                    "active"]
    list_filter = ["level", "unit", "active"]
    search_fields = ["code", "name", "short_name"]


@admin.register(PpksCluster)
class PpksClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(PpksType)
class PpksTypeAdmin(ImportExportModelAdmin):
    resource_classes = [PpksTypeResource]
    list_display = ["name", "cluster", "order"]
    list_filter = ["cluster"]
    list_editable = ["cluster"]
    search_fields = ["name", "code"]


@admin.register(NeedRule)
class NeedRuleAdmin(admin.ModelAdmin):
    """The rules that suggest programme needs on a household's page; the Manajer tunes
    them (age range, disability, desil) or switches them off."""

    list_display = ["name", "programme", "min_age", "max_age", "disability_only", "max_desil",
                    "per_person", "active", "order"]
    list_editable = ["active", "order"]
    list_filter = ["programme", "active"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead: needs recorded keep their rule


class ReadOnlyRegisterMixin:
    """Register rows come from imports (and, later, attributed profile changes): the admin
    shows them but does not edit them silently."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = Person
    fields = ["masked_nik", "name", "sex", "birth_date", "relation", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyRegisterMixin, ScopedAdminMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [HouseholdResource]
    list_display = ["register_id", "village", "dusun", "rt", "rw", "desil", "status"]
    list_filter = [district_filter("village__district"), village_filter("village"), "status",
                   "desil"]
    list_select_related = ["village"]
    search_fields = ["=register_id", "=families__no_kk", "=members__nik"]
    show_full_result_count = False
    inlines = [MemberInline]


@admin.register(Family)
class FamilyAdmin(ReadOnlyRegisterMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_via = "household__village"
    list_display = ["__str__", "household"]
    list_select_related = ["household"]
    search_fields = ["=no_kk", "=household__register_id"]
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(ReadOnlyRegisterMixin, ScopedAdminMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [PersonResource]
    list_display = ["name", "masked_nik", "sex", "birth_date", "relation", "village", "status"]
    list_filter = [district_filter("village__district"), village_filter("village"), "status",
                   "sex", "disability"]
    list_select_related = ["village"]
    search_fields = ["=nik", "^name", "=household__register_id"]
    exclude = ["nik"]
    readonly_fields = ["masked_nik"]
    show_full_result_count = False

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return obj.masked_nik


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyRegisterMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_via = "household__village"
    list_display = ["programme", "household", "person", "source", "active", "recorded_at"]
    list_filter = ["programme", "source", "active"]
    list_select_related = ["programme", "household", "person"]
    raw_id_fields = ["household", "person"]
    show_full_result_count = False


@admin.register(PersonPpks)
class PersonPpksAdmin(ReadOnlyRegisterMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_via = "person__village"
    list_display = ["person", "ppks_type", "since", "recorded_at"]
    list_filter = ["ppks_type__cluster", "ppks_type"]
    list_select_related = ["person", "ppks_type"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyRegisterMixin, admin.ModelAdmin):
    list_display = ["file_name", "scope_code", "layout", "status", "problem_count",
                    "created_by", "created_at"]
    list_filter = ["status", "layout", "dry_run"]
    search_fields = ["file_name", "checksum", "scope_code"]
    readonly_fields = ["counts", "problems"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            pk__in=import_batches_for(user=request.user).values("pk"))
