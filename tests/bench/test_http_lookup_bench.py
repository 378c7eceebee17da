"""The live-search HTTP endpoint under load: gunicorn, PostgreSQL, a big register.

The target (issue): ``/register/cari/?q=...`` answers with p95 ≤ 100 ms for 8
concurrent clients against gunicorn, on a register of 1,000,000 people in ~300,000
households. Not part of the default run (``--ignore=tests/bench``). Run it with::

    .venv/bin/python -m pytest tests/bench/test_http_lookup_bench.py -p no:cacheprovider \\
        -s -o addopts=""

What it does:

1. prepares a PostgreSQL database of its own, ``puskesos_http_bench`` on
   127.0.0.1:5432 as ``postgres`` (``BENCH_HTTP_DB``; the name must contain
   "bench"): migrate, the demo region and the Manajer ``manajer.bandung``, a
   synthetic DTKS extract of ``BENCH_PEOPLE`` people (default 1,000,000) written by
   ``generate_register`` to ``/tmp/puskesos-bench-dtks-<people>.csv``
   (``BENCH_HTTP_CSV``; reused when present) and imported by ``import_register
   --village 32.04.17``, then VACUUM ANALYZE. When the database already holds
   ``BENCH_PEOPLE`` people, nothing is imported (delete the CSV and drop the
   database together, or not at all: the queries come from the CSV). Every Django
   command runs in a subprocess with ``DATABASE_URL`` set, never against the pytest
   test database;
2. starts ``gunicorn -c python:puskesos.gunicorn puskesos.wsgi`` in production mode
   (DEBUG off, a random SECRET_KEY, plain HTTP on a free 127.0.0.1 port,
   ``BENCH_WORKERS`` workers, default as in production (2 per core + 1);
   ``GUNICORN_THREADS`` as in production, default 1: sync workers) and waits for
   ``/healthz/``; stops it at the end, failed or not;
3. each client thread logs in like a browser (GET ``/masuk/`` for the CSRF cookie
   and token, POST the Manajer's credentials) and keeps one keep-alive connection
   when the server allows it. Sync workers close the connection after each answer
   (the next request goes to whichever worker is free); a gthread worker
   (``GUNICORN_THREADS`` > 1) serves the connections it accepted, so the bench prints
   how many each worker holds (8 clients starting together may all land on one).
   ``BENCH_KEEPALIVE=0`` opens a new connection per request instead, as nginx
   proxies to gunicorn by default (no upstream keep-alive): each request then
   goes to whichever worker accepts it;
4. ``BENCH_CLIENTS`` threads (default 8), then a single one for comparison, each send
   a short warm-up (``BENCH_WARMUP`` requests in all, default 50, not counted), wait
   for each other, then ``BENCH_REQUESTS`` look-ups (default 250) back-to-back,
   as htmx sends them. The queries are a fixed mix drawn from the CSV
   (``BENCH_SEED``): ~40% NIK, ~20% KK, ~40% two-word names misspelled (a letter
   dropped, two swapped, old spelling oe/dj/tj..., the words swapped);
5. latency is from sending the request to the last byte of the body
   (``time.perf_counter``); the bench prints p50/p95/p99/max per query kind and
   overall, throughput, errors, which kinds make up the slowest 5%, and where the
   CPU went (gunicorn workers, PostgreSQL backends, the load generator, other
   processes: on a shared machine the last one says how much the figures are worth).

Nothing is asserted about time: only that every answer is a 200 with the results
partial and that NIK and KK look-ups show the person (masked NIK and name). The
name hit rate (the real name among the 20 hits) is printed, not asserted.
"""

from __future__ import annotations

import math
import os
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.bench.http_support import (
    MARKER,
    Browser,
    CpuMeter,
    Gunicorn,
    Query,
    connections_per_worker,
    missing_niks,
    prepare_database,
    sample_queries,
)

pytestmark = [pytest.mark.bench]

PEOPLE = int(os.environ.get("BENCH_PEOPLE", 1_000_000))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 8))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 250))
WARMUP = int(os.environ.get("BENCH_WARMUP", 50))
WORKERS = int(os.environ.get("BENCH_WORKERS", os.cpu_count() * 2 + 1))  # as in production
SEED = int(os.environ.get("BENCH_SEED", 2026))
KEEPALIVE = os.environ.get("BENCH_KEEPALIVE", "1").lower() not in ("0", "false", "no")
VARIANTS = sorted({CLIENTS, 1}, reverse=True)  # the target first, then one client


@dataclass
class Sample:
    kind: str
    ms: float
    status: int
    ok: bool  # 200 with the results partial
    found: bool
    error: str = ""
    kk_is_a_nik: bool = False
    how: str = ""  # names: the misspelling


@dataclass
class Run:
    clients: int
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    reconnects: int = 0
    failures: list[str] = field(default_factory=list)  # login or thread failures
    cpu: dict[str, float] = field(default_factory=dict)  # % of one core
    spread: list[int] = field(default_factory=list)  # keep-alive connections per worker


@pytest.fixture(scope="module")
def bench():
    static_root = Path(tempfile.gettempdir()) / "puskesos-http-bench-static"
    started = time.perf_counter()
    prep = prepare_database(PEOPLE, static_root)
    prep.steps["preparation, in all"] = time.perf_counter() - started

    per_client = {n: math.ceil(WARMUP / n) for n in VARIANTS}
    sizes = []
    for n in VARIANTS:
        sizes += [per_client[n] + REQUESTS] * n
    lists = sample_queries(prep.csv, PEOPLE, sizes, SEED)
    missing = missing_niks(prep.name, [q.nik for queries in lists for q in queries])
    assert missing == 0, (
        f"{missing} sampled NIKs are not in {prep.name}: the CSV {prep.csv} is not the one "
        "imported; delete the CSV and drop the database"
    )
    queries = {}
    for n in VARIANTS:
        queries[n], lists = lists[:n], lists[n:]

    print()
    print(f"=== preparation: {prep.name}, {PEOPLE:,} people ===")
    for note in prep.notes:
        print(f"  {note}")
    for step, seconds in prep.steps.items():
        print(f"  {step}: {seconds:.1f} s")
    print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in prep.counts.items()))

    server = Gunicorn(prep.env, WORKERS)
    server.start()
    try:
        yield server, prep.name, queries, per_client
    finally:
        server.stop()
    print(f"gunicorn stopped; its log: {server.log}")


def _client(port: int, warm: list[Query], measured: list[Query], barrier: threading.Barrier,
            run: Run, lock: threading.Lock) -> None:
    browser = Browser(port, keepalive=KEEPALIVE)
    samples = []
    try:
        try:
            browser.login()
            for query in warm:
                browser.lookup(query.text)
        finally:
            barrier.wait(timeout=600)  # everyone starts together, even after a failure
        for query in measured:
            try:
                status, body, seconds = browser.lookup(query.text)
            except OSError as error:
                samples.append(Sample(query.kind, math.nan, 0, False, False, repr(error)))
                continue
            ok = status == 200 and MARKER in body
            error = "" if ok else f"{status} {query.text!r}: {body[:200]!r}"
            samples.append(Sample(query.kind, seconds * 1000, status, ok,
                                  ok and query.found(body), error, query.kk_is_a_nik(body),
                                  query.how))
    except Exception as error:  # noqa: BLE001 - reported and asserted on by the test
        with lock:
            run.failures.append(repr(error))
    finally:
        browser.close()
        with lock:
            run.samples.extend(samples)
            run.reconnects += browser.reconnects


def _measure(server: Gunicorn, database: str, queries: list[list[Query]], warmup: int) -> Run:
    run = Run(clients=len(queries))
    lock = threading.Lock()
    meter = CpuMeter(server.process.pid, database)
    started = []

    def go():  # after the warm-up, before anyone is released
        if KEEPALIVE:
            run.spread = connections_per_worker(server.process.pid, server.port)
        meter.start()
        started.append(time.perf_counter())

    barrier = threading.Barrier(len(queries) + 1, action=go)
    threads = [
        threading.Thread(target=_client, name=f"client-{i}",
                         args=(server.port, qs[:warmup], qs[warmup:], barrier, run, lock))
        for i, qs in enumerate(queries)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=600)
    for thread in threads:
        thread.join(timeout=1800)
    run.seconds = time.perf_counter() - started[0]
    run.cpu = meter.stop()
    return run


def _row(label: str, samples: list[Sample]) -> str:
    ms = sorted(s.ms for s in samples if s.status == 200)
    errors = sum(not s.ok for s in samples)
    found = sum(s.found for s in samples)
    if len(ms) >= 2:
        q = statistics.quantiles(ms, n=100, method="inclusive")
        p50, p95, p99 = q[49], q[94], q[98]
    else:
        p50 = p95 = p99 = ms[0] if ms else math.nan
    top = max(ms) if ms else math.nan
    return (f"{label:<6} {len(samples):>6} {p50:8.1f} {p95:8.1f} {p99:8.1f} {top:8.1f} "
            f"{found:>6}/{len(samples):<6} {errors:>6}")


def _report(run: Run, server: Gunicorn, warmup: int) -> None:
    print()
    print(f"=== GET /register/cari/ over HTTP: {run.clients} client(s) x {REQUESTS} requests "
          f"(+{warmup} warm-up each), gunicorn {server.workers} workers x {server.threads} "
          f"threads, {PEOPLE:,} people on PostgreSQL, "
          + ("keep-alive" if KEEPALIVE else "a new connection per request") + " ===")
    print(f"{'kind':<6} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'found':>13} {'errors':>6}")
    for kind in ("NIK", "KK", "name"):
        print(_row(kind, [s for s in run.samples if s.kind == kind]))
    print(_row("all", run.samples))
    print(f"throughput: {len(run.samples) / run.seconds:.1f} requests/s "
          f"({len(run.samples)} in {run.seconds:.1f} s); reconnects: {run.reconnects}; "
          f"load average now: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if run.spread:
        print(f"keep-alive connections per gunicorn worker: {run.spread}")
    print(f"CPU, % of one core ({os.cpu_count()} cores): "
          + ", ".join(f"{k} {v:.0f}%" for k, v in run.cpu.items()))
    answered = sorted((s for s in run.samples if s.status == 200), key=lambda s: -s.ms)
    tail = answered[: max(1, len(answered) // 20)]
    print(f"slowest 5% ({len(tail)}, ≥ {tail[-1].ms:.0f} ms): "
          + ", ".join(f"{kind} {sum(s.kind == kind for s in tail)}"
                      for kind in ("NIK", "KK", "name"))
          + "; slowest: " + ", ".join(f"{s.kind} {s.ms:.0f} ms" for s in answered[:5]))
    for message in [s.error for s in run.samples if s.error][:5] + run.failures[:5]:
        print(f"  error: {message}")


@pytest.mark.parametrize("clients", VARIANTS, ids=[f"{n}-clients" for n in VARIANTS])
def test_http_lookup_latency(bench, clients):
    server, database, queries, per_client = bench
    warmup = per_client[clients]
    run = _measure(server, database, queries[clients], warmup)
    _report(run, server, warmup)
    # Names: the real name among the 20 hits, printed only (the selector bench asserts it).
    names = [s for s in run.samples if s.kind == "name"]
    hows = sorted({s.how for s in names})
    print(f"names found in the top 20: {sum(s.found for s in names)}/{len(names)} ("
          + ", ".join(f"{how} {sum(s.found for s in names if s.how == how)}/"
                      f"{sum(s.how == how for s in names)}" for how in hows) + ")")
    kks = [s for s in run.samples if s.kind == "KK"]
    print(f"KK numbers that are also someone's NIK (that person shown, with the KK hint): "
          f"{sum(s.kk_is_a_nik for s in kks)}/{len(kks)}")

    assert not run.failures, run.failures
    assert len(run.samples) == clients * REQUESTS
    assert all(s.ok for s in run.samples), [s.error for s in run.samples if not s.ok][:5]
    for kind in ("NIK", "KK"):
        missed = [s for s in run.samples if s.kind == kind and not s.found]
        assert not missed, f"{len(missed)} {kind} look-ups did not show the person"
