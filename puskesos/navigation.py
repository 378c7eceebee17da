"""The main menu: one list, filtered by the user's roles.

Each later module adds its entries here; the browser tests check that each role
sees its own menu.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .roles import Role, user_roles
from .scoping import staff_profile

ALL_ROLES = frozenset(Role)
# Who registers visits (at the desk or on a home visit).
DESK_ROLES = frozenset({Role.FRONT_OFFICE, Role.COORDINATOR, Role.FACILITATOR})


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str
    roles: frozenset[Role] = ALL_ROLES


NAV_ITEMS = [
    NavItem("home", _("Beranda"), "home", "house"),
    # The same roles as reports.dashboard_views.DASHBOARD_ROLES (a test checks it).
    NavItem("dashboard", _("Dasbor"), "dashboard", "speedometer2",
            frozenset({Role.VILLAGE_HEAD, Role.COORDINATOR, Role.SUPERVISOR, Role.MANAGER})),
    # Who holds reports.view_issuedreport (puskesos.roles).
    NavItem("reports", _("Laporan"), "report-list", "file-earmark-text",
            frozenset({Role.COORDINATOR, Role.VILLAGE_HEAD, Role.SUPERVISOR, Role.MANAGER})),
    NavItem("desk", _("Loket"), "desk-today", "person-lines-fill", DESK_ROLES),
    NavItem("queue", _("Antrian"), "queue-desk", "ticket-perforated",
            frozenset({Role.FRONT_OFFICE, Role.COORDINATOR})),
    NavItem("complaints", _("Pengaduan"), "complaint-queue", "inboxes"),
    NavItem("referrals", _("Rujukan"), "referral-list", "send",
            frozenset({Role.BACK_OFFICE, Role.COORDINATOR, Role.SUPERVISOR, Role.MANAGER})),
    NavItem("register", _("Register"), "register", "journal-text"),
    NavItem("proposals", _("Usulan"), "proposal-list", "house-add"),
    NavItem("programmes", _("Info program"), "programme-list", "info-circle"),
    NavItem("villages", _("Desa"), "village-list", "geo-alt"),
    NavItem(
        "staff", _("Petugas"), "staff-list", "people",
        frozenset({Role.COORDINATOR, Role.VILLAGE_HEAD, Role.SUPERVISOR, Role.MANAGER}),
    ),
    NavItem("admin", _("Admin Kabupaten"), "admin:index", "gear", frozenset({Role.MANAGER})),
]


def nav_items_for(user) -> list[dict]:
    roles = user_roles(user)
    if user.is_superuser:
        roles = ALL_ROLES
    return [
        {"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        for item in NAV_ITEMS
        if item.roles & roles
    ]


def navigation(request):
    """Context processor: the menu, the user's roles and unit for base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unit():
        profile = staff_profile(user)
        return profile.unit if profile else None

    # Lazy: htmx partials never show the menu, so they never pay its queries.
    return {
        "nav_items": SimpleLazyObject(lambda: nav_items_for(user)),
        "current_roles": SimpleLazyObject(
            lambda: sorted(role.value for role in user_roles(user))),
        "current_unit": SimpleLazyObject(unit),
    }
