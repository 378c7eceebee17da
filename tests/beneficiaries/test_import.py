"""Importing register extracts: layouts, all-or-nothing, --skip-invalid, re-import.

Files are real CSV/XLSX made by the synthetic generator, imported through the real
command and service, into the real database.
"""

import csv
import hashlib

import pytest
from django.core.management import CommandError, call_command

from beneficiaries.identity import parse_nik
from beneficiaries.models import Family, Household, ImportBatch, Participation, Person
from beneficiaries.synthetic import write_extract

CIMAUNG = "32.04.17.2001"


def register_snapshot():
    """Everything the register holds, as one fingerprint."""
    digest = hashlib.sha256()
    for model, fields in (
        (Household, ["register_id", "village_id", "address", "desil", "status"]),
        (Family, ["no_kk", "household_id"]),
        (Person, ["nik", "name", "birth_date", "sex", "relation", "status", "household_id"]),
        (Participation, ["household_id", "person_id", "programme_id", "active"]),
    ):
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def read_rows(path, delimiter=","):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def write_rows(path, rows, delimiter=","):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)


@pytest.fixture
def extract(tmp_path):
    path = tmp_path / "dtks.csv"
    stats = write_extract(path, layout="dtks", people=300, villages=[CIMAUNG], seed=7)
    return path, stats


def test_dtks_extract_builds_households_families_people_and_programmes(org, extract):
    path, stats = extract
    call_command("import_register", str(path), "--village", CIMAUNG)
    assert Person.objects.count() == stats.rows == 300
    assert Household.objects.count() == stats.households
    assert Family.objects.count() == stats.families
    header, first = read_rows(path)[:2]
    row = dict(zip(header, first, strict=True))
    person = Person.objects.select_related("household", "family").get(nik=row["NIK"])
    assert person.name == row["NAMA"]
    assert person.family.no_kk == row["NO KK"]
    assert person.household.register_id == row["ID DTKS"]
    assert person.village == org.own
    assert person.birth_date == parse_nik(row["NIK"]).birth_date
    assert person.relation == int(row["HUBUNGAN KELUARGA"])
    flagged = sum(1 for r in read_rows(path)[1:] if r[header.index("PBI JK")] == "YA")
    assert Participation.objects.filter(programme__code="pbi-jk", active=True).count() == flagged
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE
    assert batch.file_name == "dtks.csv" and batch.layout == "dtks"
    assert batch.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert batch.counts["people_added"] == 300


@pytest.mark.parametrize(
    "layout,fmt,delimiter,encoding",
    [
        ("dtks", "csv", ";", "cp1252"),
        ("dtks", "csv", ",", "utf-8-sig"),
        ("dtks", "xlsx", ",", "utf-8"),
        ("bdt2015", "csv", ",", "utf-8"),
        ("bdt2015", "xlsx", ",", "utf-8"),
        ("dtsen", "csv", ";", "utf-8"),
    ],
)
def test_every_layout_format_delimiter_and_encoding_imports(org, tmp_path, layout, fmt,
                                                             delimiter, encoding):
    path = tmp_path / f"extract.{fmt}"
    stats = write_extract(path, layout=layout, people=120, villages=[CIMAUNG], seed=3,
                          fmt=fmt, delimiter=delimiter, encoding=encoding)
    call_command("import_register", str(path), "--village", CIMAUNG)
    assert Person.objects.filter(village=org.own).count() == 120
    # DTSEN is kept per family (id_keluarga): each family is its own register unit.
    units = stats.families if layout == "dtsen" else stats.households
    assert Household.objects.count() == units
    assert ImportBatch.objects.get().layout == layout
    assert Household.objects.exclude(desil=None).exists()


def test_one_invalid_row_changes_nothing_and_reports_it(org, extract, tmp_path):
    path, _stats = extract
    rows = read_rows(path)
    nik_col = rows[0].index("NIK")
    rows[41][nik_col] = "3.20417E+15"  # what Excel makes of a NIK
    write_rows(path, rows)
    before = register_snapshot()
    report = tmp_path / "masalah.csv"
    with pytest.raises(CommandError, match="Tidak ada yang diubah"):
        call_command("import_register", str(path), "--village", CIMAUNG, "--report", str(report))
    assert register_snapshot() == before
    assert not Person.objects.exists()
    problems = read_rows(report, delimiter=";")
    assert problems[0] == ["\ufeffBaris", "Kolom", "Nilai", "Masalah", "Tingkat"]
    assert problems[1][:3] == ["42", "NIK", "3.20417E+15"]
    assert "Excel" in problems[1][3]
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED and batch.counts["rows_invalid"] == 1


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(org, extract, tmp_path):
    path, _stats = extract
    rows = read_rows(path)
    header = rows[0]
    rows[10][header.index("NIK")] = "320417"  # too short
    rows[20][header.index("TANGGAL LAHIR")] = "31-02-1990"  # impossible date
    write_rows(path, rows)
    report = tmp_path / "masalah.xlsx"
    call_command("import_register", str(path), "--village", CIMAUNG, "--skip-invalid",
                 "--report", str(report))
    assert Person.objects.count() == 298
    assert not Person.objects.filter(nik=rows[20][header.index("NIK")]).exists()
    from openpyxl import load_workbook

    sheet = load_workbook(report).active
    reported = {(row[0], row[1]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {(11, "NIK"), (21, "TANGGAL LAHIR")} <= reported


def test_duplicate_nik_in_a_file_reports_both_rows(org, extract):
    path, _stats = extract
    rows = read_rows(path)
    nik_col = rows[0].index("NIK")
    rows[30][nik_col] = rows[5][nik_col]
    write_rows(path, rows)
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--village", CIMAUNG)
    batch = ImportBatch.objects.get()
    duplicate_rows = {p["row"] for p in batch.problems if "NIK ganda" in p["reason"]}
    assert duplicate_rows == {6, 31}
    assert not Person.objects.exists()


def test_reimport_updates_adds_and_marks_absent_never_deletes(org, extract, tmp_path):
    path, _stats = extract
    call_command("import_register", str(path), "--village", CIMAUNG)
    rows = read_rows(path)
    header = rows[0]
    col = {name: header.index(name) for name in header}
    gone = rows[-1]
    rows = rows[:-1]
    rows[1][col["NAMA"]] = "NAMA BARU DIPERBAIKI"
    newcomer = list(rows[2])
    newcomer[col["ID DTKS"]] = "3204172001999999"
    newcomer[col["NIK"]] = "3204170101950999"
    newcomer[col["NO KK"]] = "3204170101200999"
    newcomer[col["TANGGAL LAHIR"]] = "01-01-1995"
    newcomer[col["JENIS KELAMIN"]] = "LAKI-LAKI"
    newcomer[col["HUBUNGAN KELUARGA"]] = "1"
    rows.append(newcomer)
    second = tmp_path / "dtks-baru.csv"
    write_rows(second, rows)
    call_command("import_register", str(second), "--village", CIMAUNG)

    assert Person.objects.count() == 301  # nobody deleted
    assert Person.objects.get(nik=rows[1][col["NIK"]]).name == "NAMA BARU DIPERBAIKI"
    assert Person.objects.get(nik="3204170101950999").household.register_id == "3204172001999999"
    absent = Person.objects.get(nik=gone[col["NIK"]])
    assert absent.status == Person.Status.ABSENT
    batch = ImportBatch.objects.latest("pk")
    assert batch.counts["people_added"] == 1
    assert batch.counts["people_updated"] == 299
    assert batch.counts["people_marked_absent"] == 1
    # The person comes back in a later extract: present again.
    call_command("import_register", str(path), "--village", CIMAUNG)
    absent.refresh_from_db()
    assert absent.status == Person.Status.PRESENT


def test_dry_run_checks_and_changes_nothing(org, extract):
    path, _stats = extract
    call_command("import_register", str(path), "--village", CIMAUNG, "--dry-run")
    assert not Person.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEW


def test_rows_of_another_village_are_refused_for_a_desa_import(org, tmp_path):
    path = tmp_path / "campur.csv"
    write_extract(path, layout="dtks", people=60, villages=[CIMAUNG, "32.04.17.2002"], seed=5)
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--village", CIMAUNG)
    batch = ImportBatch.objects.get()
    assert any("desa lain" in p["reason"] for p in batch.problems)
    assert not Person.objects.exists()
    # The same file is fine for the kecamatan.
    call_command("import_register", str(path), "--village", "32.04.17")
    assert set(Person.objects.values_list("village__code", flat=True)) == {
        CIMAUNG, "32.04.17.2002"}


def test_register_id_of_another_village_changes_nothing(org, tmp_path):
    first = tmp_path / "jagabaya.csv"
    write_extract(first, layout="dtks", people=30, villages=["32.04.17.2002"], seed=8)
    call_command("import_register", str(first), "--village", "32.04.17.2002")
    taken = Household.objects.first().register_id
    second = tmp_path / "cimaung.csv"
    write_extract(second, layout="dtks", people=30, villages=[CIMAUNG], seed=9)
    rows = read_rows(second)
    col = rows[0].index("ID DTKS")
    mine = rows[1][col]
    for row in rows[1:]:
        if row[col] == mine:
            row[col] = taken
    write_rows(second, rows)
    before = register_snapshot()
    with pytest.raises(CommandError):
        call_command("import_register", str(second), "--village", CIMAUNG)
    assert register_snapshot() == before
    batch = ImportBatch.objects.latest("pk")
    assert any("sudah terdaftar untuk Desa Jagabaya" in p["reason"] for p in batch.problems)


@pytest.mark.parametrize(
    "content,name,expected",
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "register.csv", "PDF"),
        (b"", "kosong.csv", "kosong"),
        (b"<html><body>Login</body></html>", "register.xlsx", "HTML"),
        (b"nama;alamat\nASEP;CIMAUNG\n", "tanpa-judul.csv", "judul kolom"),
        (b"ID DTKS;NAMA;ALAMAT;DUSUN\n1;ASEP;X;Y\n", "kurang.csv", "NIK"),
    ],
)
def test_bad_files_get_an_indonesian_reason_and_change_nothing(org, tmp_path, content, name,
                                                                expected):
    path = tmp_path / name
    path.write_bytes(content)
    before = register_snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_register", str(path), "--village", CIMAUNG)
    assert expected.lower() in str(error.value).lower()
    assert register_snapshot() == before
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_missing_columns_are_named(org, tmp_path):
    path = tmp_path / "kurang.csv"
    path.write_text("ID DTKS;NIK;NAMA;TANGGAL LAHIR\n1;3204171201900001;ASEP;12-01-1990\n")
    with pytest.raises(CommandError, match="NO KK"):
        call_command("import_register", str(path), "--village", CIMAUNG)


def test_unknown_scope_is_refused(org, extract):
    path, _stats = extract
    with pytest.raises(CommandError, match="tidak"):
        call_command("import_register", str(path), "--village", "99.99.99.9999")


def test_a_row_with_more_values_than_columns_is_reported_not_lost(org, extract):
    path, _stats = extract
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[15] = lines[15] + ",NILAI,BERLEBIH"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--village", CIMAUNG)
    batch = ImportBatch.objects.get()
    assert any(p["row"] == 16 for p in batch.problems)
    assert batch.counts["rows"] == 300
