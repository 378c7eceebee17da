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


def demo_meeting() -> int:
    """Two proposals decided at a closed Musyawarah Desa (once); returns how many."""
    import datetime

    from django.contrib.auth import get_user_model

    from intake.demo import free_nik

    from . import meetings
    from .models import VillageMeeting
    from .proposal_services import create_proposal, mark_proposal_ready

    User = get_user_model()
    clerk = User.objects.filter(username="fo.cimaung").select_related(
        "staff_profile__village").first()
    koor = User.objects.filter(username="koordinator.cimaung").first()
    if clerk is None or koor is None:
        return 0
    village = clerk.staff_profile.village
    if VillageMeeting.objects.filter(village=village).exists():
        return 0
    families = [
        ("ENTIN SUPRIATIN", "3204175203780", "Kp. Babakan Sirna", "Lansia tinggal sendiri, "
         "tidak berpenghasilan, rumah bilik."),
        ("OMAN ABDURAHMAN", "3204171506700", "Kp. Cipeundeuy", "Buruh harian, empat anak "
         "sekolah, rumah lantai tanah."),
    ]
    proposals = []
    for name, prefix, address, reason in families:
        proposal = create_proposal(
            village=village, user=clerk,
            household={"address": address, "rt": "003", "rw": "004", "floor": "tanah",
                       "wall": "bambu", "reason": reason},
            members=[{"nik": free_nik(prefix), "name": name, "relation": 1}])
        proposals.append(mark_proposal_ready(proposal=proposal, user=clerk))
    meeting = meetings.create_meeting(
        village=village, user=koor, date=datetime.date.today() - datetime.timedelta(days=7),
        place="Aula Kantor Desa Cimaung", chair="H. Asep Suhendar",
        participants="Ketua BPD\nKetua RW 01–05\nTKSK Kec. Cimaung\nPendamping PKH")
    meetings.attach_proposals(meeting.pk, koor, proposals)
    meetings.decide(meeting.pk, koor, proposal_id=proposals[0].pk, decision="layak")
    meetings.decide(meeting.pk, koor, proposal_id=proposals[1].pk, decision="tidak_layak",
                    reason="Memiliki sawah dan usaha penggilingan padi.")
    meetings.close_meeting(meeting.pk, koor)
    return len(proposals)
