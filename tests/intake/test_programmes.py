"""The programme information desk: the catalogue the front office explains, its search,
and the one-page leaflet handed to the citizen (HTML to print, PDF to download)."""

import importlib
import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from beneficiaries.models import Programme
from intake.views.programmes import document_items, text_lines
from puskesos.roles import Role
from referrals.models import Agency

SEEDED_CODES = [row[0] for row in importlib.import_module(
    "beneficiaries.migrations.0002_catalogues").PROGRAMMES]


@pytest.fixture
def desk(client, org):
    client.force_login(org.users[Role.FRONT_OFFICE])
    return client


def card_codes(response) -> set[str]:
    return set(re.findall(r'data-testid="programme-card" data-code="([^"]+)"',
                          response.content.decode()))


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


# --- the catalogue --------------------------------------------------------------------


def test_list_shows_every_active_seeded_programme_grouped_by_level(desk):
    response = desk.get(reverse("programme-list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert card_codes(response) == set(SEEDED_CODES)
    assert "Program Keluarga Harapan" in page and "Dinas Sosial Kabupaten" in page
    assert page.index("Program Nasional") < page.index("Program Kabupaten/Kota") \
        < page.index("Program Desa")


def test_list_shows_the_complaint_agency_phone(desk):
    Agency.objects.filter(code="dinsos").update(phone="022-5891234")
    assert "022-5891234" in desk.get(reverse("programme-list")).content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_role_reads_the_catalogue(client, org, role):
    client.force_login(org.users[role])
    assert client.get(reverse("programme-list")).status_code == 200
    assert client.get(reverse("programme-detail", args=["pkh"])).status_code == 200


def test_anonymous_is_sent_to_login(client, db):
    for url in (reverse("programme-list"), reverse("programme-detail", args=["pkh"]),
                reverse("programme-leaflet", args=["pkh"]),
                reverse("programme-leaflet-pdf", args=["pkh"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_search_finds_pkh_by_a_word_of_its_criteria_only(desk):
    response = desk.get(reverse("programme-list"), {"q": "BALITA"})
    assert card_codes(response) == {"pkh"}
    assert 'value="BALITA"' in response.content.decode()  # the box keeps the query


def test_search_reads_documents_and_needs_every_word(desk):
    # "KKS" is in the documents of PKH and Sembako, and in Sembako's benefits.
    assert card_codes(desk.get(reverse("programme-list"), {"q": "kks"})) == {"pkh", "bpnt"}
    assert card_codes(desk.get(reverse("programme-list"), {"q": "kks pangan"})) == {"bpnt"}


def test_search_without_match_says_so(desk):
    response = desk.get(reverse("programme-list"), {"q": "beasiswa luar negeri"})
    assert card_codes(response) == set()
    assert 'data-testid="programme-empty"' in response.content.decode()


def test_htmx_search_returns_only_the_results_partial(desk):
    response = desk.get(reverse("programme-list"), {"q": "balita"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<nav" not in html
    assert 'data-testid="programme-results"' in html and card_codes(response) == {"pkh"}
    assert "HX-Request" in response["Vary"]
    # Going back in history after hx-push-url asks for the whole page again.
    restore = desk.get(reverse("programme-list"), {"q": "balita"}, HTTP_HX_REQUEST="true",
                       HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()


def test_search_form_works_live_and_without_javascript(desk):
    page = desk.get(reverse("programme-list")).content.decode()
    form = re.search(r'<form[^>]*data-testid="programme-search"', page, re.S).group(0)
    assert 'method="get"' in form and f'action="{reverse("programme-list")}"' in form
    assert 'hx-target="#programme-results"' in form and 'hx-push-url="true"' in form
    assert "keyup changed delay:" in form
    assert 'id="programme-results"' in page


def test_level_filter(desk):
    url = reverse("programme-list")
    assert card_codes(desk.get(url, {"level": "desa"})) == {"blt-dd"}
    assert card_codes(desk.get(url, {"level": "kabupaten"})) == {"rtlh", "jamkesda"}
    assert card_codes(desk.get(url, {"level": "kabupaten", "q": "rumah"})) == {"rtlh"}
    assert card_codes(desk.get(url, {"level": "bukan-tingkat"})) == set(SEEDED_CODES)


def test_inactive_programme_is_not_offered(desk):
    Programme.objects.filter(code="jamkesda").update(active=False)
    assert "jamkesda" not in card_codes(desk.get(reverse("programme-list")))
    for name in ("programme-detail", "programme-leaflet", "programme-leaflet-pdf"):
        assert desk.get(reverse(name, args=["jamkesda"])).status_code == 404
    assert desk.get(reverse("programme-detail", args=["tidak-ada"])).status_code == 404


# --- one programme --------------------------------------------------------------------


def test_detail_shows_documents_as_a_list_and_the_agency_contacts(desk):
    Agency.objects.filter(code="dinsos").update(
        address="Jl. Raya Soreang No. 17, Soreang", phone="022-5891234",
        email="dinsos@bandungkab.go.id")
    page = desk.get(reverse("programme-detail", args=["pkh"])).content.decode()
    for document in ("KTP", "KK", "Kartu KKS", "Bukti komponen (buku KIA, keterangan sekolah)"):
        assert f"<li>{document}</li>" in page
    agency = page[page.index('data-testid="complaint-agency"'):]
    for text in ("Dinas Sosial Kabupaten", "Jl. Raya Soreang No. 17", "022-5891234",
                 "dinsos@bandungkab.go.id"):
        assert text in agency
    assert reverse("programme-leaflet", args=["pkh"]) in page
    assert reverse("programme-leaflet-pdf", args=["pkh"]) in page


def test_detail_renders_several_lines_as_a_list_and_one_line_as_text(desk):
    Programme.objects.filter(code="rtlh").update(
        criteria="- Keluarga miskin di DTKS\n- Rumah di atas tanah sendiri\n\n"
                 "- Belum pernah dibantu")
    page = desk.get(reverse("programme-detail", args=["rtlh"])).content.decode()
    assert ("<ul class=\"mb-0\"><li>Keluarga miskin di DTKS</li><li>Rumah di atas tanah sendiri"
            "</li><li>Belum pernah dibantu</li></ul>") in page
    assert "<p class=\"mb-0\">Bantuan bahan bangunan dan upah untuk perbaikan rumah.</p>" in page


def test_catalogue_text_is_split_into_lines_and_documents():
    assert text_lines(" \n• satu\n2. dua\n  tiga \n") == ["satu", "dua", "tiga"]
    assert document_items("KTP orang tua, KK, kartu KIP atau keterangan sekolah/madrasah.") == [
        "KTP orang tua", "KK", "Kartu KIP atau keterangan sekolah/madrasah"]
    assert document_items("KTP\nKK, asli") == ["KTP", "KK, asli"]  # lines win over commas
    assert document_items("") == []


# --- the leaflet ----------------------------------------------------------------------


def test_leaflet_carries_the_users_village_letterhead_and_a_print_button(desk, org):
    Village = type(org.own)
    Village.objects.filter(pk=org.own.pk).update(phone="022-111222")
    response = desk.get(reverse("programme-leaflet", args=["pkh"]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("PEMERINTAH KABUPATEN BANDUNG", "DESA CIMAUNG", "Puskesos Silih Asih",
                 "Jl. Raya Cimaung", "022-111222", "Program Keluarga Harapan",
                 "Dinas Sosial Kabupaten", reverse("public-status")):
        assert text in page
    assert "data-print" in page and "css/leaflet.css" in page
    # Strict CSP: no inline script, style or handler.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "style=" not in page and not re.search(r"\son\w+=", page)


def test_leaflet_of_kabupaten_staff_carries_the_kabupaten(client, org):
    client.force_login(org.users[Role.MANAGER])
    page = client.get(reverse("programme-leaflet", args=["pkh"])).content.decode()
    assert "PEMERINTAH KABUPATEN BANDUNG" in page
    assert "DESA CIMAUNG" not in page and "Silih Asih" not in page


def test_leaflet_css_sets_an_a4_page():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/leaflet.css")) as handle:
        css = handle.read()
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)


@pytest.mark.parametrize("code", SEEDED_CODES)
def test_leaflet_pdf_is_one_page_with_programme_and_agency(desk, code):
    programme = Programme.objects.select_related("complaint_agency").get(code=code)
    assert programme.active and programme.complaint_agency
    response = desk.get(reverse("programme-leaflet-pdf", args=[code]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="leaflet-{code}.pdf"' in response["Content-Disposition"]
    pages, text = pdf_text(response.content)
    assert pages == 1
    assert programme.name in text and programme.complaint_agency.name in text
    assert "DESA CIMAUNG" in text
    assert "Unduh PDF" not in text and "Kembali ke program" not in text  # no toolbar


def test_every_active_programme_has_its_leaflet_checked(db):
    """The parametrized test above covers the catalogue; a new programme joins it."""
    assert set(Programme.objects.filter(active=True).values_list("code", flat=True)) \
        <= set(SEEDED_CODES)


def test_a_long_catalogue_text_is_set_smaller_to_stay_on_one_page(desk):
    criteria = "\n".join(
        f"Syarat nomor {n}: keluarga terdaftar di DTKS/DTSEN dan memenuhi ketentuan "
        f"program sesuai pedoman umum yang berlaku di kabupaten" for n in range(1, 19))
    documents = "\n".join(f"Dokumen pendukung nomor {n} (asli dan fotokopi)"
                          for n in range(1, 13))
    Programme.objects.filter(code="rtlh").update(criteria=criteria,
                                                 required_documents=documents)
    pages, text = pdf_text(desk.get(reverse("programme-leaflet-pdf", args=["rtlh"])).content)
    assert pages == 1
    # Nothing is cut: the last criterion and the last document are still there.
    assert "Syarat nomor 18" in text and "Dokumen pendukung nomor 12" in text


def test_leaflet_pdf_shows_the_village_logo(desk, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), (25, 135, 84)).save(buffer, "PNG")
    from django.core.files.base import ContentFile

    org.own.logo.save("logo-cimaung.png", ContentFile(buffer.getvalue()))
    html = desk.get(reverse("programme-leaflet", args=["pkh"])).content.decode()
    assert reverse("village-logo", args=[org.own.code]) in html
    response = desk.get(reverse("programme-leaflet-pdf", args=["pkh"]))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1 and len(reader.pages[0].images) == 1
