"""The front-office desk under load: gunicorn, PostgreSQL, a big register.

The target (issue): with a register of 1,000,000 people on PostgreSQL, the desk's
live register check ``GET /layanan/kunjungan/cek/?q=...`` answers with p95 ≤ 100 ms
and the registration ``POST /layanan/kunjungan/baru/`` with p95 ≤ 150 ms, for 8
concurrent clients against gunicorn; the bench reports the throughput too. Not
part of the default run (``--ignore=tests/bench``). Run it with::

    .venv/bin/python -m pytest tests/bench/test_http_desk_bench.py -p no:cacheprovider \\
        -s -o addopts=""

and, to add the registrations with a ~280 KB house photo (GPS in its EXIF)::

    BENCH_DESK_PHOTO=1 .venv/bin/python -m pytest tests/bench/test_http_desk_bench.py \\
        -p no:cacheprovider -s -o addopts=""

What it does (the machinery is that of ``test_http_lookup_bench.py``, in
``http_support.py``; read its docstring for the environment variables they share:
``BENCH_PEOPLE``, ``BENCH_HTTP_DB``, ``BENCH_HTTP_CSV``, ``BENCH_WORKERS``,
``GUNICORN_THREADS``, ``BENCH_CLIENTS``, ``BENCH_WARMUP``, ``BENCH_SEED``,
``BENCH_KEEPALIVE``):

1. prepares (or reuses) the bench database ``puskesos_http_bench`` with
   ``BENCH_PEOPLE`` people (default 1,000,000; the first run builds it in a few
   minutes), then creates (idempotently) the Front Office clerk ``fo.bench`` in the
   village holding the most people: the desk works in the clerk's own village only;
2. reads that village's people from the CSV extract: the look-up queries (~40% NIK,
   ~20% KK, ~40% misspelled two-word names, as in the register bench) and the people
   who come to the desk (their NIK valid, in the register once, in this village);
3. starts gunicorn in production mode (``BENCH_WORKERS`` workers, default as in
   production: 2 per core + 1) with uploads going to a temporary ``MEDIA_ROOT``; each
   of ``BENCH_CLIENTS`` client threads (default 8) logs in as ``fo.bench`` like a
   browser, opens the form once (its CSRF token), sends a warm-up (not counted),
   waits for the others, then:

   * **look-up**: ``BENCH_REQUESTS`` look-ups each (default 250), back-to-back;
   * **registration**: ``BENCH_DESK_POSTS`` form posts each (default 50): a
     complaint (``pengaduan``, sector ``pangan``) about a register person typed by
     NIK, a fresh ``submission_key`` (uuid4) each; the answer must be the 302 to the
     complaint's receipt, which is not followed (only the POST is timed; the flash
     message cookie the receipt would show and drop is dropped). With
     ``BENCH_DESK_PHOTO=1`` the same again with a house photo attached (multipart);
   * **mixed**: ``BENCH_DESK_CYCLES`` registrations each (default 15; 0 skips it)
     as a clerk does them: open the form, ``BENCH_DESK_MIX`` look-ups (default 5),
     post;

4. latency is from sending the request to the last byte of the answer; the bench
   prints p50/p95/p99/max per request kind, throughput, errors, the keep-alive
   connections per worker and where the CPU went (gunicorn workers, PostgreSQL
   backends, the load generator, other processes: on a shared machine the last one
   says how much the figures are worth).

Nothing is asserted about time. Asserted: every look-up is a 200 with the desk's
partial and NIK/KK look-ups show the person; every POST is a 302 to a receipt; the
village gained exactly as many complaints as POSTs succeeded (warm-up included),
each linked to the register person (and, with the photo, one house photo with
coordinates), and the village's registration sequences are gapless 1..N in every
month. Each run adds its complaints to the bench database (they are kept: the
sequences go on).
"""

from __future__ import annotations

import math
import os
import random
import re
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from beneficiaries.identity import IdentityError, parse_kk, parse_nik
from tests.bench.http_support import (
    DESK_MARKER,
    FRONT_OFFICE,
    PASSWORD,
    RECEIPT_LOCATION,
    DeskBrowser,
    DeskSetup,
    Gunicorn,
    Query,
    Resident,
    SampledCpuMeter,
    complaint_count,
    complaint_sequences,
    connections_per_worker,
    desk_setup,
    house_photo,
    people_by_nik,
    prepare_database,
    queries_from_rows,
    registered_complaints,
    village_residents,
)

pytestmark = [pytest.mark.bench]

PEOPLE = int(os.environ.get("BENCH_PEOPLE", 1_000_000))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 8))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 250))
POSTS = int(os.environ.get("BENCH_DESK_POSTS", 50))
CYCLES = int(os.environ.get("BENCH_DESK_CYCLES", 15))
MIX = int(os.environ.get("BENCH_DESK_MIX", 5))
WARMUP = int(os.environ.get("BENCH_WARMUP", 50))
POST_WARMUP = 2  # registrations per client before the measured ones
WORKERS = int(os.environ.get("BENCH_WORKERS", os.cpu_count() * 2 + 1))  # as in production
SEED = int(os.environ.get("BENCH_SEED", 2026))
KEEPALIVE = os.environ.get("BENCH_KEEPALIVE", "1").lower() not in ("0", "false", "no")
PHOTO = os.environ.get("BENCH_DESK_PHOTO", "").lower() in ("1", "true", "yes")
TARGETS_MS = {"look-up": 100, "POST": 150}  # p95, printed beside the figures
LOOKUP_KINDS = ("NIK", "KK", "name")


@dataclass(frozen=True)
class Action:
    kind: str  # "lookup", "form", "register"
    query: Query | None = None
    resident: Resident | None = None


@dataclass
class Sample:
    kind: str  # NIK / KK / name (look-ups), form, POST, POST+photo
    ms: float
    status: int
    ok: bool
    found: bool = False  # look-ups: the person shown
    error: str = ""
    complaint: int | None = None  # registrations: the pk in the receipt's address


@dataclass
class Run:
    title: str
    clients: int
    samples: list[Sample] = field(default_factory=list)
    warm: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    reconnects: int = 0
    failures: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    spread: list[int] = field(default_factory=list)


@dataclass
class Bench:
    server: Gunicorn
    database: str
    setup: DeskSetup
    photo: bytes
    plans: dict[str, list[tuple[list[Action], list[Action]]]]  # run -> per client (warm, measured)


def _split(items: list, size: int) -> tuple[list, list]:
    if len(items) < size:
        raise RuntimeError(f"the village has too few usable people: {len(items)} < {size}")
    return items[:size], items[size:]


def _plans(residents: list[Resident], setup: DeskSetup, database: str):
    """Every client's actions of every run, fixed by ``BENCH_SEED``; no person twice."""
    rnd = random.Random(SEED)
    rnd.shuffle(residents)
    lookup_warm = math.ceil(WARMUP / CLIENTS)
    mix_cycles = CYCLES + 1 if CYCLES else 0  # one cycle of warm-up
    sizes = [lookup_warm + REQUESTS] * CLIENTS + [mix_cycles * MIX] * CLIENTS
    wanted = sum(sizes)
    pool, rest = _split(residents, min(len(residents), 3 * wanted + 100))
    lists = queries_from_rows([(r.nik, r.no_kk, r.name) for r in pool], sizes, rnd)
    lookups, mixed_lookups = lists[:CLIENTS], lists[CLIENTS:]

    # People who come to the desk: a valid NIK and KK, in the register once, here.
    def valid(resident):
        try:
            parse_nik(resident.nik)
            parse_kk(resident.no_kk)
        except IdentityError:
            return False
        return True

    posts_each = POST_WARMUP + POSTS
    needed = CLIENTS * (posts_each * (2 if PHOTO else 1) + mix_cycles)
    candidates = [r for r in rest[: 2 * needed + 100] if valid(r)]
    where = people_by_nik(database, [r.nik for r in candidates])
    comers = [r for r in candidates if where.get(r.nik) == [setup.village_pk]]
    skipped = len(candidates) - len(comers)
    plain, comers = _split(comers, CLIENTS * posts_each)
    photo, comers = _split(comers, CLIENTS * posts_each if PHOTO else 0)
    cycling, comers = _split(comers, CLIENTS * mix_cycles)

    def register(people):
        return [Action("register", resident=r) for r in people]

    plans = {"look-up": [], "registration": [], "registration+photo": [], "mixed": []}
    for i in range(CLIENTS):
        queries = [Action("lookup", query=q) for q in lookups[i]]
        plans["look-up"].append((queries[:lookup_warm], queries[lookup_warm:]))
        mine = register(plain[i * posts_each:(i + 1) * posts_each])
        plans["registration"].append((mine[:POST_WARMUP], mine[POST_WARMUP:]))
        if PHOTO:
            mine = register(photo[i * posts_each:(i + 1) * posts_each])
            plans["registration+photo"].append((mine[:POST_WARMUP], mine[POST_WARMUP:]))
        if CYCLES:
            actions = []
            mine_lookups = iter(mixed_lookups[i])
            for resident in cycling[i * mix_cycles:(i + 1) * mix_cycles]:
                actions.append(Action("form"))
                actions += [Action("lookup", query=next(mine_lookups)) for _ in range(MIX)]
                actions.append(Action("register", resident=resident))
            per_cycle = MIX + 2
            plans["mixed"].append((actions[:per_cycle], actions[per_cycle:]))
    return plans, skipped


@pytest.fixture(scope="module")
def bench():
    static_root = Path(tempfile.gettempdir()) / "puskesos-http-bench-static"
    media_root = Path(tempfile.mkdtemp(prefix="puskesos-http-bench-media-"))
    started = time.perf_counter()
    prep = prepare_database(PEOPLE, static_root)
    prep.steps["preparation, in all"] = time.perf_counter() - started
    setup = desk_setup(prep.env)
    prep.steps["Front Office clerk fo.bench"] = setup.seconds

    started = time.perf_counter()
    residents = village_residents(prep.csv, setup.village_code)
    assert len(residents) == setup.people, (
        f"the CSV {prep.csv} has {len(residents):,} people in {setup.village_code}, the "
        f"database {setup.people:,}: not the extract imported; delete the CSV and drop the "
        "database"
    )
    plans, skipped = _plans(residents, setup, prep.name)
    prep.steps["sampling the village's people from the CSV"] = time.perf_counter() - started
    query_niks = [a.query.nik for plan in plans.values() for warm, measured in plan
                  for a in warm + measured if a.query]
    where = people_by_nik(prep.name, query_niks)
    strays = [nik for nik in query_niks if setup.village_pk not in where.get(nik, [])]
    assert not strays, f"{len(strays)} sampled NIKs are not in the village's register"

    print()
    print(f"=== preparation: {prep.name}, {PEOPLE:,} people ===")
    for note in prep.notes:
        print(f"  {note}")
    for step, seconds in prep.steps.items():
        print(f"  {step}: {seconds:.1f} s")
    print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in prep.counts.items()))
    print(f"  clerk {FRONT_OFFICE}: Desa {setup.village_name} ({setup.village_code}), "
          f"{setup.people:,} people; people passed over as registrants (NIK or KK invalid, "
          f"NIK not unique to the village): {skipped}")

    photo = house_photo(-7.105123, 107.551234, seed=SEED) if PHOTO else b""
    server = Gunicorn({**prep.env, "MEDIA_ROOT": str(media_root)}, WORKERS)
    server.start()
    try:
        yield Bench(server, prep.name, setup, photo, plans)
    finally:
        server.stop()
        print(f"gunicorn stopped; its log: {server.log}; uploads in {media_root}")


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------

_FIELD_ERROR = re.compile(r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+)')


def _form_fields(resident: Resident, sector_pk: int) -> dict[str, str]:
    """Every field of the form as a browser sends it, a complaint about this person."""
    return {
        "submission_key": str(uuid.uuid4()),
        "person_id": "",
        "queue_ticket": "",
        "channel": "datang",
        "nik": resident.nik,
        "name": resident.name,
        "no_kk": resident.no_kk,
        "phone": "",
        "address": resident.address,
        "dusun": resident.dusun,
        "rt": resident.rt,
        "rw": resident.rw,
        "reporter_relation": "sendiri",
        "reporter_name": "",
        "reporter_nik": "",
        "reporter_phone": "",
        "purpose": "pengaduan",
        "notes": "",
        "category": "kepesertaan",
        "kind": "pengaduan",
        "programme": "",
        "sector": str(sector_pk),
        "description": "Tidak lagi menerima bantuan Sembako sejak Agustus; mohon diperiksa.",
    }


def _do(browser: DeskBrowser, action: Action, bench: Bench, photo: bytes) -> Sample:
    try:
        if action.kind == "lookup":
            query = action.query
            status, body, seconds = browser.desk_lookup(query.text)
            ok = status == 200 and DESK_MARKER in body
            error = "" if ok else f"{status} {query.text!r}: {body[:200]!r}"
            return Sample(query.kind, seconds * 1000, status, ok, ok and query.found(body),
                          error)
        if action.kind == "form":
            status, body, seconds = browser.open_form()
            ok = status == 200 and 'name="submission_key"' in body
            return Sample("form", seconds * 1000, status, ok,
                          error="" if ok else f"{status} form: {body[:200]!r}")
        files = None
        if photo:
            files = {"attachment_house": ("IMG_20260114_093012.jpg", "image/jpeg", photo)}
        status, location, body, seconds = browser.register(
            _form_fields(action.resident, bench.setup.sector_pk), files)
        match = RECEIPT_LOCATION.match(location)
        ok = status == 302 and match is not None
        error = ""
        if not ok:
            text = body.decode("utf-8", errors="replace")
            why = "; ".join(" ".join(m.split()) for m in _FIELD_ERROR.findall(text)[:3])
            error = f"{status} {location!r} NIK {action.resident.nik}: {why or text[:200]!r}"
        return Sample("POST+photo" if photo else "POST", seconds * 1000, status, ok,
                      error=error, complaint=int(match.group(1)) if ok else None)
    except OSError as error:
        kind = action.query.kind if action.query else action.kind
        return Sample(kind, math.nan, 0, False, error=repr(error))


def _client(bench: Bench, photo: bytes, warm: list[Action], measured: list[Action],
            barrier: threading.Barrier, run: Run, lock: threading.Lock) -> None:
    browser = DeskBrowser(bench.server.port, keepalive=KEEPALIVE)
    samples, warm_samples = [], []
    try:
        try:
            browser.login(FRONT_OFFICE, PASSWORD)
            status, _body, _s = browser.open_form()
            if status != 200 or not browser.csrf_token:
                raise RuntimeError(f"GET the form: {status}, no CSRF token")
            for action in warm:
                warm_samples.append(_do(browser, action, bench, photo))
        finally:
            barrier.wait(timeout=600)  # everyone starts together, even after a failure
        for action in measured:
            samples.append(_do(browser, action, bench, photo))
    except Exception as error:  # noqa: BLE001 - reported and asserted on by the test
        with lock:
            run.failures.append(repr(error))
    finally:
        browser.close()
        with lock:
            run.samples.extend(samples)
            run.warm.extend(warm_samples)
            run.reconnects += browser.reconnects


def _measure(bench: Bench, title: str, plan: list[tuple[list[Action], list[Action]]],
             photo: bytes = b"") -> Run:
    run = Run(title=title, clients=len(plan))
    lock = threading.Lock()
    meter = SampledCpuMeter(bench.server.process.pid, bench.database)
    started = []

    def go():  # after the warm-up, before anyone is released
        if KEEPALIVE:
            run.spread = connections_per_worker(bench.server.process.pid, bench.server.port)
        meter.start()
        started.append(time.perf_counter())

    barrier = threading.Barrier(len(plan) + 1, action=go)
    threads = [
        threading.Thread(target=_client, name=f"desk-client-{i}",
                         args=(bench, photo, warm, measured, barrier, run, lock))
        for i, (warm, measured) in enumerate(plan)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=600)
    for thread in threads:
        thread.join(timeout=1800)
    run.seconds = time.perf_counter() - started[0]
    run.cpu = meter.stop()
    return run


# ---------------------------------------------------------------------------
# Report and checks
# ---------------------------------------------------------------------------


def _row(label: str, samples: list[Sample], target: int | None = None) -> str:
    ms = sorted(s.ms for s in samples if s.status in (200, 302))
    errors = sum(not s.ok for s in samples)
    if len(ms) >= 2:
        q = statistics.quantiles(ms, n=100, method="inclusive")
        p50, p95, p99 = q[49], q[94], q[98]
    else:
        p50 = p95 = p99 = ms[0] if ms else math.nan
    top = max(ms) if ms else math.nan
    verdict = ""
    if target is not None:
        verdict = f"  p95 target ≤ {target} ms: " + ("met" if p95 <= target else "MISSED")
    return (f"{label:<11} {len(samples):>6} {p50:8.1f} {p95:8.1f} {p99:8.1f} {top:8.1f} "
            f"{errors:>6}{verdict}")


def _report(run: Run, bench: Bench) -> None:
    server, setup = bench.server, bench.setup
    print()
    print(f"=== desk {run.title} over HTTP: {run.clients} client(s), gunicorn {server.workers} "
          f"workers x {server.threads} threads, {PEOPLE:,} people on PostgreSQL, clerk of "
          f"Desa {setup.village_name} ({setup.people:,} people), "
          + ("keep-alive" if KEEPALIVE else "a new connection per request") + " ===")
    print(f"{'kind':<11} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'errors':>6}")
    lookups = [s for s in run.samples if s.kind in LOOKUP_KINDS]
    if lookups:
        for kind in LOOKUP_KINDS:
            print(_row(f"  {kind}", [s for s in lookups if s.kind == kind]))
        print(_row("look-up", lookups, TARGETS_MS["look-up"]))
    forms = [s for s in run.samples if s.kind == "form"]
    if forms:
        print(_row("form GET", forms))
    posts = [s for s in run.samples if s.kind.startswith("POST")]
    if posts:
        print(_row(posts[0].kind, posts, TARGETS_MS["POST"]))
    print(_row("all", run.samples))
    print(f"throughput: {len(run.samples) / run.seconds:.1f} requests/s "
          f"({len(run.samples)} in {run.seconds:.1f} s"
          + (f"; {len(posts) / run.seconds:.1f} registrations/s" if posts else "")
          + (f"; {len(lookups) / run.seconds:.1f} look-ups/s" if lookups else "")
          + f"); reconnects: {run.reconnects}; load average now: "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    if lookups:
        names = [s for s in lookups if s.kind == "name"]
        print(f"names found among the 8 hits: {sum(s.found for s in names)}/{len(names)}")
    if run.spread:
        print(f"keep-alive connections per gunicorn worker: {run.spread}")
    print(f"CPU, % of one core ({os.cpu_count()} cores): "
          + ", ".join(f"{k} {v:.0f}%" for k, v in run.cpu.items()))
    answered = sorted((s for s in run.samples if s.status in (200, 302)), key=lambda s: -s.ms)
    if answered:
        tail = answered[: max(1, len(answered) // 20)]
        kinds = sorted({s.kind for s in answered})
        print(f"slowest 5% ({len(tail)}, ≥ {tail[-1].ms:.0f} ms): "
              + ", ".join(f"{kind} {sum(s.kind == kind for s in tail)}" for kind in kinds)
              + "; slowest: " + ", ".join(f"{s.kind} {s.ms:.0f} ms" for s in answered[:5]))
    for message in [s.error for s in run.warm + run.samples if s.error][:5] + run.failures[:5]:
        print(f"  error: {message}")


def _check(run: Run, expected: int) -> None:
    assert not run.failures, run.failures
    assert len(run.samples) == expected
    bad = [s.error for s in run.warm + run.samples if not s.ok]
    assert not bad, f"{len(bad)} failed requests: {bad[:5]}"
    for kind in ("NIK", "KK"):
        missed = [s for s in run.samples if s.kind == kind and not s.found]
        assert not missed, f"{len(missed)} {kind} look-ups did not show the person"


def _check_complaints(run: Run, bench: Bench, before: int, photo: bool = False) -> None:
    """The database holds exactly the complaints the POSTs made, numbered gaplessly."""
    made = [s.complaint for s in run.warm + run.samples if s.complaint is not None]
    village = bench.setup.village_pk
    after = complaint_count(bench.database, village)
    print(f"complaints of the village: {before:,} before, {after:,} after; this run's "
          f"successful POSTs (warm-up included): {len(made)}")
    assert after - before == len(made)
    assert len(set(made)) == len(made), "two POSTs answered with the same complaint"
    rows = registered_complaints(bench.database, made)
    assert len(rows) == len(made)
    assert all(row[1] == village for row in rows)
    assert all(row[4] for row in rows), "a registration was not linked to the register"
    if photo:
        assert all(row[5] == 1 for row in rows), "a house photo or its coordinates is missing"
    for period, sequences in complaint_sequences(bench.database, village).items():
        assert sequences == list(range(1, len(sequences) + 1)), (
            f"the sequences of {period} are not gapless 1..{len(sequences)}")


def test_desk_lookup(bench):
    run = _measure(bench, "look-up GET /layanan/kunjungan/cek/", bench.plans["look-up"])
    _report(run, bench)
    _check(run, CLIENTS * REQUESTS)


@pytest.mark.parametrize("photo", [False, True], ids=["plain", "house-photo"])
def test_desk_registration(bench, photo):
    if photo and not PHOTO:
        pytest.skip("BENCH_DESK_PHOTO=1 adds the registrations with a house photo")
    before = complaint_count(bench.database, bench.setup.village_pk)
    title = "registration POST /layanan/kunjungan/baru/" + (
        f" with a {len(bench.photo) / 1000:.0f} KB house photo" if photo else "")
    run = _measure(bench, title, bench.plans["registration+photo" if photo else "registration"],
                   bench.photo if photo else b"")
    _report(run, bench)
    _check(run, CLIENTS * POSTS)
    _check_complaints(run, bench, before, photo)


def test_desk_mixed(bench):
    if not CYCLES:
        pytest.skip("BENCH_DESK_CYCLES=0")
    before = complaint_count(bench.database, bench.setup.village_pk)
    run = _measure(bench, f"mixed (form GET, {MIX} look-ups, POST per registration)",
                   bench.plans["mixed"])
    _report(run, bench)
    _check(run, CLIENTS * CYCLES * (MIX + 2))
    _check_complaints(run, bench, before)
