"""The admin site of the Manajer Kabupaten, scoped by the same rule as the pages."""

from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import District, Regency, StaffProfile, Village
from .roles import Role
from .scoping import (
    scope,
    visible_districts,
    visible_regencies,
    visible_staff_profiles,
)


class ScopedChoicesMixin:
    """Offer only the villages, kecamatan and kabupaten the user sees in foreign keys."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Village:
            kwargs["queryset"] = scope(Village.objects.all(), request.user, via="")
        elif db_field.related_model is District:
            kwargs["queryset"] = visible_districts(request.user)
        elif db_field.related_model is Regency:
            kwargs["queryset"] = visible_regencies(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdminMixin(ScopedChoicesMixin):
    """Limit an admin's rows and choices to the user's villages; the mixin every
    village-owned model's admin uses.

    ``scope_via`` is the lookup path from the model to its village ("" for Village).
    """

    scope_via = "village"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, via=self.scope_via)


def district_filter(via: str):
    """A list filter by kecamatan, offering only the kecamatan the user sees."""

    class DistrictFilter(admin.SimpleListFilter):
        title = _("kecamatan")
        parameter_name = "kecamatan"

        def lookups(self, request, model_admin):
            return [(d.code, d.name) for d in visible_districts(request.user)]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{via}__code": self.value()})
            return queryset

    return DistrictFilter


def village_filter(via: str):
    """A list filter by desa, offering only the villages the user sees."""

    class VillageFilter(admin.SimpleListFilter):
        title = _("desa/kelurahan")
        parameter_name = "desa"

        def lookups(self, request, model_admin):
            return [(v.code, v.name) for v in scope(Village.objects.all(), request.user, via="")]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{via}__code": self.value()})
            return queryset

    return VillageFilter


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "bps_code"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            pk__in=visible_regencies(request.user).values("pk")
        )


@admin.register(District)
class DistrictAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["code", "name", "bps_code", "regency"]
    search_fields = ["code", "name"]
    list_select_related = ["regency"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            pk__in=visible_districts(request.user).values("pk")
        )


@admin.register(Village)
class VillageAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_via = ""
    list_display = ["code", "name", "kind", "district", "head_name", "coordinator_name"]
    list_filter = [district_filter("district"), "kind"]
    list_select_related = ["district"]
    search_fields = ["code", "name", "bps_code"]
    fieldsets = [
        (None, {"fields": ["district", "code", "name", "kind", "bps_code"]}),
        (_("Profil Puskesos"), {"fields": [
            "puskesos_name", "address", "postal_code", "phone", "email", "logo",
        ]}),
        (_("Penanda tangan"), {"fields": ["head_title", "head_name", "coordinator_name"]}),
    ]


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["user", "job_title", "village", "district", "regency"]
    list_filter = [district_filter("village__district"), village_filter("village")]
    list_select_related = ["user", "village", "district", "regency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            pk__in=visible_staff_profiles(request.user).values("pk")
        )


class StaffProfileInline(ScopedChoicesMixin, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    extra = 1
    max_num = 1
    fields = ["village", "district", "regency", "job_title", "phone"]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Accounts of the user's kabupaten; a Manajer cannot create superusers or grant
    permissions outside the role groups."""

    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "unit", "is_active", "last_login"]
    list_filter = [
        "is_active", "groups",
        district_filter("staff_profile__village__district"),
        village_filter("staff_profile__village"),
    ]
    list_select_related = [
        "staff_profile__village", "staff_profile__district", "staff_profile__regency",
    ]

    @admin.display(description=_("unit kerja"))
    def unit(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.unit if profile else "—"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return qs
        # Accounts in the user's units, and new accounts not yet attached to any unit.
        return qs.filter(is_superuser=False).filter(
            Q(staff_profile__in=visible_staff_profiles(user).values("pk"))
            | Q(staff_profile__isnull=True)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Permissions"), {"fields": ("is_active", "groups")}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=[role.value for role in Role])
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Admin-site access follows the Manajer role.
        user = form.instance
        is_manager = user.groups.filter(name=Role.MANAGER.value).exists()
        if not user.is_superuser and user.is_staff != is_manager:
            user.is_staff = is_manager
            user.save(update_fields=["is_staff"])


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """Roles are defined in code (puskesos/roles.py) and migrations: read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAuditMixin:
    """Audit records can be read, never written, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessLog)
class LoginLogAdmin(ReadOnlyAuditMixin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class FailedLoginLogAdmin(ReadOnlyAuditMixin, AccessFailureLogAdmin):
    pass
