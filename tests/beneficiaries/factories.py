"""Register data for tests and benchmarks: households, families and people.

* :func:`make_household`: one household with the members a test names, with
  valid, unique NIK and KK numbers unless given;
* :func:`load_synthetic`: a realistic register from
  :func:`beneficiaries.synthetic.generate_households` (the same generator as the
  sample extracts), written with ``bulk_create`` as the import would, with
  ``name_key`` computed by :func:`beneficiaries.names.name_key` and programme
  participation from the extract's flags.

Both compute ``Person.name_key`` as the import does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count, islice

from beneficiaries.models import Family, Household, Participation, Person, Programme
from beneficiaries.names import name_key
from beneficiaries.synthetic import generate_households
from puskesos.models import Village

# NIK/KK region for hand-made people: a kecamatan code no synthetic register uses,
# so they never collide with generated numbers.
_REGION = "320499"
_serial = count(1)
_household_seq = count(1)

# Register flag -> programme code (catalogue of migration 0002) and unit.
_HOUSEHOLD_FLAGS = (("pkh", "pkh"), ("bpnt", "bpnt"))


def make_nik(birth_date: date, sex: str = "L") -> str:
    """A valid NIK, unique in the test run, for someone born on ``birth_date``."""
    day = birth_date.day + (40 if sex == "P" else 0)
    serial = next(_serial)
    return f"{_REGION}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def make_kk(issued: date = date(2015, 3, 2)) -> str:
    """A valid Nomor KK, unique in the test run."""
    serial = next(_serial)
    return f"{_REGION}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{serial:04d}"


def _programmes(*codes: str) -> list[Programme]:
    found = {p.code: p for p in Programme.objects.filter(code__in=codes)}
    missing = set(codes) - set(found)
    assert not missing, f"programmes not in the catalogue: {missing}"
    return [found[c] for c in codes]


def make_household(
    village: Village,
    members: Sequence[dict | str],
    *,
    no_kk: str | None = None,
    register_id: str | None = None,
    address: str = "KP. BABAKAN RT 001 RW 002",
    dusun: str = "DUSUN 1",
    rt: str = "001",
    rw: str = "002",
    desil: int | None = 2,
    status: str = Household.Status.ACTIVE,
    programmes: Iterable[str] = (),
) -> Household:
    """One household with one family (KK) and ``members`` (the first is the head).

    A member is a name or a dict of Person fields (``name``, ``nik``, ``sex``,
    ``birth_date``, ``relation``, ``status``…) plus ``programmes``: codes of the
    programmes this person receives. ``programmes`` are the household's.
    """
    household = Household.objects.create(
        village=village,
        register_id=register_id or f"T{village.code.replace('.', '')}{next(_household_seq):08d}",
        address=address, dusun=dusun, rt=rt, rw=rw, desil=desil, status=status,
    )
    family = Family.objects.create(household=household, no_kk=no_kk or make_kk())
    for index, member in enumerate(members):
        fields = {"name": member} if isinstance(member, str) else dict(member)
        person_programmes = fields.pop("programmes", ())
        fields.setdefault("sex", "L")
        fields.setdefault("birth_date", date(1980, 5, 17))
        fields.setdefault("relation", 1 if index == 0 else 4)
        if "nik" not in fields:
            fields["nik"] = make_nik(fields["birth_date"], fields["sex"])
        person = Person.objects.create(
            household=household, family=family, village=village,
            name_key=name_key(fields["name"]), **fields,
        )
        for programme in _programmes(*person_programmes):
            Participation.objects.create(
                household=household, person=person, programme=programme, source="ekstrak"
            )
    for programme in _programmes(*programmes):
        Participation.objects.create(household=household, programme=programme, source="ekstrak")
    return household


@dataclass(frozen=True)
class LoadStats:
    households: int
    families: int
    people: int
    participations: int


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load_synthetic(
    villages: Sequence[Village],
    people: int,
    seed: int = 1,
    *,
    chunk: int = 2_000,
) -> LoadStats:
    """Write a synthetic register of ``people`` persons in ``villages`` (bulk inserts).

    Households, families, people and participations (PKH and BPNT for the
    household; PBI-JK for every member; PIP for members aged 6-20) are written
    ``chunk`` households at a time.
    """
    by_code = {v.code: v for v in villages}
    catalogue = {p.code: p for p in Programme.objects.all()}
    totals = [0, 0, 0, 0]
    generated = generate_households(people=people, villages=list(by_code), seed=seed)
    for batch in _chunks(generated, chunk):
        households = Household.objects.bulk_create(
            Household(
                village=by_code[h.village.code], register_id=h.register_id, address=h.address,
                dusun=h.dusun, rt=h.rt, rw=h.rw, desil=h.desil, percentile=h.percentile,
            )
            for h in batch
        )
        families = Family.objects.bulk_create(
            Family(household=household, no_kk=f.kk)
            for household, h in zip(households, batch, strict=True)
            for f in h.families
        )
        persons = []
        family_iter = iter(families)
        for household, h in zip(households, batch, strict=True):
            for f in h.families:
                family = next(family_iter)
                persons.extend(
                    Person(
                        household=household, family=family, village=household.village,
                        nik=m.nik, name=m.name, name_key=name_key(m.name),
                        birth_place=m.birth_place, birth_date=m.birth_date, sex=m.sex,
                        relation=m.relation, mother_name=m.mother_name,
                        occupation=m.occupation, disability=m.disabled,
                    )
                    for m in f.members
                )
        persons = Person.objects.bulk_create(persons)
        participations = []
        person_iter = iter(persons)
        for household, h in zip(households, batch, strict=True):
            for flag, code in _HOUSEHOLD_FLAGS:
                if getattr(h, flag):
                    participations.append(Participation(
                        household=household, programme=catalogue[code], source="ekstrak"))
            for m in h.members:
                person = next(person_iter)
                if h.pbi:
                    participations.append(Participation(
                        household=household, person=person, programme=catalogue["pbi-jk"],
                        source="ekstrak"))
                if h.pip and 6 <= m.age() <= 20:
                    participations.append(Participation(
                        household=household, person=person, programme=catalogue["pip"],
                        source="ekstrak"))
        Participation.objects.bulk_create(participations)
        totals[0] += len(households)
        totals[1] += len(families)
        totals[2] += len(persons)
        totals[3] += len(participations)
    return LoadStats(*totals)
