"""The register counted for the dashboard (:class:`reports.models.RegisterTally`).

* :func:`refresh`: recounts the villages the triggers marked stale, from the register
  itself, before anything is read (one village: a few milliseconds; a whole kabupaten
  after an import: about a second, once);
* :func:`tally_rows`: households by (desil, set of programmes) for a set of villages and
  optionally a dusun, summed in SQL over the tally rows;
* :func:`tally_dusun`: the dusun of the villages' households.

Correctness does not depend on who writes the register: the triggers (migration
``reports.0003_register_tally``) fire for every INSERT, UPDATE and DELETE of households
and participations. On SQLite a migration that rebuilds one of those two tables (most
``AlterField``\\s do) drops its triggers: such a migration must create them again
(``tests/reports/test_tally.py`` fails when a write no longer marks its village).

Concurrency: refreshes are serialised (a transaction-scoped advisory lock on
PostgreSQL; SQLite's write transactions are serialised already). A refresh removes only
the stale marks it saw; a write committed meanwhile leaves its own mark, recounted at
the next read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, transaction
from django.db.models import Sum

from beneficiaries.models import Household

from .models import RegisterTally, StaleTally

#: pg_advisory_xact_lock key of the refresh ("tally" in ASCII).
LOCK_KEY = 0x74616C6C79
#: Villages per recount statement (keeps SQLite's bound parameters few).
CHUNK = 500


def refresh(village_ids: Iterable[int] | None = None, *, using: str = "default") -> int:
    """Recount the stale villages among ``village_ids`` (None: every stale village).
    Returns how many villages were recounted."""
    wanted = None if village_ids is None else sorted(set(village_ids))
    if wanted is not None and not wanted:
        return 0
    marks = StaleTally.objects.using(using)
    if wanted is not None and len(wanted) <= CHUNK:
        marks = marks.filter(village_id__in=wanted)
    if not marks.exists():  # the usual case: nothing written since the last read
        return 0
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # Read again under the lock: another refresh may have done the work meanwhile.
        seen = list(marks.values_list("pk", "village_id"))
        villages = sorted({v for _pk, v in seen if wanted is None or v in wanted})
        for start in range(0, len(villages), CHUNK):
            _recount(villages[start:start + CHUNK], using)
        # Exactly the marks seen: one with a lower id may commit later, unseen.
        done = set(villages)
        seen_ids = [pk for pk, village in seen if village in done]
        for start in range(0, len(seen_ids), CHUNK):
            StaleTally.objects.using(using).filter(
                pk__in=seen_ids[start:start + CHUNK]).delete()
    return len(villages)


def _recount(villages: list[int], using: str) -> None:
    """Replace the tally rows of ``villages`` with a count of their households."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        held = "string_agg(DISTINCT programme_id::text, ',')"
    else:  # SQLite: group_concat with DISTINCT takes one argument (separator ",")
        held = "group_concat(DISTINCT programme_id)"
    marks = ", ".join(["%s"] * len(villages))
    RegisterTally.objects.using(using).filter(village_id__in=villages).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO reports_registertally (village_id, dusun, desil, programmes,
                                               households)
            SELECT h.village_id, h.dusun, h.desil, COALESCE(p.programmes, ''), COUNT(*)
            FROM beneficiaries_household h
            LEFT JOIN (
                SELECT household_id, {held} AS programmes
                FROM beneficiaries_participation
                WHERE active AND household_id IN (
                    SELECT id FROM beneficiaries_household WHERE village_id IN ({marks}))
                GROUP BY household_id
            ) p ON p.household_id = h.id
            WHERE h.village_id IN ({marks}) AND h.status = %s
            GROUP BY h.village_id, h.dusun, h.desil, COALESCE(p.programmes, '')
            """,
            [*villages, *villages, Household.Status.ACTIVE],
        )


def programme_ids(programmes: str) -> frozenset[int]:
    """The programme ids of a tally row's ``programmes``."""
    return frozenset(int(pk) for pk in programmes.split(",") if pk)


def tally_rows(village_ids: Iterable[int], dusun: str = "", *,
               using: str = "default") -> list[tuple[int | None, str, int]]:
    """(desil, programmes, households) for these villages (and dusun), after a refresh.
    The same set of programmes may come back in several rows (written in another
    order): callers add them up."""
    villages = sorted(set(village_ids))
    refresh(villages, using=using)
    rows = RegisterTally.objects.using(using).filter(village_id__in=villages)
    if dusun:
        rows = rows.filter(dusun=dusun)
    return list(rows.order_by().values_list("desil", "programmes")
                .annotate(n=Sum("households")).values_list("desil", "programmes", "n"))


def tally_dusun(village_ids: Iterable[int], *, using: str = "default") -> list[str]:
    """The dusun named by the villages' households (present in the latest extract)."""
    villages = sorted(set(village_ids))
    refresh(villages, using=using)
    return list(RegisterTally.objects.using(using).filter(village_id__in=villages)
                .exclude(dusun="").order_by("dusun").values_list("dusun", flat=True)
                .distinct())
