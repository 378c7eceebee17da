"""Every URL the project defines × every role × own / other village → expected status.

Adding a URL (or registering a model in the admin) without adding its row here
makes ``test_every_url_is_in_the_matrix`` fail.

Notation: an int is the status for every object; a pair is (own village's object,
another village's object), "other" being chosen per role: the sibling village for
village staff, a village of another kecamatan for the Supervisor, a village of
another kabupaten for the Manajer.
"""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from django_tasks_db.models import DBTaskResult

from beneficiaries.models import ImportBatch, PersonPpks, PpksCluster, PpksType, Programme
from beneficiaries.tasks import register_import_task
from puskesos.roles import Role
from referrals.models import Agency
from tests.beneficiaries.factories import make_household

ANON = "anonymous"
FO, BO, KOOR, KADES, FASIL, SUP, MAN = (
    Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.COORDINATOR, Role.VILLAGE_HEAD,
    Role.FACILITATOR, Role.SUPERVISOR, Role.MANAGER,
)
ROLES = [ANON, *Role]


def every(status, **overrides):
    """The same expectation for every role, with per-role exceptions."""
    table = {role: status for role in ROLES}
    table.update({Role[k] if k != "anonymous" else ANON: v for k, v in overrides.items()})
    return table


LOGIN = 302  # anonymous users are sent to the login page

# name -> (how to build kwargs, {role: expectation})
#   kwargs kinds: None (no arguments), "village" (code of own/other village)
SITE_MATRIX = {
    "home": (None, every(200, anonymous=LOGIN)),
    "login": (None, every(302, anonymous=200)),  # logged-in users go on to the home page
    "logout": (None, every(405)),  # POST only
    "password-change": (None, every(200, anonymous=LOGIN)),
    "password-change-done": (None, every(200, anonymous=LOGIN)),
    "village-list": (None, every(200, anonymous=LOGIN)),
    "village-detail": ("village", every((200, 404), anonymous=LOGIN)),
    "village-update": (
        "village",
        every(403, anonymous=LOGIN, COORDINATOR=(200, 404), MANAGER=(200, 404)),
    ),
    # No logo uploaded in the fixture: 404 for everyone who may look.
    "village-logo": ("village", every(404, anonymous=LOGIN)),
    "staff-list": (
        None,
        every(403, anonymous=LOGIN, COORDINATOR=200, VILLAGE_HEAD=200, SUPERVISOR=200,
              MANAGER=200),
    ),
    "healthz": (None, every(200)),
    # The register (beneficiaries)
    "register": (None, every(200, anonymous=LOGIN)),
    "register-lookup": (None, every(200, anonymous=LOGIN)),
    "household-detail": ("household", every((200, 404), anonymous=LOGIN)),
    "register-export": (
        None,
        every(403, anonymous=LOGIN, BACK_OFFICE=200, COORDINATOR=200, SUPERVISOR=200,
              MANAGER=200),
    ),
    "register-import": (None, every(403, anonymous=LOGIN, COORDINATOR=200, MANAGER=200)),
    "register-import-list": (
        None, every(403, anonymous=LOGIN, COORDINATOR=200, VILLAGE_HEAD=200, SUPERVISOR=200,
                    MANAGER=200),
    ),
    "register-import-detail": (
        "batch", every(403, anonymous=LOGIN, COORDINATOR=(200, 404), VILLAGE_HEAD=(200, 404),
                       SUPERVISOR=(200, 404), MANAGER=(200, 404)),
    ),
    # POST only for those who may import.
    "register-import-confirm": (
        "batch", every(403, anonymous=LOGIN, COORDINATOR=405, MANAGER=405),
    ),
    "register-import-report": (
        "batch", every(403, anonymous=LOGIN, COORDINATOR=(200, 404), VILLAGE_HEAD=(200, 404),
                       SUPERVISOR=(200, 404), MANAGER=(200, 404)),
    ),
    "favicon": (None, every(302)),
}

# The admin site is for the Manajer only; everyone else is sent to its login page.
NOT_ADMIN = 302
ADMIN_SPECIAL = {
    "admin:index": (None, every(NOT_ADMIN, MANAGER=200)),
    "admin:login": (None, every(200, MANAGER=302)),
    "admin:logout": (None, every(NOT_ADMIN, MANAGER=405)),
    "admin:autocomplete": (None, every(NOT_ADMIN, MANAGER=403)),  # needs its parameters
    "admin:jsi18n": (None, every(NOT_ADMIN, MANAGER=200)),
    "admin:password_change": (None, every(NOT_ADMIN, MANAGER=200)),
    "admin:password_change_done": (None, every(NOT_ADMIN, MANAGER=200)),
    "admin:view_on_site": ("view_on_site", every(NOT_ADMIN, MANAGER=404)),
    "admin:app_list": ("app_list", every(NOT_ADMIN, MANAGER=200)),
    "admin:auth_user_password_change": ("admin:auth.user", every(NOT_ADMIN, MANAGER=(200, 404))),
}

# For each model registered in the admin: the Manajer's status per admin view.
# Objects: (own, other) as built by admin_objects() below.
OUTSIDE = 302  # the admin redirects to its index: "object does not exist"
ADMIN_MODELS = {
    "puskesos.regency": dict(changelist=200, add=200, change=(200, OUTSIDE), delete=403,
                             history=(200, OUTSIDE)),
    "puskesos.district": dict(changelist=200, add=200, change=(200, OUTSIDE), delete=403,
                              history=(200, OUTSIDE)),
    "puskesos.village": dict(changelist=200, add=200, change=(200, OUTSIDE), delete=403,
                             history=(200, OUTSIDE)),
    "puskesos.staffprofile": dict(changelist=200, add=200, change=(200, OUTSIDE),
                                  delete=(200, OUTSIDE), history=(200, OUTSIDE)),
    "auth.user": dict(changelist=200, add=200, change=(200, OUTSIDE), delete=403,
                      history=(200, OUTSIDE)),
    # Roles are defined in code: viewable, not editable.
    "auth.group": dict(changelist=200, add=403, change=200, delete=403, history=200),
    # Audit records: readable, never writable.
    "auditlog.logentry": dict(changelist=200, add=403, change=200, delete=403, history=200),
    "axes.accesslog": dict(changelist=200, add=403, change=200, delete=403, history=200),
    "axes.accessfailurelog": dict(changelist=200, add=403, change=200, delete=403, history=200),
    # Lockouts can be lifted (deleted) by the Manajer.
    "axes.accessattempt": dict(changelist=200, add=403, change=200, delete=200, history=200),
    # Catalogues: edited, imported and exported by the Manajer (django-import-export;
    # process_import is POST only).
    "beneficiaries.programme": dict(changelist=200, add=200, change=200, delete=403,
                                    history=200, **{"import": 200, "process_import": 405,
                                                    "export": 200}),
    "beneficiaries.ppkstype": dict(changelist=200, add=200, change=200, delete=403,
                                   history=200, **{"import": 200, "process_import": 405,
                                                   "export": 200}),
    "beneficiaries.ppkscluster": dict(changelist=200, add=200, change=200, delete=403,
                                      history=200),
    "referrals.agency": dict(changelist=200, add=200, change=200, delete=403, history=200,
                             **{"import": 200, "process_import": 405, "export": 200}),
    # Register rows come from imports: read-only, scoped, exportable.
    "beneficiaries.household": dict(changelist=200, add=403, change=(200, OUTSIDE), delete=403,
                                    history=(200, OUTSIDE), export=200),
    "beneficiaries.person": dict(changelist=200, add=403, change=(200, OUTSIDE), delete=403,
                                 history=(200, OUTSIDE), export=200),
    "beneficiaries.family": dict(changelist=200, add=403, change=(200, OUTSIDE), delete=403,
                                 history=(200, OUTSIDE)),
    "beneficiaries.participation": dict(changelist=200, add=403, change=(200, OUTSIDE),
                                        delete=403, history=(200, OUTSIDE)),
    "beneficiaries.personppks": dict(changelist=200, add=403, change=(200, OUTSIDE),
                                     delete=403, history=(200, OUTSIDE)),
    "beneficiaries.importbatch": dict(changelist=200, add=403, change=(200, OUTSIDE),
                                      delete=403, history=(200, OUTSIDE)),
    # Background task results: superusers only.
    "django_tasks_database.dbtaskresult": dict(changelist=403, add=403, change=403,
                                               delete=403, history=403),
}
ADMIN_ACTIONS = ["changelist", "add", "change", "delete", "history"]


def admin_matrix():
    matrix = dict(ADMIN_SPECIAL)
    for label, statuses in ADMIN_MODELS.items():
        app_label, model = label.split(".")
        for action in [*ADMIN_ACTIONS, *(a for a in statuses if a not in ADMIN_ACTIONS)]:
            kind = f"admin:{label}" if action in ("change", "delete", "history") else None
            matrix[f"admin:{app_label}_{model}_{action}"] = (
                kind, every(NOT_ADMIN, MANAGER=statuses[action]),
            )
    return matrix


MATRIX = {**SITE_MATRIX, **admin_matrix()}


def defined_url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from defined_url_names(pattern.url_patterns, ns)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    missing = sorted(set(defined_url_names()) - set(MATRIX))
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - set(defined_url_names()))
    assert not stale, f"Matrix rows for URLs that no longer exist: {stale}"


def test_every_admin_model_is_in_the_matrix():
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


def admin_objects(org, label):
    """(own, other) objects of an admin model, as the Manajer of Kab. Bandung sees them."""
    fo = org.users[FO]
    if label == "puskesos.regency":
        return org.regency, org.foreign_regency
    if label == "puskesos.district":
        return org.district, org.foreign_district
    if label == "puskesos.village":
        return org.own, org.foreign_village
    if label == "puskesos.staffprofile":
        return fo.staff_profile, org.foreign_staff.staff_profile
    if label == "auth.user":
        return fo, org.foreign_staff
    if label == "auth.group":
        group = Group.objects.get(name=FO.value)
        return group, group
    if label == "auditlog.logentry":
        entry = LogEntry.objects.get_for_object(org.own).first()
        return entry, entry
    if label == "axes.accesslog":
        obj, _ = AccessLog.objects.get_or_create(
            username="fo", ip_address="10.0.0.1", user_agent="x"
        )
        return obj, obj
    if label == "axes.accessfailurelog":
        obj, _ = AccessFailureLog.objects.get_or_create(
            username="fo", ip_address="10.0.0.1", user_agent="x", locked_out=False
        )
        return obj, obj
    if label == "axes.accessattempt":
        obj, _ = AccessAttempt.objects.get_or_create(
            username="fo", ip_address="10.0.0.1", user_agent="x",
            defaults={"failures_since_start": 1},
        )
        return obj, obj
    if label in ("beneficiaries.programme",):
        obj = Programme.objects.get(code="pkh")
        return obj, obj
    if label == "beneficiaries.ppkstype":
        obj = PpksType.objects.first()
        return obj, obj
    if label == "beneficiaries.ppkscluster":
        obj = PpksCluster.objects.first()
        return obj, obj
    if label == "referrals.agency":
        obj = Agency.objects.first()
        return obj, obj
    if label == "django_tasks_database.dbtaskresult":
        register_objects(org)
        obj = DBTaskResult.objects.first()
        return obj, obj
    register = register_objects(org)
    own, other = register[org.own.pk], register[org.foreign_village.pk]
    if label == "beneficiaries.household":
        return own["household"], other["household"]
    if label == "beneficiaries.family":
        return own["household"].families.get(), other["household"].families.get()
    if label == "beneficiaries.person":
        return own["person"], other["person"]
    if label == "beneficiaries.participation":
        return own["participation"], other["participation"]
    if label == "beneficiaries.personppks":
        return own["ppks"], other["ppks"]
    if label == "beneficiaries.importbatch":
        return own["batch"], other["batch"]
    raise AssertionError(f"no admin objects for {label}")


def register_objects(org):
    """One household (with a person, a programme, a PPKS record) and one import batch
    with a problem report in each village the matrix visits."""
    if getattr(org, "_register", None) is None:
        register_import_task.enqueue(0, False)  # a task result row for the admin
        org._register = {}
        for village in (org.own, org.sibling, org.other_district_village, org.foreign_village):
            household = make_household(village, ["ASEP SUNANDAR", "SITI AMINAH"],
                                       programmes=["pkh"])
            person = household.members.first()
            batch = ImportBatch.objects.create(
                scope_code=village.code, village=village, file_name="dtks.csv",
                checksum="0" * 64, status=ImportBatch.Status.PREVIEW,
            )
            batch.report.save("masalah.xlsx", ContentFile(b"PK-test"), save=True)
            org._register[village.pk] = {
                "household": household, "person": person, "batch": batch,
                "participation": household.participations.first(),
                "ppks": PersonPpks.objects.create(person=person,
                                                  ppks_type=PpksType.objects.first()),
            }
    return org._register


def build_kwargs(org, kind, role, which):
    """URL kwargs for the own (which=0) or other (which=1) object."""
    if kind is None:
        return {}
    if kind == "village":
        village = org.own if which == 0 else org.other_village_for(
            role if role != ANON else Role.FRONT_OFFICE
        )
        return {"code": village.code}
    if kind in ("household", "batch"):
        village = org.own if which == 0 else org.other_village_for(
            role if role != ANON else Role.FRONT_OFFICE
        )
        return {"pk": register_objects(org)[village.pk][kind].pk}
    if kind == "app_list":
        return {"app_label": "puskesos"}
    if kind == "view_on_site":
        return {"content_type_id": ContentType.objects.get_for_model(org.own).pk,
                "object_id": org.own.pk}
    if kind.startswith("admin:"):
        return {"object_id": admin_objects(org, kind.removeprefix("admin:"))[which].pk}
    raise AssertionError(kind)


def matrix_cases():
    for name, (kind, table) in MATRIX.items():
        for role in ROLES:
            yield pytest.param(name, kind, role, table[role], id=f"{name}-{role}")


@pytest.mark.parametrize("name,kind,role,expected", list(matrix_cases()))
def test_permission_matrix(client, org, name, kind, role, expected):
    if role != ANON:
        client.force_login(org.users[role])
    pairs = expected if isinstance(expected, tuple) else (expected, expected)
    targets = [0, 1] if kind is not None else [0]
    for which in targets:
        kwargs = build_kwargs(org, kind, role, which)
        if name == "admin:auth_user_password_change":
            kwargs = {"id": kwargs["object_id"]}
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code == pairs[which], (
            f"{role} GET {url} ({'own' if which == 0 else 'other'}) → "
            f"{response.status_code}, expected {pairs[which]}"
        )
