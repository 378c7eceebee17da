"""A registration that fails after its attachments were written leaves no file behind:
the rows roll back, and so do the files (puskesos.files.removed_on_error)."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from beneficiaries import upkeep
from intake.models import Attachment, Visit
from intake.services import register_visit
from puskesos.roles import Role
from referrals.models import Complaint, Sector
from tests.beneficiaries.factories import make_household
from tests.intake.factories import jpeg_attachment

pytestmark = pytest.mark.django_db


def stored_files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_a_failed_registration_leaves_no_attachment_on_disk(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clerk = org.users[Role.FRONT_OFFICE]
    with pytest.raises(IntegrityError):
        register_visit(
            village=org.own, user=clerk, submission_key=uuid.uuid4(),
            visit_data={"purpose": Visit.Purpose.COMPLAINT, "name": "ASEP",
                        "channel": Visit.Channel.DESK},
            attachments=[(Attachment.Kind.HOUSE_PHOTO, jpeg_attachment()),
                         (Attachment.Kind.KTP, jpeg_attachment())],
            # No description: the complaint's insert fails after the files were written.
            complaint_data={"category": Complaint.Category.PARTICIPATION,
                            "sector": Sector.objects.first(), "description": None})
    assert not Visit.objects.exists() and not Attachment.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_successful_registration_keeps_its_files(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit, created = register_visit(
        village=org.own, user=org.users[Role.FRONT_OFFICE], submission_key=uuid.uuid4(),
        visit_data={"purpose": Visit.Purpose.INFORMATION, "name": "ASEP",
                    "channel": Visit.Channel.DESK},
        attachments=[(Attachment.Kind.KTP, jpeg_attachment())])
    assert created
    assert len(stored_files(tmp_path)) == 1


def test_a_refused_change_leaves_no_evidence_on_disk(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    household = make_household(org.own, ["ASEP SUNANDAR"])
    with pytest.raises(ValidationError):
        # Refused after the evidence was written (a model check on the reporter's length).
        upkeep.record_change(household=household, user=org.users[Role.FRONT_OFFICE],
                             kind="mampu", reporter="x" * 151, evidence=jpeg_attachment())
    assert stored_files(tmp_path) == []
