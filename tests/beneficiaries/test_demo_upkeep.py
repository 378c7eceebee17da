"""seed_demo shows what keeps the register current: profile changes (one decided at the
closed Musyawarah Desa), confirmed and dismissed needs, a participation from the desk."""

import pytest
from django.core.management import call_command

from beneficiaries.models import MeetingDecision, Participation, ProfileChange, ProgrammeNeed


@pytest.mark.django_db
def test_seed_demo_records_changes_needs_and_a_decided_change():
    call_command("seed_demo", people=300, verbosity=0)
    kinds = set(ProfileChange.objects.values_list("kind", flat=True))
    assert {"anggota_baru", "meninggal", "koreksi"} <= kinds  # (reports.demo adds history)
    decided = MeetingDecision.objects.get(change__isnull=False)
    assert decided.change.status == "disetujui"
    assert decided.meeting.status == "ditutup"
    assert ProfileChange.objects.filter(kind="meninggal").exclude(evidence="").exists()
    assert ProgrammeNeed.objects.filter(status="dikonfirmasi").count() >= 4
    assert ProgrammeNeed.objects.filter(status="ditolak").exists()
    assert Participation.objects.filter(source="meja").exists()
    counts = ProfileChange.objects.count(), ProgrammeNeed.objects.count()
    call_command("seed_demo", people=300, verbosity=0)  # once only
    assert (ProfileChange.objects.count(), ProgrammeNeed.objects.count()) == counts
