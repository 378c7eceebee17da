"""Demo register: a synthetic extract for the demo kecamatan, loaded by the real import."""

from pathlib import Path

from puskesos.demo import DISTRICT, demo_region

from .models import Household, ImportBatch, Person, PersonPpks, PpksType
from .services import register_import
from .synthetic import DEMO_BPS_CODES, write_extract


def demo_register(*, people: int, folder: Path) -> ImportBatch | None:
    """Import ``people`` synthetic residents into the ten demo villages, once.

    The villages get the BPS codes the synthetic BDT files use (only Desa Cimaung's is
    real), and a few residents get PPKS records so the register pages show them.
    """
    _regency, district, villages = demo_region()
    for village in villages:
        if not village.bps_code and village.code in DEMO_BPS_CODES:
            village.bps_code = DEMO_BPS_CODES[village.code]
            village.save(update_fields=["bps_code"])
    if Household.objects.filter(village__district=district).exists():
        return None
    path = folder / "dtks-demo-kec-cimaung.csv"
    write_extract(path, layout="dtks", people=people, villages=[v.code for v in villages],
                  seed=2026, delimiter=";")
    batch = register_import(actor=None, path=path, scope_code=DISTRICT["code"])
    disabled = PpksType.objects.get(code="penyandang-disabilitas")
    elderly = PpksType.objects.get(code="lansia-terlantar")
    for person in Person.objects.filter(village__district=district, disability=True)[:40]:
        PersonPpks.objects.get_or_create(person=person, ppks_type=disabled)
    for person in Person.objects.filter(village__district=district,
                                        birth_date__year__lt=1950)[:25]:
        PersonPpks.objects.get_or_create(person=person, ppks_type=elderly)
    return batch
