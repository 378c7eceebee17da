"""Synthetic register extracts (beneficiaries.synthetic, generate_register). No database."""

import csv
import io
import math
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from beneficiaries.identity import parse_kk, parse_nik
from beneficiaries.synthetic import (
    DEFAULT_REFERENCE_DATE,
    DEMO_BPS_CODES,
    DEMO_VILLAGES,
    _next_serial,
    generate_households,
    resolve_village,
    write_extract,
)

PEOPLE = 20_000

DTKS_HEADER = [
    "ID DTKS", "PROVINSI", "KABUPATEN/KOTA", "KECAMATAN", "DESA/KELURAHAN", "KODE WILAYAH",
    "ALAMAT", "DUSUN", "RT", "RW", "NO KK", "NIK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR",
    "JENIS KELAMIN", "NAMA IBU KANDUNG", "HUBUNGAN KELUARGA", "PEKERJAAN", "DISABILITAS",
    "PKH", "BPNT", "PBI JK", "PIP", "DESIL",
]  # fmt: skip
BDT_HEADER = [
    "IDBDT", "IDARTBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoPesertaPKH", "Nama", "JnsKel",
    "TmpLahir", "TglLahir", "NIK", "NoKK", "Hub_KRT", "NUK", "Hubkel", "Umur", "Sta_kawin",
    "Sta_keberadaan_art", "Ada_kks", "Ada_pbi", "Ada_kip", "Ada_pkh", "Ada_BPNT",
    "namagadis_ibukandung", "percentile",
]  # fmt: skip
DTSEN_HEADER = [
    "id_keluarga", "kode_desa", "alamat", "dusun", "rt", "rw", "nomor_kartu_keluarga",
    "nomor_induk_kependudukan", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
    "hubungan_keluarga", "nama_ibu_kandung", "desil_nasional", "bansos_pkh", "bansos_bpnt",
    "pbi_jkn",
]  # fmt: skip
HEADERS = {"dtks": DTKS_HEADER, "bdt2015": BDT_HEADER, "dtsen": DTSEN_HEADER}


@pytest.fixture(scope="module")
def households():
    return list(generate_households(people=PEOPLE, seed=7))


def read_csv(path, *, delimiter=",", encoding="utf-8"):
    with open(path, newline="", encoding=encoding) as f:
        return list(csv.reader(f, delimiter=delimiter))


# --- generator ------------------------------------------------------------


def test_exact_number_of_people(households):
    assert sum(h.size for h in households) == PEOPLE
    for people in (1, 2, 7, 31):
        assert sum(h.size for h in generate_households(people=people, seed=3)) == people
    assert list(generate_households(people=0)) == []


def test_every_nik_and_kk_is_valid_and_matches_the_member(households):
    for h in households:
        region = h.village.region_code
        for f in h.families:
            assert parse_kk(f.kk) == f.kk
            assert f.kk[:6] == region
            assert f.issue_date <= DEFAULT_REFERENCE_DATE
            for m in f.members:
                info = parse_nik(m.nik)
                assert info.region_code == region == "320417"
                assert info.sex == m.sex
                assert info.birth_date == m.birth_date
                # A KK is (re)issued after its youngest member was born.
                assert m.birth_date < f.issue_date


def test_niks_and_kks_are_unique(households):
    niks = [m.nik for h in households for m in h.members]
    kks = [f.kk for h in households for f in h.families]
    ids = [h.register_id for h in households]
    assert len(niks) == len(set(niks)) == PEOPLE
    assert len(kks) == len(set(kks))
    assert len(ids) == len(set(ids))


def test_household_shape(households):
    ratio = PEOPLE / len(households)
    assert 2.8 <= ratio <= 3.8
    two_families = sum(len(h.families) == 2 for h in households)
    assert 0 < two_families < len(households) * 0.2
    relations = {m.relation for h in households for m in h.members}
    assert relations == set(range(1, 12))
    for h in households:
        assert 1 <= len(h.families) <= 2
        assert h.families[0].head.household_relation == 1
        assert len(h.register_id) == 18 and h.register_id.startswith(h.village.digits)
        assert h.village.code in DEMO_VILLAGES
        assert h.rt.isdigit() and len(h.rt) == 3 and "001" <= h.rt <= "012"
        assert h.rw.isdigit() and len(h.rw) == 3 and "001" <= h.rw <= "012"
        assert f"RT {h.rt} RW {h.rw}" in h.address
        for f in h.families:
            head = f.head
            assert head.relation == 1
            assert [m.relation for m in f.members].count(1) == 1
            assert head.age() >= 18
            for m in f.members:
                assert m.name == m.name.upper() and m.name and m.mother_name
                if m.relation in (2, 3):
                    assert m.age() >= 18
                if m.relation == 4:
                    assert m.age() <= head.age() - 15


def test_names_repeat_but_vary(households):
    names = [m.name for h in households for m in h.members]
    distinct = len(set(names))
    assert PEOPLE * 0.3 < distinct < PEOPLE


def test_desil_percentile_and_programmes(households):
    desils = [h.desil for h in households]
    assert set(desils) == set(range(1, 11))
    # The register holds the poor: desil 1-3 outnumber desil 8-10 by far.
    assert sum(d <= 3 for d in desils) > 3 * sum(d >= 8 for d in desils)
    ref = DEFAULT_REFERENCE_DATE
    for h in households:
        assert 1 <= h.percentile <= 100
        assert h.desil == math.ceil(h.percentile / 10)
        assert h.kks == (h.pkh or h.bpnt)
        if h.pip:
            assert any(5 <= m.age(ref) <= 21 for m in h.members)
    pkh_low = sum(h.pkh for h in households if h.desil <= 3) / sum(d <= 3 for d in desils)
    pkh_high = sum(h.pkh for h in households if h.desil >= 6) / sum(d >= 6 for d in desils)
    assert pkh_low > 3 * pkh_high


def test_serial_moves_to_the_next_day_when_full():
    serials = {("320417", date(2000, 1, 1), True): 9999}
    serial, day = _next_serial(serials, "320417", date(2000, 1, 1).toordinal(), True, 10**6)
    assert (serial, date.fromordinal(day)) == (1, date(2000, 1, 2))
    # Never after the last day: go back instead.
    last = date(2025, 6, 30).toordinal()
    serials = {("320417", last): 9999}
    assert _next_serial(serials, "320417", last, None, last) == (1, last - 1)


def test_other_villages_and_bad_codes():
    village = "32.05.01.2003"
    hh = list(generate_households(people=50, villages=[village], seed=2))
    assert {h.village.code for h in hh} == {village}
    assert all(m.nik.startswith("320501") for h in hh for m in h.members)
    assert resolve_village(village).regency == "KAB. GARUT"
    for bad in ("3204172001", "32.04.17", "32.00.17.2001", "32.04.17.0000"):
        with pytest.raises(ValueError):
            resolve_village(bad)


# --- writers --------------------------------------------------------------


def test_same_seed_same_bytes(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    write_extract(a, people=2000, seed=11)
    write_extract(b, people=2000, seed=11)
    write_extract(c, people=2000, seed=12)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


@pytest.mark.parametrize("layout", ["dtks", "bdt2015", "dtsen"])
def test_header_rows(tmp_path, layout):
    path = tmp_path / f"{layout}.csv"
    stats = write_extract(path, layout=layout, people=100, seed=1)
    rows = read_csv(path)
    assert rows[0] == HEADERS[layout]
    assert len(rows) == 101 == stats.rows + 1
    assert all(len(r) == len(HEADERS[layout]) for r in rows)
    assert stats.households == len({r[0] for r in rows[1:]}) or layout == "dtsen"


def test_dtks_rows(tmp_path):
    path = tmp_path / "dtks.csv"
    write_extract(path, people=500, seed=4, relation_as="name", date_style="dmy-slash")
    rows = [dict(zip(DTKS_HEADER, r, strict=True)) for r in read_csv(path)[1:]]
    for row in rows:
        info = parse_nik(row["NIK"])
        assert datetime.strptime(row["TANGGAL LAHIR"], "%d/%m/%Y").date() == info.birth_date
        assert row["JENIS KELAMIN"] == {"L": "LAKI-LAKI", "P": "PEREMPUAN"}[info.sex]
        assert row["PROVINSI"] == "JAWA BARAT" and row["KECAMATAN"] == "CIMAUNG"
        assert row["DESA/KELURAHAN"] == DEMO_VILLAGES[row["KODE WILAYAH"]]
        for flag in ("DISABILITAS", "PKH", "BPNT", "PBI JK", "PIP"):
            assert row[flag] in ("YA", "TIDAK")
        assert 1 <= int(row["DESIL"]) <= 10
    relations = {row["HUBUNGAN KELUARGA"] for row in rows}
    assert {"KEPALA KELUARGA", "ISTRI", "ANAK"} <= relations


def test_bdt2015_rows(tmp_path):
    path = tmp_path / "bdt.csv"
    write_extract(path, layout="bdt2015", people=3000, seed=5, numbered_header=True)
    rows = read_csv(path)
    assert rows[0] == BDT_HEADER
    assert rows[1] == [f"KOLOM {i}" for i in range(1, 27)]
    data = [dict(zip(BDT_HEADER, r, strict=True)) for r in rows[2:]]
    assert len(data) == 3000
    codes = {r["KDPROP"] + r["KDKAB"] + r["KDKEC"] + r["KDDESA"] for r in data}
    assert codes == set(DEMO_BPS_CODES.values())
    assert DEMO_BPS_CODES["32.04.17.2001"] == "3204030004"
    by_household = {}
    for r in data:
        assert r["IDARTBDT"].startswith(r["IDBDT"])
        assert r["JnsKel"] == {"L": "1", "P": "2"}[parse_nik(r["NIK"]).sex]
        assert 1 <= int(r["percentile"]) <= 100
        assert r["Ada_kip"] in ("0", "1") and r["Sta_keberadaan_art"] == "1"
        by_household.setdefault(r["IDBDT"], set()).add(r["percentile"])
    # One percentile per household.
    assert all(len(p) == 1 for p in by_household.values())


def test_bdt2015_custom_bps_codes(tmp_path):
    path = tmp_path / "bdt.csv"
    write_extract(
        path,
        layout="bdt2015",
        people=20,
        villages=["32.04.17.2002"],
        bps_codes={"32.04.17.2002": "3204030099"},
    )
    data = read_csv(path)[1:]
    assert {(r[2], r[3], r[4], r[5]) for r in data} == {("32", "04", "030", "099")}


def test_dtsen_rows(tmp_path):
    path = tmp_path / "dtsen.csv"
    write_extract(path, layout="dtsen", people=300, seed=6)
    for r in read_csv(path)[1:]:
        row = dict(zip(DTSEN_HEADER, r, strict=True))
        info = parse_nik(row["nomor_induk_kependudukan"])
        assert row["tanggal_lahir"] == info.birth_date.isoformat()
        parse_kk(row["nomor_kartu_keluarga"])
        assert row["id_keluarga"].startswith(row["kode_desa"])
        assert 1 <= int(row["desil_nasional"]) <= 10


def test_csv_delimiter_and_encodings(tmp_path):
    semi = tmp_path / "semi.csv"
    write_extract(semi, people=50, delimiter=";")
    rows = read_csv(semi, delimiter=";")
    assert rows[0] == DTKS_HEADER and all(len(r) == 25 for r in rows)

    bom = tmp_path / "bom.csv"
    write_extract(bom, people=50, encoding="utf-8-sig")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(bom, encoding="utf-8-sig")[0] == DTKS_HEADER

    win = tmp_path / "win.csv"
    write_extract(win, people=50, encoding="cp1252", delimiter=";")
    raw = win.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("cp1252")
    assert text.splitlines()[0].split(";") == DTKS_HEADER


def test_xlsx_cells(tmp_path):
    path = tmp_path / "dtks.xlsx"
    stats = write_extract(path, people=200, seed=8)
    assert stats.fmt == "xlsx" and stats.rows == 200
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == DTKS_HEADER
    nik_col, kk_col = DTKS_HEADER.index("NIK"), DTKS_HEADER.index("NO KK")
    date_col = DTKS_HEADER.index("TANGGAL LAHIR")
    assert len(rows) == 201
    for row in rows[1:]:
        nik, kk = row[nik_col], row[kk_col]
        assert nik.data_type == "s" and isinstance(nik.value, str) and len(nik.value) == 16
        assert kk.data_type == "s" and isinstance(kk.value, str)
        assert nik.number_format == "@"
        info = parse_nik(nik.value)
        assert isinstance(row[date_col].value, datetime)
        assert row[date_col].value.date() == info.birth_date
        assert row[date_col].number_format == "DD-MM-YYYY"


def test_xlsx_text_dates_and_numbered_header(tmp_path):
    path = tmp_path / "bdt.xlsx"
    write_extract(path, layout="bdt2015", people=30, xlsx_dates="text", numbered_header=True)
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.values)
    assert list(rows[0]) == BDT_HEADER
    assert list(rows[1]) == [f"KOLOM {i}" for i in range(1, 27)]
    tgl, nik = BDT_HEADER.index("TglLahir"), BDT_HEADER.index("NIK")
    for row in rows[2:]:
        assert isinstance(row[nik], str)
        assert datetime.strptime(row[tgl], "%d-%m-%Y").date() == parse_nik(row[nik]).birth_date
        assert isinstance(row[BDT_HEADER.index("percentile")], int)


def test_bad_options(tmp_path):
    with pytest.raises(ValueError):
        write_extract(tmp_path / "x.csv", layout="bdt2011", people=5)
    with pytest.raises(ValueError):
        write_extract(tmp_path / "x.csv", people=5, date_style="mdy")
    with pytest.raises(ValueError):
        write_extract(tmp_path / "x.csv", people=5, delimiter=";;")


# --- management command ---------------------------------------------------


def test_command_writes_file_and_prints_summary(tmp_path):
    path = tmp_path / "register.csv"
    out = io.StringIO()
    call_command(
        "generate_register",
        str(path),
        "--people",
        "1234",
        "--villages",
        "32.04.17.2001,32.04.17.2002",
        "--delimiter",
        ";",
        "--seed",
        "9",
        stdout=out,
    )
    rows = read_csv(path, delimiter=";")
    assert rows[0] == DTKS_HEADER and len(rows) == 1235
    assert {r[5] for r in rows[1:]} == {"32.04.17.2001", "32.04.17.2002"}
    text = out.getvalue()
    assert "1.234 baris (orang)" in text
    assert "rumah tangga" in text and "keluarga" in text and "detik" in text


def test_command_xlsx_from_extension_and_layout(tmp_path):
    path = tmp_path / "bdt.xlsx"
    out = io.StringIO()
    call_command(
        "generate_register", str(path), "--people", "40", "--layout", "bdt2015", stdout=out
    )
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in next(ws.iter_rows(max_row=1))] == BDT_HEADER
    assert "XLSX" in out.getvalue()


def test_command_errors(tmp_path):
    with pytest.raises(CommandError, match="ekstensi"):
        call_command("generate_register", str(tmp_path / "x.xls"), "--people", "5")
    with pytest.raises(CommandError, match="Kode wilayah"):
        call_command(
            "generate_register", str(tmp_path / "x.csv"), "--people", "5", "--villages", "3204"
        )
