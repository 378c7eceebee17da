"""Front-office records made through the real services."""

import io
import uuid
from decimal import Decimal

from PIL import Image

from intake.attachments import CleanedAttachment
from intake.demo import house_photo
from intake.models import Attachment, Visit
from intake.services import register_visit, take_ticket
from referrals.models import Complaint, Sector


def jpeg_attachment(name="rumah.jpg", latitude=None, longitude=None) -> CleanedAttachment:
    """A small re-encoded JPEG as the attachment cleaner would return it."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 90)).save(buffer, "JPEG")
    content = buffer.getvalue()
    import hashlib

    return CleanedAttachment(
        content=content, content_type="image/jpeg", extension=".jpg",
        sha256=hashlib.sha256(content).hexdigest(),
        latitude=Decimal(latitude) if latitude is not None else None,
        longitude=Decimal(longitude) if longitude is not None else None,
        original_name=name,
    )


def make_visit(village, user, *, purpose=Visit.Purpose.COMPLAINT, name="ASEP SUNANDAR",
               nik="3204130101800001", complaint=True, ticket=False, attachments=(),
               **visit_data) -> Visit:
    """A desk visit (with a complaint in state ``registered`` by default)."""
    data = {"purpose": purpose, "name": name, "nik": nik, "address": "Kp. Cimaung",
            "rt": "001", "rw": "002", **visit_data}
    if ticket:
        data["queue_ticket"] = take_ticket(village, user)
    complaint_data = None
    if complaint and purpose == Visit.Purpose.COMPLAINT:
        complaint_data = {
            "category": Complaint.Category.PARTICIPATION,
            "kind": Complaint.Kind.COMPLAINT,
            "sector": Sector.objects.get(code="sosial-ekonomi"),
            "description": "Belum menerima bantuan PKH padahal keluarga miskin.",
        }
    visit, _ = register_visit(village=village, user=user, submission_key=uuid.uuid4(),
                              visit_data=data, attachments=attachments,
                              complaint_data=complaint_data)
    return visit


def make_complaint(village, user, **kwargs) -> Complaint:
    return make_visit(village, user, **kwargs).complaint


def make_attachment(village, user) -> Attachment:
    visit = make_visit(village, user, attachments=[
        (Attachment.Kind.HOUSE_PHOTO, jpeg_attachment(latitude="-7.105", longitude="107.55"))
    ])
    return visit.attachments.get()



def gps_photo(latitude: float, longitude: float, *, size=(640, 480),
              make="Kamera Desa") -> bytes:
    """A JPEG photo as a phone takes it: camera make and GPS position in its EXIF."""
    return house_photo(latitude, longitude, make=make, size=size)
