"""Attachments uploaded with a complaint at the front-office desk: KTP, KK, other
documents and a photo of the house.

One uploaded file is checked by its content (never by its name or the browser's
content type) and cleaned before anything stores it:

- images (JPEG, PNG, WebP) are decoded, turned upright, shrunk to at most
  2000 px on the long side and re-encoded as JPEG without any EXIF, so a
  phone photo does not leak the camera, the time or the house's location
  beyond the coordinates we read on purpose;
- PDFs are stored as given, but only when they parse, are not encrypted and
  carry no script, automatic action or embedded file.
"""

import hashlib
import io
import math
import re
import threading
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageFile, ImageOps, TiffImagePlugin
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 2000
JPEG_QUALITY = 85
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"

_MB = 1024 * 1024
_COORDINATE_PLACES = Decimal("0.000001")

# PDF names that run code, act on their own or smuggle files in. /OpenAction alone
# is harmless (Word's "open at page 1"); a dangerous one needs /JavaScript or /Launch.
_PDF_FORBIDDEN_NAMES = frozenset({
    "/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
    "/RichMedia", "/XFA",
})
# A name token: "/" then regular characters up to a PDF delimiter or white space.
_PDF_NAME = re.compile(rb"/[^\x00\t\n\x0c\r /%()<>\[\]{}]*")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class CleanedAttachment:
    content: bytes  # what to store
    content_type: str  # "image/jpeg" or "application/pdf"
    extension: str  # ".jpg" / ".pdf"
    sha256: str
    latitude: Decimal | None
    longitude: Decimal | None
    original_name: str


def clean_attachment(uploaded) -> CleanedAttachment:
    """Check one file the clerk uploaded and return what may be stored.

    Raises ValidationError (message in Indonesian, with a code) when the file is
    empty, too large, not an image or PDF by content, a broken image, or a PDF
    that is locked or carries a script."""
    data = _read_within_limit(uploaded)
    kind = _sniff(data)
    if kind == "pdf":
        _check_pdf(data)
        content, content_type, extension = data, "application/pdf", ".pdf"
        latitude = longitude = None
    elif kind is not None:
        content, latitude, longitude = _clean_image(data, kind)
        content_type, extension = "image/jpeg", ".jpg"
    else:
        raise ValidationError(
            _("Isi file bukan gambar (JPEG/PNG/WebP) atau PDF — nama file tidak menentukan "
              "jenisnya."),
            code="bad_type",
        )
    return CleanedAttachment(
        content=content,
        content_type=content_type,
        extension=extension,
        sha256=hashlib.sha256(content).hexdigest(),
        latitude=latitude,
        longitude=longitude,
        original_name=uploaded.name or "",
    )


class AttachmentField(forms.FileField):
    """A file field whose cleaned value is a CleanedAttachment (None when left empty)."""

    widget = forms.FileInput
    default_error_messages = {"empty": _("File kosong (0 bita).")}

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload or None
        return clean_attachment(upload)


# --- size and type ---------------------------------------------------------------


def _max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _read_within_limit(uploaded) -> bytes:
    limit = _max_bytes()
    # The declared size is checked first so an oversized upload is never read into memory;
    # the read is capped too, in case the declared size is wrong.
    if uploaded.size is not None:
        _check_size(uploaded.size, limit)
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    _check_size(len(data), limit)
    return data


def _check_size(size: int, limit: int) -> None:
    if size == 0:
        raise ValidationError(_("File kosong (0 bita)."), code="empty")
    if size > limit:
        raise ValidationError(
            _("Ukuran file %(size)s MB melebihi batas %(limit)s MB."),
            code="too_large",
            params={"size": _megabytes(size, round_up=True),
                    "limit": _megabytes(limit, round_up=False)},
        )


def _megabytes(size: int, *, round_up: bool) -> str:
    """'6,0' for 6 MB: one decimal, Indonesian comma; a size rounds up (so it never
    looks equal to the limit it exceeds), the limit rounds down, whole limits show
    no decimal."""
    if not round_up and size % _MB == 0:
        return str(size // _MB)
    tenths = math.ceil(size * 10 / _MB) if round_up else size * 10 // _MB
    return f"{tenths // 10},{tenths % 10}"


def _sniff(data: bytes) -> str | None:
    """The file's kind from its first bytes: a Pillow format name, "pdf" or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith(b"%PDF-"):
        return "pdf"
    return None


# --- images ----------------------------------------------------------------------


def _bad_image() -> ValidationError:
    return ValidationError(_("Gambar rusak atau tidak bisa dibaca."), code="bad_image")


def _image_too_large() -> ValidationError:
    return ValidationError(
        _("Resolusi gambar terlalu besar untuk diproses; perkecil gambar lalu unggah lagi."),
        code="image_too_large",
    )


def _clean_image(data: bytes, image_format: str) -> tuple[bytes, Decimal | None, Decimal | None]:
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as probe:
            _check_pixels(probe)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            _check_pixels(image)
            _decode_smaller(image)
            _load_complete(image)
            latitude, longitude = _gps_coordinates(image)
            icc_profile = image.info.get("icc_profile")
            upright = _upright(image)
            rgb = _to_rgb(upright)
            rgb.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
            # A fresh image carries no info (EXIF, XMP, comment) from the upload.
            clean = Image.new("RGB", rgb.size)
            clean.paste(rgb)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise _image_too_large() from exc
    except Exception as exc:  # Pillow reports broken files with many exception types
        raise _bad_image() from exc

    out = io.BytesIO()
    options = {"quality": JPEG_QUALITY, "optimize": True}
    # Keep an RGB colour profile (not EXIF) so phone photos in Display P3 keep their colours.
    if isinstance(icc_profile, bytes) and icc_profile[16:20] == b"RGB ":
        options["icc_profile"] = icc_profile
    clean.save(out, "JPEG", **options)
    return out.getvalue(), latitude, longitude


_TRUNCATED_LOCK = threading.Lock()


def _load_complete(image: Image.Image) -> None:
    """Decode the whole image, refusing a truncated file.

    WeasyPrint sets Pillow's global ``LOAD_TRUNCATED_IMAGES`` when it is imported (for
    PDFs); an upload must not profit from that, so it is switched off while loading.
    """
    with _TRUNCATED_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _check_pixels(image: Image.Image) -> None:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse there too.
    width, height = image.size
    if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
        raise _image_too_large()


def _decode_smaller(image: Image.Image) -> None:
    """Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding, keeping at
    least the size we resize to: less memory and time for big phone photos."""
    width, height = image.size
    ratio = MAX_IMAGE_SIDE / max(width, height)
    if ratio < 1:
        image.draft(None, (math.ceil(width * ratio), math.ceil(height * ratio)))


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        # Unreadable EXIF: the orientation is unknown, so the pixels stay as stored.
        return image


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit greyscale (scanners): scale to 8 bits instead of clipping to white.
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "RGB":
        return image
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba)
        return flat
    return image.convert("RGB")


def _gps_coordinates(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    """Latitude and longitude in signed decimal degrees from the EXIF GPS block, or
    (None, None) when there is none or it does not make sense."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        if _gps_text(gps.get(ExifTags.GPS.GPSStatus)) == "V":  # receiver had no fix
            return None, None
        latitude = _gps_degrees(
            gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef),
            positive="N", negative="S", limit=90)
        longitude = _gps_degrees(
            gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef),
            positive="E", negative="W", limit=180)
    except Exception:
        return None, None
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        # 0, 0 is what some phones write without a fix, not a place in our villages.
        return None, None
    return latitude, longitude


def _gps_text(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str):
        return value.strip("\x00 ").upper()
    return None


def _gps_degrees(value, ref, *, positive: str, negative: str, limit: int) -> Decimal | None:
    ref = _gps_text(ref)
    if ref not in (positive, negative):
        return None  # without the reference the hemisphere, so the sign, is unknown
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return None
    parts = [_rational(part) for part in value]
    if any(part is None or part < 0 for part in parts):
        return None
    degrees, minutes, seconds = parts
    if minutes >= 60 or seconds >= 60:
        return None
    total = degrees + minutes / 60 + seconds / 3600
    if total > limit:
        return None
    decimal = (Decimal(total.numerator) / Decimal(total.denominator)).quantize(
        _COORDINATE_PLACES, rounding=ROUND_HALF_UP)
    return -decimal if ref == negative else decimal


def _rational(value) -> Fraction | None:
    if isinstance(value, TiffImagePlugin.IFDRational):
        if value.denominator == 0:
            return None
        return Fraction(value.numerator) / Fraction(value.denominator)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float) and math.isfinite(value):
        return Fraction(value)
    return None


# --- PDF ---------------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    unreadable = ValidationError(_("PDF rusak atau tidak bisa dibaca."), code="bad_pdf")
    scripted = ValidationError(
        _("PDF berisi skrip atau aksi otomatis; tidak diterima."), code="pdf_script")
    # The raw bytes first: catches names even where pypdf's parser gives up.
    if _has_forbidden_name(data):
        raise scripted
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("PDF terkunci kata sandi; tidak diterima."), code="pdf_encrypted")
        if len(reader.pages) == 0:
            raise unreadable
        forbidden = _pdf_objects_have_forbidden_name(reader)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf reports broken files with many exception types
        raise unreadable from exc
    if forbidden:
        raise scripted


def _has_forbidden_name(raw: bytes) -> bool:
    for match in _PDF_NAME.finditer(raw):
        # "#xx" escapes spell the same name: /J#61vaScript is /JavaScript.
        name = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), match[0])
        if name.decode("latin-1") in _PDF_FORBIDDEN_NAMES:
            return True
    return False


def _pdf_objects_have_forbidden_name(reader: PdfReader) -> bool:
    """Walk every object in the cross-reference (including those packed in compressed
    object streams, which the raw scan cannot see) and the decoded object streams."""
    references = [
        (number, generation)
        for generation, numbers in reader.xref.items()
        for number in numbers
    ]
    references += [(number, 0) for number in reader.xref_objStm]
    roots = [reader.trailer]
    roots += [reader.get_object(IndirectObject(number, generation, reader))
              for number, generation in references]

    stack = [obj for obj in roots if obj is not None]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            continue  # every indirect object is walked on its own
        if isinstance(obj, NameObject):
            if obj in _PDF_FORBIDDEN_NAMES:
                return True
        elif isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in _PDF_FORBIDDEN_NAMES:
                    return True
                stack.append(value)
            if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
                if _has_forbidden_name(obj.get_data()):
                    return True
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False
