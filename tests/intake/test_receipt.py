"""The complaint receipt handed to the citizen: printable page, PDF and QR code."""

import io
import re
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import dateformat, translation
from pypdf import PdfReader

from beneficiaries.models import Programme
from intake.status import group_tracking_code, status_url
from puskesos.roles import Role
from referrals.models import Complaint
from tests.intake.factories import make_complaint


@pytest.fixture
def clerk(org):
    return org.users[Role.FRONT_OFFICE]


@pytest.fixture
def complaint(org, clerk):
    return make_complaint(org.own, clerk, name="SITI AMINAH", nik="3204175507880042")


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def indonesian(day, fmt="l, j F Y"):
    with translation.override("id"):
        return dateformat.format(day, fmt)


def test_receipt_shows_number_code_deadline_and_next_steps(clerk_client, complaint, org, clerk):
    response = clerk_client.get(reverse("complaint-receipt", args=[complaint.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    code = complaint.tracking_code
    assert len(code) == 8
    assert complaint.registration_number in html
    assert 'data-testid="receipt-code"' in html
    assert f">{code[:4]}-{code[4:]}<" in html  # grouped for reading aloud
    deadline = indonesian(complaint.respond_by)
    assert re.search(r"(Senin|Selasa|Rabu|Kamis|Jumat), \d{1,2} [A-Z][a-z]+ 20\d\d", deadline)
    assert f"Pengaduan Anda akan ditelaah paling lambat {deadline}." in html
    for step in ("Ditelaah", "Ditangani atau dirujuk", "Selesai"):
        assert step in html
    # Letterhead, the citizen's own name with the NIK masked, the clerk.
    assert org.own.name in html and org.own.district.name in html
    assert org.own.district.regency.name in html
    assert "SITI AMINAH" in html
    assert complaint.visit.nik_masked in html and "3204175507880042" not in html
    assert (clerk.get_full_name()) in html
    assert complaint.description[:30] in html
    # The QR image and the status page written out.
    assert f'src="{reverse("complaint-qr", args=[complaint.pk])}"' in html
    assert "http://testserver/cek-pengaduan/" in html


def test_receipt_offers_three_paper_layouts_and_a_print_button(clerk_client, complaint):
    url = reverse("complaint-receipt", args=[complaint.pk])
    html = clerk_client.get(url).content.decode()
    for paper in ("a4", "a5", "80mm"):
        assert f'href="?kertas={paper}"' in html
    assert 'class="receipt-screen paper-a4"' in html
    assert "data-print" in html and "onclick" not in html and "<script>" not in html
    assert "css/receipt.css" in html
    narrow = clerk_client.get(url, {"kertas": "80mm"}).content.decode()
    assert 'class="receipt-screen paper-80mm"' in narrow
    assert 'data-paper="80mm"' in narrow
    # Anything else falls back to A4.
    odd = clerk_client.get(url, {"kertas": "letter"}).content.decode()
    assert 'class="receipt-screen paper-a4"' in odd


def test_print_css_defines_the_three_pages():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/receipt.css"), encoding="utf-8").read()
    assert "@page receipt-a4 { size: A4" in css
    assert "@page receipt-a5 { size: A5" in css
    assert "@page receipt-80mm { size: 80mm" in css
    assert "@media print" in css


def test_status_url_carries_number_and_code(complaint, settings):
    settings.ALLOWED_HOSTS = ["puskesos.example.id"]
    request = RequestFactory().get("/", HTTP_HOST="puskesos.example.id", secure=True)
    url = status_url(request, complaint)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "puskesos.example.id", reverse("public-status")
    )
    assert parse_qs(parts.query) == {"nomor": [complaint.registration_number],
                                     "kode": [complaint.tracking_code]}


def test_group_tracking_code():
    assert group_tracking_code("ABCDEFGH") == "ABCD-EFGH"


def test_qr_is_an_svg_image(clerk_client, complaint):
    response = clerk_client.get(reverse("complaint-qr", args=[complaint.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag.endswith("svg")
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_qr_encodes_the_status_url(rf, complaint):
    """segno cannot decode; check the code it builds holds our URL's bits."""
    import segno

    from intake.views.receipt import receipt_qr

    request = rf.get("/")
    qr = receipt_qr(request, complaint)
    expected = segno.make(status_url(request, complaint), error="m")
    assert list(qr.matrix) == list(expected.matrix)
    other = segno.make(status_url(request, complaint).replace("kode=", "kode=X"), error="m")
    assert list(qr.matrix) != list(other.matrix)


@pytest.mark.parametrize("paper", ["a4", "a5", "80mm"])
def test_pdf_receipt_is_a_real_pdf(clerk_client, org, clerk, paper):
    # The longest receipt: a reporter, a programme, a long description.
    complaint = make_complaint(org.own, clerk, name="SITI AMINAH BINTI MUHAMMAD SYAFRUDIN",
                               reporter_name="UJANG SURYANA", reporter_relation="keluarga")
    programme = Programme.objects.get(code="pkh")
    Complaint.objects.filter(pk=complaint.pk).update(
        programme=programme, description="Bantuan tidak diterima. " * 20
    )
    response = clerk_client.get(reverse("complaint-receipt-pdf", args=[complaint.pk]),
                                {"kertas": paper})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (f'filename="tanda-terima-{complaint.registration_number}.pdf"'
            in response["Content-Disposition"])
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1  # the whole receipt on one page, whatever the paper
    text = reader.pages[0].extract_text()
    flat = re.sub(r"\s+", "", text)
    assert complaint.registration_number in flat
    assert group_tracking_code(complaint.tracking_code) in flat
    assert "ditelaahpalinglambat" in flat
    assert re.sub(r"\s+", "", programme.name) in flat
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == {"a4": 210, "a5": 148, "80mm": 80}[paper]


@pytest.mark.parametrize("name", ["complaint-receipt", "complaint-receipt-pdf", "complaint-qr"])
def test_another_villages_complaint_is_not_found(client, org, name):
    other = make_complaint(org.sibling, org.sibling_staff)
    client.force_login(org.users[Role.FRONT_OFFICE])
    assert client.get(reverse(name, args=[other.pk])).status_code == 404


@pytest.mark.parametrize("name", ["complaint-receipt", "complaint-receipt-pdf", "complaint-qr"])
def test_read_only_roles_may_reprint_and_anonymous_must_log_in(client, org, complaint, name):
    url = reverse(name, args=[complaint.pk])
    assert client.get(url).status_code == 302
    client.force_login(org.users[Role.VILLAGE_HEAD])
    assert client.get(url).status_code == 200
