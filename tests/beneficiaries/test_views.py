"""The register pages and the web import, as the staff use them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.models import ImportBatch, Person
from beneficiaries.synthetic import write_extract
from puskesos.roles import Role
from tests.beneficiaries.factories import make_household

CIMAUNG = "32.04.17.2001"


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def koordinator_client(client, committed_org):
    """The worker commits and closes connections: these tests use committed data."""
    client.force_login(committed_org.users[Role.COORDINATOR])
    return client


def upload(client, path, **extra):
    with open(path, "rb") as handle:
        data = {"file": SimpleUploadedFile(path.name, handle.read()), "scope": CIMAUNG,
                "layout": "auto", **extra}
    return client.post(reverse("register-import"), data)


def test_upload_preview_confirm_import(koordinator_client, committed_org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "dtks.csv"
    write_extract(path, layout="dtks", people=80, villages=[CIMAUNG], seed=11)
    response = upload(koordinator_client, path)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("register-import-detail", args=[batch.pk])
    assert batch.status == ImportBatch.Status.PENDING
    # While it waits, the page polls itself with htmx.
    page = koordinator_client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page

    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    assert not Person.objects.exists()  # nothing changes before confirmation
    partial = koordinator_client.get(response["Location"], HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and "Konfirmasi impor" in html and "every 1s" not in html

    koordinator_client.post(reverse("register-import-confirm", args=[batch.pk]))
    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert Person.objects.filter(village=committed_org.own).count() == 80
    # Confirming twice does nothing more.
    koordinator_client.post(reverse("register-import-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE


def test_a_bad_file_is_explained_and_changes_nothing(koordinator_client, committed_org, tmp_path,
                                                     settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "register.csv"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    upload(koordinator_client, path)
    run_worker()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    page = koordinator_client.get(reverse("register-import-detail", args=[batch.pk]))
    assert "PDF" in page.content.decode()
    assert not Person.objects.exists()


def test_problems_are_listed_and_the_report_downloads(koordinator_client, committed_org, tmp_path,
                                                      settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "dtks.csv"
    write_extract(path, layout="dtks", people=40, villages=[CIMAUNG], seed=12)
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = text[5].split(",")
    row[header.index("NIK")] = "3204171301900000"[:15]
    text[5] = ",".join(row)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    upload(koordinator_client, path)
    run_worker()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    page = koordinator_client.get(reverse("register-import-detail", args=[batch.pk]))
    assert "16 digit" in page.content.decode()
    report = koordinator_client.get(reverse("register-import-report", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert [c for c in next(sheet.iter_rows(min_row=2, values_only=True))][:2] == [6, "NIK"]


def test_upload_form_refuses_wrong_types_and_other_villages(koordinator_client, tmp_path):
    path = tmp_path / "register.pdf"
    path.write_bytes(b"%PDF-1.4")
    response = upload(koordinator_client, path)
    assert response.status_code == 200
    assert "Jenis file tidak didukung" in response.content.decode()
    path = tmp_path / "register.csv"
    path.write_text("x")
    response = upload(koordinator_client, path, scope="32.04.17.2002")
    assert response.status_code == 200
    assert "scope" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


@pytest.fixture
def register(org):
    own = make_household(org.own, [
        {"name": "ASEP SUNANDAR", "nik": "3204171201900001"},
        {"name": "SITI NURHAYATI", "sex": "P", "relation": 3},
    ], programmes=["pkh"], dusun="DUSUN 2", rt="003", desil=1)
    other = make_household(org.sibling, [{"name": "ASEP SUNANDAR", "nik": "3204171201900002"}])
    return own, other


def test_lookup_by_nik_finds_own_village_only(client, org, register):
    client.force_login(org.users[Role.FRONT_OFFICE])
    hit = client.get(reverse("register-lookup"), {"q": "3204171201900001"}).content.decode()
    assert "ASEP SUNANDAR" in hit and "320417******0001" in hit and "PKH" in hit
    assert "3204171201900001" not in hit  # the full NIK never reaches a list
    miss = client.get(reverse("register-lookup"), {"q": "3204171201900002"}).content.decode()
    assert "tidak ada di register" in miss


def test_lookup_by_misspelled_name(client, org, register):
    client.force_login(org.users[Role.FRONT_OFFICE])
    html = client.get(reverse("register-lookup"), {"q": "acep sunandar"}).content.decode()
    assert "ASEP SUNANDAR" in html
    assert html.count('data-testid="lookup-hit"') == 1  # not the other village's Asep


def test_register_list_filters_and_scopes(client, org, register):
    own, other = register
    client.force_login(org.users[Role.BACK_OFFICE])
    response = client.get(reverse("register"), {"dusun": "DUSUN 2", "desil": "1"})
    assert [h.pk for h in response.context["households"]] == [own.pk]
    response = client.get(reverse("register"), {"programme": "bpnt"})
    assert list(response.context["households"]) == []
    assert other.register_id not in client.get(reverse("register")).content.decode()


def test_household_page_masks_nik_and_hides_other_villages(client, org, register):
    own, other = register
    client.force_login(org.users[Role.FRONT_OFFICE])
    html = client.get(reverse("household-detail", args=[own.pk])).content.decode()
    assert "SITI NURHAYATI" in html and "320417******0001" in html
    assert "3204171201900001" not in html
    assert client.get(reverse("household-detail", args=[other.pk])).status_code == 404


def test_export_is_the_filtered_scoped_list(client, org, register):
    own, other = register
    make_household(org.own, ["UJANG"], dusun="DUSUN 4")
    client.force_login(org.users[Role.BACK_OFFICE])
    response = client.get(reverse("register-export"), {"dusun": "DUSUN 2"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [own.register_id]
    assert rows[0][7] == "ASEP SUNANDAR"
    assert other.register_id not in str(rows)


def test_an_invalid_filter_is_said_and_never_widens_an_export(client, org, register):
    client.force_login(org.users[Role.BACK_OFFICE])
    response = client.get(reverse("register-export"), {"dusun": "DUSUN 2", "desil": "sebelas"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("register"))
    page = client.get(response["Location"]).content.decode()
    assert "Filter tidak valid dan diabaikan: Desil" in page
    assert "Tidak ada yang diekspor" in page
