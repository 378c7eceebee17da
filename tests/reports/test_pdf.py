"""The report PDF: A4, the village letterhead, numbered pages with a running footer,
charts drawn as vectors, and the signature block with the names from the profile."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from referrals.models import Complaint
from reports import charts
from reports.figures import village_figures
from reports.periods import Period
from reports.services import report_pdf
from tests.referrals.factories import complaint_in
from tests.reports.factories import COORDINATOR, HEAD, complete_profile, pdf_text


def image_xobjects(reader: PdfReader) -> dict:
    """Every raster image in the document (recursively through form XObjects), by id."""
    found = {}

    def walk(resources):
        if not resources or "/XObject" not in resources:
            return
        for obj in resources["/XObject"].get_object().values():
            target = obj.get_object()
            if target.get("/Subtype") == "/Image":
                found[id(target)] = target
            elif target.get("/Subtype") == "/Form":
                walk(target.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def form_streams(reader: PdfReader) -> list[bytes]:
    streams = []
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        xobjects = resources["/XObject"].get_object() if "/XObject" in resources else {}
        for obj in xobjects.values():
            target = obj.get_object()
            if target.get("/Subtype") == "/Form":
                streams.append(target.get_data())
    return streams


@pytest.fixture
def village_report(org):
    complete_profile(org.own)
    complaint_in(org, Complaint.State.HANDLED)
    period = Period.containing(timezone.localdate())
    content = report_pdf(org.own, period, village_figures(org.own, period))
    return period, content


def test_the_pdf_is_a4_with_letterhead_title_page_numbers_and_signatures(village_report, org):
    period, content = village_report
    reader = PdfReader(io.BytesIO(content))
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    height_mm = float(reader.pages[0].mediabox.height) / 72 * 25.4
    assert round(width_mm) == 210 and round(height_mm) == 297
    pages = len(reader.pages)
    assert pages >= 2
    text = pdf_text(content)
    # The letterhead.
    assert "PEMERINTAH KABUPATEN BANDUNG" in text
    assert "KECAMATAN CIMAUNG" in text and "DESA CIMAUNG" in text
    assert "Puskesos Silih Asih" in text and "Jl. Raya Cimaung No. 1" in text
    title = f"Laporan Bulanan Kegiatan Puskesos Desa Cimaung — {period.label}"
    assert title in text
    # Numbered pages and the running footer on every page.
    for number, page in enumerate(reader.pages, start=1):
        page_text = " ".join(page.extract_text().split())
        assert f"Hal. {number} dari {pages}" in page_text
        assert "Laporan Bulanan Kegiatan Puskesos" in page_text
    # The signature block: place, date, both signatories by name.
    assert f"Kepala Desa {org.own.name}" in text
    assert HEAD in text and COORDINATOR in text
    assert "Koordinator Puskesos" in text and "Mengetahui," in text


def test_the_charts_are_vectors_and_the_only_raster_image_is_the_logo(village_report):
    _period, content = village_report
    reader = PdfReader(io.BytesIO(content))
    images = list(image_xobjects(reader).values())
    assert len(images) == 1  # the logo, 240 px square
    assert int(images[0]["/Width"]) == 240
    text = pdf_text(content)
    # Chart labels are text in the PDF, not pixels.
    for title in ("Pengaduan menurut kategori", "Pengaduan menurut program",
                  "Tanggapan rujukan", "Tren 12 bulan terakhir"):
        assert title in text


def test_weasyprint_draws_a_chart_as_paths_not_pixels():
    import re

    from weasyprint import HTML

    svg = charts.bar_chart(["PKH", "BPNT", "PIP"], [4, 2, 7], title="Pengaduan per program")
    content = HTML(string=f'<img src="{charts.data_uri(svg)}">').write_pdf()
    reader = PdfReader(io.BytesIO(content))
    assert image_xobjects(reader) == {}
    data = reader.pages[0].get_contents().get_data() + b"".join(form_streams(reader))
    operators = re.findall(rb"\s(re|m|l|f|S)\n", data)
    assert len(operators) > 20  # bars (re/f), axes and ticks (m/l/S)
    assert "Pengaduan per program" in pdf_text(content) and "PKH" in pdf_text(content)


def test_chart_functions_return_svg_with_text_labels():
    svg = charts.bar_chart(["Kepesertaan", "Non-kepesertaan"], [5, 3], title="Per kategori")
    assert svg.startswith("<svg") and "<image" not in svg
    assert "Kepesertaan" in svg and "Per kategori" in svg  # text, not glyph outlines
    line = charts.line_chart(["Jan", "Feb"], {"Kunjungan": [1, 2], "Pengaduan": [0, 1]},
                             title="Tren")
    assert "<path" in line and "Kunjungan" in line
    grouped = charts.grouped_bar_chart(["PKH", "PIP"], {"A": [1, 0], "B": [2, 3]},
                                       title="Grup", stacked=True)
    assert "<svg" in grouped
    empty = charts.bar_chart([], [], title="Kosong")
    assert charts.EMPTY_TEXT in empty
    assert charts.data_uri(svg).startswith("data:image/svg+xml;base64,")
    # The same data gives the same SVG (stable ids): issued PDFs are reproducible.
    assert svg == charts.bar_chart(["Kepesertaan", "Non-kepesertaan"], [5, 3],
                                   title="Per kategori")


def test_render_report_command_writes_the_pdf(org, tmp_path):
    complete_profile(org.own)
    output = tmp_path / "laporan.pdf"
    call_command("render_report", village=org.own.code, period="2025-03",
                 output=str(output), verbosity=0)
    text = pdf_text(output.read_bytes())
    assert "Laporan Bulanan Kegiatan Puskesos Desa Cimaung — Maret 2025" in text
    assert "Tidak ada kegiatan pada periode ini" in text
    quarterly = tmp_path / "triwulan.pdf"
    call_command("render_report", "--village", org.own.code, "--period", "2025-02",
                 "--kind", "quarterly", "--output", str(quarterly))
    assert "Laporan Triwulanan Kegiatan Puskesos Desa Cimaung — Triwulan I 2025" in pdf_text(
        quarterly.read_bytes())


@pytest.mark.parametrize("arguments,message", [
    ({"village": "32.04.17.9999", "period": "2025-03"}, "tidak ditemukan"),
    ({"village": "32.04.17.2001", "period": "2999-01"}, "belum dimulai"),
    ({"village": "32.04.17.2001", "period": "2025-13"}, "di luar rentang"),
    ({"village": "32.04.17.2001", "period": "November"}, "tidak dikenali"),
])
def test_render_report_command_refuses_bad_input_in_indonesian(org, tmp_path, arguments,
                                                                message):
    complete_profile(org.own)
    output = tmp_path / "laporan.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("render_report", output=str(output), **arguments)
    assert not output.exists()


def test_render_report_command_asks_for_the_village_profile(org, tmp_path):
    output = tmp_path / "laporan.pdf"
    with pytest.raises(CommandError, match="Profil desa belum lengkap.*logo kop surat"):
        call_command("render_report", village=org.own.code, period="2025-03",
                     output=str(output))
    assert not output.exists()
