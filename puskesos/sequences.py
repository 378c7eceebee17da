"""Gapless numbers per village: queue tickets per day, registrations per month.

A number is taken inside the caller's transaction by locking the sequence's counter
row, so a rolled-back save gives its number back and two concurrent saves never
get the same one. On PostgreSQL the row lock serialises the takers; SQLite
serialises every writer anyway.
"""

from django.db import transaction

from .models import Counter


def next_number(village, key: str) -> int:
    """The next number of ``key`` in ``village``; call inside ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside transaction.atomic()")
    # Create the counter if it is missing without racing another creator.
    Counter.objects.bulk_create([Counter(village=village, key=key)], ignore_conflicts=True)
    counter = Counter.objects.select_for_update().get(village=village, key=key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
