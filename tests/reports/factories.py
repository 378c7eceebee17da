"""Report fixtures: a complete village profile and records placed at given local times."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from reports.demo import logo_png

HEAD = "H. Asep Suhendar"
COORDINATOR = "Dedi Supriadi"


def complete_profile(village, *, head=HEAD, coordinator=COORDINATOR, logo=True):
    """The letterhead and the signatories of ``village`` filled in."""
    village.puskesos_name = "Puskesos Silih Asih"
    village.address = f"Jl. Raya {village.name} No. 1"
    village.head_name, village.coordinator_name = head, coordinator
    if logo:
        village.logo.save(f"logo-{village.pk}.png", ContentFile(logo_png(village.name)),
                          save=False)
    village.save()
    return village


def local(year, month, day, hour=0, minute=0) -> datetime.datetime:
    """An aware datetime at this wall-clock time in Asia/Jakarta."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def pdf_text(content: bytes) -> str:
    """All the text of a PDF, white space collapsed (as a reader would copy it)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 200, 200)).save(buffer, "PNG")
    return buffer.getvalue()
