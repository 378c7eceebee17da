"""Importing register extracts: layouts, all-or-nothing, --skip-invalid, re-import.

Files are real CSV/XLSX made by the synthetic generator, imported through the real
command and service, into the real database.
"""

import csv
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from beneficiaries.identity import parse_nik
from beneficiaries.importing import parallel
from beneficiaries.importing import store as import_store
from beneficiaries.importing.rows import RowChecker
from beneficiaries.models import Family, Household, ImportBatch, Participation, Person
from beneficiaries.selectors import register_lookup
from beneficiaries.services import register_import
from beneficiaries.synthetic import write_extract
from puskesos.roles import Role

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


# ---------------------------------------------------------------------------
# Fast paths: the same answers as checking and storing row by row
# ---------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def register_content():
    """What the register holds, without row ids (two ways of storing may number rows
    differently): households, families, people and participations by their keys."""
    households = dict(Household.objects.values_list("pk", "register_id"))
    people = dict(Person.objects.values_list("pk", "nik"))
    families = dict(Family.objects.values_list("pk", "no_kk"))
    return (
        sorted(
            (h["register_id"], h["village_id"], h["address"], h["dusun"], h["rt"], h["rw"],
             h["desil"], h["percentile"], h["status"])
            for h in Household.objects.values()
        ),
        sorted(Family.objects.values_list("no_kk", "household__register_id")),
        sorted(
            (p["nik"] or "", p["member_id"] or "", households[p["household_id"]],
             families.get(p["family_id"]) or "", p["village_id"], p["name"], p["name_key"],
             p["birth_place"], p["birth_date"], p["sex"], p["relation"], p["mother_name"],
             p["occupation"], p["disability"], p["status"])
            for p in Person.objects.values()
        ),
        sorted(
            (households[p["household_id"]], people.get(p["person_id"]) or "", p["programme_id"],
             p["source"], p["active"])
            for p in Participation.objects.values()
        ),
    )


def _import_and_roll_back(path, scope, report, **options):
    """Import, note what it reported and stored, then undo it all."""
    outcome = {}
    try:
        with transaction.atomic():
            batch = register_import(actor=None, path=path, scope_code=scope,
                                    report_path=report, **options)
            outcome["counts"] = {k: v for k, v in batch.counts.items()
                                 if not k.startswith("seconds") and k != "timings"}
            outcome["status"] = batch.status
            outcome["problems"] = read_rows(report, delimiter=";")
            outcome["register"] = register_content()
            raise _Rollback
    except _Rollback:
        pass
    return outcome


@pytest.fixture
def troubled_extract(tmp_path):
    """2,500 people in two villages, with every kind of problem and warning sprinkled
    over the file (so over several stretches), and one value needing COPY escaping."""
    path = tmp_path / "bermasalah.csv"
    write_extract(path, layout="dtks", people=2500, villages=[CIMAUNG, "32.04.17.2002"], seed=11)
    rows = read_rows(path)
    col = {name: i for i, name in enumerate(rows[0])}
    rows[40][col["NIK"]] = "3.20417E+15"
    rows[2100][col["NIK"]] = rows[90][col["NIK"]]  # duplicate far apart
    rows[2200][col["NIK"]] = rows[2201][col["NIK"]]  # duplicate, adjacent
    rows[300][col["JENIS KELAMIN"]] = (
        "PEREMPUAN" if rows[300][col["JENIS KELAMIN"]] == "LAKI-LAKI" else "LAKI-LAKI")
    rows[700][col["TANGGAL LAHIR"]] = "01-01-1901"
    rows[1200][col["NO KK"]] = rows[10][col["NO KK"]]  # a KK in two households
    rows[1500][col["NAMA"]] = "ASEP\\SUHENDAR"
    rows[1800][col["NIK"]] = ""
    rows[1900][col["RT"]] = "ABC"
    rows[1000][col["PBI JK"]] = "MUNGKIN"
    rows[2300].extend(["NILAI", "BERLEBIH"])
    # A register ID used in the other village too.
    other = next(i for i in range(1, len(rows)) if rows[i][col["KODE WILAYAH"]] !=
                 rows[5][col["KODE WILAYAH"]])
    rows[other][col["ID DTKS"]] = rows[5][col["ID DTKS"]]
    write_rows(path, rows[:1500] + [[]] + rows[1500:])
    return path


@pytest.mark.django_db(transaction=False)
def test_checking_in_stretches_and_in_workers_reports_exactly_what_row_by_row_does(
        org, troubled_extract, tmp_path, monkeypatch):
    report = tmp_path / "masalah.csv"
    options = {"skip_invalid": True}
    # Row by row, the general way only.
    with monkeypatch.context() as patch:
        patch.setattr(RowChecker, "check_fast", lambda self, row, cells: None)
        patch.setattr(RowChecker, "check_many", lambda self, rows: None)
        patch.setattr(parallel, "PARALLEL_MIN_BYTES", 1 << 40)
        general = _import_and_roll_back(troubled_extract, "32.04.17", report, **options)
    # Fast paths in this process, small stretches.
    with monkeypatch.context() as patch:
        patch.setattr(parallel, "PARALLEL_MIN_BYTES", 1 << 40)
        patch.setattr(parallel, "STRETCH_ROWS", 97)
        here = _import_and_roll_back(troubled_extract, "32.04.17", report, **options)
    # Worker processes, the file cut every ~20 kB.
    checked_in_workers = []
    in_workers = parallel._check_in_workers

    def spy(*args):
        checked = in_workers(*args)
        checked_in_workers.append(len(args[3]))
        return checked

    with monkeypatch.context() as patch:
        patch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
        patch.setattr(parallel, "STRETCH_BYTES", 20_000)
        patch.setattr(parallel, "_check_in_workers", spy)
        workers = _import_and_roll_back(troubled_extract, "32.04.17", report, **options)
    assert checked_in_workers and checked_in_workers[0] > 10  # stretches

    assert general["status"] == ImportBatch.Status.DONE
    assert len(general["problems"]) > 12
    reasons = " ".join(p[3] for p in general["problems"])
    for expected in ("NIK ganda", "Excel", "Jenis kelamin", "Tanggal lahir", "dua rumah tangga",
                     "dua desa", "lebih banyak kolom", "RT"):
        assert expected in reasons
    assert here == general
    assert workers == general
    assert any(p[5] == "ASEP\\SUHENDAR" for p in general["register"][2])


def test_an_all_or_nothing_import_checked_in_workers_is_refused_the_same(org, extract,
                                                                         monkeypatch):
    path, _stats = extract
    rows = read_rows(path)
    rows[250][rows[0].index("NIK")] = rows[3][rows[0].index("NIK")]
    write_rows(path, rows)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "STRETCH_BYTES", 5_000)
    with pytest.raises(CommandError, match="Tidak ada yang diubah"):
        call_command("import_register", str(path), "--village", CIMAUNG)
    batch = ImportBatch.objects.get()
    assert {p["row"] for p in batch.problems if "NIK ganda" in p["reason"]} == {4, 251}
    assert batch.counts["rows"] == 300
    assert not Person.objects.exists()


def _catalog():
    """Every index and constraint of the register tables, as PostgreSQL describes them."""
    tables = ["beneficiaries_household", "beneficiaries_family", "beneficiaries_person",
              "beneficiaries_participation", "beneficiaries_personppks"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
        indexes = sorted(cursor.fetchall())
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated,
                      condeferrable, condeferred
               FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])""", [tables])
        constraints = sorted(cursor.fetchall())
    return indexes, constraints


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_large_load_gives_the_same_register_and_rebuilds_every_index_and_key(
        org, extract, tmp_path, monkeypatch):
    path, _stats = extract
    before = _catalog()
    # A register with people already there: updated, kept, marked absent.
    call_command("import_register", str(path), "--village", CIMAUNG)
    rows = read_rows(path)
    header = rows[0]
    col = {name: header.index(name) for name in header}
    rows = rows[:-1]  # someone gone
    rows[1][col["NAMA"]] = "NAMA BARU DIPERBAIKI"
    for row in rows[1:60]:
        row[col["PBI JK"]] = "TIDAK" if row[col["PBI JK"]] == "YA" else "YA"
    newcomer = list(rows[2])
    newcomer[col["ID DTKS"]] = "3204172001999999"
    newcomer[col["NIK"]] = "3204170101950999"
    newcomer[col["NO KK"]] = "3204170101200999"
    newcomer[col["TANGGAL LAHIR"]] = "01-01-1995"
    newcomer[col["JENIS KELAMIN"]] = "LAKI-LAKI"
    rows.append(newcomer)
    second = tmp_path / "dtks-baru.csv"
    write_rows(second, rows)
    report = tmp_path / "masalah.csv"

    ordinary = _import_and_roll_back(second, CIMAUNG, report)
    monkeypatch.setattr(import_store, "BULK_MIN_ROWS", 1)
    large = _import_and_roll_back(second, CIMAUNG, report)
    assert ordinary["counts"].pop("bulk") is False
    assert large["counts"].pop("bulk") is True
    assert large == ordinary
    assert large["counts"]["people_marked_absent"] == 1

    # For real now: the indexes and keys come back exactly, and the look-up works.
    call_command("import_register", str(second), "--village", CIMAUNG)
    assert ImportBatch.objects.latest("pk").counts["bulk"] is True
    assert _catalog() == before
    assert register_content() == large["register"]
    manager = org.users[Role.MANAGER]
    found = register_lookup(user=manager, query="NAMA BARU DIPERBAIKI")
    assert found.hits and found.hits[0].name == "NAMA BARU DIPERBAIKI"
    assert Person.objects.get(nik="3204170101950999").household.register_id == "3204172001999999"
    # New rows get ids after the ones the load took.
    household = Household.objects.create(village=org.own, register_id="BARU-1")
    assert household.pk > max(Household.objects.exclude(pk=household.pk).values_list("pk",
                                                                                      flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_large_load_with_a_conflict_changes_nothing(org, tmp_path, monkeypatch):
    first = tmp_path / "jagabaya.csv"
    write_extract(first, layout="dtks", people=30, villages=["32.04.17.2002"], seed=8)
    call_command("import_register", str(first), "--village", "32.04.17.2002")
    before, catalog = register_snapshot(), _catalog()
    taken = Household.objects.first().register_id
    second = tmp_path / "cimaung.csv"
    write_extract(second, layout="dtks", people=30, villages=[CIMAUNG], seed=9)
    rows = read_rows(second)
    rows[1][rows[0].index("ID DTKS")] = taken
    write_rows(second, rows)
    monkeypatch.setattr(import_store, "BULK_MIN_ROWS", 1)
    with pytest.raises(CommandError):
        call_command("import_register", str(second), "--village", CIMAUNG)
    assert register_snapshot() == before
    assert _catalog() == catalog


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_large_load_leaving_rows_out_gives_the_same_register(org, tmp_path, monkeypatch):
    first = tmp_path / "jagabaya.csv"
    write_extract(first, layout="dtks", people=40, villages=["32.04.17.2002"], seed=8)
    call_command("import_register", str(first), "--village", "32.04.17.2002")
    taken = Household.objects.first().register_id
    path = tmp_path / "cimaung.csv"
    write_extract(path, layout="dtks", people=400, villages=[CIMAUNG], seed=12)
    rows = read_rows(path)
    col = {name: i for i, name in enumerate(rows[0])}
    rows[300][col["NIK"]] = rows[7][col["NIK"]]  # both rows left out
    rows[50][col["TANGGAL LAHIR"]] = "31-02-1990"
    mine = rows[100][col["ID DTKS"]]
    for row in rows[1:]:
        if row[col["ID DTKS"]] == mine:
            row[col["ID DTKS"]] = taken  # refused: another village's register ID
    write_rows(path, rows)
    report = tmp_path / "masalah.csv"
    ordinary = _import_and_roll_back(path, "32.04.17", report, skip_invalid=True)
    monkeypatch.setattr(import_store, "BULK_MIN_ROWS", 1)
    large = _import_and_roll_back(path, "32.04.17", report, skip_invalid=True)
    assert ordinary["counts"].pop("bulk") is False
    assert large["counts"].pop("bulk") is True
    for part, (a, b) in enumerate(zip(large["register"], ordinary["register"], strict=True)):
        assert set(a) - set(b) == set() and set(b) - set(a) == set(), (
            part, set(a) - set(b), set(b) - set(a))
    assert large == ordinary
    assert any("sudah terdaftar" in p[3] for p in large["problems"])
    # The refused household's rows are all left out, none attached to Jagabaya's.
    assert not any(p[2] == taken and p[4] == org.own.pk for p in large["register"][2])
    assert large["counts"]["people"] == 400 - 2 - 1 - len(
        [r for r in rows[1:] if r[col["ID DTKS"]] == taken])


def _names_catalog():
    """The name look-up's table: its keys, its indexes, its triggers and their state."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM beneficiaries_person_names")
        keys = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes "
                       "WHERE tablename = 'beneficiaries_person_names'")
        indexes = sorted(cursor.fetchall())
        cursor.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal "
                       "AND tgrelid = 'beneficiaries_person'::regclass")
        triggers = sorted(cursor.fetchall())
    return keys, indexes, triggers


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.parametrize("rebuild_min", [1, 10**9], ids=["index-rebuilt", "index-kept"])
def test_a_large_load_fills_the_name_look_up_as_its_triggers_would(org, extract, tmp_path,
                                                                   monkeypatch, rebuild_min):
    """A large load switches the name insert trigger off and adds the new names itself
    (all new: the trigram index is dropped and built again); afterwards the table, its
    index and its triggers are as the ordinary import leaves them."""
    from beneficiaries.importing import bulk
    from beneficiaries.names import name_key

    path, _stats = extract
    _keys, indexes, triggers = _names_catalog()
    assert [state for _name, state in triggers] == ["O", "O"]
    monkeypatch.setattr(import_store, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "NAMES_REBUILD_MIN", rebuild_min)
    call_command("import_register", str(path), "--village", CIMAUNG)
    counts = ImportBatch.objects.latest("pk").counts
    assert counts["bulk"] is True
    rebuilt = any(label.startswith("CREATE INDEX beneficiaries_person_names_trgm")
                  for label in counts["timings"])
    assert rebuilt is (rebuild_min == 1)
    keys, after_indexes, after_triggers = _names_catalog()
    assert keys == set(Person.objects.values_list("name_key", flat=True)) - {""}
    assert (after_indexes, after_triggers) == (indexes, triggers)
    # A renamed person (re-import, large again) and one added at the desk afterwards
    # (the triggers are back on) are both found by name.
    rows = read_rows(path)
    rows[5][rows[0].index("NAMA")] = "SITI NAMA BARU SEKALI"
    second = tmp_path / "dtks-2.csv"
    write_rows(second, rows)
    call_command("import_register", str(second), "--village", CIMAUNG)
    someone = Person.objects.first()
    someone.name = "DEDI DIGANTI DI MEJA"
    someone.name_key = name_key(someone.name)
    someone.save()
    manager = org.users[Role.MANAGER]
    for name in ("SITI NAMA BARU SEKALI", "DEDI DIGANTI DI MEJA"):
        found = register_lookup(user=manager, query=name)
        assert found.hits and found.hits[0].name == name


def test_dry_run_counts_and_clashes_are_those_of_the_real_import(org, tmp_path):
    first = tmp_path / "cimaung.csv"
    write_extract(first, layout="dtks", people=50, villages=[CIMAUNG], seed=31)
    call_command("import_register", str(first), "--village", CIMAUNG, "--dry-run")
    preview = ImportBatch.objects.get()
    assert preview.status == ImportBatch.Status.PREVIEW
    assert preview.counts["people_added"] == 50 and preview.counts["people_updated"] == 0
    assert not Person.objects.exists()
    call_command("import_register", str(first), "--village", CIMAUNG)
    again = ImportBatch.objects.latest("pk").counts
    assert again["people_added"] == preview.counts["people_added"]
    # A file whose households belong to another village already: the preview says so.
    rows = read_rows(first)
    second = tmp_path / "jagabaya.csv"
    for row in rows[1:]:
        row[rows[0].index("KODE WILAYAH")] = "32.04.17.2002"
    write_rows(second, rows)
    before = register_snapshot()
    with pytest.raises(CommandError, match="bertentangan"):
        call_command("import_register", str(second), "--village", "32.04.17.2002", "--dry-run")
    assert register_snapshot() == before
