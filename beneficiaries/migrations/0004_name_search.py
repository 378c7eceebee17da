"""Indexes for the register look-up by name (beneficiaries.selectors.register_lookup).

NIK, member ID and KK number look-ups need nothing new: ``Person.nik``,
``Person.member_id`` and ``Family.no_kk`` are unique, hence already indexed.

* **PostgreSQL**: the ``pg_trgm`` extension; ``beneficiaries_person_names``, one
  row per distinct ``name_key`` with a GIN trigram index (gin_trgm_ops), where the
  look-up runs the indexed ``%`` / ``%>`` operators; a btree index on
  ``Person.name_key`` to go from the names found to the people. A register repeats
  names (1,000,000 people carry ~130,000 distinct keys), so the trigram search
  and its recheck touch ~8 times fewer rows than a GIN index on the person table
  itself (measured: p95 ~140 ms there, see tests/bench/test_lookup_bench.py).
  The names table is filled by triggers: a statement-level AFTER INSERT trigger
  (transition table: one set-based insert per statement, cheap for COPY and
  ``INSERT ... SELECT``) and a row-level AFTER UPDATE OF name_key trigger that
  runs only when the key really changes. Deleting people leaves their names
  behind: harmless (a name without people yields no hit) and cheap to purge.
  Reversing drops the triggers, the table and the index, keeps the extension
  (other objects may use it).
* **SQLite**: an FTS5 table with the ``trigram`` tokenizer over ``name_key``,
  *external content* on the person table (rowid = person id, so the index holds
  no second copy of the names), kept in step by three triggers (insert, delete,
  update of ``name_key``). Triggers fire for every way rows are written,
  including ``bulk_create``, raw ``INSERT ... SELECT`` and ``INSERT ... ON
  CONFLICT DO UPDATE`` (an upsert fires the update trigger), so the register
  import needs to do nothing. Existing rows are indexed by ``rebuild``.

  Caveat: when a later migration makes Django *rebuild* the person table on
  SQLite (most ``AlterField``s do: new table, copy, drop, rename), the triggers
  are dropped with the old table. Such a migration must run ``CREATE_TRIGGERS``
  and ``rebuild`` again; ``tests/beneficiaries/test_lookup.py`` fails until it does.
"""

from django.db import migrations

NAMES = "beneficiaries_person_names"
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE TABLE {NAMES} (key varchar(150) PRIMARY KEY)",
    f"CREATE INDEX {NAMES}_trgm ON {NAMES} USING gin (key gin_trgm_ops)",
    "CREATE INDEX person_name_key ON beneficiaries_person (name_key)",
    f"""CREATE FUNCTION {NAMES}_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {NAMES} (key)
        SELECT DISTINCT name_key FROM added WHERE name_key <> ''
        ON CONFLICT (key) DO NOTHING;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION {NAMES}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.name_key <> '' THEN
            INSERT INTO {NAMES} (key) VALUES (NEW.name_key) ON CONFLICT (key) DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {NAMES}_insert AFTER INSERT ON beneficiaries_person
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {NAMES}_added()""",
    f"""CREATE TRIGGER {NAMES}_update AFTER UPDATE OF name_key ON beneficiaries_person
    FOR EACH ROW WHEN (OLD.name_key IS DISTINCT FROM NEW.name_key)
    EXECUTE FUNCTION {NAMES}_changed()""",
    f"""INSERT INTO {NAMES} (key) SELECT DISTINCT name_key FROM beneficiaries_person
    WHERE name_key <> '' ON CONFLICT (key) DO NOTHING""",
]
PG_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {NAMES}_insert ON beneficiaries_person",
    f"DROP TRIGGER IF EXISTS {NAMES}_update ON beneficiaries_person",
    f"DROP FUNCTION IF EXISTS {NAMES}_added()",
    f"DROP FUNCTION IF EXISTS {NAMES}_changed()",
    f"DROP TABLE IF EXISTS {NAMES}",
    "DROP INDEX IF EXISTS person_name_key",
]

FTS = "beneficiaries_person_name_fts"
SQLITE_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    "name_key, content='beneficiaries_person', content_rowid='id', tokenize='trigram')"
)
CREATE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON beneficiaries_person BEGIN
        INSERT INTO {FTS}(rowid, name_key) VALUES (new.id, new.name_key);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON beneficiaries_person BEGIN
        INSERT INTO {FTS}({FTS}, rowid, name_key) VALUES ('delete', old.id, old.name_key);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF name_key
        ON beneficiaries_person BEGIN
        INSERT INTO {FTS}({FTS}, rowid, name_key) VALUES ('delete', old.id, old.name_key);
        INSERT INTO {FTS}(rowid, name_key) VALUES (new.id, new.name_key);
    END""",
]
SQLITE_FORWARD = [
    SQLITE_CREATE_TABLE,
    *CREATE_TRIGGERS,
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]

STATEMENTS = {
    "postgresql": (PG_FORWARD, PG_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor, backwards: bool) -> None:
    # Other databases get no name index: the look-up then ranks in Python.
    forward, backward = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for sql in backward if backwards else forward:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, backwards=False)


def backwards(apps, schema_editor):
    _run(schema_editor, backwards=True)


class Migration(migrations.Migration):

    dependencies = [
        ("beneficiaries", "0003_person_name_key"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
