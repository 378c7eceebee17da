"""Register look-up speed: NIK, KK and misspelled two-word names on a big register.

Not part of the default run (``--ignore=tests/bench``). Run it with::

    .venv/bin/python -m pytest tests/bench/test_lookup_bench.py -p no:cacheprovider -s \\
        -o addopts=""
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puskesos .venv/bin/python -m pytest \\
        tests/bench/test_lookup_bench.py -p no:cacheprovider -s -o addopts=""

``BENCH_PEOPLE`` (default 1,000,000 on PostgreSQL, 100,000 on SQLite),
``BENCH_LOOKUPS`` (look-ups of each kind, default 250), ``BENCH_SEED``.

The register is a synthetic one (``beneficiaries.synthetic``) in the ten villages
of Kec. Cimaung, loaded with COPY on PostgreSQL (the triggers of migration 0004 fill
the distinct-names table; then VACUUM ANALYZE) and with ``bulk_create`` on SQLite
(the FTS5 triggers index each row). The load is timed apart: it is not the import benchmark. The
look-ups go through ``register_lookup`` as the Manajer (who sees every village),
and the bench prints p50/p95/p99 per kind. Nothing is asserted about time; it
asserts that the look-ups find what they should.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import time
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from beneficiaries.models import Family, Person, Programme
from beneficiaries.names import name_key
from beneficiaries.selectors import register_lookup
from beneficiaries.synthetic import generate_households
from puskesos.models import Village
from puskesos.roles import Role
from tests.beneficiaries.factories import load_synthetic
from tests.factories import Org

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _people() -> int:
    default = 1_000_000 if connection.vendor == "postgresql" else 100_000
    return int(os.environ.get("BENCH_PEOPLE", default))


# ---------------------------------------------------------------------------
# Loading (PostgreSQL: COPY with ids assigned here)
# ---------------------------------------------------------------------------

_COLUMNS = {
    "beneficiaries_household": "id, village_id, register_id, address, dusun, rt, rw, desil, "
    "percentile, status, updated_at",
    "beneficiaries_family": "id, household_id, no_kk",
    "beneficiaries_person": "id, household_id, family_id, village_id, nik, name, name_key, "
    "birth_place, birth_date, sex, relation, mother_name, occupation, disability, status, "
    "updated_at",
    "beneficiaries_participation": "id, household_id, person_id, programme_id, source, active, "
    "recorded_at",
}


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _copy_load(villages: list[Village], people: int, seed: int) -> None:
    village_ids = {v.code: v.pk for v in villages}
    programmes = {p.code: p.pk for p in Programme.objects.all()}
    now = timezone.now().isoformat()
    ids = dict.fromkeys(_COLUMNS, 0)
    buffers = {table: io.StringIO() for table in _COLUMNS}
    raw = connection.connection.cursor()

    def flush():
        for table, buffer in buffers.items():
            buffer.seek(0)
            raw.copy_expert(f"COPY {table} ({_COLUMNS[table]}) FROM STDIN", buffer)
            buffers[table] = io.StringIO()

    def participation(household_id, person_id, code):
        ids["beneficiaries_participation"] += 1
        buffers["beneficiaries_participation"].write(
            f"{ids['beneficiaries_participation']}\t{household_id}\t{person_id}\t"
            f"{programmes[code]}\tekstrak\tt\t{now}\n"
        )

    households = generate_households(people=people, villages=list(village_ids), seed=seed)
    for n, h in enumerate(households, 1):
        ids["beneficiaries_household"] += 1
        hid = ids["beneficiaries_household"]
        buffers["beneficiaries_household"].write(
            f"{hid}\t{village_ids[h.village.code]}\t{h.register_id}\t{_text(h.address)}\t"
            f"{_text(h.dusun)}\t{h.rt}\t{h.rw}\t{h.desil}\t{h.percentile}\taktif\t{now}\n"
        )
        vid = village_ids[h.village.code]
        for f in h.families:
            ids["beneficiaries_family"] += 1
            fid = ids["beneficiaries_family"]
            buffers["beneficiaries_family"].write(f"{fid}\t{hid}\t{f.kk}\n")
            for m in f.members:
                ids["beneficiaries_person"] += 1
                pid = ids["beneficiaries_person"]
                buffers["beneficiaries_person"].write(
                    f"{pid}\t{hid}\t{fid}\t{vid}\t{m.nik}\t{_text(m.name)}\t{name_key(m.name)}\t"
                    f"{_text(m.birth_place)}\t{m.birth_date.isoformat()}\t{m.sex}\t"
                    f"{m.relation}\t{_text(m.mother_name)}\t{_text(m.occupation)}\t"
                    f"{'t' if m.disabled else 'f'}\tada\t{now}\n"
                )
                if h.pbi:
                    participation(hid, pid, "pbi-jk")
                if h.pip and 6 <= m.age() <= 20:
                    participation(hid, pid, "pip")
        if h.pkh:
            participation(hid, "\\N", "pkh")
        if h.bpnt:
            participation(hid, "\\N", "bpnt")
        if n % 20_000 == 0:
            flush()
    flush()
    with connection.cursor() as cursor:
        for table in _COLUMNS:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def _load(villages: list[Village], people: int, seed: int) -> dict[str, float]:
    times = {}
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        _copy_load(villages, people, seed)
        times["rows (COPY; the names table filled by its trigger)"] = time.perf_counter() - start
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        times["VACUUM ANALYZE"] = time.perf_counter() - start
    else:
        load_synthetic(villages, people, seed, chunk=5_000)
        times["rows (bulk_create + FTS5 triggers)"] = time.perf_counter() - start
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        times["ANALYZE"] = time.perf_counter() - start
    return times


# ---------------------------------------------------------------------------
# Misspelling a real name as a clerk would
# ---------------------------------------------------------------------------

_SOUNDS = (("F", "P"), ("P", "F"), ("V", "F"), ("Z", "J"), ("J", "Z"), ("U", "OE"),
           ("Y", "I"), ("I", "Y"), ("KH", "H"), ("SY", "S"), ("E", "I"), ("O", "U"))


def misspell(name: str, rnd: random.Random) -> str:
    """One typo or regional spelling in one word; sometimes the words swapped too."""
    words = name.split()
    i = rnd.randrange(len(words))
    word = words[i]
    kind = rnd.choice(("drop", "double", "swap", "sound", "sound"))
    if kind == "sound":
        options = [(a, b) for a, b in _SOUNDS if a in word[1:]]
        if options:
            a, b = rnd.choice(options)
            at = word.index(a, 1)
            word = word[:at] + b + word[at + len(a):]
        else:
            kind = "drop"
    if kind == "drop" and len(word) > 3:
        at = rnd.randrange(1, len(word))
        word = word[:at] + word[at + 1:]
    elif kind == "double":
        at = rnd.randrange(len(word))
        word = word[:at] + word[at] + word[at:]
    elif kind == "swap" and len(word) > 3:
        at = rnd.randrange(1, len(word) - 1)
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    words[i] = word
    if rnd.random() < 0.3:
        words.reverse()
    return " ".join(words)


@dataclass
class Timings:
    kind: str
    ms: list[float]
    found: int

    def row(self) -> str:
        q = statistics.quantiles(self.ms, n=100, method="inclusive")
        return (
            f"{self.kind:<6} n={len(self.ms):<4} p50={q[49]:7.2f} ms  p95={q[94]:7.2f} ms  "
            f"p99={q[98]:7.2f} ms  max={max(self.ms):7.2f} ms  found={self.found}/{len(self.ms)}"
        )


def _time(kind, queries, user, check) -> Timings:
    for query, _expected in queries[:5]:  # warm the caches and the code paths
        register_lookup(user=user, query=query)
    ms, found = [], 0
    for query, expected in queries:
        start = time.perf_counter()
        result = register_lookup(user=user, query=query)
        ms.append((time.perf_counter() - start) * 1000)
        found += check(result, expected)
    return Timings(kind, ms, found)


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
def test_register_lookup_speed():
    people = _people()
    lookups = int(os.environ.get("BENCH_LOOKUPS", 250))
    seed = int(os.environ.get("BENCH_SEED", 2026))
    org = Org()
    villages = list(Village.objects.filter(district=org.district).order_by("code"))
    manager = org.users[Role.MANAGER]

    load_times = _load(villages, people, seed)
    counts = {
        "households": org.own.households.model.objects.count(),
        "families": Family.objects.count(),
        "people": Person.objects.count(),
    }
    assert counts["people"] == people
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM beneficiaries_person_names")
            counts["distinct names"] = cursor.fetchone()[0]

    rnd = random.Random(seed)
    sample = list(
        Person.objects.order_by("?").values_list("pk", "nik", "name", "family__no_kk")[
            : lookups * 4
        ]
    )
    by_nik = [(nik, pk) for pk, nik, _name, _kk in sample[:lookups]]
    by_kk = [(kk, kk) for _pk, _nik, _name, kk in sample[lookups : 2 * lookups]]
    two_words = [(pk, name) for pk, _nik, name, _kk in sample if len(name.split()) == 2]
    assert len(two_words) >= lookups, "not enough two-word names in the sample"
    by_name = [(misspell(name, rnd), (pk, name_key(name))) for pk, name in two_words[:lookups]]

    def nik_found(result, pk):
        return result.kind == "nik" and [h.person_id for h in result.hits] == [pk]

    def kk_found(result, kk):
        # NIK and KK share one format: a KK number may also be someone's NIK.
        family = result.family if result.kind == "kk" else result.kk_family
        return family is not None and family.no_kk == kk

    def name_found(result, expected):
        # The person, or a namesake with the same key (ranked equal), in the top 20.
        pk, key = expected
        keys = {name_key(h.name) for h in result.hits}
        return result.kind == "name" and (pk in {h.person_id for h in result.hits} or key in keys)

    results = [
        _time("NIK", by_nik, manager, nik_found),
        _time("KK", by_kk, manager, kk_found),
        _time("name", by_name, manager, name_found),
    ]

    print()
    print(f"=== register_lookup on {connection.vendor}: {counts['people']:,} people, "
          f"{counts['households']:,} households, {counts['families']:,} families ===")
    if "distinct names" in counts:
        print(f"distinct name keys: {counts['distinct names']:,}")
    for step, seconds in load_times.items():
        print(f"load: {step}: {seconds:.1f} s")
    for timing in results:
        print(timing.row())
    print("name queries (first 10):", [q for q, _e in by_name[:10]])

    assert results[0].found == len(by_nik)
    assert results[1].found == len(by_kk)
    assert results[2].found >= 0.9 * len(by_name)
