"""The figures of the periodic report: what a village's Puskesos did in a period, each
figure beside the previous period's.

Public entry points (read-only selectors, safe to call from any view or task):

- :func:`village_figures` ``(village, period) -> dict``: one village's report figures;
- :func:`area_figures` ``(villages, period) -> dict``: the same per village and in
  total, for the kecamatan and kabupaten reports (the same ~20 queries whatever the
  number of villages: every query groups by village);
- :func:`table` / :func:`number`: read one table or number out of a figures dict.

The result is plain JSON (it is stored as such when a report is issued)::

    {
      "version": 1,
      "period": {"key": "2026-11", "kind": "monthly", "label": "November 2026",
                 "start": "2026-11-01", "end": "2026-11-30"},
      "previous_period": {"key": "2026-10", "label": "Oktober 2026"},
      "villages": ["32.04.17.2001"],
      "numbers": {"visits": {"label": "Kunjungan", "value": 12, "previous": 9}, …},
      "tables": {"complaints_by_category": {"title": …, "unit": …,
                 "rows": [{"label": "Kepesertaan", "value": 5, "previous": 3}, …],
                 "total": {"value": 8, "previous": 4}}, …},
      "times": [{"label": "Telaah", "count": 4, "median_days": 2.0, "within": 3,
                 "share": 75, "deadline_days": "3", "previous": {…}}, …],
      "trend": {"labels": ["Des 25", …, "Nov 26"], "series": {"Kunjungan": […], …}},
      "empty": false,
    }

What is counted (all boundaries in Asia/Jakarta, see :mod:`reports.periods`):

- *layanan*: queue numbers taken on a day of the period (by status), desk visits
  registered in the period by purpose and channel;
- *pengaduan*: complaints registered in the period by category, type, programme,
  sector, and by their state at the end of the period (from the workflow's log);
- *penanganan*: decisions taken in the period: handled in the village, referred,
  closed (workflow log); referrals sent in the period by agency, answers received in
  the period by response, referrals still awaiting an answer at the end of the period;
- *waktu penanganan*: working days from registration to review and to the decision,
  and from sending to the agency's answer, for the steps taken in the period; the
  median and the share within the deadline (DeadlineRule, working days);
- *usulan dan musyawarah*: pre-list proposals recorded, village meetings held and
  their decisions (proposals and profile changes, layak / tidak layak);
- *perubahan data*: profile changes recorded in the period by kind and status;
- *PPKS*: people recorded with a PPKS type by the end of the period (still present
  in the register), per cluster (a person in two clusters counts in both, once in
  the total), and how many were recorded in the period;
- *kepesertaan*: active programme participation recorded by the end of the period,
  per programme (households for household programmes, people for individual ones);
  participation recorded at the desk or on home visits in the period;
- *kebutuhan*: programme needs recorded in the period by programme and status.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django_fsm_log.models import StateLog

from beneficiaries.models import (
    MeetingDecision,
    Participation,
    PersonPpks,
    PpksCluster,
    PreListProposal,
    ProfileChange,
    Programme,
    ProgrammeNeed,
    VillageMeeting,
)
from beneficiaries.models import Person as RegisterPerson
from intake.models import QueueTicket, Visit
from puskesos.models import Village
from referrals.models import Agency, Complaint, Referral, Sector
from referrals.selectors import Deadlines

from .periods import MONTHLY, Period

VERSION = 1
NO_PROGRAMME = "Tanpa program"


@dataclass
class Raw:
    """Counts and durations of one village (or several, added up) in one period."""

    counts: Counter = field(default_factory=Counter)
    # stage -> [(working days, within the deadline)]
    durations: dict = field(default_factory=lambda: defaultdict(list))

    def __add__(self, other: Raw) -> Raw:
        durations = defaultdict(list)
        for source in (self.durations, other.durations):
            for stage, values in source.items():
                durations[stage].extend(values)
        return Raw(self.counts + other.counts, durations)


# -- collecting: one query per source, grouped by village ----------------------------------


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _collect(village_ids: list[int], period: Period, deadlines: Deadlines) -> dict[int, Raw]:
    raws: dict[int, Raw] = {pk: Raw() for pk in village_ids}
    start, end = period.start_at, period.end_at
    in_period = {"created_at__gte": start, "created_at__lt": end}

    def add(village_id, key, n=1):
        raws[village_id].counts[key] += n

    # Layanan: queue numbers and visits.
    for row in (QueueTicket.objects.filter(village__in=village_ids, date__gte=period.start,
                                           date__lt=period.end)
                .values("village_id", "status").annotate(n=Count("pk"))):
        add(row["village_id"], ("ticket", row["status"]), row["n"])
    for row in (Visit.objects.filter(village__in=village_ids, **in_period)
                .values("village_id", "purpose", "channel").annotate(n=Count("pk"))):
        add(row["village_id"], ("visit_purpose", row["purpose"]), row["n"])
        add(row["village_id"], ("visit_channel", row["channel"]), row["n"])

    # Pengaduan registered in the period, and each one's state at the period's end.
    complaint_type = ContentType.objects.get_for_model(Complaint)
    period_complaints = Complaint.objects.filter(village__in=village_ids, **in_period)
    state_at_end: dict[int, str] = {}
    for log in (StateLog.objects.filter(content_type=complaint_type, timestamp__lt=end,
                                        object_id__in=period_complaints.values("pk"))
                .order_by("timestamp", "pk").values("object_id", "state")):
        state_at_end[log["object_id"]] = log["state"]
    for row in period_complaints.values("pk", "village_id", "category", "kind",
                                        "programme_id", "sector_id"):
        village_id = row["village_id"]
        add(village_id, ("complaint_category", row["category"]))
        add(village_id, ("complaint_kind", row["kind"]))
        add(village_id, ("complaint_programme", row["programme_id"]))
        add(village_id, ("complaint_sector", row["sector_id"]))
        add(village_id, ("complaint_state",
                         state_at_end.get(row["pk"], Complaint.State.REGISTERED.value)))

    # Decisions taken in the period (the workflow's log of transitions).
    complaint_village = Complaint.objects.filter(pk=OuterRef("object_id")).values("village_id")
    for row in (StateLog.objects
                .filter(content_type=complaint_type, timestamp__gte=start, timestamp__lt=end,
                        transition__in=("handle", "refer", "close"),
                        object_id__in=Complaint.objects.filter(village__in=village_ids)
                        .values("pk"))
                .annotate(village_id=Subquery(complaint_village))
                .values("village_id", "transition").annotate(n=Count("pk"))):
        add(row["village_id"], ("decision", row["transition"]), row["n"])

    # Handling times of the review and the decision taken in the period.
    steps = Complaint.objects.filter(village__in=village_ids).filter(
        Q(reviewed_at__gte=start, reviewed_at__lt=end)
        | Q(decided_at__gte=start, decided_at__lt=end))
    for row in steps.values("village_id", "category", "created_at", "reviewed_at",
                            "decided_at"):
        registered = _local_date(row["created_at"])
        rule = deadlines.rule(row["category"])
        for stage, moment, limit in (("review", row["reviewed_at"], rule.review_days),
                                     ("decision", row["decided_at"], rule.decision_days)):
            if moment is not None and start <= moment < end:
                days = deadlines.between(registered, _local_date(moment))
                raws[row["village_id"]].durations[stage].append((days, days <= limit))

    # Referrals: sent in the period (per agency), answered in the period (per response),
    # still awaiting an answer at the period's end.
    referrals = Referral.objects.filter(complaint__village__in=village_ids)
    for row in (referrals.filter(sent_at__gte=period.start, sent_at__lt=period.end)
                .values("complaint__village_id", "agency_id").annotate(n=Count("pk"))):
        add(row["complaint__village_id"], ("referral_agency", row["agency_id"]), row["n"])
    for row in (referrals.filter(response_date__gte=period.start, response_date__lt=period.end)
                .exclude(response="")
                .values("complaint__village_id", "response", "sent_at", "response_date",
                        "respond_by")):
        village_id = row["complaint__village_id"]
        add(village_id, ("referral_response", row["response"]))
        if row["response"] != Referral.Response.REVIEWING and row["sent_at"]:
            days = deadlines.between(row["sent_at"], row["response_date"])
            within = row["respond_by"] is None or row["response_date"] <= row["respond_by"]
            raws[village_id].durations["answer"].append((days, within))
    for row in (referrals.filter(sent_at__lt=period.end)
                .filter(Q(response_date__isnull=True) | Q(response_date__gte=period.end)
                        | Q(response=Referral.Response.REVIEWING))
                .values("complaint__village_id").annotate(n=Count("pk"))):
        add(row["complaint__village_id"], ("referral_awaiting",), row["n"])

    # Pre-list proposals, village meetings and their decisions.
    for row in (PreListProposal.objects.filter(village__in=village_ids, **in_period)
                .values("village_id").annotate(n=Count("pk"))):
        add(row["village_id"], ("proposals",), row["n"])
    meetings = VillageMeeting.objects.filter(village__in=village_ids, date__gte=period.start,
                                             date__lt=period.end)
    for row in meetings.values("village_id").annotate(n=Count("pk")):
        add(row["village_id"], ("meetings",), row["n"])
    subject = Case(When(change__isnull=False, then=Value("change")), default=Value("proposal"),
                   output_field=CharField())
    for row in (MeetingDecision.objects.filter(meeting__in=meetings).exclude(decision="")
                .annotate(subject=subject)
                .values("meeting__village_id", "subject", "decision").annotate(n=Count("pk"))):
        add(row["meeting__village_id"], ("meeting_decision", row["subject"], row["decision"]),
            row["n"])

    # Profile changes and programme needs recorded in the period.
    for row in (ProfileChange.objects.filter(village__in=village_ids, **in_period)
                .values("village_id", "kind", "status").annotate(n=Count("pk"))):
        add(row["village_id"], ("change_kind", row["kind"]), row["n"])
        add(row["village_id"], ("change_status", row["status"]), row["n"])
    for row in (ProgrammeNeed.objects.filter(village__in=village_ids, **in_period)
                .values("village_id", "programme_id", "status").annotate(n=Count("pk"))):
        add(row["village_id"], ("need_programme", row["programme_id"]), row["n"])
        add(row["village_id"], ("need_status", row["status"]), row["n"])

    # PPKS recorded by the end of the period, of people still in the register.
    ppks = PersonPpks.objects.filter(person__village__in=village_ids, recorded_at__lt=end,
                                     person__status=RegisterPerson.Status.PRESENT)
    for row in (ppks.values("person__village_id", "ppks_type__cluster_id")
                .annotate(n=Count("person", distinct=True))):
        add(row["person__village_id"], ("ppks_cluster", row["ppks_type__cluster_id"]),
            row["n"])
    for row in (ppks.values("person__village_id")
                .annotate(n=Count("person", distinct=True),
                          new=Count("person", distinct=True,
                                    filter=Q(recorded_at__gte=start)))):
        add(row["person__village_id"], ("ppks_people",), row["n"])
        add(row["person__village_id"], ("ppks_new",), row["new"])

    # Programme participation active and recorded by the end of the period.
    participation = Participation.objects.filter(household__village__in=village_ids,
                                                 active=True, recorded_at__lt=end)
    for row in (participation.values("household__village_id", "programme_id")
                .annotate(households=Count("household", distinct=True),
                          people=Count("person", distinct=True),
                          new=Count("pk", filter=Q(recorded_at__gte=start)
                                    & ~Q(source=Participation.Source.EXTRACT)))):
        village_id = row["household__village_id"]
        add(village_id, ("participation_households", row["programme_id"]), row["households"])
        add(village_id, ("participation_people", row["programme_id"]), row["people"])
        add(village_id, ("participation_new",), row["new"])
    return raws


def _collect_trend(village_ids: list[int], months: list[Period]) -> dict[int, Counter]:
    """Visits, complaints and referrals sent per month (keys: (series, "YYYY-MM"))."""
    start, end = months[0].start_at, months[-1].end_at
    trend: dict[int, Counter] = {pk: Counter() for pk in village_ids}
    sources = [
        ("visits", Visit.objects.filter(village__in=village_ids), "village_id", "created_at"),
        ("complaints", Complaint.objects.filter(village__in=village_ids), "village_id",
         "created_at"),
    ]
    for series, queryset, village_field, moment in sources:
        for row in (queryset.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
                    .annotate(month=TruncMonth(moment))
                    .values(village_field, "month").annotate(n=Count("pk"))):
            month = row["month"]
            if isinstance(month, datetime.datetime):
                month = timezone.localtime(month) if timezone.is_aware(month) else month
            trend[row[village_field]][(series, f"{month:%Y-%m}")] += row["n"]
    for row in (Referral.objects.filter(complaint__village__in=village_ids,
                                        sent_at__gte=months[0].start, sent_at__lt=months[-1].end)
                .annotate(month=TruncMonth("sent_at"))
                .values("complaint__village_id", "month").annotate(n=Count("pk"))):
        trend[row["complaint__village_id"]][("referrals", f"{row['month']:%Y-%m}")] += row["n"]
    return trend


# -- presenting: tables of labelled rows, each with the previous period's value -----------


class _Catalogues:
    """Names of the catalogue rows the counts refer to (small tables, read once)."""

    def __init__(self):
        self.programmes = list(Programme.objects.order_by("order", "code"))
        self.sectors = list(Sector.objects.order_by("order", "code"))
        self.clusters = list(PpksCluster.objects.order_by("order", "pk"))
        self.agencies = {agency.pk: agency.name for agency in Agency.objects.all()}


def _row(label, current: Raw, previous: Raw, key) -> dict:
    return {"label": str(label), "value": current.counts[key],
            "previous": previous.counts[key]}


def _table(title: str, unit: str, rows: list[dict], *, keep_zero: bool = True) -> dict:
    if not keep_zero:
        rows = [row for row in rows if row["value"] or row["previous"]]
    return {"title": title, "unit": unit, "rows": rows,
            "total": {"value": sum(r["value"] for r in rows),
                      "previous": sum(r["previous"] for r in rows)}}


def _choices_table(title, unit, choices, prefix, cur, prev) -> dict:
    return _table(title, unit, [_row(label, cur, prev, (prefix, value))
                                for value, label in choices])


def _times(raw: Raw, deadlines: Deadlines) -> list[dict]:
    rules = [deadlines.rule(category) for category in Complaint.Category.values]

    def days_text(attribute):
        values = sorted({getattr(rule, attribute) for rule in rules})
        return "/".join(str(v) for v in values)

    stages = [
        ("review", "Registrasi sampai selesai ditelaah", days_text("review_days")),
        ("decision", "Registrasi sampai ditangani/dirujuk", days_text("decision_days")),
        ("answer", "Rujukan dikirim sampai dijawab instansi",
         days_text("referral_response_days")),
    ]
    result = []
    for stage, label, deadline in stages:
        values = raw.durations.get(stage, [])
        within = sum(1 for _days, ok in values if ok)
        result.append({
            "stage": stage, "label": label, "deadline_days": deadline,
            "count": len(values),
            "median_days": (float(statistics.median(d for d, _ok in values))
                            if values else None),
            "within": within,
            "share": round(100 * within / len(values)) if values else None,
        })
    return result


def _present(cur: Raw, prev: Raw, cat: _Catalogues, deadlines: Deadlines) -> dict:
    numbers = {}

    def number(key, label, counts_key):
        numbers[key] = {"label": label, "value": cur.counts[counts_key],
                        "previous": prev.counts[counts_key]}

    def total_of(prefix):
        return lambda raw: sum(n for key, n in raw.counts.items() if key[0] == prefix)

    def computed(key, label, function):
        numbers[key] = {"label": label, "value": function(cur), "previous": function(prev)}

    S, T = QueueTicket.Status, Complaint.State
    computed("tickets", "Nomor antrian diambil", total_of("ticket"))
    number("tickets_served", "Nomor antrian dilayani", ("ticket", S.SERVED.value))
    number("tickets_absent", "Nomor antrian tidak hadir", ("ticket", S.ABSENT.value))
    computed("visits", "Kunjungan dicatat", total_of("visit_purpose"))
    computed("complaints", "Pengaduan diterima", total_of("complaint_category"))
    number("handled", "Ditangani di desa", ("decision", "handle"))
    number("referred", "Dirujuk", ("decision", "refer"))
    number("closed", "Pengaduan ditutup", ("decision", "close"))
    computed("referrals_sent", "Rujukan dikirim", total_of("referral_agency"))
    computed("referral_answers", "Tanggapan rujukan diterima", total_of("referral_response"))
    number("referrals_awaiting", "Rujukan menunggu jawaban di akhir periode",
           ("referral_awaiting",))
    number("proposals", "Usulan daftar awal dicatat", ("proposals",))
    number("meetings", "Musyawarah Desa diadakan", ("meetings",))
    computed("profile_changes", "Perubahan data dicatat", total_of("change_kind"))
    number("ppks_people", "Warga PPKS tercatat (akhir periode)", ("ppks_people",))
    number("ppks_new", "Warga PPKS baru dicatat", ("ppks_new",))
    number("participation_new", "Kepesertaan baru dicatat (loket/fasilitator)",
           ("participation_new",))
    computed("needs", "Kebutuhan program dicatat", total_of("need_programme"))

    programme_rows = [_row(p.short_name, cur, prev, ("complaint_programme", p.pk))
                      for p in cat.programmes]
    programme_rows.append(_row(NO_PROGRAMME, cur, prev, ("complaint_programme", None)))
    agency_ids = sorted({key[1] for raw in (cur, prev) for key in raw.counts
                         if key[0] == "referral_agency"},
                        key=lambda pk: cat.agencies.get(pk, ""))
    participation_rows = []
    for programme in cat.programmes:
        unit = "participation_people" if programme.unit == Programme.Unit.PERSON \
            else "participation_households"
        noun = "orang" if programme.unit == Programme.Unit.PERSON else "keluarga"
        participation_rows.append(_row(f"{programme.short_name} ({noun})", cur, prev,
                                       (unit, programme.pk)))
    decision_rows = [
        _row("Usulan daftar awal — layak", cur, prev, ("meeting_decision", "proposal", "layak")),
        _row("Usulan daftar awal — tidak layak", cur, prev,
             ("meeting_decision", "proposal", "tidak_layak")),
        _row("Perubahan data — layak", cur, prev, ("meeting_decision", "change", "layak")),
        _row("Perubahan data — tidak layak", cur, prev,
             ("meeting_decision", "change", "tidak_layak")),
    ]
    tables = {
        "visits_by_purpose": _choices_table("Kunjungan menurut keperluan", "kunjungan",
                                            Visit.Purpose.choices, "visit_purpose", cur, prev),
        "visits_by_channel": _choices_table("Kunjungan menurut saluran", "kunjungan",
                                            Visit.Channel.choices, "visit_channel", cur, prev),
        "complaints_by_category": _choices_table(
            "Pengaduan menurut kategori", "pengaduan", Complaint.Category.choices,
            "complaint_category", cur, prev),
        "complaints_by_kind": _choices_table("Pengaduan menurut jenis", "pengaduan",
                                             Complaint.Kind.choices, "complaint_kind", cur,
                                             prev),
        "complaints_by_programme": _table("Pengaduan menurut program", "pengaduan",
                                          programme_rows, keep_zero=False),
        "complaints_by_sector": _table(
            "Pengaduan menurut sektor", "pengaduan",
            [_row(s.name, cur, prev, ("complaint_sector", s.pk)) for s in cat.sectors],
            keep_zero=False),
        "complaints_by_state": _choices_table(
            "Pengaduan periode ini menurut status di akhir periode", "pengaduan",
            T.choices, "complaint_state", cur, prev),
        "handling": _table("Penanganan pada periode ini", "pengaduan", [
            _row("Ditangani di desa", cur, prev, ("decision", "handle")),
            _row("Dirujuk", cur, prev, ("decision", "refer")),
        ]),
        "referrals_by_agency": _table(
            "Rujukan dikirim menurut instansi tujuan", "rujukan",
            [_row(cat.agencies.get(pk, "—"), cur, prev, ("referral_agency", pk))
             for pk in agency_ids]),
        "referral_responses": _choices_table(
            "Tanggapan rujukan yang diterima", "rujukan", Referral.Response.choices,
            "referral_response", cur, prev),
        "meeting_decisions": _table("Keputusan Musyawarah Desa", "keputusan", decision_rows),
        "profile_changes_by_kind": _choices_table(
            "Perubahan data menurut jenis", "perubahan", ProfileChange.Kind.choices,
            "change_kind", cur, prev),
        "profile_changes_by_status": _choices_table(
            "Perubahan data menurut status saat ini", "perubahan",
            ProfileChange.Status.choices, "change_status", cur, prev),
        "ppks_by_cluster": _table(
            "Warga PPKS menurut klaster (akhir periode)", "orang",
            [_row(c.name, cur, prev, ("ppks_cluster", c.pk)) for c in cat.clusters]),
        "participation_by_programme": _table(
            "Kepesertaan program aktif (akhir periode)", "penerima", participation_rows,
            keep_zero=False),
        "needs_by_programme": _table(
            "Kebutuhan program dicatat menurut program", "kebutuhan",
            [_row(p.short_name, cur, prev, ("need_programme", p.pk)) for p in cat.programmes],
            keep_zero=False),
        "needs_by_status": _choices_table(
            "Kebutuhan program menurut status saat ini", "kebutuhan",
            ProgrammeNeed.Status.choices, "need_status", cur, prev),
    }
    # A person in two clusters is one person: the table's total is the people count.
    tables["ppks_by_cluster"]["total"] = {"value": numbers["ppks_people"]["value"],
                                          "previous": numbers["ppks_people"]["previous"]}
    times = _times(cur, deadlines)
    for item, before in zip(times, _times(prev, deadlines), strict=True):
        item["previous"] = {k: before[k] for k in ("count", "median_days", "within", "share")}
    activity = ("tickets", "visits", "complaints", "handled", "referred", "closed",
                "referrals_sent", "referral_answers", "proposals", "meetings",
                "profile_changes", "ppks_new", "participation_new", "needs")
    return {"numbers": numbers, "tables": tables, "times": times,
            "empty": not any(numbers[key]["value"] for key in activity)}


def _trend(counter: Counter, months: list[Period]) -> dict:
    keys = [f"{m.year}-{m.number:02d}" for m in months]
    return {
        "labels": [m.short_label for m in months],
        "months": keys,
        "series": {
            "Kunjungan": [counter[("visits", k)] for k in keys],
            "Pengaduan": [counter[("complaints", k)] for k in keys],
            "Rujukan dikirim": [counter[("referrals", k)] for k in keys],
        },
    }


def _header(period: Period, codes: list[str]) -> dict:
    previous = period.previous()
    return {
        "version": VERSION,
        "period": {"key": period.key, "kind": period.kind, "label": period.label,
                   "start": period.start.isoformat(), "end": period.last_day.isoformat()},
        "previous_period": {"key": previous.key, "label": previous.label},
        "villages": codes,
        "generated_at": timezone.now().isoformat(),
    }


def area_figures(villages: Iterable[Village], period: Period) -> dict:
    """The report figures of several villages, each and in total.

    Returns ``{"total": figures, "villages": [{"code", "name", "figures"}, …]}`` where
    each ``figures`` has the shape of :func:`village_figures`. The queries group by
    village, so their number does not grow with the number of villages.
    """
    villages = list(villages)
    ids = [v.pk for v in villages]
    deadlines = Deadlines()
    catalogues = _Catalogues()
    current = _collect(ids, period, deadlines)
    previous = _collect(ids, period.previous(), deadlines)
    months = period.trailing_months(12)
    trend = _collect_trend(ids, months)

    def build(raw_cur, raw_prev, counter, codes):
        return {**_header(period, codes), **_present(raw_cur, raw_prev, catalogues, deadlines),
                "trend": _trend(counter, months)}

    per_village = [{"code": v.code, "name": str(v),
                    "figures": build(current[v.pk], previous[v.pk], trend[v.pk], [v.code])}
                   for v in villages]
    total = build(sum((current[pk] for pk in ids), Raw()), sum((previous[pk] for pk in ids), Raw()),
                  sum((trend[pk] for pk in ids), Counter()), [v.code for v in villages])
    return {"total": total, "villages": per_village}


def village_figures(village: Village, period: Period) -> dict:
    """Every figure of ``village``'s report for ``period`` (see the module docstring),
    each with the previous period's value, plus the 12-month trend.

    ``period`` is a :class:`reports.periods.Period` (``Period.parse("2026-11")``). The
    caller checks that the user may see the village; nothing here is scoped.
    """
    return area_figures([village], period)["villages"][0]["figures"]


def table(figures: dict, key: str) -> dict[str, int]:
    """``{row label: value}`` of one table, e.g. ``table(f, "complaints_by_category")``."""
    return {row["label"]: row["value"] for row in figures["tables"][key]["rows"]}


def number(figures: dict, key: str) -> int:
    return figures["numbers"][key]["value"]


def monthly_trend(village: Village, period: Period | None = None) -> dict:
    """Only the 12-month trend (visits, complaints, referrals sent) up to ``period``'s
    last month (default: the current month), e.g. for the dashboard."""
    period = period or Period.containing(timezone.localdate(), MONTHLY)
    months = period.trailing_months(12)
    return _trend(_collect_trend([village.pk], months)[village.pk], months)
