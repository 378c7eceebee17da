"""The dashboard's reads (issue 7, item 5): what the Kepala Desa, the Koordinator, the
kecamatan Supervisor and the kabupaten Manajer see at a glance, for the villages they
may see, and the records behind every figure.

* :class:`DashboardFilters`: period, village (for those who see several), dusun,
  programme, already checked (``reports.dashboard_views`` checks the input);
* :func:`dashboard_figures`: every figure of the page in a fixed, small number of
  queries, whatever the size of the register;
* :func:`register_summary` / :func:`programme_overlap`: households grouped by the
  *set* of programmes they hold (PKH, Sembako/BPNT, PBI-JK, PIP, others) and by desil,
  read from the register tally (:mod:`reports.tally`: households per village, dusun,
  desil and set of programme ids, recounted from the register whenever it changed).
  Each set becomes a bit mask of programme groups; the matrix, the combination counts,
  the households per programme and desil 1–4 without a programme are derived from
  those rows;
* :data:`FIGURES` / :func:`figure_records`: the records behind a figure, with the
  same conditions the figure counts (the drill-down list).

Register figures (households, overlap, gaps, needs, overdue referrals) describe the
register *now*; activity figures (services, complaints, proposals, meeting decisions)
are those of the chosen period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import (
    Household,
    MeetingDecision,
    Participation,
    PreListProposal,
    Programme,
    ProgrammeNeed,
)
from intake.models import QueueTicket, Visit
from puskesos.models import Village
from referrals.models import Complaint, Referral

from .periods import Period
from .tally import programme_ids as tally_programme_ids
from .tally import tally_dusun, tally_rows

#: The programmes the overlap names; every other programme counts as "Lainnya".
NAMED_PROGRAMMES = ("pkh", "bpnt", "pbi-jk", "pip")
OTHERS = "lainnya"
#: Welfare deciles whose households should receive something (the service gap).
GAP_DESIL = (1, 2, 3, 4)
TREND_MONTHS = 12

State = Complaint.State


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard is about. ``villages``: the pks of the villages counted (those
    the user may see, or the one chosen); ``programme`` None means all."""

    period: Period
    villages: list[int]
    village: Village | None = None
    dusun: str = ""
    programme: Programme | None = None

    # -- base querysets, one per kind of record ------------------------------------------

    def households(self) -> QuerySet[Household]:
        """Households of the register now (present in the latest extract)."""
        rows = Household.objects.filter(village__in=self.villages,
                                        status=Household.Status.ACTIVE)
        if self.dusun:
            rows = rows.filter(dusun=self.dusun)
        return rows

    def complaints(self) -> QuerySet[Complaint]:
        """Complaints registered in the period (local time, as the periodic report)."""
        rows = Complaint.objects.filter(village__in=self.villages,
                                        created_at__gte=self.period.start_at,
                                        created_at__lt=self.period.end_at)
        return self._complaint_filters(rows)

    def _complaint_filters(self, rows, prefix=""):
        if self.dusun:
            rows = rows.filter(**{f"{prefix}visit__dusun": self.dusun})
        if self.programme is not None:
            rows = rows.filter(**{f"{prefix}programme": self.programme})
        return rows

    def visits(self) -> QuerySet[Visit]:
        rows = Visit.objects.filter(village__in=self.villages,
                                    created_at__gte=self.period.start_at,
                                    created_at__lt=self.period.end_at)
        if self.dusun:
            rows = rows.filter(dusun=self.dusun)
        return rows

    def tickets(self) -> QuerySet[QueueTicket]:
        return QueueTicket.objects.filter(village__in=self.villages,
                                          date__gte=self.period.start,
                                          date__lt=self.period.end)

    def overdue_referrals(self, today=None) -> QuerySet[Referral]:
        """Sent referrals whose answer date has passed without an answer (the rule of the
        referral list's "terlambat" filter), now."""
        today = today or timezone.localdate()
        rows = Referral.objects.filter(complaint__village__in=self.villages,
                                       respond_by__lt=today, response="")
        return self._complaint_filters(rows, prefix="complaint__")

    def needs_not_met(self) -> QuerySet[ProgrammeNeed]:
        """Programme needs recorded, confirmed and not met yet, now."""
        rows = ProgrammeNeed.objects.filter(village__in=self.villages,
                                            status=ProgrammeNeed.Status.CONFIRMED)
        if self.dusun:
            rows = rows.filter(household__dusun=self.dusun)
        if self.programme is not None:
            rows = rows.filter(programme=self.programme)
        return rows

    def proposals(self) -> QuerySet[PreListProposal]:
        """Pre-list proposals recorded in the period."""
        rows = PreListProposal.objects.filter(village__in=self.villages,
                                              created_at__gte=self.period.start_at,
                                              created_at__lt=self.period.end_at)
        if self.dusun:
            rows = rows.filter(dusun=self.dusun)
        return rows

    def decisions(self) -> QuerySet[MeetingDecision]:
        """Decisions of the Musyawarah Desa taken in the period."""
        rows = MeetingDecision.objects.filter(
            meeting__village__in=self.villages, meeting__date__gte=self.period.start,
            meeting__date__lt=self.period.end).exclude(decision="")
        if self.dusun:
            rows = rows.filter(proposal__dusun=self.dusun)
        return rows


# ---------------------------------------------------------------------------
# Programme overlap
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeGroup:
    """A column of the overlap: one programme, or every other one (``others``)."""

    key: str  # the programme code, or OTHERS
    label: str
    bit: int
    programme_ids: tuple[int, ...] = ()
    others: bool = False

    def q(self, excluded_ids: Iterable[int]) -> Q:
        """Participations counted in this group (``excluded_ids``: the named groups')."""
        if self.others:
            return ~Q(programme_id__in=list(excluded_ids))
        return Q(programme_id__in=list(self.programme_ids))


def programme_groups(programmes: Iterable[Programme],
                     selected: Programme | None = None) -> list[ProgrammeGroup]:
    """PKH, Sembako/BPNT, PBI-JK, PIP (those in the catalogue), the selected programme
    when it is none of them (then it gets its own column), and "Lainnya"."""
    by_code = {p.code: p for p in programmes}
    wanted = [code for code in NAMED_PROGRAMMES if code in by_code]
    if selected is not None and selected.code not in wanted:
        wanted.append(selected.code)
    groups = [ProgrammeGroup(code, by_code[code].short_name, 1 << i, (by_code[code].pk,))
              for i, code in enumerate(wanted)]
    others = tuple(p.pk for p in programmes if p.code not in wanted)
    groups.append(ProgrammeGroup(OTHERS, str(gettext_lazy("Lainnya")), 1 << len(wanted),
                                 others, others=True))
    return groups


@dataclass(frozen=True)
class Combination:
    mask: int
    keys: tuple[str, ...]
    label: str
    count: int

    @property
    def size(self) -> int:
        return len(self.keys)

    @property
    def param(self) -> str:
        """The drill-down parameter: group keys joined by "+" ("" for none)."""
        return "+".join(self.keys)


@dataclass
class Overlap:
    """Households by the set of programmes they hold.

    ``by_mask``: mask -> households (0 = none: only without a programme filter);
    ``households``: the households counted (all in scope, or the selected programme's
    holders)."""

    groups: list[ProgrammeGroup]
    by_mask: dict[int, int]
    households: int
    selected: ProgrammeGroup | None = None

    def keys_of(self, mask: int) -> tuple[str, ...]:
        return tuple(g.key for g in self.groups if mask & g.bit)

    def label_of(self, mask: int) -> str:
        if not mask:
            return _("Tanpa program")
        return " + ".join(g.label for g in self.groups if mask & g.bit)

    @cached_property
    def combinations(self) -> list[Combination]:
        """Every combination held by at least one household, most households first."""
        rows = [Combination(mask, self.keys_of(mask), self.label_of(mask), count)
                for mask, count in self.by_mask.items() if count]
        return sorted(rows, key=lambda c: (-c.count, c.size, c.mask))

    def holding(self, *groups: ProgrammeGroup) -> int:
        """Households holding every one of ``groups`` (and maybe more)."""
        need = sum(g.bit for g in groups)
        return sum(count for mask, count in self.by_mask.items() if mask & need == need)

    @cached_property
    def matrix(self) -> list[tuple[ProgrammeGroup, list[tuple[ProgrammeGroup, int]]]]:
        """Row A, column B: households holding both A and B; the diagonal: holding A."""
        return [(a, [(b, self.holding(a, b) if a != b else self.holding(a))
                     for b in self.groups]) for a in self.groups]

    @cached_property
    def by_size(self) -> list[tuple[int, int]]:
        """(number of programme groups held, households); 0 only without a filter."""
        sizes: dict[int, int] = {}
        for mask, count in self.by_mask.items():
            size = bin(mask).count("1")
            sizes[size] = sizes.get(size, 0) + count
        return sorted(sizes.items())

    @property
    def with_several(self) -> int:
        return sum(count for size, count in self.by_size if size >= 2)

    @property
    def without_any(self) -> int:
        return self.by_mask.get(0, 0)


@dataclass(frozen=True)
class RegisterSummary:
    """The register as the dashboard needs it, in two queries whatever its size.

    ``by_desil``: desil -> households (all households the filters cover, whatever
    they hold); ``by_mask_desil``: (mask, desil) -> households holding at least one
    programme, by the set of programme groups they hold. Everything else (overlap,
    households per programme, desil 1–4 without a programme) is derived from these."""

    by_desil: dict[int | None, int]
    by_mask_desil: dict[tuple[int, int | None], int]

    def holders_by_desil(self, bit: int | None = None) -> dict[int | None, int]:
        """Households holding any programme (or the group ``bit``), by desil."""
        found: dict[int | None, int] = {}
        for (mask, desil), count in self.by_mask_desil.items():
            if bit is None or mask & bit:
                found[desil] = found.get(desil, 0) + count
        return found


def register_summary(filters: DashboardFilters,
                     groups: list[ProgrammeGroup]) -> RegisterSummary:
    """Households by desil, and households by (programme-group mask, desil).

    Read from the register tally (:mod:`reports.tally`: households per village, dusun,
    desil and set of programmes, recounted from the register whenever it changed): each
    set of programmes becomes the mask of the groups it touches; one query, a few rows
    per village, whatever the size of the register."""
    by_desil: dict[int | None, int] = {}
    by_mask_desil: dict[tuple[int, int | None], int] = {}
    masks: dict[str, int] = {}
    for desil, programmes, count in tally_rows(filters.villages, filters.dusun):
        if programmes not in masks:
            held = tally_programme_ids(programmes)
            masks[programmes] = sum(g.bit for g in groups if held & set(g.programme_ids))
        mask = masks[programmes]
        by_desil[desil] = by_desil.get(desil, 0) + count
        if mask:
            by_mask_desil[(mask, desil)] = by_mask_desil.get((mask, desil), 0) + count
    return RegisterSummary(by_desil=by_desil, by_mask_desil=by_mask_desil)


def programme_overlap(filters: DashboardFilters, groups: list[ProgrammeGroup],
                      summary: RegisterSummary) -> Overlap:
    """Households by combination of programmes, from the register summary."""
    by_mask: dict[int, int] = {}
    for (mask, _desil), count in summary.by_mask_desil.items():
        by_mask[mask] = by_mask.get(mask, 0) + count
    selected = None
    if filters.programme is not None:
        selected = next(g for g in groups if filters.programme.pk in g.programme_ids)
        by_mask = {mask: n for mask, n in by_mask.items() if mask & selected.bit}
        households = sum(by_mask.values())
    else:
        households = sum(summary.by_desil.values())
        # Households without any programme have no participation row to count.
        by_mask[0] = max(0, households - sum(by_mask.values()))
    return Overlap(groups=groups, by_mask=by_mask, households=households, selected=selected)


def _holds(groups: Iterable[ProgrammeGroup], all_groups: list[ProgrammeGroup]) -> Q:
    """Households holding (actively) a programme of each of ``groups``."""
    named_ids = [pk for g in all_groups if not g.others for pk in g.programme_ids]
    condition = Q()
    for group in groups:
        condition &= Q(Exists(Participation.objects.filter(
            group.q(named_ids), household_id=OuterRef("pk"), active=True)))
    return condition


def households_with_combination(filters: DashboardFilters, groups: list[ProgrammeGroup],
                                keys: Iterable[str]) -> QuerySet[Household]:
    """Households whose set of programme groups is exactly ``keys`` (empty: none)."""
    keys = set(keys)
    chosen = [g for g in groups if g.key in keys]
    rest = [g for g in groups if g.key not in keys]
    rows = households_in_scope(filters).filter(_holds(chosen, groups))
    for group in rest:
        rows = rows.exclude(_holds([group], groups))
    return rows


def households_holding(filters: DashboardFilters, groups: list[ProgrammeGroup],
                       keys: Iterable[str]) -> QuerySet[Household]:
    """Households holding every group of ``keys`` (a matrix cell; one key: the diagonal),
    among the selected programme's holders when a programme is chosen (as the matrix)."""
    keys = set(keys)
    return households_in_scope(filters).filter(
        _holds([g for g in groups if g.key in keys], groups))


def households_in_scope(filters: DashboardFilters) -> QuerySet[Household]:
    """The households the register figures count: all, or the selected programme's."""
    rows = filters.households()
    if filters.programme is not None:
        rows = rows.filter(Exists(Participation.objects.filter(
            household_id=OuterRef("pk"), active=True, programme=filters.programme)))
    return rows


def gap_households(filters: DashboardFilters) -> QuerySet[Household]:
    """Households in desil 1–4 that receive no programme (or not the selected one)."""
    held = Participation.objects.filter(household_id=OuterRef("pk"), active=True)
    if filters.programme is not None:
        held = held.filter(programme=filters.programme)
    return filters.households().filter(desil__in=GAP_DESIL).exclude(Exists(held))


# ---------------------------------------------------------------------------
# All the figures of the page
# ---------------------------------------------------------------------------


@dataclass
class Figures:
    filters: DashboardFilters
    groups: list[ProgrammeGroup]
    households: int
    by_desil: list[tuple[int | None, int]]
    overlap: Overlap
    gap_desil: int
    needs_not_met: int
    overdue_referrals: int
    complaints: dict[str, int]
    complaints_by_programme: list[tuple[Programme | None, int]]
    trend: list[tuple[Period, int]]
    visits: dict[str, int]
    tickets: int
    proposals: dict[str, int]
    decisions: dict[str, int]


def _sorted_desil(counts: dict[int | None, int]) -> list[tuple[int | None, int]]:
    return sorted(((d, n) for d, n in counts.items() if n),
                  key=lambda kv: (kv[0] is None, kv[0] or 0))


def _complaint_counts(filters: DashboardFilters) -> dict[str, int]:
    approved = Referral.objects.filter(complaint=OuterRef("pk"),
                                       approval=Referral.Approval.APPROVED)
    aggregates = {state: Count("pk", filter=Q(state=state)) for state in State.values}
    aggregates.update(
        total=Count("pk"),
        **{f"cat_{c}": Count("pk", filter=Q(category=c)) for c in Complaint.Category.values},
        # Not "handled"/"referred": those keys are the states'.
        handled_in_village=Count("pk", filter=~Q(handling_action="")),
        with_referral=Count("pk", filter=Q(Exists(approved))),
    )
    return filters.complaints().order_by().aggregate(**aggregates)


def _trend(filters: DashboardFilters) -> list[tuple[Period, int]]:
    """Complaints registered in each of the 12 months up to the period's end (one query;
    month boundaries in local time). A running year or quarter ends with this month."""
    last = min(filters.period.last_day, timezone.localdate())
    months = Period.containing(last).trailing_months(TREND_MONTHS)
    rows = filters._complaint_filters(Complaint.objects.filter(
        village__in=filters.villages, created_at__gte=months[0].start_at,
        created_at__lt=months[-1].end_at))
    counts = rows.order_by().aggregate(**{
        m.key: Count("pk", filter=Q(created_at__gte=m.start_at, created_at__lt=m.end_at))
        for m in months})
    return [(m, counts[m.key]) for m in months]


def dashboard_figures(filters: DashboardFilters, programmes: list[Programme]) -> Figures:
    """Every figure of the dashboard (``programmes``: the catalogue, already loaded)."""
    groups = programme_groups(programmes, filters.programme)
    summary = register_summary(filters, groups)
    overlap = programme_overlap(filters, groups, summary)
    # Desil 1-4 households without a programme (or without the chosen one): all of
    # them minus those holding it.
    holding = summary.holders_by_desil(overlap.selected.bit if overlap.selected else None)
    gap_desil = sum(summary.by_desil.get(d, 0) - holding.get(d, 0) for d in GAP_DESIL)
    by_desil = _sorted_desil(holding if overlap.selected else summary.by_desil)
    by_programme = dict(filters.complaints().order_by().values_list("programme")
                        .annotate(n=Count("pk")))
    catalogue = {p.pk: p for p in programmes}
    complaints_by_programme = sorted(
        ((catalogue.get(pk), n) for pk, n in by_programme.items()),
        key=lambda row: (-row[1], row[0] is None, getattr(row[0], "order", 0)))
    visits = filters.visits().order_by().aggregate(
        total=Count("pk"),
        **{p: Count("pk", filter=Q(purpose=p)) for p in Visit.Purpose.values})
    proposals = filters.proposals().order_by().aggregate(
        total=Count("pk"),
        **{s: Count("pk", filter=Q(status=s)) for s in PreListProposal.Status.values})
    decisions = filters.decisions().order_by().aggregate(
        total=Count("pk"),
        **{d: Count("pk", filter=Q(decision=d)) for d in MeetingDecision.Decision.values})
    return Figures(
        filters=filters, groups=groups, households=overlap.households, by_desil=by_desil,
        overlap=overlap, gap_desil=gap_desil,
        needs_not_met=filters.needs_not_met().count(),
        overdue_referrals=filters.overdue_referrals().count(),
        complaints=_complaint_counts(filters), complaints_by_programme=complaints_by_programme,
        trend=_trend(filters), visits=visits, tickets=filters.tickets().count(),
        proposals=proposals, decisions=decisions,
    )


def dusun_names(village_ids: Iterable[int]) -> list[str]:
    """The dusun of the register's households in these villages (from the tally)."""
    return tally_dusun(village_ids)


# ---------------------------------------------------------------------------
# The records behind a figure (the drill-down list)
# ---------------------------------------------------------------------------

HOUSEHOLDS, COMPLAINTS, REFERRALS, NEEDS, VISITS, PROPOSALS, DECISIONS = (
    "households", "complaints", "referrals", "needs", "visits", "proposals", "decisions")


@dataclass(frozen=True)
class Figure:
    slug: str
    title: str
    kind: str  # what the rows are (one of the constants above)
    permission: str


FIGURES = {f.slug: f for f in [
    Figure("rumah-tangga", gettext_lazy("Rumah tangga di register"), HOUSEHOLDS,
           "beneficiaries.view_household"),
    Figure("kombinasi", gettext_lazy("Rumah tangga menurut kombinasi program"), HOUSEHOLDS,
           "beneficiaries.view_household"),
    Figure("irisan", gettext_lazy("Rumah tangga penerima program"), HOUSEHOLDS,
           "beneficiaries.view_household"),
    Figure("celah-desil", gettext_lazy("Rumah tangga desil 1–4 tanpa program"), HOUSEHOLDS,
           "beneficiaries.view_household"),
    Figure("kebutuhan", gettext_lazy("Kebutuhan program belum terpenuhi"), NEEDS,
           "beneficiaries.view_programmeneed"),
    Figure("rujukan-terlambat", gettext_lazy("Rujukan lewat batas tanggapan"), REFERRALS,
           "referrals.view_referral"),
    Figure("pengaduan", gettext_lazy("Pengaduan"), COMPLAINTS, "referrals.view_complaint"),
    Figure("layanan", gettext_lazy("Layanan (kunjungan)"), VISITS, "intake.view_visit"),
    Figure("usulan", gettext_lazy("Usulan daftar awal"), PROPOSALS,
           "beneficiaries.view_prelistproposal"),
    Figure("keputusan", gettext_lazy("Keputusan Musyawarah Desa"), DECISIONS,
           "beneficiaries.view_meetingdecision"),
]}


def figure_records(figure: Figure, filters: DashboardFilters, groups: list[ProgrammeGroup],
                   options: dict) -> QuerySet:
    """The records a figure counts, with the same conditions (``options`` checked by the
    view: ``desil``, ``keys``, ``state``, ``category``, ``action``, ``no_programme``,
    ``purpose``, ``status``, ``decision``)."""
    slug = figure.slug
    if slug == "rumah-tangga":
        rows = households_in_scope(filters)
        if "desil" in options:
            rows = rows.filter(desil=options["desil"])
        return rows
    if slug == "kombinasi":
        return households_with_combination(filters, groups, options["keys"])
    if slug == "irisan":
        return households_holding(filters, groups, options["keys"])
    if slug == "celah-desil":
        return gap_households(filters)
    if slug == "kebutuhan":
        return filters.needs_not_met()
    if slug == "rujukan-terlambat":
        return filters.overdue_referrals()
    if slug == "pengaduan":
        rows = filters.complaints()
        if options.get("state"):
            rows = rows.filter(state=options["state"])
        if options.get("category"):
            rows = rows.filter(category=options["category"])
        if options.get("action") == "ditangani":
            rows = rows.exclude(handling_action="")
        elif options.get("action") == "dirujuk":
            rows = rows.filter(Exists(Referral.objects.filter(
                complaint=OuterRef("pk"), approval=Referral.Approval.APPROVED)))
        if options.get("no_programme"):
            rows = rows.filter(programme__isnull=True)
        return rows
    if slug == "layanan":
        rows = filters.visits()
        return rows.filter(purpose=options["purpose"]) if options.get("purpose") else rows
    if slug == "usulan":
        rows = filters.proposals()
        return rows.filter(status=options["status"]) if options.get("status") else rows
    if slug == "keputusan":
        rows = filters.decisions()
        return rows.filter(decision=options["decision"]) if options.get("decision") else rows
    raise ValueError(slug)


def order_records(kind: str, rows: QuerySet) -> QuerySet:
    """The rows of a drill-down page, ordered, with what each row shows joined."""
    if kind == HOUSEHOLDS:
        return rows.select_related("village").order_by("village__code", "dusun", "rw", "rt",
                                                        "register_id")
    if kind == NEEDS:
        return rows.select_related("household", "person", "programme", "village").order_by(
            "created_at", "pk")
    if kind == REFERRALS:
        return rows.select_related("complaint__village", "complaint__programme",
                                   "agency").order_by("respond_by", "pk")
    if kind == COMPLAINTS:
        return rows.select_related("village", "visit", "programme").order_by("created_at",
                                                                             "pk")
    if kind == VISITS:
        return rows.select_related("village").order_by("created_at", "pk")
    if kind == PROPOSALS:
        return rows.select_related("village").order_by("created_at", "pk")
    return rows.select_related("meeting__village", "proposal").order_by("meeting__date", "pk")


def household_rows(households: list[Household]) -> list[Household]:
    """Set ``head_name`` and ``programmes`` (short names) on a page of households (two
    queries for the page)."""
    from beneficiaries.models import Person

    ids = [h.pk for h in households]
    heads: dict[int, str] = {}
    for household_id, name in (Person.objects.filter(household_id__in=ids)
                               .order_by("household_id", "family_id", "relation", "pk")
                               .values_list("household_id", "name")):
        heads.setdefault(household_id, name)
    held: dict[int, list[str]] = {}
    for household_id, short_name in (
            Participation.objects.filter(household_id__in=ids, active=True)
            .order_by("programme__order", "programme__code")
            .values_list("household_id", "programme__short_name").distinct()):
        names = held.setdefault(household_id, [])
        if short_name not in names:
            names.append(short_name)
    for household in households:
        household.head_name = heads.get(household.pk, "")
        household.programmes = held.get(household.pk, [])
    return households
