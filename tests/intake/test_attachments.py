"""Attachments uploaded with a complaint: real images and PDFs made here, checked by
content, cleaned of EXIF, and refused with a message the clerk understands."""

import hashlib
import io
import os
import zlib
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms
from PIL.TiffImagePlugin import IFDRational
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from intake.attachments import AttachmentField, CleanedAttachment, clean_attachment

MB = 1024 * 1024
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)
CAMERA_MAKE = "KameraRahasiaDesa"
GPS_IFD = 0x8825

# --- builders ------------------------------------------------------------------------


def upload(data: bytes, name: str = "lampiran.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def encode(image: Image.Image, image_format: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def dms(degrees: int, minutes: int, seconds: str) -> tuple:
    numerator, _, fraction = seconds.partition(".")
    scale = 10 ** len(fraction)
    return (IFDRational(degrees, 1), IFDRational(minutes, 1),
            IFDRational(int(numerator + fraction), scale))


def camera_exif(gps: dict | None = None, orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0110] = "Model X"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    if gps is not None:
        exif[GPS_IFD] = gps
    return exif


# -6.921234, 107.601234 (Bandung): 6° 55' 16.4424" S, 107° 36' 4.4424" E
BANDUNG_GPS = {1: "S", 2: dms(6, 55, "16.4424"), 3: "E", 4: dms(107, 36, "4.4424")}


def half_and_half(size: tuple[int, int], left=RED, right=BLUE) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size, right)
    image.paste(left, (0, 0, width // 2, height))
    return image


def noise(size: tuple[int, int]) -> Image.Image:
    width, height = size
    return Image.frombytes("RGB", size, os.urandom(width * height * 3))


def padded_png(total: int) -> bytes:
    """A real PNG, padded after IEND (which readers ignore) to exactly `total` bytes."""
    data = encode(noise((400, 400)), "PNG", compress_level=0)
    assert len(data) <= total
    return data + b"\x00" * (total - len(data))


def blank_pdf(change=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if change:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def handmade_pdf(objects: dict[int, bytes], *, packed: tuple[int, ...] = (),
                 unlisted: bytes = b"") -> bytes:
    """A PDF written by hand. Objects in `packed` go into a Flate-compressed object
    stream (PDF 1.5) indexed by a cross-reference stream, so their names never appear
    in the raw bytes; without `packed` a classic xref table is written. `unlisted` is
    one more object (number 90) that the cross-reference leaves out, as in a damaged
    file a viewer repairs: packed with the others when there are any, else loose."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    loose = [number for number in sorted(objects) if number not in packed]
    for number in loose:
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    if unlisted and not packed:
        out += b"90 0 obj\n%s\nendobj\n" % unlisted
    if not packed:
        size = max(objects) + 1
        xref_at = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number]
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at)
        return bytes(out)

    stream_number = max(objects) + 1
    in_stream = {number: objects[number] for number in packed}
    if unlisted:
        in_stream[90] = unlisted
    header, body = b"", b""
    for number, text in in_stream.items():
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    compressed = zlib.compress(header + body)
    offsets[stream_number] = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % (stream_number, len(in_stream), len(header), len(compressed)))
    out += compressed + b"\nendstream\nendobj\n"

    xref_number = stream_number + 1
    offsets[xref_number] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for number in range(1, xref_number + 1):
        if number in packed:
            rows.append(b"\x02" + stream_number.to_bytes(4, "big")
                        + packed.index(number).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big"))
    table = b"".join(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n"
            b"stream\n" % (xref_number, xref_number + 1, len(table)))
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def one_page_objects(open_action: bytes = b"[3 0 R /Fit]") -> dict[int, bytes]:
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        4: open_action,
    }


def refusal(uploaded) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_attachment(uploaded)
    return caught.value


# --- images: GPS, EXIF, orientation, size ---------------------------------------------


def test_photo_gps_is_read_as_signed_decimal_degrees():
    photo = encode(half_and_half((64, 48)), exif=camera_exif(BANDUNG_GPS))

    cleaned = clean_attachment(upload(photo, "rumah.jpg"))

    assert cleaned.latitude == Decimal("-6.921234")
    assert cleaned.longitude == Decimal("107.601234")


@pytest.mark.parametrize(
    ("lat_ref", "lon_ref", "latitude", "longitude"),
    [("N", "W", "6.921234", "-107.601234"), ("S", "E", "-6.921234", "107.601234")],
)
def test_gps_hemisphere_refs_give_the_sign(lat_ref, lon_ref, latitude, longitude):
    gps = {**BANDUNG_GPS, 1: lat_ref, 3: lon_ref}
    photo = encode(Image.new("RGB", (16, 16)), exif=camera_exif(gps))

    cleaned = clean_attachment(upload(photo))

    assert (cleaned.latitude, cleaned.longitude) == (Decimal(latitude), Decimal(longitude))


def test_gps_seconds_are_rounded_to_six_places():
    # 6° 30' 0.0001" = 6.50000002777… → 6.500000; 10" = 0.002777… → 0.002778
    gps = {1: "S", 2: dms(6, 30, "0.0001"), 3: "E", 4: dms(0, 0, "10")}
    photo = encode(Image.new("RGB", (16, 16)), exif=camera_exif(gps))

    cleaned = clean_attachment(upload(photo))

    assert (cleaned.latitude, cleaned.longitude) == (Decimal("-6.500000"), Decimal("0.002778"))


@pytest.mark.parametrize(
    "gps",
    [
        pytest.param({**BANDUNG_GPS, 2: (IFDRational(6, 1), IFDRational(55, 0), IFDRational(1, 1))},
                     id="zero-denominator"),
        pytest.param({**BANDUNG_GPS, 2: dms(6, 75, "0")}, id="minutes-over-60"),
        pytest.param({**BANDUNG_GPS, 2: dms(6, 5, "61")}, id="seconds-over-60"),
        pytest.param({**BANDUNG_GPS, 2: dms(95, 0, "0")}, id="latitude-over-90"),
        pytest.param({**BANDUNG_GPS, 4: dms(181, 0, "0")}, id="longitude-over-180"),
        pytest.param({**BANDUNG_GPS, 2: (IFDRational(6, 1), IFDRational(55, 1))}, id="two-parts"),
        pytest.param({2: BANDUNG_GPS[2], 3: "E", 4: BANDUNG_GPS[4]}, id="no-latitude-ref"),
        pytest.param({**BANDUNG_GPS, 3: "X"}, id="unknown-ref"),
        pytest.param({**BANDUNG_GPS, 2: IFDRational(6921234, 10**6)}, id="one-number"),
        pytest.param({1: "S", 3: "E", 4: BANDUNG_GPS[4]}, id="no-latitude"),
        pytest.param({1: "N", 2: dms(0, 0, "0"), 3: "E", 4: dms(0, 0, "0")}, id="null-island"),
        pytest.param({**BANDUNG_GPS, 9: "V"}, id="status-void"),
    ],
)
def test_malformed_gps_gives_no_coordinates_but_keeps_the_photo(gps):
    photo = encode(Image.new("RGB", (16, 16)), exif=camera_exif(gps))
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD)  # the block is there

    cleaned = clean_attachment(upload(photo))

    assert (cleaned.latitude, cleaned.longitude) == (None, None)
    assert cleaned.content_type == "image/jpeg"


def test_photo_without_exif_has_no_coordinates():
    cleaned = clean_attachment(upload(encode(Image.new("RGB", (16, 16)))))

    assert (cleaned.latitude, cleaned.longitude) == (None, None)


def test_cleaned_photo_carries_no_exif_or_other_metadata():
    photo = encode(half_and_half((64, 48)), exif=camera_exif(BANDUNG_GPS),
                   comment=b"catatan-rahasia", xmp=b"<x:xmpmeta>xmp-rahasia</x:xmpmeta>")
    assert CAMERA_MAKE.encode() in photo  # the input really has it

    cleaned = clean_attachment(upload(photo))

    output = Image.open(io.BytesIO(cleaned.content))
    assert dict(output.getexif()) == {}
    assert output.getexif().get_ifd(GPS_IFD) == {}
    assert not {"exif", "xmp", "comment"} & set(output.info)
    for secret in (CAMERA_MAKE.encode(), b"Model X", b"Exif\x00\x00", b"catatan-rahasia",
                   b"xmp-rahasia"):
        assert secret not in cleaned.content


def test_cleaned_photo_is_a_valid_jpeg_with_its_hash():
    png = encode(half_and_half((64, 48)), "PNG")

    cleaned = clean_attachment(upload(png, "kk.png", "image/png"))

    assert cleaned.content.startswith(b"\xff\xd8\xff")
    Image.open(io.BytesIO(cleaned.content)).verify()
    output = Image.open(io.BytesIO(cleaned.content))
    assert (output.format, output.mode, output.size) == ("JPEG", "RGB", (64, 48))
    assert (cleaned.content_type, cleaned.extension) == ("image/jpeg", ".jpg")
    assert cleaned.sha256 == hashlib.sha256(cleaned.content).hexdigest()
    assert cleaned.original_name == "kk.png"
    assert isinstance(cleaned, CleanedAttachment)


def assert_close(pixel, expected, tolerance=40):
    assert all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True)), pixel


def test_exif_orientation_is_applied_to_the_pixels():
    # Stored landscape, red left and blue right; orientation 6 means "turn 90° clockwise
    # to display", so the upright photo is portrait with red on top.
    photo = encode(half_and_half((80, 40)), exif=camera_exif(orientation=6), quality=95)

    cleaned = clean_attachment(upload(photo))

    output = Image.open(io.BytesIO(cleaned.content)).convert("RGB")
    assert output.size == (40, 80)
    assert_close(output.getpixel((20, 5)), RED)
    assert_close(output.getpixel((20, 75)), BLUE)


def test_large_photo_is_scaled_down_to_2000_px_on_the_long_side():
    photo = encode(half_and_half((4000, 3000)))

    cleaned = clean_attachment(upload(photo))

    assert Image.open(io.BytesIO(cleaned.content)).size == (2000, 1500)


def test_tall_rotated_png_is_scaled_down_after_turning_upright():
    png = encode(half_and_half((3000, 1200)), "PNG", exif=camera_exif(orientation=6))

    cleaned = clean_attachment(upload(png, "rumah.png", "image/png"))

    output = Image.open(io.BytesIO(cleaned.content)).convert("RGB")
    assert output.size == (800, 2000)
    assert_close(output.getpixel((400, 10)), RED)
    assert_close(output.getpixel((400, 1990)), BLUE)


def test_small_photo_is_not_enlarged():
    cleaned = clean_attachment(upload(encode(Image.new("RGB", (300, 200)))))

    assert Image.open(io.BytesIO(cleaned.content)).size == (300, 200)


def test_transparent_png_becomes_jpeg_on_white():
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (20, 0, 40, 20))

    cleaned = clean_attachment(upload(encode(image, "PNG"), "ttd.png", "image/png"))

    output = Image.open(io.BytesIO(cleaned.content))
    assert output.mode == "RGB"
    assert_close(output.getpixel((5, 10)), WHITE)
    assert_close(output.getpixel((35, 10)), BLUE)


def test_webp_is_accepted_and_reencoded_as_jpeg():
    webp = encode(half_and_half((64, 48)), "WEBP", exif=camera_exif(BANDUNG_GPS))

    cleaned = clean_attachment(upload(webp, "rumah.webp", "image/webp"))

    assert Image.open(io.BytesIO(cleaned.content)).format == "JPEG"
    assert cleaned.latitude == Decimal("-6.921234")
    assert CAMERA_MAKE.encode() not in cleaned.content


def test_sixteen_bit_grey_scan_keeps_its_tones():
    scan = encode(Image.new("I;16", (20, 20), 32768), "PNG")

    cleaned = clean_attachment(upload(scan, "kk.png", "image/png"))

    grey = Image.open(io.BytesIO(cleaned.content)).getpixel((10, 10))
    assert_close(grey, (128, 128, 128), tolerance=3)


def test_cmyk_jpeg_is_stored_as_rgb():
    cmyk = encode(Image.new("CMYK", (20, 20), (0, 255, 255, 0)))

    cleaned = clean_attachment(upload(cmyk))

    assert Image.open(io.BytesIO(cleaned.content)).mode == "RGB"


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def test_rgb_colour_profile_is_kept():
    photo = encode(Image.new("RGB", (16, 16)), icc_profile=srgb_profile())

    cleaned = clean_attachment(upload(photo))

    assert Image.open(io.BytesIO(cleaned.content)).info.get("icc_profile") == srgb_profile()


def test_non_rgb_colour_profile_is_not_copied_onto_the_rgb_output():
    cmyk_profile = srgb_profile()[:16] + b"CMYK" + srgb_profile()[20:]
    photo = encode(Image.new("CMYK", (16, 16)), icc_profile=cmyk_profile)

    cleaned = clean_attachment(upload(photo))

    assert "icc_profile" not in Image.open(io.BytesIO(cleaned.content)).info


def test_content_decides_the_type_not_the_name():
    photo = encode(Image.new("RGB", (16, 16)))

    cleaned = clean_attachment(upload(photo, "ktp.pdf", "application/pdf"))

    assert (cleaned.content_type, cleaned.extension) == ("image/jpeg", ".jpg")
    assert cleaned.original_name == "ktp.pdf"


# --- images: refusals -----------------------------------------------------------------


def test_html_named_jpg_is_refused():
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

    error = refusal(upload(html, "ktp.jpg", "image/jpeg"))

    assert error.code == "bad_type"
    assert error.messages == [
        "Isi file bukan gambar (JPEG/PNG/WebP) atau PDF — nama file tidak menentukan jenisnya."]


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(image_format):
    data = encode(Image.new("RGB", (16, 16)), image_format)

    assert refusal(upload(data, "foto.jpg")).code == "bad_type"


def test_empty_file_is_refused():
    error = refusal(upload(b"", "kosong.jpg"))

    assert error.code == "empty"
    assert error.messages == ["File kosong (0 bita)."]


def test_truncated_jpeg_is_refused():
    photo = encode(noise((200, 200)), quality=95)

    error = refusal(upload(photo[: len(photo) // 2]))

    assert error.code == "bad_image"
    assert error.messages == ["Gambar rusak atau tidak bisa dibaca."]


def test_png_with_a_damaged_checksum_is_refused():
    png = bytearray(encode(Image.new("RGB", (20, 20), RED), "PNG"))
    idat = png.index(b"IDAT")
    length = int.from_bytes(png[idat - 4:idat], "big")
    png[idat + 4 + length] ^= 0xFF  # first byte of the chunk's CRC

    assert refusal(upload(bytes(png), "kk.png", "image/png")).code == "bad_image"


def test_jpeg_signature_followed_by_garbage_is_refused():
    assert refusal(upload(b"\xff\xd8\xff\xe0" + os.urandom(2000))).code == "bad_image"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [40, 100], ids=["above-limit", "above-twice-limit"])
def test_decompression_bomb_is_refused(monkeypatch, side):
    photo = encode(Image.new("RGB", (side, side)))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    error = refusal(upload(photo))

    assert error.code == "image_too_large"
    assert error.messages == [
        "Resolusi gambar terlalu besar untuk diproses; perkecil gambar lalu unggah lagi."]


# --- size --------------------------------------------------------------------------


def test_six_megabyte_image_is_refused_with_the_limit_in_the_message():
    png = padded_png(6 * MB)

    error = refusal(upload(png, "rumah.png", "image/png"))

    assert error.code == "too_large"
    assert error.messages == ["Ukuran file 6,0 MB melebihi batas 5 MB."]


def test_size_is_checked_before_the_file_is_read():
    class UnreadableUpload(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("the file was read before its size was checked")

    big = UnreadableUpload("rumah.jpg", b"\xff\xd8\xff", "image/jpeg")
    big.size = 6 * MB

    assert refusal(big).code == "too_large"


def test_never_more_than_the_limit_is_read():
    read_sizes = []

    class RecordingUpload(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            data = super().read(*args, **kwargs)
            read_sizes.append(len(data))
            return data

    big = RecordingUpload("rumah.png", padded_png(6 * MB), "image/png")
    big.size = 1000  # a declared size that lies

    assert refusal(big).code == "too_large"
    assert max(read_sizes) <= 5 * MB + 1


def test_a_wrong_declared_size_does_not_let_a_big_file_through():
    big = upload(padded_png(6 * MB), "rumah.png", "image/png")
    big.size = 1000

    assert refusal(big).code == "too_large"


def test_limit_comes_from_settings(settings):
    settings.ATTACHMENT_MAX_BYTES = 1 * MB

    assert clean_attachment(upload(padded_png(1 * MB), "pas.png")).content_type == "image/jpeg"
    error = refusal(upload(padded_png(1 * MB + 1), "lebih.png"))
    assert error.messages == ["Ukuran file 1,1 MB melebihi batas 1 MB."]


# --- PDF -----------------------------------------------------------------------------


def test_plain_pdf_is_stored_as_given():
    pdf = blank_pdf()

    cleaned = clean_attachment(upload(pdf, "surat.pdf", "application/pdf"))

    assert cleaned.content == pdf
    assert (cleaned.content_type, cleaned.extension) == ("application/pdf", ".pdf")
    assert cleaned.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (cleaned.latitude, cleaned.longitude) == (None, None)
    assert cleaned.original_name == "surat.pdf"


def test_pdf_named_jpg_is_still_a_pdf():
    cleaned = clean_attachment(upload(blank_pdf(), "scan.jpg", "image/jpeg"))

    assert cleaned.content_type == "application/pdf"


def test_pdf_with_ordinary_open_action_and_apple_metadata_is_accepted():
    # Word opens PDFs at page 1 with /OpenAction; macOS writes /AAPL:Keywords. Neither is
    # a script, and /AAPL:… must not be mistaken for /AA.
    def ordinary(writer):
        writer.open_destination = writer.pages[0]
        writer.add_metadata({"/AAPL:Keywords": "ktp"})

    pdf = blank_pdf(ordinary)
    assert b"/OpenAction" in pdf and b"/AAPL:Keywords" in pdf

    assert clean_attachment(upload(pdf, "surat.pdf")).content == pdf


def add_document_script(writer):
    writer.add_open_action(JavaScript("app.alert('halo');"))


def add_page_open_script(writer):
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert('halo');"))


def add_launch_action(writer):
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"),
        NameObject("/F"): TextStringObject("cmd.exe"),
    })


def add_embedded_file(writer):
    writer.add_attachment("virus.exe", b"MZ")


@pytest.mark.parametrize(
    "change",
    [add_document_script, add_page_open_script, add_launch_action, add_embedded_file],
    ids=["document-javascript", "page-open-javascript", "launch-action", "embedded-file"],
)
def test_pdf_with_script_or_automatic_action_is_refused(change):
    error = refusal(upload(blank_pdf(change), "surat.pdf", "application/pdf"))

    assert error.code == "pdf_script"
    assert error.messages == ["PDF berisi skrip atau aksi otomatis; tidak diterima."]


def test_pdf_with_hex_escaped_javascript_name_is_refused():
    pdf = handmade_pdf(one_page_objects(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"))
    assert b"/JavaScript" not in pdf and b"/JS" not in pdf

    assert refusal(upload(pdf, "surat.pdf")).code == "pdf_script"


def test_pdf_with_script_hidden_in_a_compressed_object_stream_is_refused():
    pdf = handmade_pdf(one_page_objects(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
                       packed=(1, 2, 3, 4))
    assert b"JavaScript" not in pdf and b"/JS" not in pdf

    assert refusal(upload(pdf, "surat.pdf")).code == "pdf_script"


def test_pdf_with_compressed_object_stream_and_no_script_is_accepted():
    pdf = handmade_pdf(one_page_objects(), packed=(1, 2, 3, 4))

    assert clean_attachment(upload(pdf, "surat.pdf")).content == pdf


def test_pdf_with_script_in_an_object_left_out_of_the_xref_is_refused():
    # pypdf never reaches object 90, a repairing viewer does: the raw bytes still tell.
    pdf = handmade_pdf(one_page_objects(),
                       unlisted=b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")

    assert refusal(upload(pdf, "surat.pdf")).code == "pdf_script"


def test_pdf_with_script_in_a_compressed_object_left_out_of_the_xref_is_refused():
    pdf = handmade_pdf(one_page_objects(), packed=(1, 2, 3, 4),
                       unlisted=b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in pdf

    assert refusal(upload(pdf, "surat.pdf")).code == "pdf_script"


def test_pdf_without_pages_is_refused():
    pdf = handmade_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                        2: b"<< /Type /Pages /Kids [] /Count 0 >>"})

    assert refusal(upload(pdf, "surat.pdf")).code == "bad_pdf"


def test_password_protected_pdf_is_refused():
    pdf = blank_pdf(lambda writer: writer.encrypt("rahasia"))

    error = refusal(upload(pdf, "surat.pdf", "application/pdf"))

    assert error.code == "pdf_encrypted"
    assert error.messages == ["PDF terkunci kata sandi; tidak diterima."]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + b"bukan pdf " * 50, blank_pdf()[:200]],
    ids=["garbage-after-signature", "truncated"],
)
def test_unreadable_pdf_is_refused(data):
    error = refusal(upload(data, "surat.pdf", "application/pdf"))

    assert error.code == "bad_pdf"
    assert error.messages == ["PDF rusak atau tidak bisa dibaca."]


# --- form field ------------------------------------------------------------------------


class ComplaintAttachmentsForm(forms.Form):
    ktp = AttachmentField()
    house_photo = AttachmentField(required=False)


def test_form_field_returns_the_cleaned_attachment():
    photo = encode(Image.new("RGB", (16, 16)), exif=camera_exif(BANDUNG_GPS))
    form = ComplaintAttachmentsForm(data={}, files={"ktp": upload(photo, "ktp.jpg")})

    assert form.is_valid(), form.errors
    ktp = form.cleaned_data["ktp"]
    assert isinstance(ktp, CleanedAttachment)
    assert (ktp.original_name, ktp.latitude) == ("ktp.jpg", Decimal("-6.921234"))
    assert form.cleaned_data["house_photo"] is None


def test_form_field_shows_the_refusal_on_the_field():
    html = upload(b"<html></html>", "ktp.jpg")
    form = ComplaintAttachmentsForm(data={}, files={"ktp": html})

    assert not form.is_valid()
    assert form.has_error("ktp", code="bad_type")


def test_form_field_refuses_an_empty_file_in_indonesian():
    form = ComplaintAttachmentsForm(data={}, files={"ktp": upload(b"", "ktp.jpg")})

    assert not form.is_valid()
    assert form.has_error("ktp", code="empty")
    assert form.errors["ktp"] == ["File kosong (0 bita)."]


def test_form_field_is_required_unless_said_otherwise():
    form = ComplaintAttachmentsForm(data={}, files={})

    assert not form.is_valid()
    assert form.has_error("ktp", code="required")
    assert not form.has_error("house_photo")


def test_file_input_offers_only_the_accepted_types():
    html = str(ComplaintAttachmentsForm()["ktp"])

    assert 'type="file"' in html
    assert 'accept="image/jpeg,image/png,image/webp,application/pdf"' in html


def test_truncated_jpeg_is_refused_even_after_weasyprint_is_imported():
    import weasyprint  # noqa: F401 - it sets Pillow's LOAD_TRUNCATED_IMAGES globally
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    photo = encode(noise((200, 200)), quality=95)
    assert refusal(upload(photo[: len(photo) // 2])).code == "bad_image"
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as WeasyPrint wants it
