"""The name look-up's join from names to people also narrows by village (PostgreSQL).

``person_name_key`` (migration 0004) indexed ``name_key`` alone. For a clerk, whose
look-up is limited to their own village, PostgreSQL joined each candidate name's few
people with the whole village (a BitmapAnd with the village index: 100,000 entries
read per candidate name, ~2 ms each): a misspelled name cost 50–150 ms on a
million-person register. With ``village_id`` in the same index the village is checked
on the name's own entries: ~10 ms. The index keeps its name and still serves look-ups
by name alone (its first column). SQLite finds names through FTS5: nothing to do.
"""

from django.db import migrations


def _postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


FORWARD = [
    "DROP INDEX IF EXISTS person_name_key",
    "CREATE INDEX person_name_key ON beneficiaries_person (name_key, village_id)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS person_name_key",
    "CREATE INDEX person_name_key ON beneficiaries_person (name_key)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0012_key_columns_c_collation"),
    ]

    operations = [migrations.RunPython(_postgresql(FORWARD), _postgresql(BACKWARD))]
