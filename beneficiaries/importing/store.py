"""Writing checked register rows to the database in one transaction, set-based.

Rows are first collected (:class:`Collector`): people stream to a spool file in
PostgreSQL's COPY text format, households and families stay in memory (one entry
per household), duplicates are caught. :func:`store` then loads everything into
temporary staging tables (COPY on PostgreSQL, executemany on SQLite) and merges
them into the register with a handful of INSERT … ON CONFLICT / UPDATE statements,
so a million rows cost a few statements, not a million.

Rows come to the collector one by one (:meth:`Collector.add`, ``add_compact``) or, for
a stretch of plainly valid rows, summed up (:class:`Chunk`, :meth:`Collector.add_chunk`:
a few dictionary updates for thousands of rows). On PostgreSQL a large load (see
:data:`BULK_MIN_ROWS`) sets the register's indexes and foreign keys aside while it
writes and rebuilds them afterwards (:mod:`.bulk`).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from . import bulk
from .rows import ERROR, PersonRecord, Problem

#: PostgreSQL loads of at least this many people that are also at least
#: BULK_SHARE of the people already registered set the indexes and foreign keys
#: aside and rebuild them afterwards (:mod:`.bulk`); smaller ones merge row by row.
BULK_MIN_ROWS = 100_000
BULK_SHARE = 0.25

PERSON_STAGE_COLUMNS = [
    ("line_no", "INTEGER"),
    ("register_id", "TEXT"),
    ("village_id", "BIGINT"),
    ("no_kk", "TEXT"),
    ("nik", "TEXT"),
    ("member_id", "TEXT"),
    ("name", "TEXT"),
    ("name_key", "TEXT"),
    ("birth_place", "TEXT"),
    ("birth_date", "DATE"),
    ("sex", "TEXT"),
    ("relation", "INTEGER"),
    ("mother_name", "TEXT"),
    ("occupation", "TEXT"),
    ("disability", "BOOLEAN"),
    ("status", "TEXT"),
    ("pbi", "BOOLEAN"),
    ("pip", "BOOLEAN"),
]
HOUSEHOLD_STAGE_COLUMNS = [
    ("register_id", "TEXT"),
    ("village_id", "BIGINT"),
    ("address", "TEXT"),
    ("dusun", "TEXT"),
    ("rt", "TEXT"),
    ("rw", "TEXT"),
    ("desil", "INTEGER"),
    ("percentile", "INTEGER"),
    ("pkh", "BOOLEAN"),
    ("bpnt", "BOOLEAN"),
]
FAMILY_STAGE_COLUMNS = [("no_kk", "TEXT"), ("register_id", "TEXT")]


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _untext(text: str):
    if text == "\\N":
        return None
    if "\\" in text:
        text = (
            text.replace("\\\\", "\x00")
            .replace("\\t", "\t")
            .replace("\\n", "\n")
            .replace("\\r", "\r")
            .replace("\x00", "\\")
        )
    return text


def spool_line(r: PersonRecord) -> str:
    """A checked record as a line of the people's COPY text (stage_person columns)."""
    return "\t".join(
        (
            str(r.row),
            _text(r.register_id),
            str(r.village_id),
            _text(r.no_kk),
            _text(r.nik),
            _text(r.member_id),
            _text(r.name),
            _text(r.name_key),
            _text(r.birth_place),
            r.birth_date.isoformat() if r.birth_date else "\\N",
            _text(r.sex),
            str(r.relation) if r.relation is not None else "\\N",
            _text(r.mother_name),
            _text(r.occupation),
            "t" if r.disability else "f",
            r.status,
            "t" if r.pbi else "f",
            "t" if r.pip else "f",
        )
    )


def compact(r: PersonRecord) -> tuple:
    """A record in the form :meth:`RowChecker.check_fast` gives (see there)."""
    return (
        r.row, r.register_id, r.village_id, r.no_kk, r.nik, r.member_id, r.address, r.dusun,
        r.rt, r.rw, r.desil, r.percentile, r.pkh, r.bpnt, spool_line(r),
    )  # fmt: skip


@dataclass
class Chunk:
    """The checked rows of one stretch of a file, summed up for :meth:`Collector.add_chunk`.

    Only for a stretch whose rows are all valid, without warnings, and without
    duplicates or contradictions among themselves: then adding it is a few
    dictionary updates instead of a loop over its rows.
    """

    rows: list[int]
    register_ids: list[str]
    niks: list[str]  # (row, NIK) pairs flattened: see keyed()
    nik_rows: list[int]
    member_ids: list[str]
    member_rows: list[int]
    households: dict[str, list]  # as Collector.households, plus the row count at [11]
    families: dict[str, tuple[str, int]]
    lines: str


def summarise(items: list[tuple]) -> Chunk | None:
    """A :class:`Chunk` for consecutive rows from ``check_fast``; None if the rows clash
    among themselves (then they must be added one by one, to report it)."""
    households: dict[str, list] = {}
    families: dict[str, tuple[str, int]] = {}
    niks, nik_rows, member_ids, member_rows = [], [], [], []
    for row, rid, village, kk, nik, member, address, dusun, rt, rw, desil, pct, pkh, bpnt, _l in (
        items
    ):
        if nik is not None:
            niks.append(nik)
            nik_rows.append(row)
        if member is not None:
            member_ids.append(member)
            member_rows.append(row)
        h = households.get(rid)
        if h is None:
            households[rid] = [village, address, dusun, rt, rw, desil, pct, pkh, bpnt, 0, row, 1]
        else:
            if h[0] != village:
                return None
            if desil is not None and (h[5] is None or desil < h[5]):
                h[5] = desil
            h[7] = h[7] or pkh
            h[8] = h[8] or bpnt
            h[11] += 1
        if kk is not None:
            family = families.get(kk)
            if family is None:
                families[kk] = (rid, row)
            elif family[0] != rid:
                return None
    if len(set(niks)) != len(niks) or len(set(member_ids)) != len(member_ids):
        return None
    return Chunk(
        rows=[item[0] for item in items],
        register_ids=[item[1] for item in items],
        niks=niks,
        nik_rows=nik_rows,
        member_ids=member_ids,
        member_rows=member_rows,
        households=households,
        families=families,
        lines="".join([item[14] + "\n" for item in items]),
    )


@dataclass
class Collector:
    """Accumulates the checked rows of one import and finds duplicates between rows."""

    spool: io.TextIOBase
    households: dict[str, list] = field(default_factory=dict)
    household_rows: dict[str, int] = field(default_factory=dict)
    families: dict[str, tuple[str, int]] = field(default_factory=dict)
    niks: dict[str, int] = field(default_factory=dict)
    member_ids: dict[str, int] = field(default_factory=dict)
    dropped_rows: set[int] = field(default_factory=set)
    row_households: dict[int, str] = field(default_factory=dict)
    people: int = 0
    village_ids: set[int] = field(default_factory=set)

    def add(self, r: PersonRecord, header) -> list[Problem]:
        """Keep a record; return the problems it causes with earlier rows."""
        return self.add_compact(compact(r), header)

    def add_chunk(self, chunk: Chunk) -> bool:
        """Keep a whole :class:`Chunk` if none of its rows clashes with an earlier one
        (no problem to report); False, keeping nothing, otherwise."""
        if not self.niks.keys().isdisjoint(chunk.niks) or not self.member_ids.keys().isdisjoint(
            chunk.member_ids
        ):
            return False
        households, families = self.households, self.families
        for rid, h in chunk.households.items():
            known = households.get(rid)
            if known is not None and known[0] != h[0]:
                return False
        for kk, family in chunk.families.items():
            known = families.get(kk)
            if known is not None and known[0] != family[0]:
                return False
        self.niks.update(zip(chunk.niks, chunk.nik_rows, strict=True))
        self.member_ids.update(zip(chunk.member_ids, chunk.member_rows, strict=True))
        household_rows = self.household_rows
        for rid, h in chunk.households.items():
            known = households.get(rid)
            if known is None:
                households[rid] = h[:11]
                household_rows[rid] = h[11]
                self.village_ids.add(h[0])
            else:
                if h[5] is not None and (known[5] is None or h[5] < known[5]):
                    known[5] = h[5]
                known[7] = known[7] or h[7]
                known[8] = known[8] or h[8]
                household_rows[rid] += h[11]
        for kk, family in chunk.families.items():
            families.setdefault(kk, family)
        self.row_households.update(zip(chunk.rows, chunk.register_ids, strict=True))
        self.people += len(chunk.rows)
        self.spool.write(chunk.lines)
        return True

    def add_compact(self, r: tuple, header) -> list[Problem]:
        """Keep one row in the form :meth:`RowChecker.check_fast` gives; return the
        problems it causes with earlier rows."""
        row, register_id, village_id, no_kk, nik, member_id = r[:6]
        problems = []
        if nik is not None:
            first = self.niks.get(nik)
            if first is not None:
                problems.append(
                    Problem(
                        row,
                        header("nik"),
                        nik,
                        _("NIK ganda: NIK yang sama juga ada di baris %(other)d.")
                        % {"other": first},
                    )
                )
                if first not in self.dropped_rows:
                    problems.append(
                        Problem(
                            first,
                            header("nik"),
                            nik,
                            _("NIK ganda: NIK yang sama juga ada di baris %(other)d.")
                            % {"other": row},
                        )
                    )
                    self._drop(first)
                return problems
        if member_id is not None:
            first = self.member_ids.get(member_id)
            if first is not None:
                problems.append(
                    Problem(
                        row,
                        header("member_id"),
                        member_id,
                        _("ID anggota ganda: juga ada di baris %(other)d.") % {"other": first},
                    )
                )
                return problems
        household = self.households.get(register_id)
        if household is not None and household[0] != village_id:
            problems.append(
                Problem(
                    row,
                    header("register_id"),
                    register_id,
                    _(
                        "ID register yang sama dipakai untuk dua desa di file ini (lihat baris "
                        "%(other)d)."
                    )
                    % {"other": household[10]},
                )
            )
            return problems
        if no_kk is not None:
            family = self.families.get(no_kk)
            if family is not None and family[0] != register_id:
                problems.append(
                    Problem(
                        row,
                        header("no_kk"),
                        no_kk,
                        _(
                            "Nomor KK yang sama tercatat di dua rumah tangga "
                            "(lihat baris %(other)d)."
                        )
                        % {"other": family[1]},
                    )
                )
                return problems
            if family is None:
                self.families[no_kk] = (register_id, row)

        if nik is not None:
            self.niks[nik] = row
        if member_id is not None:
            self.member_ids[member_id] = row
        desil, pkh, bpnt = r[10], r[12], r[13]
        if household is None:
            # village, address, dusun, rt, rw, desil, percentile, pkh, bpnt, -, first row
            self.households[register_id] = [village_id, *r[6:14], 0, row]
            self.village_ids.add(village_id)
        else:
            if desil is not None and (household[5] is None or desil < household[5]):
                household[5] = desil
            household[7] = household[7] or pkh
            household[8] = household[8] or bpnt
        self.household_rows[register_id] = self.household_rows.get(register_id, 0) + 1
        self.row_households[row] = register_id
        self.people += 1
        self.spool.write(r[14])
        self.spool.write("\n")
        return problems

    def _drop(self, row: int) -> None:
        self.dropped_rows.add(row)
        register_id = self.row_households.get(row)
        if register_id is not None:
            self.household_rows[register_id] -= 1
        self.people -= 1


@dataclass
class StoreResult:
    counts: dict
    problems: list[Problem]


class Conflicts(Exception):
    """Rows that clash with what the register already holds (rolled back)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} conflicts")
        self.problems = problems


class TimedCursor:
    """A cursor that notes how long each statement took (reported with the import)."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.timings: dict[str, float] = {}

    def _note(self, label, started):
        self.timings[label] = round(self.timings.get(label, 0) + time.monotonic() - started, 3)

    def execute(self, sql, params=None):
        started = time.monotonic()
        result = self.cursor.execute(sql, params)
        label = " ".join(sql.split())
        # Index and key rebuilds of a large load: one line each, with the object's name.
        ddl = label.startswith(("ALTER TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX"))
        self._note(label[:110] if ddl else label[:60], started)
        return result

    def executemany(self, sql, rows):
        started = time.monotonic()
        result = self.cursor.executemany(sql, rows)
        self._note(" ".join(sql.split())[:40], started)
        return result

    def copy_expert(self, sql, stream):
        started = time.monotonic()
        result = self.cursor.copy_expert(sql, stream)
        self._note(sql[:40], started)
        return result

    def __getattr__(self, name):
        return getattr(self.cursor, name)


def _create_stage(cursor, name, columns):
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cols = ", ".join(f"{col} {kind}" for col, kind in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({cols})")


def _load(cursor, name, columns, lines_or_rows, *, text_lines: bool):
    """Load rows into a staging table: COPY on PostgreSQL, executemany elsewhere."""
    names = [col for col, _kind in columns]
    if connection.vendor == "postgresql":
        if text_lines:
            stream = lines_or_rows
        else:
            buffer = io.StringIO()
            for row in lines_or_rows:
                buffer.write("\t".join(_text(v) for v in row))
                buffer.write("\n")
            buffer.seek(0)
            stream = buffer
        cursor.copy_expert(f"COPY {name} ({', '.join(names)}) FROM STDIN", stream)
        return
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({placeholders})"
    if text_lines:

        def rows():
            for line in lines_or_rows:
                parts = [_untext(p) for p in line.rstrip("\n").split("\t")]
                yield [_sqlite_value(v, kind) for v, (_c, kind) in zip(parts, columns, strict=True)]
    else:

        def rows():
            yield from lines_or_rows

    batch = []
    for row in rows():
        batch.append(row)
        if len(batch) >= 5000:
            cursor.executemany(sql, batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)


def _sqlite_value(value, kind):
    if value is None:
        return None
    if kind == "BOOLEAN":
        return value == "t"
    if kind in ("INTEGER", "BIGINT"):
        return int(value)
    return value


def store(*, batch, collector: Collector, spool_path: str, skip_invalid: bool) -> StoreResult:
    """Merge the collected rows into the register. Must run inside transaction.atomic().

    Raises :class:`Conflicts` (after which the caller rolls back) when rows clash with
    the register and ``skip_invalid`` is off; with it on, those rows are left out.
    """
    now = timezone.now()
    pg = connection.vendor == "postgresql"
    problems: list[Problem] = []
    with connection.cursor() as raw_cursor:
        cursor = TimedCursor(raw_cursor)
        _create_stage(cursor, "stage_person", PERSON_STAGE_COLUMNS)
        _create_stage(cursor, "stage_household", HOUSEHOLD_STAGE_COLUMNS)
        _create_stage(cursor, "stage_family", FAMILY_STAGE_COLUMNS)
        with open(spool_path, encoding="utf-8") as spool:
            _load(cursor, "stage_person", PERSON_STAGE_COLUMNS, spool, text_lines=True)
        if collector.dropped_rows:
            cursor.execute("CREATE TEMPORARY TABLE stage_dropped (line_no INTEGER)")
            _load(
                cursor,
                "stage_dropped",
                [("line_no", "INTEGER")],
                [(r,) for r in collector.dropped_rows],
                text_lines=False,
            )
            cursor.execute(
                "DELETE FROM stage_person WHERE line_no IN (SELECT line_no FROM stage_dropped)"
            )
            cursor.execute("DROP TABLE stage_dropped")
        _load(
            cursor,
            "stage_household",
            HOUSEHOLD_STAGE_COLUMNS,
            (
                (rid, h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8])
                for rid, h in collector.households.items()
                if collector.household_rows[rid] > 0
            ),
            text_lines=False,
        )
        _load(
            cursor,
            "stage_family",
            FAMILY_STAGE_COLUMNS,
            ((kk, f[0]) for kk, f in collector.families.items()),
            text_lines=False,
        )
        large = pg and _is_large(cursor, collector.people)
        if not large:  # a large load joins by hashing: indexes would not be used
            for stmt in (
                "CREATE INDEX stage_person_nik ON stage_person (nik)",
                "CREATE INDEX stage_person_rid ON stage_person (register_id)",
                "CREATE INDEX stage_household_rid ON stage_household (register_id)",
            ):
                cursor.execute(stmt)
        if pg and not large:
            cursor.execute("ANALYZE stage_person")
            cursor.execute("ANALYZE stage_household")
            cursor.execute("ANALYZE stage_family")

        problems += _conflicts(cursor, collector)
        if problems:
            if not skip_invalid:
                raise Conflicts(problems)
            _drop_conflicting(cursor, problems)

        counts = _merge(
            cursor, batch=batch, now=now, village_ids=collector.village_ids, large=large,
            # Every staged family still has people unless rows were left out.
            all_families_kept=not problems and not collector.dropped_rows,
        )
        counts["bulk"] = large
        counts["timings"] = cursor.timings
    return StoreResult(counts=counts, problems=problems)


def _is_large(cursor, people: int) -> bool:
    """Whether this load is worth setting the register's indexes aside for."""
    if people < BULK_MIN_ROWS:
        return False
    cursor.execute(
        "SELECT reltuples::bigint FROM pg_class WHERE oid = 'beneficiaries_person'::regclass"
    )
    registered = cursor.fetchone()[0]
    if registered < 0:  # never analysed
        cursor.execute("SELECT COUNT(*) FROM beneficiaries_person")
        registered = cursor.fetchone()[0]
    return people >= BULK_SHARE * registered


def _conflicts(cursor, collector) -> list[Problem]:
    """Rows that clash with the register as it is: a register ID of another village, a
    NIK that lives in a village outside this import."""
    problems = []
    cursor.execute(
        """
        SELECT s.register_id, v.name,
               (SELECT MIN(p.line_no) FROM stage_person p WHERE p.register_id = s.register_id)
        FROM stage_household s
        JOIN beneficiaries_household h ON h.register_id = s.register_id
        JOIN puskesos_village v ON v.id = h.village_id
        WHERE h.village_id <> s.village_id
        """
    )
    for register_id, village_name, row in cursor.fetchall():
        problems.append(
            Problem(
                row or 0,
                "ID register",
                register_id,
                _(
                    "ID register ini sudah terdaftar untuk Desa %(village)s; satu ID register "
                    "tidak boleh dipakai dua desa."
                )
                % {"village": village_name},
            )
        )
    village_ids = sorted(collector.village_ids) or [0]
    placeholders = ", ".join(["%s"] * len(village_ids))
    cursor.execute(
        f"""
        SELECT s.line_no, s.nik, v.name
        FROM stage_person s
        JOIN beneficiaries_person p ON p.nik = s.nik
        JOIN puskesos_village v ON v.id = p.village_id
        WHERE p.status = 'ada' AND p.village_id NOT IN ({placeholders})
        """,
        village_ids,
    )
    for row, nik, village_name in cursor.fetchall():
        problems.append(
            Problem(
                row,
                "NIK",
                nik,
                _(
                    "NIK ini masih tercatat tinggal di Desa %(village)s, di luar cakupan impor "
                    "ini. Impor lewat Manajer kabupaten atau catat perpindahannya dahulu."
                )
                % {"village": village_name},
            )
        )
    return problems


def _drop_conflicting(cursor, problems):
    rows = sorted({p.row for p in problems if p.level == ERROR})
    for i in range(0, len(rows), 500):
        chunk = rows[i : i + 500]
        cursor.execute(
            f"DELETE FROM stage_person WHERE line_no IN ({', '.join(['%s'] * len(chunk))})", chunk
        )
    # A refused register ID (another village's) is reported once, at its first row; its
    # other rows are left out too, not attached to the other village's household.
    cursor.execute(
        """
        DELETE FROM stage_person WHERE register_id IN (
            SELECT s.register_id FROM stage_household s
            JOIN beneficiaries_household h ON h.register_id = s.register_id
            WHERE h.village_id <> s.village_id)
        """
    )
    cursor.execute(
        "DELETE FROM stage_household WHERE register_id NOT IN "
        "(SELECT register_id FROM stage_person)"
    )


def _merge(cursor, *, batch, now, village_ids, large: bool, all_families_kept: bool) -> dict:
    params = {"batch": batch.pk, "now": now}
    if large:
        cursor.execute(
            "SELECT code, id FROM beneficiaries_programme "
            "WHERE code IN ('pkh','bpnt','pbi-jk','pip')"
        )
        programmes = dict(cursor.fetchall())
        saved = bulk.set_aside(cursor)
        counts = bulk.merge(
            cursor, params=params, village_ids=village_ids, programmes=programmes,
            all_families_kept=all_families_kept,
        )
    else:
        counts = _counts(cursor)
        _upsert(cursor, params=params, village_ids=village_ids)
    counts["households_added"] = counts["households"] - counts["households_updated"]
    counts["people_added"] = counts["people"] - counts["people_updated"]
    _mark_absent(cursor, batch=batch, now=now, village_ids=village_ids, counts=counts)
    if large:
        bulk.restore(cursor, saved)
    return counts


def _counts(cursor) -> dict:
    """How many staged households and people are already in the register."""
    counts = {}
    cursor.execute("SELECT COUNT(*) FROM stage_household")
    counts["households"] = cursor.fetchone()[0]
    cursor.execute(
        "SELECT COUNT(*) FROM stage_household s JOIN beneficiaries_household h "
        "ON h.register_id = s.register_id"
    )
    counts["households_updated"] = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(*) FROM stage_person")
    counts["people"] = cursor.fetchone()[0]
    cursor.execute(
        "SELECT COUNT(*) FROM stage_person s JOIN beneficiaries_person p ON p.nik = s.nik"
    )
    updated = cursor.fetchone()[0]
    cursor.execute(
        "SELECT COUNT(*) FROM stage_person s JOIN beneficiaries_person p "
        "ON p.member_id = s.member_id WHERE s.nik IS NULL"
    )
    counts["people_updated"] = updated + cursor.fetchone()[0]
    return counts


def _upsert(cursor, *, params, village_ids) -> None:
    """Households, families, people and participations, one INSERT … ON CONFLICT each."""
    cursor.execute(
        """
        INSERT INTO beneficiaries_household
            (register_id, village_id, address, dusun, rt, rw, desil, percentile, status,
             last_batch_id, updated_at)
        SELECT register_id, village_id, address, dusun, rt, rw, desil, percentile, 'aktif',
               %(batch)s, %(now)s
        FROM stage_household WHERE true
        ON CONFLICT (register_id) DO UPDATE SET
            village_id = excluded.village_id, address = excluded.address,
            dusun = excluded.dusun, rt = excluded.rt, rw = excluded.rw,
            desil = excluded.desil, percentile = excluded.percentile, status = 'aktif',
            last_batch_id = excluded.last_batch_id, updated_at = excluded.updated_at
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO beneficiaries_family (no_kk, household_id)
        SELECT f.no_kk, h.id
        FROM stage_family f JOIN beneficiaries_household h ON h.register_id = f.register_id
        WHERE f.no_kk IN (SELECT no_kk FROM stage_person)
        ON CONFLICT (no_kk) DO UPDATE SET household_id = excluded.household_id
        """
    )
    person_select = """
        SELECT h.id, f.id, s.village_id, s.nik, s.member_id, s.name, s.name_key,
               COALESCE(s.birth_place, ''), s.birth_date, COALESCE(s.sex, ''), s.relation,
               COALESCE(s.mother_name, ''), COALESCE(s.occupation, ''), s.disability,
               s.status, %(batch)s, %(now)s
        FROM stage_person s
        JOIN beneficiaries_household h ON h.register_id = s.register_id
        LEFT JOIN beneficiaries_family f ON f.no_kk = s.no_kk
    """
    person_update = """
        household_id = excluded.household_id, family_id = excluded.family_id,
        village_id = excluded.village_id, name = excluded.name, name_key = excluded.name_key,
        birth_place = excluded.birth_place, birth_date = excluded.birth_date,
        sex = excluded.sex, relation = excluded.relation, mother_name = excluded.mother_name,
        occupation = excluded.occupation, disability = excluded.disability,
        status = excluded.status, last_batch_id = excluded.last_batch_id,
        updated_at = excluded.updated_at
    """
    person_insert = """
        INSERT INTO beneficiaries_person
            (household_id, family_id, village_id, nik, member_id, name, name_key,
             birth_place, birth_date, sex, relation, mother_name, occupation, disability,
             status, last_batch_id, updated_at)
    """
    cursor.execute(
        person_insert
        + person_select
        + " WHERE s.nik IS NOT NULL "
        + " ON CONFLICT (nik) DO UPDATE SET member_id = excluded.member_id, "
        + person_update,
        params,
    )
    cursor.execute(
        person_insert
        + person_select
        + " WHERE s.nik IS NULL "
        + " ON CONFLICT (member_id) DO UPDATE SET "
        + person_update,
        params,
    )
    _merge_participation(cursor, params=params, village_ids=village_ids)


def _mark_absent(cursor, *, batch, now, village_ids, counts) -> None:
    # Whoever the new extract no longer lists is marked, never deleted.
    placeholders = ", ".join(["%s"] * len(village_ids)) or "NULL"
    ids = sorted(village_ids)
    cursor.execute(
        f"""
        UPDATE beneficiaries_person SET status = 'tidak_ada', updated_at = %s
        WHERE village_id IN ({placeholders}) AND status <> 'tidak_ada'
          AND (last_batch_id IS NULL OR last_batch_id <> %s)
        """,
        [now, *ids, batch.pk],
    )
    counts["people_marked_absent"] = cursor.rowcount
    cursor.execute(
        f"""
        UPDATE beneficiaries_household SET status = 'tidak_ada', updated_at = %s
        WHERE village_id IN ({placeholders}) AND status <> 'tidak_ada'
          AND (last_batch_id IS NULL OR last_batch_id <> %s)
        """,
        [now, *ids, batch.pk],
    )
    counts["households_marked_absent"] = cursor.rowcount


def _merge_participation(cursor, *, params, village_ids):
    """Programme flags of the extract become (or re-confirm) participations; extract
    participations the new file no longer shows are deactivated."""
    cursor.execute(
        "SELECT code, id FROM beneficiaries_programme WHERE code IN ('pkh','bpnt','pbi-jk','pip')"
    )
    programmes = dict(cursor.fetchall())
    ids = sorted(village_ids)
    placeholders = ", ".join(["%s"] * len(ids)) or "NULL"
    cursor.execute(
        f"""
        UPDATE beneficiaries_participation SET active = false
        WHERE source = 'ekstrak' AND household_id IN (
            SELECT id FROM beneficiaries_household WHERE village_id IN ({placeholders}))
        """,
        ids,
    )
    for code, column in (("pkh", "pkh"), ("bpnt", "bpnt")):
        if code not in programmes:
            continue
        cursor.execute(
            f"""
            INSERT INTO beneficiaries_participation
                (household_id, person_id, programme_id, source, active, last_batch_id,
                 recorded_at)
            SELECT h.id, NULL, %(programme)s, 'ekstrak', true, %(batch)s, %(now)s
            FROM stage_household s JOIN beneficiaries_household h
                 ON h.register_id = s.register_id
            WHERE s.{column}
            ON CONFLICT (household_id, programme_id, source) WHERE person_id IS NULL
            DO UPDATE SET active = true, last_batch_id = excluded.last_batch_id
            """,
            {**params, "programme": programmes[code]},
        )
    for code, column in (("pbi-jk", "pbi"), ("pip", "pip")):
        if code not in programmes:
            continue
        for key in ("nik", "member_id"):
            extra = "" if key == "nik" else " AND s.nik IS NULL"
            cursor.execute(
                f"""
                INSERT INTO beneficiaries_participation
                    (household_id, person_id, programme_id, source, active, last_batch_id,
                     recorded_at)
                SELECT p.household_id, p.id, %(programme)s, 'ekstrak', true, %(batch)s,
                       %(now)s
                FROM stage_person s JOIN beneficiaries_person p ON p.{key} = s.{key}
                WHERE s.{column}{extra}
                ON CONFLICT (person_id, programme_id, source) WHERE person_id IS NOT NULL
                DO UPDATE SET active = true, last_batch_id = excluded.last_batch_id
                """,
                {**params, "programme": programmes[code]},
            )
