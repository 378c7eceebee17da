"""Reads of the register for the desk and the register pages.

* :func:`register_lookup`: "is this person in the register?" by NIK, KK number or
  name (the front office's check of step 3 of the service flow);
* :func:`household_detail`: one household with its families, members,
  programmes, PPKS and the extract it last came from;
* :func:`register_list`: the households of the register, filtered, for the
  paginated register pages and the XLSX export.

Every read is limited by :func:`puskesos.scoping.scope`: a clerk of village A
never finds village B's people, whatever they type.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from puskesos.models import Village
from puskesos.scoping import scope

from .identity import IdentityError, mask_kk, mask_nik, parse_kk, parse_nik
from .models import (
    Family,
    Household,
    ImportBatch,
    Participation,
    Person,
    PersonPpks,
    Relation,
)
from .names import name_key, name_trigrams, trigram_similarity, word_similarity

__all__ = [
    "FamilyDetail",
    "HouseholdDetail",
    "LookupHit",
    "LookupResult",
    "MemberDetail",
    "household_detail",
    "register_list",
    "register_lookup",
]

#: The look-up never returns more rows than this, whatever ``limit`` asks.
MAX_LIMIT = 100
#: Shortest name key (letters, without spaces) worth a fuzzy search.
MIN_NAME_LETTERS = 3

# PostgreSQL: name look-up thresholds, tried in turn (see below). pg_trgm
# similarity for names of two words or more (a misspelled two-word name keeps
# ~0.45-0.8 of its trigrams), word_similarity for a single word. A strict first pass
# is several times cheaper (fewer index candidates to recheck); when it fills the
# limit, those are the best matches anyway (whoever a looser pass would add ranks
# below), otherwise the looser pass runs.
PG_SIMILARITY_THRESHOLDS = (0.45, 0.3)
PG_WORD_SIMILARITY_THRESHOLDS = (0.6, 0.4)
# At most this many distinct names (best first) are expanded into people per pass.
PG_NAME_CANDIDATES = 2_000
PG_NAME_TABLE = "beneficiaries_person_names"

# SQLite: how many FTS5 candidates (best bm25 rank first) are re-ranked in Python.
SQLITE_CANDIDATES = 300
SQLITE_NAME_INDEX = "beneficiaries_person_name_fts"


# ---------------------------------------------------------------------------
# Look-up
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LookupHit:
    """One person found, with what the desk shows about them (NIK masked)."""

    person_id: int
    name: str
    masked_nik: str
    sex: str  # "L" / "P" / ""
    age: int | None
    relation: str  # "Kepala Keluarga", "Istri", …
    household_id: int
    register_id: str
    address: str
    dusun: str
    rt: str
    rw: str
    desil: int | None
    village: str
    programmes: tuple[str, ...]  # short names: person's and household's active ones
    status: str  # Person.Status value
    status_label: str
    score: float  # 1.0 for NIK/KK; name similarity 0..1 for a name
    no_kk: str = ""  # the family card number (the desk prefills it)

    def place(self) -> str:
        """Address, dusun and RT/RW on one line ("Kp. Sukamaju, DUSUN 2 RT 003/RW 001")."""
        text = self.address
        if self.dusun:
            text = f"{text}, {self.dusun}"
        if self.rt:
            text = f"{text} RT {self.rt}/RW {self.rw}"
        return text

    def details(self) -> str:
        """Relation, age, sex, place and village, as the register's result list shows
        them under the name (one template variable instead of a dozen: the live search
        renders up to 20 of these per pause in the typing)."""
        return self._line(self.sex, self.place(), self.village)

    def desk_details(self) -> str:
        """Relation, age and place: the desk's line (its village is the clerk's)."""
        return self._line(self.place())

    def _line(self, *rest: str) -> str:
        parts = [self.relation or "—"]
        if self.age is not None:
            parts.append(f"{self.age} {_('tahun')}")
        return " · ".join([*parts, *(part for part in rest if part)])


@dataclass(frozen=True)
class LookupResult:
    """What a look-up found.

    ``kind`` says how the query was read: ``"nik"`` (16 digits, found as a NIK or
    found nowhere; ``kk_family`` is set when the number is also a KK number, as
    NIK and KK share one format), ``"kk"`` (16 digits found as a KK number: ``hits`` are the
    family's members, ``family`` and ``household`` are set), ``"name"`` (ranked,
    best first) or ``"empty"`` (nothing to search: see ``hint``). ``hint`` is an
    Indonesian sentence for the clerk, or "". ``family`` and ``household`` carry the
    fields the look-up reads (number, address, dusun, RT/RW, desil), not whole rows.
    """

    kind: str
    query: str
    hits: list[LookupHit] = field(default_factory=list)
    hint: str = ""
    family: Family | None = None
    household: Household | None = None
    # A NIK that is also some family's KK number (the two share one format).
    kk_family: Family | None = None


def register_lookup(
    *,
    user,
    query: str,
    village: Village | int | None = None,
    dusun: str | None = None,
    rt: str | None = None,
    birth_year: int | None = None,
    limit: int = 20,
) -> LookupResult:
    """Check whether a resident is in the register, as the front office does.

    ``query`` is what the clerk typed:

    * 16 digits (spaces, dots and dashes between them are ignored): a NIK,
      exact; if no one has that NIK, a KK number, exact (hits: the family's
      members);
    * other digits: nothing is searched; ``hint`` says a NIK or KK has 16 digits;
    * anything else: a name, matched fuzzily on its spelling-neutral key
      (:func:`beneficiaries.names.name_key`), so that old spellings, Sundanese
      variants, a missing letter, swapped words or a title still find the
      person; at most ``limit`` hits, best first. ``village``, ``dusun``,
      ``rt`` and ``birth_year`` narrow a name search (not a NIK/KK one, which is
      exact already).

    Only the villages ``user`` may see are searched. Rows show the NIK masked.
    Costs a few queries (at most 7), never more for more hits.
    """
    text = " ".join((query or "").split())
    compact = text.replace(" ", "").replace(".", "").replace("-", "")
    if compact and compact.isascii() and compact.isdigit():
        if len(compact) != 16:
            return LookupResult(
                kind="empty", query=text,
                hint=_("NIK dan nomor KK terdiri atas 16 digit angka (tertulis %(count)d digit).")
                % {"count": len(compact)},
            )
        return _lookup_number(user, compact, text)

    key = name_key(text)
    if len(key.replace(" ", "")) < MIN_NAME_LETTERS:
        hint = _("Ketik NIK atau nomor KK (16 digit) atau paling sedikit 3 huruf nama.")
        if any(ch.isdigit() for ch in text):
            try:  # e.g. 3.20417E+15: say why the number is unusable
                parse_nik(text)
            except IdentityError as err:
                hint = err.message
        return LookupResult(kind="empty", query=text, hint=hint)

    limit = max(1, min(int(limit), MAX_LIMIT))
    people = scope(Person.objects.all(), user, via="village")
    if village is not None:
        people = people.filter(village_id=getattr(village, "pk", village))
    if dusun:
        people = people.filter(household__dusun__iexact=dusun.strip())
    if rt:
        people = people.filter(household__rt__in=_rt_forms(rt))
    if birth_year:
        year = int(birth_year)
        people = people.filter(birth_date__gte=date(year, 1, 1),
                               birth_date__lt=date(year + 1, 1, 1))

    vendor = connections[people.db].vendor
    if vendor == "postgresql":
        scored = _name_candidates_postgresql(people, key, limit)
    elif vendor == "sqlite":
        scored = _name_candidates_sqlite(people, key, limit)
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(f"name look-up is not implemented for {vendor}")
    hits = _hits(scored)
    hint = "" if hits else _("Tidak ada nama yang mirip di register wilayah kerja Anda.")
    return LookupResult(kind="name", query=text, hits=hits, hint=hint)


def _lookup_number(user, digits: str, text: str) -> LookupResult:
    """A 16-digit number: the person with this NIK and/or the family with this KK.

    One query for both, hand-written (the desk sends one per keystroke pause; the ORM's
    compilation of a five-table join cost more than the database's answer): the NIK is
    unique, the KK's family id is a scalar subquery, so PostgreSQL and SQLite combine
    two index look-ups (BitmapOr / MULTI-INDEX OR) instead of scanning.
    """
    allowed = _visible_village_sql(user)
    if allowed is None:
        rows = []
    else:
        where, params = allowed
        rows = _hit_rows(
            "(p.nik = %s OR p.family_id = (SELECT id FROM beneficiaries_family "
            f"WHERE no_kk = %s LIMIT 1)){where} ORDER BY p.relation, p.id",
            [digits, digits, *params])
    person = next((row for row in rows if row.nik == digits), None)
    members = [row for row in rows if row.no_kk == digits]
    family = _family_of(members[0]) if members else None
    if family is None and person is None:
        # A KK number whose family has no member left (rare): look for the family alone.
        family = (
            scope(Family.objects.filter(no_kk=digits), user, via="household__village")
            .select_related("household")
            .first()
        )
    if person is not None:
        hint = ""
        if family is not None:
            hint = _("Nomor ini juga nomor KK sebuah keluarga di register: %(kk)s.") % {
                "kk": mask_kk(family.no_kk)}
        return LookupResult(
            kind="nik", query=text, hits=_hits([(person, 1.0)]), hint=hint,
            family=_family_of(person), household=_household_of(person), kk_family=family,
        )
    if family is not None:
        household = next((_household_of(m) for m in members
                          if m.household_id == family.household_id), None)
        return LookupResult(
            kind="kk", query=text, hits=_hits([(m, 1.0) for m in members]),
            family=family, household=household or Household.objects.get(
                pk=family.household_id),
        )
    hint = _("NIK atau nomor KK ini tidak ada di register wilayah kerja Anda.")
    problems = []
    for parse in (parse_nik, parse_kk):
        try:
            parse(digits)
        except IdentityError as err:
            problems.append(err.message)
    if len(problems) == 2:  # neither a valid NIK nor a valid KK: say why (as a NIK)
        hint = f"{hint} {problems[0]}"
    return LookupResult(kind="nik", query=text, hint=hint)


def _visible_village_sql(user) -> tuple[str, list] | None:
    """`` AND p.village_id IN (…)`` for the villages ``user`` may see (the one scoping
    rule, :func:`puskesos.scoping.scope`), with its parameters; None when they may see
    none."""
    villages = scope(Village.objects.all(), user, via="").values("pk")
    try:
        sql, params = villages.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f" AND p.village_id IN ({sql})", list(params)


@dataclass(frozen=True, slots=True)
class _HitRow:
    """One person as the look-up reads them (one row of :data:`_HIT_SQL`)."""

    person_id: int
    name: str
    nik: str
    sex: str
    birth_date: date | str | None
    relation: int | None
    status: str
    family_id: int | None
    household_id: int
    register_id: str
    address: str
    dusun: str
    rt: str
    rw: str
    desil: int | None
    village_id: int
    village: str
    no_kk: str | None
    family_household_id: int | None
    programmes: str | None  # "order:short name" of each, joined by _SEPARATOR

    def programme_names(self) -> tuple[str, ...]:
        """Short names in catalogue order, each once."""
        found = set()
        for item in (self.programmes or "").split(_SEPARATOR):
            if item:
                order, _colon, name = item.partition(":")
                found.add((int(order), name))
        return tuple(name for _order, name in sorted(found))


#: Separates the programmes aggregated into one column of a hit row.
_SEPARATOR = "\x1f"
# The person, their household, village, family and active programmes (their own and
# their household's, as "order:short name" joined by _SEPARATOR), in one row.
_HIT_SQL = (
    "SELECT p.id, p.name, p.nik, p.sex, p.birth_date, p.relation, p.status, p.family_id, "
    "h.id, h.register_id, h.address, h.dusun, h.rt, h.rw, h.desil, p.village_id, v.name, "
    "f.no_kk, f.household_id, "
    "(SELECT {aggregate} FROM beneficiaries_participation pa "
    " JOIN beneficiaries_programme pr ON pr.id = pa.programme_id "
    " WHERE pa.active AND (pa.person_id = p.id "
    "  OR (pa.person_id IS NULL AND pa.household_id = p.household_id))) "
    "FROM beneficiaries_person p "
    "JOIN beneficiaries_household h ON h.id = p.household_id "
    "JOIN puskesos_village v ON v.id = p.village_id "
    "LEFT JOIN beneficiaries_family f ON f.id = p.family_id "
    "WHERE "
)
_AGGREGATE = {
    "postgresql": "string_agg(pr.\"order\" || ':' || pr.short_name, chr(31))",
    "sqlite": "group_concat(pr.\"order\" || ':' || pr.short_name, char(31))",
}


def _hit_rows(where: str, params: list, using: str = "default") -> list[_HitRow]:
    connection = connections[using]
    sql = _HIT_SQL.format(aggregate=_AGGREGATE[connection.vendor]) + where
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_HitRow(*row) for row in cursor.fetchall()]


def _rows_by_id(person_ids: list[int]) -> dict[int, _HitRow]:
    if not person_ids:
        return {}
    marks = ", ".join(["%s"] * len(person_ids))
    return {row.person_id: row for row in _hit_rows(f"p.id IN ({marks})", person_ids)}


def _family_of(row: _HitRow) -> Family | None:
    if row.family_id is None:
        return None
    return Family(pk=row.family_id, no_kk=row.no_kk, household_id=row.family_household_id)


def _household_of(row: _HitRow) -> Household:
    return Household(pk=row.household_id, village_id=row.village_id,
                     register_id=row.register_id, address=row.address, dusun=row.dusun,
                     rt=row.rt, rw=row.rw, desil=row.desil)


def _rt_forms(rt: str) -> list[str]:
    """RT as extracts write it: "3", "03" and "003" are the same RT."""
    text = str(rt).strip()
    if not text.isdigit():
        return [text]
    bare = text.lstrip("0") or "0"
    return sorted({text, bare, bare.zfill(2), bare.zfill(3)})


def _name_candidates_postgresql(
    people: QuerySet, key: str, limit: int
) -> list[tuple[_HitRow, float]]:
    """pg_trgm on the table of distinct names, then the people who bear them.

    A register repeats names a lot (1,000,000 people carry ~130,000 distinct
    keys), so the trigram search runs on ``beneficiaries_person_names`` (one row
    per distinct ``name_key``, GIN-indexed, filled by triggers) with the indexed
    operator (``%`` for several words, ``%>`` for one), best first; the people
    are then joined by the btree index on ``Person.name_key`` and ``village_id``
    (a clerk's village is checked on the name's own entries), within the scope and
    filters, in the same query. The threshold is set on the connection in the
    query's own round trip (no transaction to open and close: every name look-up
    sets the threshold it needs, nothing else reads it); a stricter pass runs
    first and a looser one only when it finds fewer than ``limit`` people.
    """
    single = " " not in key
    thresholds = PG_WORD_SIMILARITY_THRESHOLDS if single else PG_SIMILARITY_THRESHOLDS
    setting = "pg_trgm.word_similarity_threshold" if single else "pg_trgm.similarity_threshold"
    # One word: how well it matches a word of the name, then the whole name.
    if single:
        match, score, tie = "key %%> %s", "word_similarity(%s, key)", "similarity(key, %s)"
        score_params = [key, key]
    else:
        match, score, tie = "key %% %s", "similarity(key, %s)", "0"
        score_params = [key]
    allowed_sql, allowed_params = people.values("pk", "name_key").query.sql_with_params()
    # The names come out of the subquery sorted, the nested loop keeps that order,
    # so PostgreSQL only sorts each group of equal scores (Incremental Sort) and
    # stops at the limit: a common name ("SITI": ~2,600 names, 30,000 people)
    # costs as little as a rare one.
    sql = (
        f"SELECT allowed.pk, candidates.score FROM ("
        f"  SELECT key, {score} AS score, {tie} AS tie FROM {PG_NAME_TABLE} WHERE {match}"
        f"  ORDER BY score DESC, tie DESC LIMIT %s) candidates "
        f"JOIN ({allowed_sql}) allowed ON allowed.name_key = candidates.key "
        f"ORDER BY candidates.score DESC, candidates.tie DESC, allowed.pk LIMIT %s"
    )
    params = [*score_params, key, PG_NAME_CANDIDATES, *allowed_params, limit]
    found: list[tuple[int, float]] = []
    with connections[people.db].cursor() as cursor:
        for threshold in thresholds:
            # The threshold is set for the connection (every name look-up sets its own)
            # in the same round trip as the query.
            cursor.execute(f"SELECT set_config('{setting}', %s, false); {sql}",
                           [str(threshold), *params])
            found = cursor.fetchall()
            if len(found) >= limit:
                break
    rows = _rows_by_id([pk for pk, _score in found])
    return [(rows[pk], score) for pk, score in found if pk in rows]


def _name_candidates_sqlite(people: QuerySet, key: str,
                            limit: int) -> list[tuple[_HitRow, float]]:
    """FTS5 trigram index: people sharing trigrams with ``key``, re-ranked in Python.

    FTS5 returns the :data:`SQLITE_CANDIDATES` best by bm25 among the rows the
    scope and filters allow (one query); they are re-ranked with the same
    similarity as pg_trgm (:func:`beneficiaries.names.trigram_similarity`).
    """
    # FTS5's trigram tokenizer indexes the raw text: take the query's trigrams
    # inside words (the padded ones at word edges exist only in pg_trgm).
    grams = sorted({w[i : i + 3] for w in key.split() for i in range(len(w) - 2)})
    if not grams:  # only two-letter words: match them as substrings
        grams = sorted(set(key.split()))
    match = " OR ".join(f'"{g}"' for g in grams)
    allowed_sql, allowed_params = people.values("pk", "name_key").query.sql_with_params()
    table = SQLITE_NAME_INDEX
    # The FTS match is materialised first, then each match is checked against the
    # scope and filters by primary key (the planner flattens the allowed query).
    # A plain "rowid IN (allowed)" makes SQLite query FTS5 once per allowed row.
    with connections[people.db].cursor() as cursor:
        cursor.execute(
            f"WITH found AS MATERIALIZED (SELECT rowid AS id, rank FROM {table} "
            f"WHERE {table} MATCH %s) "
            f"SELECT allowed.pk, allowed.name_key FROM found "
            f"JOIN ({allowed_sql}) allowed ON allowed.pk = found.id "
            f"ORDER BY found.rank LIMIT %s",
            [match, *allowed_params, SQLITE_CANDIDATES],
        )
        candidates = cursor.fetchall()
    wanted = name_trigrams(key)
    if " " in key:
        ranked = ((trigram_similarity(wanted, name_trigrams(k)), 0.0, pk) for pk, k in candidates)
    else:  # one word: how well it matches a word of the name, then the whole name
        ranked = (
            (word_similarity(wanted, k), trigram_similarity(wanted, name_trigrams(k)), pk)
            for pk, k in candidates
        )
    scored = [
        (score, pk)
        for score, _tie, pk in sorted(ranked, key=lambda row: (-row[0], -row[1], row[2]))[:limit]
    ]
    rows = _rows_by_id([pk for _score, pk in scored])
    return [(rows[pk], score) for score, pk in scored if pk in rows]


def age_on(birth_date: date | None, today: date) -> int | None:
    """Whole years on ``today`` (None without a birth date)."""
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month,
                                                                          birth_date.day))


def _hits(scored: list[tuple[_HitRow, float]]) -> list[LookupHit]:
    """Result rows for people read by :func:`_hit_rows`, in the given order."""
    today = timezone.localdate()
    hits = []
    for row, score in scored:
        birth_date = row.birth_date
        if isinstance(birth_date, str):  # SQLite without the column's type
            birth_date = date.fromisoformat(birth_date)
        hits.append(
            LookupHit(
                person_id=row.person_id,
                name=row.name,
                masked_nik=mask_nik(row.nik) if row.nik else "—",
                sex=row.sex,
                age=age_on(birth_date, today),
                relation=str(_RELATION_LABELS.get(row.relation, "")) if row.relation else "",
                household_id=row.household_id,
                register_id=row.register_id,
                address=row.address,
                dusun=row.dusun,
                rt=row.rt,
                rw=row.rw,
                desil=row.desil,
                village=row.village,
                programmes=row.programme_names(),
                status=row.status,
                status_label=str(_STATUS_LABELS.get(row.status, row.status)),
                score=round(float(score), 3),
                no_kk=row.no_kk or "",
            )
        )
    return hits


# Labels by value (lazy: translated when shown).
_RELATION_LABELS = dict(Relation.choices)
_STATUS_LABELS = dict(Person.Status.choices)


# ---------------------------------------------------------------------------
# One household
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberDetail:
    """A household member as the register page shows them."""

    person: Person
    masked_nik: str
    age: int | None
    relation: str
    programmes: tuple[str, ...]
    ppks: tuple[str, ...]


@dataclass(frozen=True)
class FamilyDetail:
    """One KK of the household (``family`` None: members without a known KK)."""

    family: Family | None
    masked_kk: str
    members: list[MemberDetail]


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    families: list[FamilyDetail]
    programmes: tuple[str, ...]  # the household's own (per family/household)
    participations: list[Participation]  # every active one, with programme and person
    ppks: list[PersonPpks]
    last_batch: ImportBatch | None

    @property
    def members(self) -> list[MemberDetail]:
        return [m for f in self.families for m in f.members]


def household_detail(*, user, household_id: int) -> HouseholdDetail:
    """A household of the register with everything its page shows.

    Families (KK, masked) with their members (NIK masked, age, relation, their
    programmes and PPKS), the household's programmes, and the import batch it
    last came from. Raises ``Household.DoesNotExist`` when the household is not
    in a village ``user`` may see (the view answers 404).
    """
    household = (
        scope(Household.objects.all(), user, via="village")
        .select_related("village__district", "last_batch")
        .get(pk=household_id)
    )
    families = list(household.families.order_by("pk"))
    members = list(household.members.order_by("relation", "birth_date", "pk"))
    participations = list(
        Participation.objects.filter(household=household, active=True)
        .select_related("programme", "person")
        .order_by("programme__order", "programme__code")
    )
    ppks = list(
        PersonPpks.objects.filter(person__household=household)
        .select_related("ppks_type__cluster", "person")
        .order_by("ppks_type__order")
    )

    person_programmes: dict[int, list[str]] = defaultdict(list)
    household_programmes = []
    for participation in participations:
        if participation.person_id:
            person_programmes[participation.person_id].append(participation.programme.short_name)
        else:
            household_programmes.append(participation.programme.short_name)
    person_ppks: dict[int, list[str]] = defaultdict(list)
    for row in ppks:
        person_ppks[row.person_id].append(row.ppks_type.name)

    today = timezone.localdate()
    by_family: dict[int | None, list[MemberDetail]] = defaultdict(list)
    for person in members:
        person.household = household
        by_family[person.family_id].append(
            MemberDetail(
                person=person,
                masked_nik=person.masked_nik,
                age=age_on(person.birth_date, today),
                relation=person.get_relation_display() if person.relation else "",
                programmes=tuple(dict.fromkeys(person_programmes[person.pk])),
                ppks=tuple(person_ppks[person.pk]),
            )
        )
    details = [FamilyDetail(f, mask_kk(f.no_kk), by_family.pop(f.pk, [])) for f in families]
    if by_family:
        details.append(FamilyDetail(None, "—", [m for ms in by_family.values() for m in ms]))
    return HouseholdDetail(
        household=household,
        families=details,
        programmes=tuple(dict.fromkeys(household_programmes)),
        participations=participations,
        ppks=ppks,
        last_batch=household.last_batch,
    )


# ---------------------------------------------------------------------------
# The register list
# ---------------------------------------------------------------------------

REGISTER_FILTERS = frozenset(
    {"village", "dusun", "rt", "rw", "programme", "desil", "ppks_type", "ppks_cluster",
     "status"}
)


def register_list(*, user, filters: dict | None = None) -> QuerySet[Household]:
    """The households of the register the user may see, for the register pages.

    ``filters`` (empty values are ignored): ``village`` (a Village or its id),
    ``dusun``, ``rt``, ``rw``, ``programme`` (a programme code: the household or
    one of its members receives it, actively), ``desil`` (a number or several),
    ``ppks_type`` / ``ppks_cluster`` (a code: a member is recorded with it),
    ``status`` (Household.Status). Each row carries ``head_name`` (the head of
    the first family) and ``member_count``; ordered by village, dusun, RW, RT,
    register ID. A lazy queryset: paginate or export it.
    """
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    unknown = set(filters) - REGISTER_FILTERS
    if unknown:
        raise ValueError(f"unknown register filters: {', '.join(sorted(unknown))}")

    households = scope(Household.objects.all(), user, via="village")
    if "village" in filters:
        households = households.filter(village_id=getattr(filters["village"], "pk",
                                                          filters["village"]))
    if "dusun" in filters:
        households = households.filter(dusun__iexact=str(filters["dusun"]).strip())
    if "rt" in filters:
        households = households.filter(rt__in=_rt_forms(filters["rt"]))
    if "rw" in filters:
        households = households.filter(rw__in=_rt_forms(filters["rw"]))
    if "status" in filters:
        households = households.filter(status=filters["status"])
    if "desil" in filters:
        desil = filters["desil"]
        values = [desil] if isinstance(desil, (int, str)) else list(desil)
        households = households.filter(desil__in=[int(v) for v in values])
    if "programme" in filters:
        households = households.filter(Exists(Participation.objects.filter(
            household_id=OuterRef("pk"), active=True, programme__code=filters["programme"])))
    if "ppks_type" in filters:
        households = households.filter(Exists(PersonPpks.objects.filter(
            person__household_id=OuterRef("pk"), ppks_type__code=filters["ppks_type"])))
    if "ppks_cluster" in filters:
        households = households.filter(Exists(PersonPpks.objects.filter(
            person__household_id=OuterRef("pk"),
            ppks_type__cluster__code=filters["ppks_cluster"])))

    heads = Person.objects.filter(household_id=OuterRef("pk")).order_by(
        "family_id", "relation", "pk")
    sizes = (
        Person.objects.filter(household_id=OuterRef("pk"))
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        households.select_related("village")
        .annotate(
            head_name=Subquery(heads.values("name")[:1]),
            member_count=Coalesce(Subquery(sizes, output_field=IntegerField()), 0),
        )
        .order_by("village__code", "dusun", "rw", "rt", "register_id")
    )


# ---------------------------------------------------------------------------
# Import history
# ---------------------------------------------------------------------------


def import_batches_for(*, user) -> QuerySet[ImportBatch]:
    """The register imports a user may see: those of their villages, and the kecamatan-
    or kabupaten-wide ones of the units they oversee. Newest first."""
    from puskesos.scoping import visible_districts, visible_regencies, visible_villages

    batches = ImportBatch.objects.all()
    if user.is_authenticated and user.is_superuser:
        return batches.order_by("-created_at", "-pk")
    wide = Q(village__in=visible_villages(user).values("pk"))
    codes = [*visible_districts(user).values_list("code", flat=True),
             *visible_regencies(user).values_list("code", flat=True)]
    if codes:
        wide |= Q(village__isnull=True, scope_code__in=codes)
    return batches.filter(wide).order_by("-created_at", "-pk")
