"""Every URL the project defines × every role × own / other village → expected status.

Adding a URL (or registering a model in the admin) without adding its row here
makes ``test_every_url_is_in_the_matrix`` fail.

Notation: an int is the status for every object; a pair is (own village's object,
another village's object), "other" being chosen per role: the sibling village for
village staff, a village of another kecamatan for the Supervisor, a village of
another kabupaten for the Manajer.
"""

import datetime
import importlib
import pathlib

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

from beneficiaries import meetings
from beneficiaries.models import (
    ImportBatch,
    NeedRule,
    PersonPpks,
    PpksCluster,
    PpksType,
    PreListProposal,
    Programme,
    ProposalMember,
)
from beneficiaries.proposal_services import create_proposal, mark_proposal_ready
from beneficiaries.tasks import register_import_task
from intake.models import Attachment
from puskesos.roles import Role
from referrals.models import Agency, Complaint, DayOff, DeadlineRule, Sector
from tests.beneficiaries.factories import make_household, make_nik
from tests.factories import make_staff
from tests.intake.factories import jpeg_attachment, make_visit
from tests.referrals.factories import complaint_in

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
    # The front office (intake)
    "queue-desk": (None, every(403, anonymous=LOGIN, FRONT_OFFICE=200, COORDINATOR=200)),
    # POST only for those who run the queue.
    "queue-take": (None, every(403, anonymous=LOGIN, FRONT_OFFICE=405, COORDINATOR=405)),
    "queue-call": (None, every(403, anonymous=LOGIN, FRONT_OFFICE=405, COORDINATOR=405)),
    "queue-finish": ("ticket", every(403, anonymous=LOGIN, FRONT_OFFICE=405,
                                     COORDINATOR=405)),
    "queue-slip": ("ticket", every((200, 404), anonymous=LOGIN, FACILITATOR=403)),
    "desk-today": (None, every(403, anonymous=LOGIN, FRONT_OFFICE=200, COORDINATOR=200,
                               FACILITATOR=200)),
    "visit-create": (None, every(403, anonymous=LOGIN, FRONT_OFFICE=200, COORDINATOR=200,
                                 FACILITATOR=200)),
    "visit-lookup": (None, every(403, anonymous=LOGIN, FRONT_OFFICE=200, COORDINATOR=200,
                                 FACILITATOR=200)),
    "visit-detail": ("visit", every((200, 404), anonymous=LOGIN)),
    "attachment-download": ("attachment", every((200, 404), anonymous=LOGIN)),
    "complaint-receipt": ("complaint", every((200, 404), anonymous=LOGIN)),
    "complaint-receipt-pdf": ("complaint", every((200, 404), anonymous=LOGIN)),
    "complaint-qr": ("complaint", every((200, 404), anonymous=LOGIN)),
    "programme-list": (None, every(200, anonymous=LOGIN)),
    "programme-detail": ("programme", every(200, anonymous=LOGIN)),
    "programme-leaflet": ("programme", every(200, anonymous=LOGIN)),
    "programme-leaflet-pdf": ("programme", every(200, anonymous=LOGIN)),
    # No login: the citizen's status page.
    "public-status": (None, every(200)),
    # Pre-list proposals (beneficiaries)
    "proposal-list": (None, every(200, anonymous=LOGIN)),
    "proposal-create": (None, every(403, anonymous=LOGIN, FRONT_OFFICE=200, COORDINATOR=200,
                                    FACILITATOR=200)),
    "proposal-detail": ("proposal", every((200, 404), anonymous=LOGIN)),
    "proposal-update": ("proposal", every(403, anonymous=LOGIN, FRONT_OFFICE=(200, 404),
                                          COORDINATOR=(200, 404), FACILITATOR=(200, 404))),
    # The Musyawarah Desa (run by the Koordinator; the Fasilitator does not take part)
    "meeting-list": (None, every(200, anonymous=LOGIN, FACILITATOR=403)),
    "meeting-create": (None, every(403, anonymous=LOGIN, COORDINATOR=200)),
    "meeting-detail": ("meeting", every((200, 404), anonymous=LOGIN, FACILITATOR=403)),
    "meeting-attach": ("meeting", every(403, anonymous=LOGIN, COORDINATOR=405)),
    "meeting-decide": ("meeting", every(403, anonymous=LOGIN, COORDINATOR=405)),
    "meeting-close": ("meeting", every(403, anonymous=LOGIN, COORDINATOR=405)),
    "meeting-minutes": ("meeting", every((200, 404), anonymous=LOGIN, FACILITATOR=403)),
    "meeting-export": ("meeting", every(403, anonymous=LOGIN, COORDINATOR=(200, 404))),
    # The back office's complaints (POST-only steps: 405 for those who may take them)
    "complaint-queue": (None, every(200, anonymous=LOGIN)),
    "complaint-detail": ("complaint", every((200, 404), anonymous=LOGIN)),
    "complaint-transition": ("complaint-step", every(403, anonymous=LOGIN, BACK_OFFICE=405,
                                                     COORDINATOR=405)),
    "complaint-assign": ("complaint", every(403, anonymous=LOGIN, BACK_OFFICE=405,
                                            COORDINATOR=405)),
    "complaint-correct": ("complaint", every(403, anonymous=LOGIN, BACK_OFFICE=405,
                                             COORDINATOR=405)),
    "complaint-inform": ("complaint", every(403, anonymous=LOGIN, BACK_OFFICE=405,
                                            COORDINATOR=405, FACILITATOR=405)),
    # Referrals (the back office; approval by the Koordinator)
    "referral-create": ("reviewed", every(403, anonymous=LOGIN, BACK_OFFICE=(200, 404),
                                          COORDINATOR=(200, 404))),
    "referral-list": (None, every(200, anonymous=LOGIN)),
    "referral-decide": ("referral", every(403, anonymous=LOGIN, COORDINATOR=405,
                                          SUPERVISOR=405)),
    "referral-send": ("referral", every(403, anonymous=LOGIN, BACK_OFFICE=405,
                                        COORDINATOR=405)),
    "referral-response": ("referral", every(403, anonymous=LOGIN, BACK_OFFICE=(200, 404),
                                            COORDINATOR=(200, 404))),
    "referral-letter": ("referral", every((200, 404), anonymous=LOGIN)),
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
    # Workflow buttons in the admin: the Manajer takes no steps (sent back to the page).
    "admin:referrals_complaint_transition": ("admin-step", every(NOT_ADMIN, MANAGER=302)),
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
    # Need-suggestion rules: tuned by the Manajer, switched off rather than deleted.
    "beneficiaries.needrule": dict(changelist=200, add=200, change=200, delete=403,
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
    "referrals.sector": dict(changelist=200, add=200, change=200, delete=403, history=200),
    # Service deadlines and local days off: kept by the Manajer.
    "referrals.deadlinerule": dict(changelist=200, add=403, change=200, delete=403,
                                   history=200),
    "referrals.dayoff": dict(changelist=200, add=200, change=200, delete=200, history=200),
    # Complaints change through the workflow only: read-only, scoped.
    "referrals.complaint": dict(changelist=200, add=403, change=(200, OUTSIDE), delete=403,
                                history=(200, OUTSIDE)),
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


# Later modules keep their rows in their own module (tests/puskesos/matrix_*.py):
# each defines ROWS ({name: (kind, table)}) and KINDS ({kind: build}),
# -> kwargs}), each build(org, village) -> URL kwargs for an object of that village.
EXTRA_MODULES = [importlib.import_module(f"tests.puskesos.{path.stem}")
                 for path in sorted(pathlib.Path(__file__).parent.glob("matrix_*.py"))]
EXTRA_KINDS = {kind: build for module in EXTRA_MODULES for kind, build in module.KINDS.items()}
MATRIX = {**SITE_MATRIX, **admin_matrix(),
          **{name: row for module in EXTRA_MODULES for name, row in module.ROWS.items()}}


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
    if label == "beneficiaries.needrule":
        obj = NeedRule.objects.first()
        return obj, obj
    if label == "referrals.agency":
        obj = Agency.objects.first()
        return obj, obj
    if label == "referrals.sector":
        obj = Sector.objects.first()
        return obj, obj
    if label == "referrals.deadlinerule":
        obj = DeadlineRule.objects.first()
        return obj, obj
    if label == "referrals.dayoff":
        obj, _ = DayOff.objects.get_or_create(date=datetime.date(2026, 12, 31),
                                              defaults={"description": "Cuti bersama desa"})
        return obj, obj
    if label == "referrals.complaint":
        desk = desk_objects(org)
        return desk[org.own.pk]["complaint"], desk[org.foreign_village.pk]["complaint"]
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


def closed_meeting(org, village):
    """A closed Musyawarah Desa of ``village`` that found one proposal layak."""
    users = org.village_users(village)
    proposal = create_proposal(
        village=village, user=users[FO], household={"address": "Kp. Sukamaju",
                                                     "reason": "Rumah tidak layak huni."},
        members=[{"nik": make_nik(datetime.date(1980, 1, 1)), "name": "UJANG", "relation": 1}])
    proposal = mark_proposal_ready(proposal=proposal, user=users[FO])
    koor = users[KOOR]
    meeting = meetings.create_meeting(village=village, user=koor,
                                      date=datetime.date(2026, 11, 20), place="Balai Desa",
                                      chair="Kepala Desa")
    meetings.attach_proposals(meeting.pk, koor, [proposal])
    meetings.decide(meeting.pk, koor, proposal_id=proposal.pk, decision="layak")
    return meetings.close_meeting(meeting.pk, koor)


def desk_objects(org):
    """A queue ticket, a visit with a complaint and an attachment, and a pre-list
    proposal in each village the matrix visits."""
    if getattr(org, "_desk", None) is None:
        org._desk = {}
        for village in (org.own, org.sibling, org.other_district_village, org.foreign_village):
            clerk = make_staff(FO, village, username=f"fo.matrix.{village.pk}")
            visit = make_visit(village, clerk, ticket=True, attachments=[
                (Attachment.Kind.HOUSE_PHOTO, jpeg_attachment(latitude="-7.1",
                                                               longitude="107.5")),
            ])
            proposal = PreListProposal.objects.create(
                village=village, address="Kp. Sukamaju", reason="Rumah tidak layak huni.",
                created_by=clerk,
            )
            ProposalMember.objects.create(proposal=proposal, name="UJANG", relation=1,
                                          nik="3204130101800009")
            referred = complaint_in(org, Complaint.State.REFERRED, village=village)
            meeting = closed_meeting(org, village)
            org._desk[village.pk] = {
                "ticket": visit.queue_ticket, "visit": visit, "complaint": visit.complaint,
                "attachment": visit.attachments.get(), "proposal": proposal,
                "reviewed": complaint_in(org, Complaint.State.REVIEWED, village=village),
                "referred": referred, "referral": referred.referrals.get(),
                "meeting": meeting,
            }
    return org._desk


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
    if kind in ("ticket", "visit", "complaint", "attachment", "proposal", "reviewed",
                "referred", "referral", "meeting"):
        village = org.own if which == 0 else org.other_village_for(
            role if role != ANON else Role.FRONT_OFFICE
        )
        return {"pk": desk_objects(org)[village.pk][kind].pk}
    if kind == "admin-step":
        desk = desk_objects(org)
        village = org.own if which == 0 else org.foreign_village
        return {"object_id": desk[village.pk]["complaint"].pk, "transition_name": "review"}
    if kind == "complaint-step":
        kwargs = build_kwargs(org, "complaint", role, which)
        return {**kwargs, "name": "review"}
    if kind == "programme":
        return {"code": "pkh"}
    if kind == "app_list":
        return {"app_label": "puskesos"}
    if kind == "view_on_site":
        return {"content_type_id": ContentType.objects.get_for_model(org.own).pk,
                "object_id": org.own.pk}
    if kind.startswith("admin:"):
        return {"object_id": admin_objects(org, kind.removeprefix("admin:"))[which].pk}
    if kind in EXTRA_KINDS:
        village = org.own if which == 0 else org.other_village_for(
            role if role != ANON else Role.FRONT_OFFICE
        )
        return EXTRA_KINDS[kind](org, village)
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
