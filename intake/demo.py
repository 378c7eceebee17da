"""Demo desk activity for seed_demo: today's queue, visits with complaints (one with a
house photo carrying its GPS position), a person not in the register with a pre-list
proposal. Made through the real services, so the pages show what a desk would."""

import uuid

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries.models import Person, Programme
from beneficiaries.proposal_services import create_proposal
from referrals.models import Complaint, Sector

from .attachments import clean_attachment
from .models import Attachment, Visit
from .services import call_next, register_visit, take_ticket

COMPLAINTS = [
    ("pkh", "sosial-ekonomi", Complaint.Category.PARTICIPATION, Complaint.Kind.COMPLAINT,
     "Keluarga dengan dua anak sekolah dan ibu hamil belum menjadi peserta PKH."),
    ("bpnt", "pangan", Complaint.Category.NON_PARTICIPATION, Complaint.Kind.COMPLAINT,
     "Saldo kartu Sembako bulan ini belum masuk, e-Warong meminta menunggu."),
    ("pbi-jk", "kesehatan", Complaint.Category.PARTICIPATION, Complaint.Kind.QUESTION,
     "Kartu KIS tidak aktif saat berobat ke puskesmas; apakah masih terdaftar PBI?"),
    ("pip", "pendidikan", Complaint.Category.PARTICIPATION, Complaint.Kind.COMPLAINT,
     "Anak kelas 8 belum menerima PIP padahal keluarga terdaftar di DTKS."),
]


def house_photo(latitude: float, longitude: float, *, make: str = "Demo",
                size: tuple[int, int] = (800, 600)) -> bytes:
    """A phone photo of a house: camera make and GPS position in its EXIF."""
    import io
    from fractions import Fraction

    from PIL import Image, ImageDraw
    from PIL.TiffImagePlugin import IFDRational

    def dms(value):
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = Fraction((value - degrees - minutes / 60) * 3600).limit_denominator(10000)
        return (IFDRational(degrees, 1), IFDRational(minutes, 1),
                IFDRational(seconds.numerator, seconds.denominator))

    image = Image.new("RGB", (800, 600), (186, 214, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(120, 150, 80))
    draw.rectangle((220, 260, 580, 470), fill=(170, 130, 90))
    draw.polygon([(190, 270), (400, 130), (610, 270)], fill=(120, 60, 40))
    draw.rectangle((360, 360, 440, 470), fill=(90, 60, 30))
    image = image.resize(size)
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x8825] = {1: "S" if latitude < 0 else "N", 2: dms(latitude),
                    3: "W" if longitude < 0 else "E", 4: dms(longitude)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=85)
    return buffer.getvalue()


def free_nik(prefix: str) -> str:
    """A NIK with this 12-digit prefix that nobody in the register has."""
    for serial in range(901, 1000):
        nik = f"{prefix[:12]}{serial:04d}"
        if not Person.objects.filter(nik=nik).exists():
            return nik
    raise RuntimeError("no free demo NIK")


def demo_desk(clerk_username: str = "fo.cimaung"):
    """Seed the desk once; returns the number of visits made (0 when already seeded)."""
    User = get_user_model()
    clerk = User.objects.filter(username=clerk_username).select_related(
        "staff_profile__village").first()
    if clerk is None or Visit.objects.filter(created_by=clerk).exists():
        return 0
    village = clerk.staff_profile.village
    people = list(Person.objects.filter(village=village, nik__isnull=False,
                                        relation=1).order_by("pk")[:len(COMPLAINTS)])
    made = 0
    for index, person in enumerate(people):
        ticket = take_ticket(village, clerk)
        call_next(village, clerk)
        programme_code, sector_code, category, kind, text = COMPLAINTS[index]
        attachments = []
        if index == 0:
            upload = SimpleUploadedFile("rumah.jpg", house_photo(-7.1056, 107.5523),
                                        content_type="image/jpeg")
            attachments.append((Attachment.Kind.HOUSE_PHOTO, clean_attachment(upload)))
        register_visit(
            village=village, user=clerk, submission_key=uuid.uuid4(),
            visit_data={
                "queue_ticket": ticket, "purpose": Visit.Purpose.COMPLAINT,
                "nik": person.nik, "name": person.name, "person": person,
                "household": person.household, "in_register": True,
                "address": person.household.address, "dusun": person.household.dusun,
                "rt": person.household.rt, "rw": person.household.rw,
            },
            attachments=attachments,
            complaint_data={
                "category": category, "kind": kind, "description": text,
                "programme": Programme.objects.filter(code=programme_code).first(),
                "sector": Sector.objects.get(code=sector_code),
            },
        )
        made += 1
    # Someone not in the register: a visit for registration and a pre-list proposal.
    ticket = take_ticket(village, clerk)
    call_next(village, clerk)
    mother, child = free_nik("3204175507850"), free_nik("3204171203100")
    proposal = create_proposal(
        village=village, user=clerk,
        household={"address": "Kp. Cikalong", "dusun": "Dusun 2", "rt": "004", "rw": "002",
                   "floor": "tanah", "wall": "bambu", "roof": "seng",
                   "lighting": "listrik_numpang", "water": "tak_terlindung",
                   "ownership": "bebas_sewa",
                   "reason": "Suami meninggal tahun lalu; ibu dengan tiga anak, buruh tani "
                             "harian, rumah menumpang di tanah saudara."},
        members=[{"nik": mother, "name": "EUIS KOMALASARI", "relation": 1,
                  "sex": "P"},
                 {"nik": child, "name": "RIZKI MAULANA", "relation": 3,
                  "sex": "L"}],
    )
    register_visit(
        village=village, user=clerk, submission_key=uuid.uuid4(), proposal=proposal,
        visit_data={"queue_ticket": ticket, "purpose": Visit.Purpose.REGISTRATION,
                    "nik": mother, "name": "EUIS KOMALASARI",
                    "address": "Kp. Cikalong", "rt": "004", "rw": "002"},
    )
    made += 1
    # Two people still waiting in the queue.
    take_ticket(village, clerk)
    take_ticket(village, clerk)
    return made
