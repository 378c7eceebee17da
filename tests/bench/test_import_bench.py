"""Register import speed: a million-person DTKS extract for a whole kabupaten.

Not part of the default run (``--ignore=tests/bench``). Run it with::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puskesos .venv/bin/python -m pytest \\
        tests/bench/test_import_bench.py -p no:cacheprovider -s -o addopts=""
    BENCH_PEOPLE=100000 .venv/bin/python -m pytest tests/bench/test_import_bench.py \\
        -p no:cacheprovider -s -o addopts=""

``BENCH_PEOPLE`` (default 1,000,000 on PostgreSQL, 100,000 on SQLite), ``BENCH_SEED``;
``BENCH_ROW_BY_ROW=1`` times the import without its fast paths (as it was before them).

The extract is a synthetic one (``beneficiaries.synthetic``) over 300 villages in 30
kecamatan of Kab. Bandung (32.04.10.2001 … 32.04.39.2010), cached under the system
temp folder by size and seed. In one run the bench times:

* **raw COPY**, the floor: the same CSV loaded with PostgreSQL's ``COPY`` into a plain
  table with the same columns, then btree indexes on NIK, KK and register ID and a
  GIN trigram index on the name (SQLite: ``executemany`` and an FTS5 trigram table);
* **import**: ``manage.py import_register`` in a subprocess (so its wall clock
  includes start-up, the checksum and every index, and its peak memory is its own)
  into the empty register, with validation, grouping and all-or-nothing;
* **re-import** of the same file: every person and household updated.

It prints seconds, rows/s, the ratio to the raw COPY, the peak memory (the import
process and, apart, the largest of its worker processes) and the import's own
per-phase timings (``ImportBatch.counts``). Nothing is asserted about time, only
that the register holds what the file says.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from beneficiaries.models import Family, Household, ImportBatch, Person
from beneficiaries.synthetic import write_extract
from tests.bench import kabupaten
from tests.bench.kabupaten import KABUPATEN, KECAMATAN, VILLAGES, own_database, region

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database of its own (a lookup bench or the test suite may run meanwhile):
    ``test_<name>_importbench``."""
    own_database("importbench")


def _extract(people: int, seed: int) -> tuple[Path, dict]:
    """The bench CSV (made once per size and seed) and what it holds."""
    path = Path(tempfile.gettempdir()) / f"puskesos-bench-dtks-{people}-s{seed}-300desa.csv"
    meta = path.with_suffix(".json")
    if not (path.exists() and meta.exists()):
        started = time.perf_counter()
        stats = write_extract(path, layout="dtks", people=people, villages=VILLAGES, seed=seed)
        meta.write_text(json.dumps({"rows": stats.rows, "households": stats.households,
                                    "families": stats.families}))
        print(f"\nextract written in {time.perf_counter() - started:.1f} s: {path}")
    return path, json.loads(meta.read_text())


def _database_url() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


# The import as an operator runs it, plus its own peak memory. BENCH_ROW_BY_ROW=1 turns
# the fast paths off (every row checked by RowChecker.check in one process, the
# ordinary INSERT ... ON CONFLICT merge): the import as it was before them, to compare.
_RUNNER = """
import json, os, resource, sys, time
import django
django.setup()
from django.core.management import call_command
if os.environ.get("BENCH_ROW_BY_ROW") == "1":
    from beneficiaries.importing import parallel, store
    from beneficiaries.importing.rows import RowChecker
    RowChecker.check_fast = lambda self, row, cells: None
    RowChecker.check_many = lambda self, rows: None
    parallel.PARALLEL_MIN_BYTES = 1 << 60
    store.BULK_MIN_ROWS = 1 << 60
started = time.perf_counter()
call_command("import_register", sys.argv[1], "--village", sys.argv[2])
print("BENCH " + json.dumps({
    "seconds_inside": time.perf_counter() - started,
    "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "workers_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


def _import(path: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": _database_url(),
           "DJANGO_SETTINGS_MODULE": "puskesos.settings"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(path), KABUPATEN], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    result = json.loads(line[6:])
    result["seconds"] = seconds
    result["batch"] = ImportBatch.objects.latest("pk")
    return result


def _raw_copy(path: Path) -> float:
    """The floor: the file loaded as it is, with comparable indexes."""
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    columns = [f"c{i}" for i in range(len(header))]
    nik, kk, rid, name = (header.index(h) for h in ("NIK", "NO KK", "ID DTKS", "NAMA"))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute(f"CREATE TABLE bench_raw ({', '.join(c + ' text' for c in columns)})")
        if connection.vendor == "postgresql":
            with open(path, encoding="utf-8") as handle:
                cursor.cursor.copy_expert(
                    "COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
            cursor.execute(f"CREATE INDEX bench_raw_nik ON bench_raw (c{nik})")
            cursor.execute(f"CREATE INDEX bench_raw_kk ON bench_raw (c{kk})")
            cursor.execute(f"CREATE INDEX bench_raw_rid ON bench_raw (c{rid})")
            cursor.execute(
                f"CREATE INDEX bench_raw_name ON bench_raw USING gin (c{name} gin_trgm_ops)")
        else:
            with open(path, encoding="utf-8", newline="") as handle:
                rows = csv.reader(handle)
                next(rows)
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO bench_raw VALUES ({placeholders})", rows)
            cursor.execute(f"CREATE INDEX bench_raw_nik ON bench_raw (c{nik})")
            cursor.execute(f"CREATE INDEX bench_raw_kk ON bench_raw (c{kk})")
            cursor.execute(f"CREATE INDEX bench_raw_rid ON bench_raw (c{rid})")
            cursor.execute(
                f"CREATE VIRTUAL TABLE bench_raw_name USING fts5(c{name}, content='bench_raw', "
                "tokenize='trigram')")
            cursor.execute("INSERT INTO bench_raw_name(bench_raw_name) VALUES ('rebuild')")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("DROP TABLE bench_raw_name")
        cursor.execute("DROP TABLE bench_raw")
    return seconds


def _report(people: int, raw: float, runs: list[tuple[str, dict]]) -> None:
    print()
    mode = " (BENCH_ROW_BY_ROW: fast paths off)" if os.environ.get("BENCH_ROW_BY_ROW") else ""
    print(f"=== register import on {connection.vendor}: {people:,} people, "
          f"{len(VILLAGES)} villages in {len(KECAMATAN)} kecamatan{mode} ===")
    print(f"{'':<12}{'seconds':>9}{'rows/s':>11}{'x raw COPY':>12}{'peak MB':>9}"
          f"{'workers MB':>12}")
    print(f"{'raw COPY':<12}{raw:>9.1f}{people / raw:>11,.0f}{1:>12.2f}")
    for label, run in runs:
        print(f"{label:<12}{run['seconds']:>9.1f}{people / run['seconds']:>11,.0f}"
              f"{run['seconds'] / raw:>12.2f}{run['self_kb'] / 1024:>9.0f}"
              f"{run['workers_kb'] / 1024:>12.0f}")
    for label, run in runs:
        counts = run["batch"].counts
        print(f"-- {label}: check {counts['seconds_check']} s, store {counts['seconds_store']} s "
              f"(set aside and rebuilt indexes: {counts.get('bulk')})")
        for statement, seconds in sorted(counts["timings"].items(), key=lambda kv: -kv[1])[:15]:
            print(f"   {seconds:7.2f}  {statement}")


def test_register_import_speed():
    people = kabupaten.people()
    seed = int(os.environ.get("BENCH_SEED", 2026))
    path, held = _extract(people, seed)
    region()

    raw = _raw_copy(path)
    first = _import(path)
    batch = first["batch"]
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert batch.counts["rows"] == held["rows"] == people
    assert batch.counts["rows_invalid"] == 0
    assert batch.counts["people_added"] == people
    assert Person.objects.count() == people
    assert Household.objects.count() == held["households"]
    assert Family.objects.count() == held["families"]

    again = _import(path)
    batch = again["batch"]
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert batch.counts["people_updated"] == people
    assert batch.counts["people_marked_absent"] == 0
    assert Person.objects.filter(status=Person.Status.PRESENT).count() == people

    _report(people, raw, [("import", first), ("re-import", again)])
