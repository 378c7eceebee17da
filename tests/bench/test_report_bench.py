"""Report speed at the size of a kabupaten: 300 villages in 30 kecamatan, a register of
1,000,000 people, a month of desk activity in every village.

Targets (issue 7): a village's monthly PDF in ≤ 3 s; the kabupaten report (300 villages,
figures per village and in total, PDF and XLSX) in ≤ 60 s in the background.

Not part of the default run (``--ignore=tests/bench``). Run it on PostgreSQL with::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puskesos_reports \\
        .venv/bin/python -m pytest tests/bench/test_report_bench.py -p no:cacheprovider \\
        -s -o addopts="" --reuse-db

``--reuse-db`` keeps the loaded database (``test_<name>_reportbench``) for the next run.
``BENCH_PEOPLE`` (default 1,000,000 on PostgreSQL, 100,000 on SQLite), ``BENCH_SEED``.
The kabupaten and its data are built by ``tests/bench/kabupaten.py`` (the same
synthetic register and month of activity as the dashboard bench), in a database of
this bench's own.

What is timed: for one village, the figures and the PDF (``village_figures`` +
``report_pdf``, what the PDF page and ``render_report`` do), five times after a
warm-up; for the kabupaten, ``area_report_task`` run in this process (the function the
``db_worker`` runs: figures of the 300 villages and the total, PDF, XLSX, stored on the
AreaReport). Times are printed with the targets, never asserted (benchmarks report;
the assertions only check that the right report was built).
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.figures import village_figures
from reports.models import AreaReport
from reports.periods import Period
from reports.services import report_pdf
from reports.tasks import area_report_task
from tests.bench import kabupaten
from tests.bench.kabupaten import ensure_register, load_activity, own_database, region
from tests.reports.factories import complete_profile, pdf_text

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

VILLAGE_PDF_SECONDS = 3.0
KABUPATEN_SECONDS = 60.0


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database of its own, kept with --reuse-db: ``test_<name>_reportbench``."""
    own_database("reportbench")


@pytest.fixture(scope="session")
def bench_data(django_db_setup, django_db_blocker, tmp_path_factory):
    people = kabupaten.people()
    seed = int(os.environ.get("BENCH_SEED", 2026))
    notes = []
    with django_db_blocker.unblock():
        from django.contrib.auth.models import User

        from puskesos.roles import Role
        from puskesos.services import staff_member_create

        regency, villages = region()
        notes.append(ensure_register(regency, villages, people, seed, "reportbench"))
        manager = User.objects.filter(username="manajer.laporan").first()
        if manager is None:
            manager = staff_member_create(username="manajer.laporan", password="x-Bench-2026",
                                          full_name="Manajer Bench", roles=[Role.MANAGER],
                                          unit=regency)
            clerk = staff_member_create(username="fo.laporan", password="x-Bench-2026",
                                        full_name="Front Office Bench",
                                        roles=[Role.FRONT_OFFICE], unit=villages[0])
            start = time.perf_counter()
            load_activity(villages, clerk)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            notes.append(f"activity loaded in {time.perf_counter() - start:.0f} s")
    return {"manager": manager, "regency": regency, "villages": villages, "notes": notes,
            "people": people}


def test_report_speed(bench_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    period = Period.containing(timezone.localdate())
    village = complete_profile(bench_data["villages"][0])
    print(f"\n=== report bench on {connection.vendor}: {len(bench_data['villages'])} villages, "
          f"{bench_data['people']:,} people ===")
    for note in bench_data["notes"]:
        print("  " + note)

    # One village's monthly PDF.
    report_pdf(village, period, village_figures(village, period))  # warm-up (imports, fonts)
    times, figure_times = [], []
    for _ in range(5):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            figures = village_figures(village, period)
        figured = time.perf_counter()
        content = report_pdf(village, period, figures)
        times.append(time.perf_counter() - start)
        figure_times.append(figured - start)
    assert figures["numbers"]["complaints"]["value"] == 20
    assert "Laporan Bulanan Kegiatan Puskesos" in pdf_text(content)
    print(f"  village monthly PDF: median {statistics.median(times):.2f} s "
          f"(max {max(times):.2f} s; figures {statistics.median(figure_times):.2f} s, "
          f"{len(queries)} queries; {len(content) // 1024} KB) — target "
          f"≤ {VILLAGE_PDF_SECONDS} s {'met' if max(times) <= VILLAGE_PDF_SECONDS else 'NOT met'}")

    # The kabupaten report, as the worker builds it.
    report = AreaReport.objects.create(
        regency=bench_data["regency"], period_key=period.key, kind=period.kind,
        period_label=period.label, requested_by=bench_data["manager"])
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        area_report_task.call(report.pk)
    seconds = time.perf_counter() - start
    report.refresh_from_db()
    assert report.status == AreaReport.Status.DONE
    assert report.village_count == len(bench_data["villages"])
    assert report.figures["total"]["numbers"]["complaints"]["value"] == 20 * len(
        bench_data["villages"])
    print(f"  kabupaten report ({report.village_count} villages): {seconds:.1f} s ("
          f"{len(queries)} queries, PDF {report.pdf.size // 1024} KB, "
          f"XLSX {report.xlsx.size // 1024} KB) — target ≤ {KABUPATEN_SECONDS} s "
          f"{'met' if seconds <= KABUPATEN_SECONDS else 'NOT met'}")
