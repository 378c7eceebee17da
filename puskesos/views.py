"""Pages of the organisation: home, villages, staff; errors and health."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from .forms import LoginForm, VillageProfileForm
from .models import StaffProfile, Village
from .roles import ROLE_DESCRIPTIONS, user_roles
from .scoping import scope, staff_profile
from .services import village_profile_update


class StaffRequiredMixin(LoginRequiredMixin):
    """A logged-in user attached to a village, kecamatan or kabupaten.

    An account without a unit is refused with an explanation instead of an empty page.
    """

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_superuser and staff_profile(user) is None:
            raise PermissionDenied(
                _(
                    "Akun Anda belum terhubung ke desa, kecamatan, atau kabupaten mana pun. "
                    "Hubungi Manajer SLRT kabupaten agar akun Anda dilengkapi."
                )
            )
        return super().dispatch(request, *args, **kwargs)


class ScopedPermissionMixin(StaffRequiredMixin, PermissionRequiredMixin):
    """Login, a unit, and a permission; a missing permission is a 403, not a login loop."""

    raise_exception = False

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(_("Peran Anda tidak memiliki akses ke halaman ini."))
        return super().handle_no_permission()


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class HomeView(StaffRequiredMixin, TemplateView):
    template_name = "puskesos/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roles = sorted(user_roles(self.request.user), key=lambda r: r.value)
        context["role_descriptions"] = [(role.value, ROLE_DESCRIPTIONS[role]) for role in roles]
        context["villages"] = scope(Village.objects.select_related("district"), self.request.user,
                                    via="")
        return context


class VillageListView(ScopedPermissionMixin, ListView):
    permission_required = "puskesos.view_village"
    template_name = "puskesos/village_list.html"
    paginate_by = 50

    def get_queryset(self):
        return scope(
            Village.objects.select_related("district__regency"), self.request.user, via=""
        )


class ScopedVillageMixin:
    """The village named in the URL, if the user may see it; otherwise 404."""

    def get_object(self, queryset=None):
        return get_object_or_404(
            scope(Village.objects.select_related("district__regency"), self.request.user,
                  via=""),
            code=self.kwargs["code"],
        )


class VillageDetailView(ScopedPermissionMixin, ScopedVillageMixin, DetailView):
    permission_required = "puskesos.view_village"
    template_name = "puskesos/village_detail.html"
    context_object_name = "village"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm("puskesos.change_village")
        return context


class VillageUpdateView(ScopedPermissionMixin, ScopedVillageMixin, FormView):
    permission_required = "puskesos.change_village"
    template_name = "puskesos/village_form.html"
    form_class = VillageProfileForm

    @cached_property
    def village(self):
        return self.get_object()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Village.objects.get(pk=self.village.pk)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(village=self.village, **kwargs)

    def form_valid(self, form):
        try:
            village_profile_update(
                actor=self.request.user, village=self.village, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Profil desa tersimpan."))
        return redirect("village-detail", code=self.village.code)


class VillageLogoView(ScopedPermissionMixin, ScopedVillageMixin, View):
    permission_required = "puskesos.view_village"

    def get(self, request, code):
        village = self.get_object()
        if not village.logo:
            raise Http404(_("Desa ini belum memiliki logo."))
        return FileResponse(village.logo.open("rb"))


class StaffListView(ScopedPermissionMixin, ListView):
    permission_required = "puskesos.view_staffprofile"
    template_name = "puskesos/staff_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            scope(StaffProfile.objects, self.request.user)
            .select_related("user", "village")
            .prefetch_related("user__groups")
            .filter(user__is_active=True)
            .order_by("village__code", "user__first_name", "user__username")
        )


class PasswordChangeView(StaffRequiredMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("password-change-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi Anda telah diganti."))
        return response


def healthz(request):
    """For the load balancer and the operator: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request):
    """Browsers ask for /favicon.ico on pages that do not name one (the admin)."""
    return redirect(static("img/favicon.svg"), permanent=False)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)

