"""What the citizen may read about a complaint: its stages and dates, found with the
registration number and the tracking code printed on the receipt.

Nothing here returns personal data. A look-up with a wrong number or a wrong code
does the same database work as a right one (the stages are built against a stand-in
complaint) and answers the same ``None``, so the page reveals neither whether a
number exists nor which half was wrong.
"""

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from referrals.models import TRACKING_LENGTH, Complaint

# The stages a complaint normally passes, for the steps still ahead.
AHEAD = {
    Complaint.State.REGISTERED: [
        [Complaint.State.REVIEWED],
        [Complaint.State.HANDLED, Complaint.State.REFERRED],
        [Complaint.State.CLOSED],
    ],
    Complaint.State.REVIEWED: [
        [Complaint.State.HANDLED, Complaint.State.REFERRED],
        [Complaint.State.CLOSED],
    ],
    Complaint.State.HANDLED: [[Complaint.State.CLOSED]],
    Complaint.State.REFERRED: [[Complaint.State.CLOSED]],
    Complaint.State.CLOSED: [],
}


@dataclass(frozen=True)
class Stage:
    label: str
    at: datetime | None = None  # None: a step still ahead


@dataclass(frozen=True)
class PublicStatus:
    """The public face of one complaint: no name, NIK, address or description."""

    registration_number: str
    village_name: str
    category: str
    kind: str
    programme: str
    sector: str
    state: str
    closed: bool
    respond_by: date
    outcome: str
    stages: list[Stage]
    ahead: list[str]


def normalise_number(value: str) -> str:
    """``" 3204172001-202611-0007 "`` as typed → as stored (no spaces, upper case)."""
    return re.sub(r"\s+", "", value or "").upper()


def normalise_code(value: str) -> str:
    """``"abcd-efgh"``, ``"ABCD EFGH"`` → ``"ABCDEFGH"``."""
    return re.sub(r"[\s\-–—_.]+", "", value or "").upper()


def group_tracking_code(code: str) -> str:
    """``"ABCDEFGH"`` → ``"ABCD-EFGH"``, easier to read out and copy by hand."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) >= 4 else code


def status_page_url(request) -> str:
    return request.build_absolute_uri(reverse("public-status"))


def status_url(request, complaint: Complaint) -> str:
    """The public status page with this complaint's number and code filled in (the
    receipt's QR code)."""
    query = urlencode({"nomor": complaint.registration_number,
                       "kode": complaint.tracking_code})
    return f"{status_page_url(request)}?{query}"


def complaint_stages(complaint: Complaint) -> list[Stage]:
    """Terdaftar, then every recorded transition (django-fsm-log) with its time."""
    stages = [Stage(str(Complaint.State.REGISTERED.label), complaint.created_at)]
    logs = StateLog.objects.for_(complaint).order_by("timestamp", "pk")
    for state, timestamp in logs.values_list("state", "timestamp"):
        try:
            label = Complaint.State(state).label
        except ValueError:
            continue
        stages.append(Stage(str(label), timestamp))
    return stages


def _stand_in() -> Complaint:
    """A complaint that matches no code, so that a miss costs what a hit costs."""
    return Complaint(pk=0, tracking_code="", created_at=timezone.now())


def public_status(*, number: str, code: str) -> PublicStatus | None:
    """The citizen's look-up: the complaint's public status when the registration
    number and the tracking code belong together, otherwise ``None``."""
    number, code = normalise_number(number), normalise_code(code)
    found = (
        Complaint.objects.select_related("village", "programme", "sector")
        .filter(registration_number=number)
        .first()
    )
    candidate = found or _stand_in()
    # Constant-time comparison; the stand-in's empty code never matches.
    matches = hmac.compare_digest(candidate.tracking_code.encode(), code.encode())
    matches = matches and found is not None and len(code) == TRACKING_LENGTH
    stages = complaint_stages(candidate)
    if not matches:
        return None
    state = Complaint.State(found.state)
    return PublicStatus(
        registration_number=found.registration_number,
        village_name=str(found.village),
        category=found.get_category_display(),
        kind=found.get_kind_display(),
        programme=found.programme.name if found.programme else "",
        sector=found.sector.name,
        state=str(state.label),
        closed=state == Complaint.State.CLOSED,
        respond_by=found.respond_by,
        outcome=found.public_outcome.strip(),
        stages=stages,
        ahead=[" / ".join(str(s.label) for s in step) for step in AHEAD.get(state, [])],
    )
