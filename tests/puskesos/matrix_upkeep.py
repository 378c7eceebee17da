"""Permission-matrix rows for keeping the register current: profile changes, programme
needs and participation, proposal evidence and the kabupaten's result (issue 6).

Loaded by tests/puskesos/test_permission_matrix.py (see its EXTRA_MODULES)."""

import datetime

from django.core.files.base import ContentFile

from beneficiaries.models import (
    PreListProposal,
    ProfileChange,
    Programme,
    ProgrammeNeed,
    ProposalMember,
    ProposalPhoto,
)
from puskesos.roles import Role
from tests.beneficiaries.factories import make_household
from tests.factories import make_staff
from tests.intake.factories import jpeg_attachment

ANON = "anonymous"
LOGIN = 302


def every(status, **overrides):
    table = {role: status for role in [ANON, *Role]}
    table.update({Role[k] if k != "anonymous" else ANON: v for k, v in overrides.items()})
    return table


# Who records on the register's households: the desk, the back office, the Koordinator
# and the Fasilitator of the village; the others read.
RECORDERS = ("FRONT_OFFICE", "BACK_OFFICE", "COORDINATOR", "FACILITATOR")


def recorders(status):
    return every(403, anonymous=LOGIN, **{role: status for role in RECORDERS})


ROWS = {
    "change-create": ("upkeep-household", recorders((200, 404))),
    # POST-only steps: a GET is refused as a method (405) once the role may act.
    "need-create": ("upkeep-household", recorders(405)),
    "participation-create": ("upkeep-household", recorders(405)),
    "need-met": ("upkeep-need", recorders(405)),
    "change-list": (None, every(200, anonymous=LOGIN)),
    "change-detail": ("upkeep-change", every((200, 404), anonymous=LOGIN)),
    "change-evidence": ("upkeep-change", every((200, 404), anonymous=LOGIN)),
    "proposal-photo-add": ("upkeep-proposal", recorders(405)),
    "proposal-photo": ("upkeep-photo", every((200, 404), anonymous=LOGIN)),
    "proposal-result": ("upkeep-proposal", every(403, anonymous=LOGIN, COORDINATOR=405)),
}


def _objects(org, village):
    cache = org.__dict__.setdefault("_upkeep", {})
    if village.pk not in cache:
        clerk = make_staff(Role.FRONT_OFFICE, village, username=f"fo.upkeep.{village.pk}")
        household = make_household(village, ["ASEP SUNANDAR", "SITI AMINAH"])
        person = household.members.first()
        change = ProfileChange(village=village, household=household, person=person,
                               kind=ProfileChange.Kind.DIED, reporter="Iis, istri",
                               event_date=datetime.date(2026, 10, 1), recorded_by=clerk,
                               content_type="image/jpeg", extension=".jpg")
        change.evidence.save("bukti.jpg", ContentFile(jpeg_attachment().content), save=False)
        change.save()
        need = ProgrammeNeed.objects.create(
            village=village, household=household, person=person,
            programme=Programme.objects.get(code="pip"), created_by=clerk)
        proposal = PreListProposal.objects.create(
            village=village, address="Kp. Sukamaju", reason="Rumah tidak layak huni.",
            created_by=clerk)
        ProposalMember.objects.create(proposal=proposal, name="UJANG", relation=1)
        photo = ProposalPhoto(proposal=proposal, content_type="image/jpeg", extension=".jpg",
                              uploaded_by=clerk)
        photo.file.save("bukti.jpg", ContentFile(jpeg_attachment().content), save=False)
        photo.save()
        cache[village.pk] = {"household": household, "change": change, "need": need,
                             "proposal": proposal, "photo": photo}
    return cache[village.pk]


def _pk(name):
    return lambda org, village: {"pk": _objects(org, village)[name].pk}


KINDS = {
    "upkeep-household": _pk("household"),
    "upkeep-change": _pk("change"),
    "upkeep-need": _pk("need"),
    "upkeep-proposal": _pk("proposal"),
    "upkeep-photo": _pk("photo"),
}
