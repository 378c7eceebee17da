"""The complaint workflow's read side: the back office's triage queue, how late each
complaint is against its deadline (in working days), the complaint page's register
context and its timeline.

Deadlines per stage (DeadlineRule per category, in working days from the day the
complaint was registered):

- ``registered``: the review is due ``review_days`` after registration;
- ``reviewed``: the decision (handle or refer) is due ``decision_days`` after it;
- ``referred``: the earliest ``respond_by`` of a referral that was sent and is not
  answered yet (no response, or "reviewed further");
- ``handled`` and ``closed``: no deadline.

A complaint is *overdue* (red) once its due date has passed, *due soon* (amber) when
at most one working day is left, *on time* (green) otherwise. The same rule is
written twice: in Python for the rows shown (:meth:`Deadlines.ageing`) and as SQL
conditions for the filters and the counts (:meth:`Deadlines.age_q`). Both use one
calendar loaded once per request (:class:`Deadlines`).
"""

import copy
import datetime
from dataclasses import dataclass
from itertools import count
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_fsm_log.models import StateLog

from beneficiaries.models import Participation
from puskesos.scoping import scope, visible_villages

from . import services
from .calendar import add_working_days, is_working_day, working_days_between
from .models import Complaint, ComplaintEvent, DayOff, DeadlineRule, Referral

State = Complaint.State
DEADLINE_STATES = (State.REGISTERED, State.REVIEWED, State.REFERRED)
OPEN_STATES = (State.REGISTERED, State.REVIEWED, State.HANDLED, State.REFERRED)


class Age:
    OVERDUE = "lewat"
    SOON = "segera"
    ON_TIME = "tepat"
    NONE = ""

    CHOICES = [
        (OVERDUE, gettext_lazy("Lewat batas waktu")),
        (SOON, gettext_lazy("Batas ≤ 1 hari kerja")),
        (ON_TIME, gettext_lazy("Masih dalam batas")),
    ]


@dataclass(frozen=True)
class Ageing:
    """Where a complaint stands against the deadline of its current stage."""

    due: datetime.date | None
    level: str  # one of Age.*
    text: str

    @property
    def colour(self) -> str:
        """Bootstrap colour name for the badge."""
        return {Age.OVERDUE: "danger", Age.SOON: "warning",
                Age.ON_TIME: "success"}.get(self.level, "secondary")


def pending_referrals() -> QuerySet[Referral]:
    """Referrals sent to an agency whose answer is still awaited."""
    return Referral.objects.filter(respond_by__isnull=False).filter(
        Q(response="") | Q(response=Referral.Response.REVIEWING))


def with_referral_due(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Annotate ``referral_due``: the earliest answer date of the pending referrals."""
    earliest = (pending_referrals().filter(complaint=OuterRef("pk"))
                .order_by("respond_by").values("respond_by")[:1])
    return queryset.annotate(referral_due=Subquery(earliest))


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def start_of(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day`` (for comparisons with ``created_at``)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Deadlines:
    """The deadline rules and the local days off, read once (two queries), and
    ``today``: everything a list page needs to compute ageing for any number of rows."""

    def __init__(self, *, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.rules = {rule.category: rule for rule in DeadlineRule.objects.all()}
        # The table holds a handful of days a year: all of it, once.
        self.days_off = frozenset(DayOff.objects.values_list("date", flat=True))
        # "Due soon": at most one working day left, i.e. due before the 2nd one.
        self.soon_limit = self.add(self.today, 2) - datetime.timedelta(days=1)

    def rule(self, category) -> DeadlineRule:
        return self.rules.get(category, services.DEFAULT_RULE)

    def add(self, start: datetime.date, days: int) -> datetime.date:
        return add_working_days(start, days, days_off=self.days_off)

    def between(self, start: datetime.date, end: datetime.date) -> int:
        return working_days_between(start, end, days_off=self.days_off)

    def stage_days(self, state, category) -> int | None:
        rule = self.rule(category)
        if state == State.REGISTERED:
            return rule.review_days
        if state == State.REVIEWED:
            return rule.decision_days
        return None

    # -- one complaint (Python) ---------------------------------------------------------

    def due(self, complaint: Complaint) -> datetime.date | None:
        """The due date of the complaint's current stage (None: no deadline)."""
        if complaint.state == State.REFERRED:
            return getattr(complaint, "referral_due", None)
        days = self.stage_days(complaint.state, complaint.category)
        if days is None:
            return None
        return self.add(local_date(complaint.created_at), days)

    def ageing(self, complaint: Complaint) -> Ageing:
        due = self.due(complaint)
        if due is None:
            if complaint.state == State.REFERRED:
                return Ageing(None, Age.NONE, _("menunggu rujukan dikirim"))
            if complaint.state == State.HANDLED:
                return Ageing(None, Age.NONE, _("tinggal ditutup"))
            return Ageing(None, Age.NONE, "")
        return self.ageing_of(due)

    def ageing_of(self, due: datetime.date) -> Ageing:
        today = self.today
        if due < today:
            late = self.between(due, today)
            if late == 0:  # due on a Friday, seen on the Saturday
                return Ageing(due, Age.OVERDUE, _("lewat batas waktu"))
            return Ageing(due, Age.OVERDUE, ngettext(
                "lewat %(n)d hari kerja", "lewat %(n)d hari kerja", late) % {"n": late})
        left = self.between(today, due)
        level = Age.SOON if due <= self.soon_limit else Age.ON_TIME
        if left == 0:
            return Ageing(due, level, _("batas hari ini"))
        return Ageing(due, level, ngettext(
            "sisa %(n)d hari kerja", "sisa %(n)d hari kerja", left) % {"n": left})

    # -- many complaints (SQL) ----------------------------------------------------------

    def _start_bound(self, limit: datetime.date, days: int) -> datetime.date:
        """The day D such that a complaint registered on C is due (``days`` working
        days later) on or before ``limit`` exactly when C < D: D is the ``days``-th
        working day counted back from ``limit`` (inclusive)."""
        if days == 0:
            return limit + datetime.timedelta(days=1)
        day, found = limit, 0
        while True:
            if is_working_day(day, self.days_off):
                found += 1
                if found == days:
                    return day
            day -= datetime.timedelta(days=1)

    def _stage_q(self, state, lower: datetime.date | None,
                 upper: datetime.date | None) -> Q:
        """Complaints in ``state`` whose due date is in (lower, upper] (None: open)."""
        parts = Q(pk__in=[])
        for category in Complaint.Category.values:
            days = self.stage_days(state, category)
            cond = Q(state=state, category=category)
            if lower is not None:
                cond &= Q(created_at__gte=start_of(self._start_bound(lower, days)))
            if upper is not None:
                cond &= Q(created_at__lt=start_of(self._start_bound(upper, days)))
            parts |= cond
        return parts

    def age_q(self, level: str) -> Q:
        """The complaints at ``level`` (Age.OVERDUE / SOON / ON_TIME) as a filter."""
        yesterday = self.today - datetime.timedelta(days=1)
        bounds = {Age.OVERDUE: (None, yesterday), Age.SOON: (yesterday, self.soon_limit),
                  Age.ON_TIME: (self.soon_limit, None)}[level]
        lower, upper = bounds
        query = self._stage_q(State.REGISTERED, lower, upper) | self._stage_q(
            State.REVIEWED, lower, upper)
        pending = pending_referrals().filter(complaint=OuterRef("pk"))

        def due_by(day):
            return Exists(pending.filter(respond_by__lte=day))

        if level == Age.OVERDUE:
            referred = due_by(yesterday)
        elif level == Age.SOON:
            referred = ~due_by(yesterday) & due_by(self.soon_limit)
        else:
            referred = Exists(pending) & ~due_by(self.soon_limit)
        return query | (Q(state=State.REFERRED) & referred)


# -- the triage queue -------------------------------------------------------------------


def complaint_queryset(user) -> QuerySet[Complaint]:
    """The complaints ``user`` may see, with what a row or the page shows."""
    return with_referral_due(scope(Complaint.objects.all(), user).select_related(
        "visit", "programme", "sector", "assigned_to", "village"))


def village_officers(villages) -> QuerySet:
    """Active staff of ``villages`` who may review complaints (may be assigned one)."""
    perm = Q(codename="review_complaint", content_type__app_label="referrals")
    from django.contrib.auth.models import Permission

    holders = Permission.objects.filter(perm)
    return (get_user_model().objects.filter(is_active=True, staff_profile__village__in=villages)
            .filter(Q(groups__permissions__in=holders) | Q(user_permissions__in=holders))
            .distinct().order_by("first_name", "username"))


def queue_officers(user) -> QuerySet:
    return village_officers(visible_villages(user).values("pk"))


def queue_dusun_names(user) -> list[str]:
    return list(scope(Complaint.objects.all(), user).exclude(visit__dusun="")
                .order_by("visit__dusun").values_list("visit__dusun", flat=True).distinct())


UNASSIGNED = "belum"


def filter_complaints(queryset, *, deadlines: Deadlines, category="", programme=None,
                      sector=None, dusun="", channel="", officer="", age="",
                      q="") -> QuerySet[Complaint]:
    """The queue's filters except the state tab (the tabs count what the filters leave)."""
    if category:
        queryset = queryset.filter(category=category)
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if sector is not None:
        queryset = queryset.filter(sector=sector)
    if dusun:
        queryset = queryset.filter(visit__dusun__iexact=dusun)
    if channel:
        queryset = queryset.filter(visit__channel=channel)
    if officer == UNASSIGNED:
        queryset = queryset.filter(assigned_to__isnull=True)
    elif officer:
        queryset = queryset.filter(assigned_to_id=officer)
    if age:
        queryset = queryset.filter(deadlines.age_q(age))
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(registration_number__icontains=q.replace(" ", ""))
                                   | Q(visit__name__icontains=q))
    return queryset


@dataclass(frozen=True)
class StateCount:
    state: str  # "" for the open ones, "semua" for all
    label: str
    total: int
    overdue: int


ALL = "semua"


def state_counts(queryset, *, deadlines: Deadlines) -> list[StateCount]:
    """Per state tab: how many complaints, and how many of them are overdue (one query)."""
    overdue = deadlines.age_q(Age.OVERDUE)
    aggregates = {}
    for state in State.values:
        aggregates[f"{state}_total"] = Count("pk", filter=Q(state=state))
        aggregates[f"{state}_overdue"] = Count("pk", filter=Q(state=state) & overdue)
    row = queryset.order_by().aggregate(**aggregates)
    per_state = [StateCount(state, str(State(state).label), row[f"{state}_total"],
                            row[f"{state}_overdue"]) for state in State.values]
    open_rows = [c for c in per_state if c.state in OPEN_STATES]
    return [
        StateCount("", _("Belum selesai"), sum(c.total for c in open_rows),
                   sum(c.overdue for c in open_rows)),
        *per_state,
        StateCount(ALL, _("Semua"), sum(c.total for c in per_state),
                   sum(c.overdue for c in per_state)),
    ]


def filter_state(queryset, state: str) -> QuerySet[Complaint]:
    """The state tab: "" the open complaints (oldest first, as they wait), ``semua`` all,
    else one state; closed ones newest first."""
    if state == ALL:
        return queryset.order_by("-created_at", "-pk")
    if state == State.CLOSED:
        return queryset.filter(state=state).order_by("-closed_at", "-pk")
    if state:
        return queryset.filter(state=state).order_by("created_at", "pk")
    return queryset.exclude(state=State.CLOSED).order_by("created_at", "pk")


def attach_ageing(complaints, *, deadlines: Deadlines) -> list[Complaint]:
    """Set ``.ageing`` on each complaint of a page (no query)."""
    complaints = list(complaints)
    for complaint in complaints:
        complaint.ageing = deadlines.ageing(complaint)
    return complaints


# -- the complaint page -----------------------------------------------------------------


@dataclass(frozen=True)
class RegisterContext:
    household: object
    desil: int | None
    programmes: tuple[str, ...]
    others: list  # other complaints of the same household (or NIK)


def register_context(complaint: Complaint, *, user) -> RegisterContext:
    """The household of the register behind a complaint: desil, active programmes, and
    the other complaints of that household or of the same NIK."""
    visit = complaint.visit
    household = visit.household
    programmes: tuple[str, ...] = ()
    if household is not None:
        names = (Participation.objects.filter(household=household, active=True)
                 .order_by("programme__order", "programme__code")
                 .values_list("programme__short_name", flat=True))
        programmes = tuple(dict.fromkeys(names))
    same = Q(pk__in=[])
    if household is not None:
        same |= Q(visit__household=household)
    if visit.nik:
        same |= Q(visit__nik=visit.nik)
    others = list(scope(Complaint.objects.filter(same).exclude(pk=complaint.pk), user)
                  .select_related("programme").order_by("-created_at")[:20])
    return RegisterContext(household, household.desil if household else None, programmes,
                           others)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    actor: object
    title: str
    note: str
    kind: str  # "registered", "transition", an event kind
    icon: str


TRANSITION_LABELS = {
    t.name: str(t.custom.get("label", t.name))
    for t in Complaint._meta.get_field("state").get_all_transitions(Complaint)
}
EVENT_ICONS = {
    ComplaintEvent.Kind.ASSIGNED: "person-check",
    ComplaintEvent.Kind.CORRECTED: "pencil-square",
    ComplaintEvent.Kind.NOTE: "chat-left-text",
    ComplaintEvent.Kind.REFERRAL_PROPOSED: "send",
    ComplaintEvent.Kind.REFERRAL_APPROVED: "check2-square",
    ComplaintEvent.Kind.REFERRAL_DECLINED: "x-square",
    ComplaintEvent.Kind.REFERRAL_SENT: "envelope-paper",
    ComplaintEvent.Kind.REFERRAL_RESPONSE: "reply",
    ComplaintEvent.Kind.INFORMED: "megaphone",
}


def _state_label(value) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


def complaint_timeline(complaint: Complaint) -> list[TimelineEntry]:
    """Everything that happened to a complaint, oldest first: its registration at the
    desk, the state changes (django-fsm-log, with the note given) and the other
    recorded steps (assignment, corrections, referrals, informing the citizen)."""
    order = count()
    entries = [(complaint.created_at, next(order), TimelineEntry(
        complaint.created_at, complaint.created_by, _("Dicatat di loket"),
        complaint.visit.get_channel_display(), "registered", "pencil"))]
    for log in StateLog.objects.for_(complaint).select_related("by").order_by("timestamp", "pk"):
        step = TRANSITION_LABELS.get(log.transition, log.transition)
        title = f"{step}: {_state_label(log.source_state)} → {_state_label(log.state)}"
        entries.append((log.timestamp, next(order), TimelineEntry(
            log.timestamp, log.by, title, log.description or "", "transition",
            "arrow-right-circle")))
    for event in complaint.events.select_related("actor").order_by("created_at", "pk"):
        entries.append((event.created_at, next(order), TimelineEntry(
            event.created_at, event.actor, event.get_kind_display(), event.text, event.kind,
            EVENT_ICONS.get(event.kind, "dot"))))
    entries.sort(key=lambda row: (row[0], row[1]))
    return [entry for _at, _n, entry in entries]


# -- telling the citizen ----------------------------------------------------------------


def whatsapp_number(phone: str) -> str:
    """An Indonesian phone number as wa.me wants it (62…, digits only); "" when it does
    not look like one. 0812…, +62 812…, 62812…, 812… are all the same number."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("62") or not 10 <= len(digits) <= 15:
        return ""
    return digits


def whatsapp_text(complaint: Complaint, *, status_url: str) -> str:
    """The message for the citizen: number, status and the public tracking link. No name,
    NIK or address: a WhatsApp message may be read by anyone holding the phone."""
    return _(
        "Puskesos Desa %(village)s: pengaduan Anda nomor %(number)s saat ini berstatus "
        "«%(state)s». Lihat perkembangannya di %(url)s"
    ) % {"village": complaint.village.name, "number": complaint.registration_number,
         "state": complaint.get_state_display(), "url": status_url}


def whatsapp_url(complaint: Complaint, *, status_url: str) -> str | None:
    """A one-click wa.me link to the subject's phone (or the reporter's), prefilled."""
    visit = complaint.visit
    number = whatsapp_number(visit.phone) or whatsapp_number(visit.reporter_phone)
    if not number:
        return None
    text = whatsapp_text(complaint, status_url=status_url)
    return f"https://wa.me/{number}?{urlencode({'text': text})}"


# -- the steps offered on the complaint page --------------------------------------------

# django-fsm checks a transition's conditions on the complaint as it is, but ``handle``
# and ``close`` are conditional on fields their own forms fill in. The page asks "could
# this step go through once its form is filled?" on a copy with those fields filled.
FILLED_BY_THE_FORM = {
    "handling_action": Complaint.HandlingAction.OTHER,
    "handling_notes": "-",
    "outcome": Complaint.Outcome.RESOLVED,
    "public_outcome": "-",
}
# Steps worth a hint when the user holds the role but the step is not open yet.
WAITING_HINTS = ("refer", "close")


def offered_transitions(complaint: Complaint, user) -> list:
    """The workflow steps to offer ``user`` on the complaint page now."""
    probe = copy.copy(complaint)
    for field, value in FILLED_BY_THE_FORM.items():
        if not getattr(probe, field):
            setattr(probe, field, value)
    return services.available_transitions(probe, user)


def waiting_steps(complaint: Complaint, user, offered) -> list[tuple[str, str]]:
    """(label, what is missing) for steps the user could take but not yet."""
    names = {t.name for t in offered}
    waiting = []
    for t in Complaint._meta.get_field("state").get_all_transitions(Complaint):
        if (t.name in WAITING_HINTS and t.name not in names and t.source == complaint.state
                and user.has_perm(t.permission)):
            waiting.append((str(t.custom.get("label", t.name)),
                            str(services.CONDITION_MESSAGES[t.name])))
    return waiting
