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
                       "wall": "bambu", "income": "lt500", "cooking_fuel": "kayu",
                       "toilet": "bersama", "assets": "Tidak punya lahan; dua ekor ayam.",
                       "reason": reason},
            members=[{"nik": free_nik(prefix), "name": name, "relation": 1}])
        proposals.append(mark_proposal_ready(proposal=proposal, user=clerk))
    meeting = meetings.create_meeting(
        village=village, user=koor, date=datetime.date.today() - datetime.timedelta(days=7),
        place="Aula Kantor Desa Cimaung", chair="H. Asep Suhendar",
        participants="Ketua BPD\nKetua RW 01–05\nTKSK Kec. Cimaung\nPendamping PKH")
    meetings.attach_proposals(meeting.pk, koor, proposals)
    changes = demo_upkeep(village)
    if changes:
        meetings.attach_changes(meeting.pk, koor, changes[:1])
        meetings.decide(meeting.pk, koor, change_id=changes[0].pk, decision="layak")
    meetings.decide(meeting.pk, koor, proposal_id=proposals[0].pk, decision="layak")
    meetings.decide(meeting.pk, koor, proposal_id=proposals[1].pk, decision="tidak_layak",
                    reason="Memiliki sawah dan usaha penggilingan padi.")
    meetings.close_meeting(meeting.pk, koor)
    return len(proposals)


def demo_upkeep(village) -> list:
    """Profile changes, programme needs and a participation recorded at the desk and on
    home visits, so the register pages show them beside the extract."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from intake.attachments import clean_attachment
    from intake.demo import house_photo

    from . import upkeep
    from .models import ProfileChange, ProgrammeNeed

    User = get_user_model()
    clerk = User.objects.filter(username="fo.cimaung").first()
    facilitator = User.objects.filter(username="fasilitator.cimaung").first()
    if clerk is None or facilitator is None or ProfileChange.objects.filter(
            village=village).exists():
        return []
    people = Person.objects.filter(village=village, status=Person.Status.PRESENT)
    elder = people.exclude(relation=1).filter(birth_date__isnull=False).order_by(
        "birth_date").select_related("household").first()
    young = people.filter(relation=1, birth_date__year__gt=1980).select_related(
        "household").first()
    changes = []
    if young is not None:
        changes.append(upkeep.record_change(
            household=young.household, user=clerk, kind=ProfileChange.Kind.NEW_MEMBER,
            details={"name": f"BAYI {young.name.split()[0]}", "relation": 3, "sex": "P",
                     "birth_date": datetime.date.today() - datetime.timedelta(days=40)},
            reporter=f"{young.name.title()}, kepala keluarga", note="Lahir di Puskesmas."))
    if elder is not None:
        photo = clean_attachment(SimpleUploadedFile(
            "surat-kematian.jpg", house_photo(-7.1051, 107.5512, size=(600, 800)),
            content_type="image/jpeg"))
        changes.append(upkeep.record_change(
            household=elder.household, user=facilitator, kind=ProfileChange.Kind.DIED,
            person=elder, event_date=datetime.date.today() - datetime.timedelta(days=12),
            reporter="Ketua RT 03", note="Surat keterangan kematian dari desa.",
            evidence=photo))
    if young is not None:
        changes.append(upkeep.record_change(
            household=young.household, user=facilitator, kind=ProfileChange.Kind.CORRECTION,
            person=young, details={"name": young.name + " SUHENDAR"},
            reporter=young.name.title(), note="Nama di KTP lebih lengkap."))
    # Needs: confirm what the rules suggest for a few poor households, dismiss one.
    poor = Household.objects.filter(village=village, desil__lte=2).order_by("pk")[:6]
    confirmed = dismissed = 0
    for household in poor:
        for suggestion in upkeep.need_suggestions(household)[:2]:
            action = upkeep.dismiss_need if confirmed >= 6 and not dismissed else \
                upkeep.confirm_need
            action(household=household, user=facilitator if confirmed % 2 else clerk,
                   programme_id=suggestion.programme.pk,
                   person_id=suggestion.person.pk if suggestion.person else None,
                   rule_id=suggestion.rule.pk,
                   note="Sudah lulus SMA, bekerja." if action is upkeep.dismiss_need else "")
            if action is upkeep.dismiss_need:
                dismissed += 1
            else:
                confirmed += 1
    # One confirmed need has since been met: the programme is recorded at the desk.
    need = ProgrammeNeed.objects.filter(village=village, status="dikonfirmasi").select_related(
        "household", "person", "programme").order_by("pk").first()
    if need is not None:
        upkeep.record_participation(household=need.household, user=clerk,
                                    programme=need.programme, person=need.person,
                                    since=datetime.date.today() - datetime.timedelta(days=20))
    return changes
