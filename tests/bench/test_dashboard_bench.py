"""Dashboard speed at the size of a kabupaten: 300 villages in 30 kecamatan, a register of
1,000,000 people, and a month of desk activity in every village.

Not part of the default run (``--ignore=tests/bench``). Run it on PostgreSQL with::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puskesos_dash \\
        .venv/bin/python -m pytest tests/bench/test_dashboard_bench.py -p no:cacheprovider \\
        -s -o addopts="" --reuse-db

``--reuse-db`` keeps the loaded database (``test_<name>_dashbench``) for the next run: the
register is loaded only when the database does not hold it yet. ``BENCH_PEOPLE``
(default 1,000,000 on PostgreSQL, 100,000 on SQLite), ``BENCH_REQUESTS`` (timed requests
per page and user, default 30), ``BENCH_SEED``.

What it does: the register comes from ``beneficiaries.synthetic`` (the generator of the
sample extracts) for 300 villages, loaded with COPY on PostgreSQL (``bulk_create`` on
SQLite) as the look-up bench does, then VACUUM ANALYZE; per village 20 complaints of the
current month in every state, 5 referrals (3 overdue), 5 pre-list proposals and 10
confirmed programme needs. Then, for the kabupaten's Manajer (300 villages) and a
Kepala Desa (one village), an authenticated Django test client requests the dashboard
and one records page (the households of a combination) ``BENCH_REQUESTS`` times after a
warm-up, and prints p50/p95/max and the number of SQL queries per page. The register
figures come from the register tally (``reports.tally``), recounted for the villages a
write touched: the bench also times the first dashboard after one household of one
village changed, and after every household of the kabupaten changed (as after an
import of the whole kabupaten). Nothing is asserted about time: only that every answer
is a 200 with figures in it, and that the figures after the change are the same.
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import (
    Household,
    Participation,
)
from puskesos.roles import Role
from puskesos.services import staff_member_create
from referrals.models import Complaint, Referral
from tests.bench import kabupaten
from tests.bench.kabupaten import ensure_register, load_activity, own_database, region

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

PASSWORD = "Bench-Dasbor-2026"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LABELS = {"manager": "Manajer (300 desa)", "head": "Kepala Desa (1 desa)"}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database of its own, kept with --reuse-db: ``test_<name>_dashbench``."""
    own_database("dashbench")


@pytest.fixture(scope="session")
def bench_data(django_db_setup, django_db_blocker):
    """The kabupaten, its register and its month, loaded once (kept with --reuse-db)."""
    people = kabupaten.people()
    seed = int(os.environ.get("BENCH_SEED", 2026))
    notes = []
    with django_db_blocker.unblock():
        regency, villages = region()
        from beneficiaries.models import Person

        notes.append(ensure_register(regency, villages, people, seed, "dashbench"))
        from django.contrib.auth.models import User

        manager = User.objects.filter(username="manajer.dasbor").first()
        if manager is None:
            manager = staff_member_create(username="manajer.dasbor", password=PASSWORD,
                                          full_name="Manajer Bench", roles=[Role.MANAGER],
                                          unit=regency)
            head = staff_member_create(username="kades.dasbor", password=PASSWORD,
                                       full_name="Kepala Desa Bench",
                                       roles=[Role.VILLAGE_HEAD], unit=villages[0])
            clerk = staff_member_create(username="fo.dasbor", password=PASSWORD,
                                        full_name="Front Office Bench",
                                        roles=[Role.FRONT_OFFICE], unit=villages[0])
            start = time.perf_counter()
            load_activity(villages, clerk)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            notes.append(f"activity loaded in {time.perf_counter() - start:.0f} s")
        head = User.objects.get(username="kades.dasbor")
        counts = {
            "villages": len(villages),
            "households": Household.objects.count(),
            "people": Person.objects.count(),
            "participations": Participation.objects.count(),
            "complaints": Complaint.objects.count(),
            "referrals": Referral.objects.count(),
        }
    return {"manager": manager, "head": head, "villages": villages, "notes": notes,
            "counts": counts}


def _measure(client: Client, url: str, requests: int) -> dict:
    for _ in range(3):  # warm-up: caches, the first request of the session
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    query_count = len(queries)
    ms = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        ms.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "max": max(ms), "queries": query_count,
            "response": response}


def test_dashboard_speed(bench_data, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    requests = int(os.environ.get("BENCH_REQUESTS", 30))
    print(f"\n=== dashboard bench on {connection.vendor}: "
          + ", ".join(f"{k} {v:,}" for k, v in bench_data["counts"].items()) + " ===")
    for note in bench_data["notes"]:
        print("  " + note)
    pages = [
        ("dashboard", reverse("dashboard")),
        ("dashboard, programme PKH", reverse("dashboard") + "?program=pkh"),
        ("records: PKH + PBI-JK", reverse("dashboard-records", args=["kombinasi"])
         + "?kombinasi=pkh%2Bpbi-jk"),
        ("records: overdue referrals", reverse("dashboard-records",
                                               args=["rujukan-terlambat"])),
    ]
    for who in ("manager", "head"):
        client = Client()
        client.force_login(bench_data[who])
        for name, url in pages:
            result = _measure(client, url, requests)
            figures = result["response"].context.get("figures")
            extra = ""
            if figures is not None:
                assert figures.households > 0
                extra = (f"  households={figures.households:,} "
                         f"combinations={len(figures.overlap.combinations)} "
                         f"gap={figures.gap_desil:,} overdue={figures.overdue_referrals:,}")
            else:
                extra = f"  rows={result['response'].context['page_obj'].paginator.count:,}"
            print(f"  {LABELS[who]:<22} {name:<28} p50={result['p50']:7.1f} ms  "
                  f"p95={result['p95']:7.1f} ms  max={result['max']:7.1f} ms  "
                  f"queries={result['queries']}{extra}")
    # The first dashboard after a write recounts the villages it touched (the register
    # tally): one household of the Kepala Desa's village, then every household of the
    # kabupaten (an UPDATE of them all, as an import of the whole kabupaten writes).
    village = bench_data["villages"][0]
    one = Household.objects.filter(village=village).order_by("pk").first()
    for what, write in (
        ("one household changed", lambda: Household.objects.filter(pk=one.pk).update(
            desil=one.desil)),
        ("all 300 villages changed", lambda: Household.objects.update(
            updated_at=timezone.now())),
    ):
        for who in ("manager", "head"):
            client = Client()
            client.force_login(bench_data[who])
            before = client.get(reverse("dashboard")).context["figures"]
            write()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(reverse("dashboard"))
                first = (time.perf_counter() - start) * 1000
            assert response.status_code == 200
            after = response.context["figures"]
            assert (after.households, after.overlap.by_mask, after.gap_desil) == (
                before.households, before.overlap.by_mask, before.gap_desil)
            print(f"  {LABELS[who]:<22} first dashboard after {what:<25} {first:7.1f} ms"
                  f"  queries={len(queries)}")
