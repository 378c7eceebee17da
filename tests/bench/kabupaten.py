"""The kabupaten the dashboard, report and import benches share: 300 villages in 30
kecamatan of Kab. Bandung (32.04.10.2001 … 32.04.39.2010), its synthetic register and a
month of desk activity, and the database each bench keeps apart for it.

* :func:`own_database`: the body of a bench's ``django_db_modify_db_settings`` fixture
  (``test_<name>_<suffix>`` on PostgreSQL, a file on SQLite, ``BENCH_SQLITE_PATH``);
* :func:`people`: ``BENCH_PEOPLE`` (default 1,000,000 on PostgreSQL, 100,000 on SQLite);
* :func:`region`, :func:`ensure_register`, :func:`load_activity`: the data, loaded once
  and reused with ``--reuse-db``.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from beneficiaries.models import (
    Household,
    Person,
    PreListProposal,
    Programme,
    ProgrammeNeed,
)
from intake.models import Visit
from puskesos.models import District, Regency, Village
from referrals.models import Agency, Complaint, Referral, Sector

KABUPATEN = "32.04"
KECAMATAN = [f"32.04.{n:02d}" for n in range(10, 40)]  # 30 kecamatan
VILLAGES = [f"{k}.20{n:02d}" for k in KECAMATAN for n in range(1, 11)]  # 300 desa


def own_database(suffix: str) -> None:
    """Point the test database at the bench's own: ``test_<name>_<suffix>`` on
    PostgreSQL, a file on SQLite (``BENCH_SQLITE_PATH``, default in the temp folder)."""
    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3"):
        test["NAME"] = os.environ.get(
            "BENCH_SQLITE_PATH", os.path.join(tempfile.gettempdir(), f"puskesos-{suffix}.sqlite3"))
    else:
        test["NAME"] = f"test_{database['NAME']}_{suffix}"


def people() -> int:
    default = 1_000_000 if connection.vendor == "postgresql" else 100_000
    return int(os.environ.get("BENCH_PEOPLE", default))


def region() -> tuple[Regency, list[Village]]:
    regency, _ = Regency.objects.get_or_create(
        code=KABUPATEN, defaults={"name": "Kabupaten Bandung", "bps_code": "3204"})
    villages = []
    for k in KECAMATAN:
        district, _ = District.objects.get_or_create(
            code=k, defaults={"name": f"Kecamatan {k}", "regency": regency})
        for v in VILLAGES:
            if v.startswith(k + "."):
                village, _ = Village.objects.get_or_create(
                    code=v, defaults={"name": f"Desa {v}", "district": district})
                villages.append(village)
    return regency, villages


def load_register(villages: list[Village], count: int, seed: int) -> float:
    """The synthetic register: COPY on PostgreSQL, ``bulk_create`` on SQLite. Seconds."""
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        from tests.bench.test_lookup_bench import _copy_load

        _copy_load(villages, count, seed)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        from tests.beneficiaries.factories import load_synthetic

        load_synthetic(villages, count, seed, chunk=5_000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - start


def ensure_register(regency: Regency, villages: list[Village], count: int, seed: int,
                    suffix: str) -> str:
    """Load the register unless the bench database holds it already; says which."""
    found = Person.objects.filter(village__district__regency=regency).count()
    if found == count:
        return f"register of {count:,} people reused"
    if found:
        raise RuntimeError(f"the bench database holds {found:,} people, not {count:,}: "
                           f"drop test_*_{suffix} and run again")
    seconds = load_register(villages, count, seed)
    return f"register of {count:,} people loaded in {seconds:.0f} s"


def load_activity(villages: list[Village], clerk) -> None:
    """A month of desk work in every village (bulk rows: this is not the desk bench)."""
    today = timezone.localdate()
    period = today.strftime("%Y%m")
    sector = Sector.objects.order_by("pk").first()
    agency = Agency.objects.order_by("pk").first()
    programmes = list(Programme.objects.order_by("pk"))
    states = list(Complaint.State.values)
    visits, complaints = [], []
    for village in villages:
        for n in range(20):
            visits.append(Visit(village=village, purpose=Visit.Purpose.COMPLAINT,
                                name=f"WARGA {n}", dusun=f"DUSUN {n % 4 + 1}",
                                created_by=clerk))
    visits = Visit.objects.bulk_create(visits, batch_size=2_000)
    for index, visit in enumerate(visits):
        n = index % 20
        complaints.append(Complaint(
            village=visit.village, visit=visit,
            registration_number=f"B{visit.village.code.replace('.', '')}-{period}-{n + 1:04d}",
            period=period, sequence=n + 1, state=states[n % len(states)],
            category=Complaint.Category.values[n % 2], sector=sector,
            programme=programmes[n % len(programmes)] if n % 3 else None,
            description="Belum menerima bantuan.", respond_by=today, created_by=clerk,
            handling_action="informasi" if n % 5 == 2 else ""))
    complaints = Complaint.objects.bulk_create(complaints, batch_size=2_000)
    referrals = []
    for index, complaint in enumerate(complaints):
        if index % 20 < 5:
            late = index % 20 < 3
            referrals.append(Referral(
                complaint=complaint, agency=agency, reason="Mohon verifikasi.",
                created_by=clerk, approval=Referral.Approval.APPROVED,
                sent_at=today - datetime.timedelta(days=30),
                respond_by=today - datetime.timedelta(days=3 if late else -10)))
    Referral.objects.bulk_create(referrals, batch_size=2_000)
    statuses = PreListProposal.Status.values
    PreListProposal.objects.bulk_create([
        PreListProposal(village=village, status=statuses[n % len(statuses)],
                        address="Kp. Sukamaju", reason="Rumah tidak layak huni.",
                        dusun=f"DUSUN {n + 1}", created_by=clerk)
        for village in villages for n in range(5)], batch_size=2_000)
    needs = []
    rtlh = Programme.objects.get(code="rtlh")
    for village in villages:
        for household_id in (Household.objects.filter(village=village, desil__lte=4)
                             .order_by("pk").values_list("pk", flat=True)[:10]):
            needs.append(ProgrammeNeed(village=village, household_id=household_id,
                                       programme=rtlh, created_by=clerk))
    ProgrammeNeed.objects.bulk_create(needs, batch_size=2_000)


