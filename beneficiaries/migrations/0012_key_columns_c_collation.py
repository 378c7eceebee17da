"""The register's key columns compare byte by byte on PostgreSQL (``COLLATE "C"``).

NIK, KK number, register ID, member ID and name key are digits or upper-case ASCII
(``name_key`` may hold other letters, still UTF-8). The database collation here is
``C.UTF-8``: for valid UTF-8 it orders exactly like ``C`` (code point order is byte
order), but PostgreSQL only takes its fast path for a collation named ``C``: other
ones compare through ``strcoll()`` and sort without abbreviated keys. Building the
unique and btree indexes on these columns (the register import rebuilds them all
after a large load, see ``beneficiaries.importing.bulk``) then costs ~40 % more:
measured on a million people, 1.46 s against 0.96 s for the NIK key, 1.42 s against
0.78 s for the name key. Same order, same equality, so nothing else changes.

State-less (``RunPython``, PostgreSQL only): the models keep no ``db_collation``,
which SQLite would refuse. A later ``AlterField`` that changes one of these columns'
type gives it back the database's collation: only slower, not different.
"""

from django.db import migrations

# (model, field) of the key columns.
KEY_COLUMNS = [
    ("household", "register_id"),
    ("family", "no_kk"),
    ("person", "nik"),
    ("person", "member_id"),
    ("person", "name_key"),
]


def _collate(apps, schema_editor, collation: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    tables = {}
    for model_name, field_name in KEY_COLUMNS:
        model = apps.get_model("beneficiaries", model_name)
        field = model._meta.get_field(field_name)
        tables.setdefault(model._meta.db_table, []).append(
            f"ALTER COLUMN {quote(field.column)} TYPE varchar({int(field.max_length)}) "
            f"COLLATE {collation}"
        )
    with schema_editor.connection.cursor() as cursor:
        for table, changes in tables.items():
            # A column a trigger names (the name look-up's, migration 0004) cannot change
            # type: the table's own triggers are set aside and created again as they were.
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
                [table],
            )
            triggers = cursor.fetchall()
            for name, _definition in triggers:
                schema_editor.execute(f"DROP TRIGGER {quote(name)} ON {quote(table)}")
            schema_editor.execute(f"ALTER TABLE {quote(table)} {', '.join(changes)}")
            for _name, definition in triggers:
                schema_editor.execute(definition)


def forwards(apps, schema_editor):
    _collate(apps, schema_editor, '"C"')


def backwards(apps, schema_editor):
    _collate(apps, schema_editor, '"default"')


class Migration(migrations.Migration):

    dependencies = [
        ("beneficiaries", "0011_proposal_economy"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
