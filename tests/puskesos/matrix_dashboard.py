"""Permission matrix rows of the dashboard (reports/dashboard_urls.py).

The dashboard is for the Kepala Desa, the Koordinator, the Supervisor and the Manajer;
the desk roles get a 403, anonymous users the login page. Scoping (what each one
counts) is tested in tests/reports/test_dashboard.py.
"""

from puskesos.roles import Role

ANON = "anonymous"
ROLES = [ANON, *Role]
LOGIN = 302


def every(status, **overrides):
    """The same expectation for every role, with per-role exceptions."""
    table = {role: status for role in ROLES}
    table.update({Role[k] if k != "anonymous" else ANON: v for k, v in overrides.items()})
    return table


DASHBOARD = every(403, anonymous=LOGIN, COORDINATOR=200, VILLAGE_HEAD=200, SUPERVISOR=200,
                  MANAGER=200)

ROWS = {
    "dashboard": (None, DASHBOARD),
    "dashboard-records": ("dashboard-figure", DASHBOARD),
}

KINDS = {
    # Every figure is scoped by the filters, not by an object of the URL.
    "dashboard-figure": lambda org, village: {"figure": "rumah-tangga"},
}
