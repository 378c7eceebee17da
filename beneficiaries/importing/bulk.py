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

The GIN trigram index of the name look-up (``person_name_key_trgm``, migration
0004) is kept: its pending list (``fastupdate``) absorbs a million inserts for
less than rebuilding it costs.

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
#: Indexes left in place during the load (cheaper to maintain than to rebuild).
KEPT_INDEXES = frozenset({"person_name_key_trgm"})

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


def set_aside(cursor) -> SetAside:
    """Lock the register tables and drop their indexes, keys and foreign keys."""
    # Pending deferred checks on these tables would forbid ALTER TABLE: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(f"LOCK TABLE {', '.join(REGISTER_TABLES)} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
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
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = ANY(%s::regclass[])
        ORDER BY x.indrelid::regclass::text, i.relname
        """,
        [tables],
    )
    for name, definition in cursor.fetchall():
        if name in KEPT_INDEXES:
            continue
        cursor.execute(f"DROP INDEX {_ident(name)}")
        saved.indexes.append(definition)
    return saved


def restore(cursor, saved: SetAside) -> None:
    """Rebuild what :func:`set_aside` dropped: keys, then indexes, then foreign keys."""
    for statement in (*saved.keys, *saved.indexes, *saved.foreign_keys):
        cursor.execute(statement)


def merge(cursor, *, params: dict, village_ids: list[int], programmes: dict) -> None:
    """Write the staged rows into the register without ON CONFLICT (no unique indexes).

    Same outcome as ``store._merge`` row for row: households by register ID, families
    by KK, people by NIK (or member ID when the NIK is empty) are updated when known
    and added otherwise; extract participations follow the programme flags. Marking
    the absent is left to the caller (it is the same for both paths).
    """
    cursor.execute(
        """
        UPDATE beneficiaries_household h SET
            village_id = s.village_id, address = s.address, dusun = s.dusun, rt = s.rt,
            rw = s.rw, desil = s.desil, percentile = s.percentile, status = 'aktif',
            last_batch_id = %(batch)s, updated_at = %(now)s
        FROM stage_household s WHERE h.register_id = s.register_id
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO beneficiaries_household
            (register_id, village_id, address, dusun, rt, rw, desil, percentile, status,
             last_batch_id, updated_at)
        SELECT register_id, village_id, address, dusun, rt, rw, desil, percentile, 'aktif',
               %(batch)s, %(now)s
        FROM stage_household s
        WHERE NOT EXISTS (
            SELECT 1 FROM beneficiaries_household h WHERE h.register_id = s.register_id)
        """,
        params,
    )
    cursor.execute("ANALYZE beneficiaries_household")

    # Families of the people kept, with their household's id.
    cursor.execute(
        """
        CREATE TEMPORARY TABLE stage_family_id ON COMMIT DROP AS
        SELECT f.no_kk, h.id AS household_id
        FROM stage_family f JOIN beneficiaries_household h ON h.register_id = f.register_id
        WHERE f.no_kk IN (SELECT no_kk FROM stage_person)
        """
    )
    cursor.execute(
        """
        UPDATE beneficiaries_family fam SET household_id = s.household_id
        FROM stage_family_id s
        WHERE fam.no_kk = s.no_kk AND fam.household_id <> s.household_id
        """
    )
    cursor.execute(
        """
        INSERT INTO beneficiaries_family (no_kk, household_id)
        SELECT s.no_kk, s.household_id FROM stage_family_id s
        WHERE NOT EXISTS (SELECT 1 FROM beneficiaries_family fam WHERE fam.no_kk = s.no_kk)
        """
    )
    cursor.execute("ANALYZE beneficiaries_family")

    # People: the staged row with its household and family ids, then update or add.
    cursor.execute(
        """
        CREATE TEMPORARY TABLE stage_person_id ON COMMIT DROP AS
        SELECT h.id AS household_id, f.id AS family_id, s.village_id, s.nik, s.member_id,
               s.name, s.name_key, COALESCE(s.birth_place, '') AS birth_place, s.birth_date,
               COALESCE(s.sex, '') AS sex, s.relation,
               COALESCE(s.mother_name, '') AS mother_name,
               COALESCE(s.occupation, '') AS occupation, s.disability, s.status, s.pbi, s.pip
        FROM stage_person s
        JOIN beneficiaries_household h ON h.register_id = s.register_id
        LEFT JOIN beneficiaries_family f ON f.no_kk = s.no_kk
        """
    )
    update = """
        UPDATE beneficiaries_person p SET
            household_id = s.household_id, family_id = s.family_id, village_id = s.village_id,
            {member} name = s.name, name_key = s.name_key, birth_place = s.birth_place,
            birth_date = s.birth_date, sex = s.sex, relation = s.relation,
            mother_name = s.mother_name, occupation = s.occupation, disability = s.disability,
            status = s.status, last_batch_id = %(batch)s, updated_at = %(now)s
        FROM stage_person_id s
    """
    cursor.execute(
        update.format(member="member_id = s.member_id,") + " WHERE p.nik = s.nik", params
    )
    cursor.execute(
        update.format(member="")
        + " WHERE s.nik IS NULL AND p.member_id = s.member_id",
        params,
    )
    insert = """
        INSERT INTO beneficiaries_person
            (household_id, family_id, village_id, nik, member_id, name, name_key,
             birth_place, birth_date, sex, relation, mother_name, occupation, disability,
             status, last_batch_id, updated_at)
        SELECT household_id, family_id, village_id, nik, member_id, name, name_key,
               birth_place, birth_date, sex, relation, mother_name, occupation, disability,
               status, %(batch)s, %(now)s
        FROM stage_person_id s
    """
    cursor.execute(
        insert + " WHERE s.nik IS NOT NULL AND NOT EXISTS ("
        "SELECT 1 FROM beneficiaries_person p WHERE p.nik = s.nik)",
        params,
    )
    cursor.execute(
        insert + " WHERE s.nik IS NULL AND NOT EXISTS ("
        "SELECT 1 FROM beneficiaries_person p WHERE p.member_id = s.member_id)",
        params,
    )
    _participations(cursor, params=params, village_ids=village_ids, programmes=programmes)


def _participations(cursor, *, params, village_ids, programmes) -> None:
    """The extract's participations: flagged households and people get theirs (re)activated
    or added; extract participations in the import's villages that the file no longer
    flags are deactivated (never deleted)."""
    parts = []
    for code, column in (("pkh", "pkh"), ("bpnt", "bpnt")):
        if code in programmes:
            parts.append(
                f"SELECT h.id AS household_id, NULL::bigint AS person_id, "
                f"{int(programmes[code])} AS programme_id "
                f"FROM stage_household s JOIN beneficiaries_household h "
                f"ON h.register_id = s.register_id WHERE s.{column}"
            )
    for code, column in (("pbi-jk", "pbi"), ("pip", "pip")):
        if code in programmes:
            for key, extra in (("nik", ""), ("member_id", " AND s.nik IS NULL")):
                parts.append(
                    f"SELECT p.household_id, p.id, {int(programmes[code])} "
                    f"FROM stage_person s JOIN beneficiaries_person p ON p.{key} = s.{key} "
                    f"WHERE s.{column}{extra}"
                )
    if parts:
        cursor.execute(
            "CREATE TEMPORARY TABLE stage_participation ON COMMIT DROP AS "
            + " UNION ALL ".join(parts)
        )
        cursor.execute("ANALYZE stage_participation")
        cursor.execute(
            """
            UPDATE beneficiaries_participation t SET active = true, last_batch_id = %(batch)s
            FROM stage_participation s
            WHERE s.person_id IS NULL AND t.person_id IS NULL AND t.source = 'ekstrak'
              AND t.household_id = s.household_id AND t.programme_id = s.programme_id
            """,
            params,
        )
        cursor.execute(
            """
            UPDATE beneficiaries_participation t SET active = true, last_batch_id = %(batch)s
            FROM stage_participation s
            WHERE t.source = 'ekstrak' AND t.person_id = s.person_id
              AND t.programme_id = s.programme_id
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
        insert = """
            INSERT INTO beneficiaries_participation
                (household_id, person_id, programme_id, source, active, last_batch_id,
                 recorded_at)
            SELECT s.household_id, s.person_id, s.programme_id, 'ekstrak', true, %(batch)s,
                   %(now)s
            FROM stage_participation s
        """
        cursor.execute(
            insert
            + """
            WHERE s.person_id IS NULL AND NOT EXISTS (
                SELECT 1 FROM beneficiaries_participation t
                WHERE t.person_id IS NULL AND t.source = 'ekstrak'
                  AND t.household_id = s.household_id AND t.programme_id = s.programme_id)
            """,
            params,
        )
        cursor.execute(
            insert
            + """
            WHERE s.person_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM beneficiaries_participation t
                WHERE t.source = 'ekstrak' AND t.person_id = s.person_id
                  AND t.programme_id = s.programme_id)
            """,
            params,
        )
