"""The register tally behind the dashboard (reports.tally): whatever writes the register
(the ORM, a queryset update, raw SQL, a deletion, the import command), the next read
counts the register as it is now.

Expected counts are computed here from the households and participations themselves,
never with the tally's code."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from beneficiaries.models import Household, Participation, Programme
from beneficiaries.synthetic import write_extract
from reports import tally
from reports.models import RegisterTally, StaleTally
from tests.beneficiaries.factories import make_household

pytestmark = pytest.mark.django_db


def counted_from_register(village_ids, dusun=""):
    """(desil, frozenset of programme ids) -> households, from the register itself."""
    households = Household.objects.filter(village_id__in=village_ids,
                                          status=Household.Status.ACTIVE)
    if dusun:
        households = households.filter(dusun=dusun)
    held = {}
    for household_id, programme_id in Participation.objects.filter(
            active=True, household__in=households).values_list("household_id",
                                                               "programme_id"):
        held.setdefault(household_id, set()).add(programme_id)
    return Counter((h.desil, frozenset(held.get(h.pk, ()))) for h in households)


def counted_by_tally(village_ids, dusun=""):
    found = Counter()
    for desil, programmes, n in tally.tally_rows(village_ids, dusun):
        found[(desil, tally.programme_ids(programmes))] += n
    return +found


def programme(code):
    return Programme.objects.get(code=code)


def assert_tally_is_the_register(village_ids, dusun="", *, empty=False):
    expected = counted_from_register(village_ids, dusun)
    assert bool(expected) != empty, expected
    assert counted_by_tally(village_ids, dusun) == expected


def test_every_kind_of_write_is_counted_at_the_next_read(org):
    own, sibling = org.own, org.sibling
    villages = [own.pk, sibling.pk]
    a = make_household(own, [{"name": "A"}], programmes=["pkh"], desil=1, dusun="DUSUN 1")
    b = make_household(own, [{"name": "B"}], programmes=["pkh", "bpnt"], desil=2,
                       dusun="DUSUN 2")
    make_household(sibling, [{"name": "C"}], programmes=[], desil=3)
    assert_tally_is_the_register(villages)
    assert_tally_is_the_register([own.pk], "DUSUN 2")

    # ORM save: a new participation, a changed desil.
    Participation.objects.create(household=a, programme=programme("pip"), source="meja")
    a.desil = 4
    a.save()
    assert_tally_is_the_register(villages)
    # A queryset update (no signal is sent): participation switched off, dusun moved.
    Participation.objects.filter(household=b, programme=programme("pkh")).update(active=False)
    Household.objects.filter(pk=b.pk).update(dusun="DUSUN 3")
    assert_tally_is_the_register(villages)
    assert_tally_is_the_register([own.pk], "DUSUN 3")
    # Raw SQL, as the import's set-based statements write.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE beneficiaries_household SET status = %s WHERE id = %s",
                       [Household.Status.ABSENT, a.pk])
    assert_tally_is_the_register(villages)
    # A household moved to another village: both villages change.
    Household.objects.filter(pk=b.pk).update(village=sibling)
    assert_tally_is_the_register([own.pk], empty=True)  # a absent, b moved away
    assert_tally_is_the_register([sibling.pk])
    # Deletions.
    Participation.objects.filter(household=b).delete()
    assert_tally_is_the_register([sibling.pk])
    b.delete()
    assert_tally_is_the_register([sibling.pk])
    assert not StaleTally.objects.filter(village_id__in=villages).exists()


def test_nothing_is_recounted_when_nothing_changed(org, django_assert_num_queries):
    make_household(org.own, [{"name": "A"}], programmes=["pkh"], desil=1)
    assert tally.refresh([org.own.pk]) == 1
    assert tally.refresh([org.own.pk]) == 0
    with django_assert_num_queries(2):  # is anything stale? the tally rows
        tally.tally_rows([org.own.pk])
    rows = RegisterTally.objects.filter(village=org.own)
    assert sum(r.households for r in rows) == 1


def test_a_refresh_of_one_village_leaves_the_others_stale(org):
    make_household(org.own, [{"name": "A"}], programmes=["pkh"], desil=1)
    make_household(org.sibling, [{"name": "B"}], programmes=[], desil=1)
    assert tally.refresh([org.own.pk]) == 1
    assert StaleTally.objects.filter(village_id=org.sibling.pk).exists()
    assert not StaleTally.objects.filter(village_id=org.own.pk).exists()
    assert tally.refresh() == 1  # every stale village


def test_the_import_command_is_counted(org, tmp_path):
    """The import writes with set-based SQL (and, on PostgreSQL, may set indexes
    aside): the triggers still see every row; a re-import that drops people too."""
    path = tmp_path / "ekstrak.csv"
    write_extract(path, people=120, villages=[org.own.code], seed=11)
    call_command("import_register", str(path), "--village", org.own.code)
    assert Household.objects.filter(village=org.own).count() > 20
    assert_tally_is_the_register([org.own.pk])
    # A newer extract without the last 40 rows: their households leave the count.
    lines = path.read_text(encoding="utf-8").splitlines()
    newer = tmp_path / "ekstrak-baru.csv"
    newer.write_text("\n".join(lines[:-40]) + "\n", encoding="utf-8")
    call_command("import_register", str(newer), "--village", org.own.code)
    assert Household.objects.filter(village=org.own, status=Household.Status.ABSENT).exists()
    assert_tally_is_the_register([org.own.pk])


@pytest.mark.django_db(transaction=True)
def test_the_worker_recounts_after_an_import(org, tmp_path):
    """An import marks its villages; the background worker recounts them before anyone
    opens the dashboard (the first reader would pay for a whole kabupaten otherwise)."""
    path = tmp_path / "ekstrak.csv"
    write_extract(path, people=60, villages=[org.own.code], seed=12)
    call_command("import_register", str(path), "--village", org.own.code)
    assert StaleTally.objects.filter(village_id=org.own.pk).exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert not StaleTally.objects.filter(village_id=org.own.pk).exists()
    found = Counter()
    for row in RegisterTally.objects.filter(village=org.own):
        found[(row.desil, tally.programme_ids(row.programmes))] += row.households
    assert found == counted_from_register([org.own.pk])
