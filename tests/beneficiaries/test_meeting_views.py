"""The Musyawarah Desa pages: create, agenda, decide on one page, close, PDF, export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.models import MeetingDecision, VillageMeeting
from puskesos.roles import Role

from .test_meetings import ready_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def koor_client(client, org):
    client.force_login(org.users[Role.COORDINATOR])
    return client


def test_a_whole_meeting_through_the_pages(koor_client, org):
    first, second = ready_proposal(org, serial=1), ready_proposal(org, serial=2, head="IMAS")
    response = koor_client.post(reverse("meeting-create"), {
        "date": "2026-11-20", "place": "Balai Desa", "chair": "H. Asep Suhendar",
        "participants": "Ketua BPD\nTKSK"})
    meeting = VillageMeeting.objects.get()
    assert response.url == reverse("meeting-detail", args=[meeting.pk])
    page = koor_client.get(response.url).content.decode()
    assert f'value="{first.pk}"' in page and 'data-testid="attach-form"' in page
    koor_client.post(reverse("meeting-attach", args=[meeting.pk]),
                     {"usulan": [first.pk, second.pk]})
    assert meeting.decisions.count() == 2
    decide = reverse("meeting-decide", args=[meeting.pk])
    refused = koor_client.post(decide, {"usulan": second.pk, "keputusan": "tidak_layak"})
    assert refused.status_code == 400 and "Tulis alasan" in refused.content.decode()
    koor_client.post(decide, {"usulan": first.pk, "keputusan": "layak"})
    koor_client.post(decide, {"usulan": second.pk, "keputusan": "tidak_layak",
                              "alasan": "Mampu."})
    koor_client.post(reverse("meeting-close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == "ditutup"
    again = koor_client.post(reverse("meeting-close", args=[meeting.pk]))
    assert again.status_code == 400 and "sudah ditutup" in again.content.decode()
    late = koor_client.post(decide, {"usulan": first.pk, "keputusan": "tidak_layak",
                                     "alasan": "x"})
    assert late.status_code == 400
    assert MeetingDecision.objects.get(proposal=first).decision == "layak"

    pdf = koor_client.get(reverse("meeting-minutes", args=[meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    export = koor_client.get(reverse("meeting-export", args=[meeting.pk]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + first.members.count()


def test_minutes_of_an_open_meeting_are_not_given(koor_client, org):
    koor_client.post(reverse("meeting-create"), {"date": "2026-11-20", "place": "Balai",
                                                 "chair": "Kades"})
    meeting = VillageMeeting.objects.get()
    assert koor_client.get(reverse("meeting-minutes", args=[meeting.pk])).status_code == 403
    response = koor_client.get(reverse("meeting-export", args=[meeting.pk]), follow=True)
    assert "setelah musyawarah ditutup" in response.content.decode()


def test_missing_place_keeps_the_form(koor_client):
    response = koor_client.post(reverse("meeting-create"), {"date": "2026-11-20",
                                                            "place": "", "chair": "Kades"})
    assert response.status_code == 400 and not VillageMeeting.objects.exists()
    assert 'value="Kades"' in response.content.decode()
