"""Large register loads on PostgreSQL: indexes and foreign keys set aside, rebuilt once.

Merging a million staged rows into tables that keep all their indexes costs a
random index insertion per row and index (about a microsecond each, a dozen
indexes per person), and Django's foreign keys (``DEFERRABLE INITIALLY
DEFERRED``) queue one check per row and key, all run one by one at COMMIT.
For a load that brings a large share of the register, :func:`set_aside`
therefore drops, *inside the import's transaction*, the indexes, primary and
unique keys of the register tables and every foreign key from or to them;
:func:`merge` writes the rows with plain ``UPDATE … FROM`` / ``INSERT … SELECT``
(no ``ON CONFLICT``: the unique indexes are gone, rows are matched by hash
joins), and :func:`restore` rebuilds everything with the DDL read from the
catalog before (``pg_get_indexdef``, ``pg_get_constraintdef``): each index one
sort, each foreign key one set-based check (``ADD CONSTRAINT … FOREIGN KEY``
validates it), each unique key one uniqueness check. The names and definitions
come back exactly as they were, so migrations keep matching the database. If
anything fails, the transaction rolls back and the old indexes and keys were
never gone.

The name look-up's table of distinct name keys (``beneficiaries_person_names``,
migration 0004) is not a register table: it keeps its GIN trigram index. Its
statement-level insert trigger on the person table is switched off for the load
(``DISABLE TRIGGER``, undone by :func:`restore` or by the rollback): it would spill
a million-row transition table to disk and take its distinct keys, about 2 s for a
million people; :func:`merge` adds the names of the people it inserted instead, from
the staged rows. The row-level update trigger stays on: it runs only for a person
whose name key really changes.

The price: the register tables are locked (``ACCESS EXCLUSIVE``) for the whole
load, and the tables they refer to (villages, users, programmes, import batches)
are locked against writes while their keys are checked. A look-up or a desk
registration waits until the import commits, a few seconds for a million rows.
Acceptable for a full extract; small imports (see ``store.BULK_MIN_ROWS``) take
the ordinary path and lock nothing beyond the rows they write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REGISTER_TABLES = (
    "beneficiaries_household",
    "beneficiaries_family",
    "beneficiaries_person",
    "beneficiaries_participation",
)
#: The name look-up's table (migration 0004) and its insert trigger on the person
#: table, switched off during the load (see :func:`_names`, which does its work).
NAMES_TABLE = "beneficiaries_person_names"
NAMES_TRIGGERS = ("beneficiaries_person_names_insert",)
#: At least this many new name keys, and at least as many as the table holds: its
#: trigram index is rebuilt rather than added to (see :func:`_names`).
NAMES_REBUILD_MIN = 10_000

#: Memory for the index builds and hash joins of the load (per statement, freed after).
MAINTENANCE_WORK_MEM = "512MB"
WORK_MEM = "256MB"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class SetAside:
    """What :func:`set_aside` dropped, as the statements that bring it back."""

    keys: list[str] = field(default_factory=list)  # primary and unique keys
    indexes: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)  # switched off, to switch back on


def set_aside(cursor) -> SetAside:
    """Lock the register tables and drop their indexes, keys and foreign keys."""
    # Pending deferred checks on these tables would forbid ALTER TABLE: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(f"LOCK TABLE {', '.join(REGISTER_TABLES)} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    # Every join of the load matches whole tables without indexes: hash joins. The
    # staged tables have no statistics, and a sort-merge on text (the database's
    # collation) or a nested loop guessed from them costs seconds; so does JIT compiling.
    for setting in ("enable_mergejoin", "enable_nestloop", "jit"):
        cursor.execute(f"SET LOCAL {setting} = off")
    tables = list(REGISTER_TABLES)
    saved = SetAside()

    # Foreign keys from and to the register tables (other apps' included).
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype = 'f'
          AND (c.conrelid = ANY(%s::regclass[]) OR c.confrelid = ANY(%s::regclass[]))
        ORDER BY c.conrelid::regclass::text, c.conname
        """,
        [tables, tables],
    )
    for table, name, definition in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_ident(name)}")
        saved.foreign_keys.append(f"ALTER TABLE {table} ADD CONSTRAINT {_ident(name)} {definition}")

    # Primary and unique keys (their indexes go with them).
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype IN ('p', 'u') AND c.conrelid = ANY(%s::regclass[])
        ORDER BY c.conrelid::regclass::text, c.contype, c.conname
        """,
        [tables],
    )
    for table, name, definition in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_ident(name)}")
        saved.keys.append(f"ALTER TABLE {table} ADD CONSTRAINT {_ident(name)} {definition}")

    # The other indexes (those of the keys are gone by now).
    cursor.execute(
        """
        SELECT x.indexrelid::regclass::text, i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = ANY(%s::regclass[])
        ORDER BY x.indrelid::regclass::text, i.relname
        """,
        [tables],
    )
    for index, _name, definition in cursor.fetchall():
        cursor.execute(f"DROP INDEX {index}")
        saved.indexes.append(definition)

    # The name look-up's insert trigger (merge() adds the new names set-based instead).
    cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'beneficiaries_person'::regclass "
        "AND tgname = ANY(%s) AND tgenabled <> 'D' ORDER BY tgname",
        [list(NAMES_TRIGGERS)],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE beneficiaries_person DISABLE TRIGGER {_ident(name)}")
        saved.triggers.append(
            f"ALTER TABLE beneficiaries_person ENABLE TRIGGER {_ident(name)}")
    return saved


def restore(cursor, saved: SetAside) -> None:
    """Rebuild what :func:`set_aside` dropped: keys, then indexes, then foreign keys;
    switch the name trigger back on."""
    for statement in (*saved.keys, *saved.indexes, *saved.foreign_keys, *saved.triggers):
        cursor.execute(statement)


class _Ids:
    """New ids for one table, drawn from its sequence as one block (no nextval() per
    row: a million calls cost seconds). The table is locked, so nobody else draws."""

    def __init__(self, cursor, table: str, stage: str):
        self.cursor = cursor
        self.sequence = f"pg_get_serial_sequence('{table}', 'id')"
        cursor.execute(f"SELECT COUNT(*) FROM {stage}")
        self.staged = cursor.fetchone()[0]  # at most this many new ids
        cursor.execute(f"SELECT nextval({self.sequence})")
        self.base = cursor.fetchone()[0]
        cursor.execute(f"SELECT setval({self.sequence}, %s, false)", [self.base + self.staged])

    def number(self, new: str, order: str = "") -> str:
        """SQL for a row's new id: ``new`` is its condition, ``order`` the numbering order."""
        return (
            f"CASE WHEN {new} THEN {int(self.base) - 1} + SUM(CASE WHEN {new} THEN 1 ELSE 0 END) "
            f"OVER ({order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END"
        )

    def used(self, stage: str, new: str) -> int:
        """Give back the ids of the block that the rows of ``stage`` did not take; return
        how many were taken."""
        self.cursor.execute(f"SELECT COUNT(*) FROM {stage} WHERE {new}")
        used = self.cursor.fetchone()[0]
        self.cursor.execute(f"SELECT setval({self.sequence}, %s, false)", [self.base + used])
        return used


def merge(
    cursor, *, params: dict, village_ids: list[int], programmes: dict, all_families_kept: bool
) -> dict:
    """Write the staged rows into the register without ON CONFLICT (no unique indexes).

    Same outcome as ``store._upsert`` row for row: households by register ID, families
    by KK, people by NIK (or member ID when the NIK is empty) are updated when known
    and added otherwise; extract participations follow the programme flags. Each
    staged row is matched once (a hash join on its key) and given its id, the known
    one or a new one from the table's sequence (the tables are locked), so the later
    steps join on integers only. Marking the absent is left to the caller. Returns the
    counts of staged and already registered households and people.
    ``all_families_kept``: no row was left out, so every staged family has people.
    """
    for stage in ("household", "family", "person", "participation"):
        cursor.execute(f"DROP TABLE IF EXISTS stage_{stage}_id")
    cursor.execute("DROP TABLE IF EXISTS stage_participation")
    ids = _Ids(cursor, "beneficiaries_household", "stage_household")
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE stage_household_id ON COMMIT DROP AS
        SELECT s.*, h.id AS known_id, COALESCE(h.id, {ids.number("h.id IS NULL")}) AS id
        FROM stage_household s
        LEFT JOIN beneficiaries_household h ON h.register_id = s.register_id
        """
    )
    counts = {
        "households": ids.staged,
        "households_updated": ids.staged - ids.used("stage_household_id", "known_id IS NULL"),
    }
    cursor.execute(
        """
        UPDATE beneficiaries_household h SET
            village_id = s.village_id, address = s.address, dusun = s.dusun, rt = s.rt,
            rw = s.rw, desil = s.desil, percentile = s.percentile, status = 'aktif',
            last_batch_id = %(batch)s, updated_at = %(now)s
        FROM stage_household_id s WHERE h.id = s.known_id
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO beneficiaries_household
            (id, register_id, village_id, address, dusun, rt, rw, desil, percentile, status,
             last_batch_id, updated_at)
        SELECT id, register_id, village_id, address, dusun, rt, rw, desil, percentile,
               'aktif', %(batch)s, %(now)s
        FROM stage_household_id WHERE known_id IS NULL
        """,
        params,
    )

    # Families of the people kept, with their household's id.
    ids = _Ids(cursor, "beneficiaries_family", "stage_family")
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE stage_family_id ON COMMIT DROP AS
        SELECT f.no_kk, h.id AS household_id, known.id AS known_id,
               known.household_id AS known_household_id,
               COALESCE(known.id, {ids.number("known.id IS NULL")}) AS id
        FROM stage_family f
        JOIN stage_household_id h ON h.register_id = f.register_id
        LEFT JOIN beneficiaries_family known ON known.no_kk = f.no_kk
        {"" if all_families_kept else "WHERE f.no_kk IN (SELECT no_kk FROM stage_person)"}
        """
    )
    ids.used("stage_family_id", "known_id IS NULL")
    cursor.execute(
        """
        UPDATE beneficiaries_family fam SET household_id = s.household_id
        FROM stage_family_id s
        WHERE fam.id = s.known_id AND s.known_household_id <> s.household_id
        """
    )
    cursor.execute(
        """
        INSERT INTO beneficiaries_family (id, no_kk, household_id)
        SELECT id, no_kk, household_id FROM stage_family_id WHERE known_id IS NULL
        """
    )

    # People: matched by NIK, or by member ID when the NIK is empty. A person whose
    # household was left out (a refused register ID) is not written, but an existing
    # one still gets the participations of the file, as in store._upsert.
    ids = _Ids(cursor, "beneficiaries_person", "stage_person")
    new = "pn.id IS NULL AND pm.id IS NULL AND h.id IS NOT NULL"
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE stage_person_id ON COMMIT DROP AS
        SELECT h.id AS household_id, f.id AS family_id, s.village_id, s.nik, s.member_id,
               s.name, s.name_key, COALESCE(s.birth_place, '') AS birth_place, s.birth_date,
               COALESCE(s.sex, '') AS sex, s.relation,
               COALESCE(s.mother_name, '') AS mother_name,
               COALESCE(s.occupation, '') AS occupation, s.disability, s.status, s.pbi, s.pip,
               COALESCE(pn.id, pm.id) AS known_id,
               COALESCE(pn.household_id, pm.household_id) AS known_household_id,
               COALESCE(pn.id, pm.id, {ids.number(new)}) AS id
        FROM stage_person s
        LEFT JOIN stage_household_id h ON h.register_id = s.register_id
        LEFT JOIN stage_family_id f ON f.no_kk = s.no_kk AND h.id IS NOT NULL
        LEFT JOIN beneficiaries_person pn ON pn.nik = s.nik
        LEFT JOIN beneficiaries_person pm ON s.nik IS NULL AND pm.member_id = s.member_id
        """
    )
    ids.used("stage_person_id", "known_id IS NULL AND household_id IS NOT NULL")
    cursor.execute("SELECT COUNT(known_id) FROM stage_person_id")
    counts.update(people=ids.staged, people_updated=cursor.fetchone()[0])
    cursor.execute(
        """
        UPDATE beneficiaries_person p SET
            household_id = s.household_id, family_id = s.family_id, village_id = s.village_id,
            member_id = s.member_id, name = s.name, name_key = s.name_key,
            birth_place = s.birth_place, birth_date = s.birth_date, sex = s.sex,
            relation = s.relation, mother_name = s.mother_name, occupation = s.occupation,
            disability = s.disability, status = s.status, last_batch_id = %(batch)s,
            updated_at = %(now)s
        FROM stage_person_id s
        WHERE p.id = s.known_id AND s.household_id IS NOT NULL
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO beneficiaries_person
            (id, household_id, family_id, village_id, nik, member_id, name, name_key,
             birth_place, birth_date, sex, relation, mother_name, occupation, disability,
             status, last_batch_id, updated_at)
        SELECT id, household_id, family_id, village_id, nik, member_id, name, name_key,
               birth_place, birth_date, sex, relation, mother_name, occupation, disability,
               status, %(batch)s, %(now)s
        FROM stage_person_id
        WHERE known_id IS NULL AND household_id IS NOT NULL
        """,
        params,
    )
    _names(cursor)
    _participations(cursor, params=params, village_ids=village_ids, programmes=programmes)
    return counts


def _names(cursor) -> None:
    """The name keys of the people inserted, for the name look-up: what the insert
    trigger of migration 0004 adds, here for all of them at once; a key already there
    is left alone. (An updated person's changed key is added by the update trigger.)

    When the keys are mostly new (the first load of a kabupaten: ~130,000 keys for a
    million people), the table's GIN trigram index is dropped and built again after
    the insert: one build costs a third of inserting that many keys into the index.
    The keys are made distinct in byte order (``COLLATE "C"``): the staged rows have no
    statistics, the planner sorts them, and a sort in the database's collation costs
    half as much again (a million rows: 1.4 s against 0.9 s)."""
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [NAMES_TABLE])
    if not cursor.fetchone()[0]:
        return
    cursor.execute("DROP TABLE IF EXISTS stage_name")
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE stage_name ON COMMIT DROP AS
        SELECT DISTINCT s.name_key COLLATE "C" AS key
        FROM stage_person_id s LEFT JOIN {NAMES_TABLE} n ON n.key = s.name_key
        WHERE n.key IS NULL AND s.known_id IS NULL AND s.household_id IS NOT NULL
          AND s.name_key <> ''
        """
    )
    added = cursor.rowcount
    if not added:
        return
    cursor.execute(f"SELECT COUNT(*) FROM {NAMES_TABLE}")
    rebuilt = []
    if added >= NAMES_REBUILD_MIN and added >= cursor.fetchone()[0]:
        cursor.execute(
            """
            SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid)
            FROM pg_index x WHERE x.indrelid = %s::regclass AND NOT x.indisunique
            ORDER BY 1
            """,
            [NAMES_TABLE],
        )
        for index, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {index}")
            rebuilt.append(definition)
    cursor.execute(f"INSERT INTO {NAMES_TABLE} (key) SELECT key FROM stage_name")
    for definition in rebuilt:
        cursor.execute(definition)


def _participations(cursor, *, params, village_ids, programmes) -> None:
    """The extract's participations: flagged households and people get theirs (re)activated
    or added; extract participations in the import's villages that the file no longer
    flags are deactivated (never deleted)."""
    parts = []
    for code, column in (("pkh", "pkh"), ("bpnt", "bpnt")):
        if code in programmes:
            parts.append(
                f"SELECT id AS household_id, NULL::bigint AS person_id, "
                f"{int(programmes[code])} AS programme_id "
                f"FROM stage_household_id WHERE {column}"
            )
    for code, column in (("pbi-jk", "pbi"), ("pip", "pip")):
        if code in programmes:
            parts.append(
                f"SELECT COALESCE(household_id, known_household_id), id, "
                f"{int(programmes[code])} FROM stage_person_id "
                f"WHERE {column} AND id IS NOT NULL"
            )
    if parts:
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE stage_participation ON COMMIT DROP AS
            SELECT s.*, COALESCE(th.id, tp.id) AS known_id
            FROM ({" UNION ALL ".join(parts)}) s
            LEFT JOIN beneficiaries_participation th
                ON s.person_id IS NULL AND th.person_id IS NULL AND th.source = 'ekstrak'
                AND th.household_id = s.household_id AND th.programme_id = s.programme_id
            LEFT JOIN beneficiaries_participation tp
                ON tp.source = 'ekstrak' AND tp.person_id = s.person_id
                AND tp.programme_id = s.programme_id
            """
        )
        cursor.execute(
            """
            UPDATE beneficiaries_participation t SET active = true, last_batch_id = %(batch)s
            FROM stage_participation s WHERE t.id = s.known_id
            """,
            params,
        )
    # In scope and not confirmed by this file: deactivated.
    ids = sorted(village_ids)
    placeholders = ", ".join(["%s"] * len(ids)) or "NULL"
    cursor.execute(
        f"""
        UPDATE beneficiaries_participation SET active = false
        WHERE source = 'ekstrak' AND active
          AND (last_batch_id IS NULL OR last_batch_id <> %s)
          AND household_id IN (
            SELECT id FROM beneficiaries_household WHERE village_id IN ({placeholders}))
        """,
        [params["batch"], *ids],
    )
    if parts:
        cursor.execute(
            """
            INSERT INTO beneficiaries_participation
                (household_id, person_id, programme_id, source, active, last_batch_id,
                 recorded_at)
            SELECT household_id, person_id, programme_id, 'ekstrak', true, %(batch)s, %(now)s
            FROM stage_participation WHERE known_id IS NULL
            """,
            params,
        )
