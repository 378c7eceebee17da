"""Register extract reader (beneficiaries.importing.readers). No database."""

import csv
import io
import os
import re
import time
import zipfile
from datetime import datetime

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from beneficiaries.identity import IdentityError, parse_nik
from beneficiaries.importing.readers import (
    FIELDS,
    MAX_LINES_PER_ROW,
    XLSX_EMPTY_ROWS_STOP,
    Extract,
    ReaderError,
    normalise_header,
    open_extract,
)
from beneficiaries.synthetic import HEADERS, LAYOUTS, generate_households, write_extract

# Every header the synthetic generator writes, and the field it must map to.
EXPECTED_FIELDS = {
    "dtks": {
        "ID DTKS": "register_id", "PROVINSI": "province_name",
        "KABUPATEN/KOTA": "regency_name", "KECAMATAN": "district_name",
        "DESA/KELURAHAN": "village_name", "KODE WILAYAH": "village_code", "ALAMAT": "address",
        "DUSUN": "dusun", "RT": "rt", "RW": "rw", "NO KK": "no_kk", "NIK": "nik",
        "NAMA": "name", "TEMPAT LAHIR": "birth_place", "TANGGAL LAHIR": "birth_date",
        "JENIS KELAMIN": "sex", "NAMA IBU KANDUNG": "mother_name",
        "HUBUNGAN KELUARGA": "relation", "PEKERJAAN": "occupation",
        "DISABILITAS": "disability", "PKH": "flag_pkh", "BPNT": "flag_bpnt",
        "PBI JK": "flag_pbi", "PIP": "flag_pip", "DESIL": "desil",
    },
    "bdt2015": {
        "IDBDT": "register_id", "IDARTBDT": "member_id", "KDPROP": "bps_province",
        "KDKAB": "bps_regency", "KDKEC": "bps_district", "KDDESA": "bps_village",
        "NoPesertaPKH": "pkh_participant_no", "Nama": "name", "JnsKel": "sex",
        "TmpLahir": "birth_place", "TglLahir": "birth_date", "NIK": "nik", "NoKK": "no_kk",
        "Hub_KRT": "household_relation", "NUK": "family_number", "Hubkel": "relation",
        "Umur": "age", "Sta_kawin": "marital_status", "Sta_keberadaan_art": "presence",
        "Ada_kks": "flag_kks", "Ada_pbi": "flag_pbi", "Ada_kip": "flag_pip",
        "Ada_pkh": "flag_pkh", "Ada_BPNT": "flag_bpnt",
        "namagadis_ibukandung": "mother_name", "percentile": "percentile",
    },
    "dtsen": {
        "id_keluarga": "register_id", "kode_desa": "village_code", "alamat": "address",
        "dusun": "dusun", "rt": "rt", "rw": "rw", "nomor_kartu_keluarga": "no_kk",
        "nomor_induk_kependudukan": "nik", "nama": "name", "tempat_lahir": "birth_place",
        "tanggal_lahir": "birth_date", "jenis_kelamin": "sex",
        "hubungan_keluarga": "relation", "nama_ibu_kandung": "mother_name",
        "desil_nasional": "desil", "bansos_pkh": "flag_pkh", "bansos_bpnt": "flag_bpnt",
        "pbi_jkn": "flag_pbi",
    },
}  # fmt: skip

NIK = "3204175804760001"
KK = "3204170306250001"


def write_csv(path, rows, *, delimiter=",", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def write_xlsx(path, rows, *, title="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def csv_truth(path, *, encoding, delimiter, skip=1):
    """(line number, row) of the data rows, read with the csv module alone."""
    with open(path, encoding=encoding, newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    return [(index + 1, row) for index, row in enumerate(rows) if index >= skip]


def xlsx_truth(path, *, skip=1):
    wb = openpyxl.load_workbook(path)  # normal mode: an independent path through openpyxl
    ws = wb.worksheets[0]
    width = ws.max_column
    out = []
    for index, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if index > skip and any(v is not None for v in row):
            out.append((index, tuple(row[:width])))
    return out


def error_of(path, **kwargs) -> ReaderError:
    with pytest.raises(ReaderError) as info:
        open_extract(path, **kwargs)
    return info.value


DTKS_MIN = ["ID DTKS", "NO KK", "NIK", "NAMA", "TANGGAL LAHIR"]


def dtks_row(name="ASEP SUNANDAR", register_id="320417200100000001"):
    return [register_id, KK, NIK, name, "18-04-1976"]


# --------------------------------------------------------------------------
# Header mapping
# --------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_synthetic_header_maps(layout):
    assert set(EXPECTED_FIELDS[layout]) == set(HEADERS[layout])
    for field in EXPECTED_FIELDS[layout].values():
        assert field in FIELDS


@pytest.mark.parametrize(
    "header",
    ["NO KK", "NOMOR KK", "NO_KK", "NOKK", "No. KK", "nomor_kartu_keluarga", " no  kk ",
     "NOMOR_KK", "No.KK", "no-kk", "NO KK*", "NO KK (16 digit)"],
)  # fmt: skip
def test_header_synonyms_for_no_kk(tmp_path, header):
    path = write_csv(
        tmp_path / "kk.csv", [["ID DTKS", header, "NIK", "NAMA", "TGL LAHIR"], dtks_row()]
    )
    with open_extract(path) as extract:
        assert extract.fields == ["register_id", "no_kk", "nik", "name", "birth_date"]
        assert extract.headers["no_kk"] == " ".join(header.split())
        assert list(extract.rows()) == [(2, dtks_row())]


def test_normalise_header():
    assert normalise_header("No. KK") == "NOKK"
    assert normalise_header("KABUPATEN/KOTA") == normalise_header("kabupaten_kota")
    assert normalise_header("Tanggal Lahir (DD-MM-YYYY)") == "TANGGALLAHIR"
    assert normalise_header("(1)") == "1"
    assert normalise_header(None) == ""
    assert normalise_header(12) == "12"


def test_other_synonyms_and_combined_birth_column(tmp_path):
    header = ["IDDTKS", "NOMOR_KK", "NOMOR NIK", "NAMA LENGKAP", "TEMPAT/TANGGAL LAHIR", "L/P",
              "SHDK", "KIS", "SEMBAKO", "KIP", "DESIL", "KETERANGAN"]  # fmt: skip
    row = ["1", KK, NIK, "SITI", "BANDUNG, 18-04-1976", "P", "1", "YA", "TIDAK", "-", "3", "x"]
    path = write_csv(tmp_path / "syn.csv", [header, row])
    with open_extract(path) as extract:
        assert extract.layout == "dtks"
        assert extract.fields == [
            "register_id", "no_kk", "nik", "name", "birth_place_date", "sex", "relation",
            "flag_pbi", "flag_bpnt", "flag_pip", "desil",
        ]  # fmt: skip
        assert extract.ignored_headers == ["KETERANGAN"]
        assert [(n, list(values)) for n, values in extract.rows()] == [(2, row[:-1])]


# --------------------------------------------------------------------------
# Synthetic extracts: every layout x CSV (delimiters, encodings) and XLSX
# --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_synthetic_csv(tmp_path, layout, delimiter, encoding):
    path = tmp_path / f"{layout}.csv"
    stats = write_extract(
        path, layout=layout, people=300, seed=3, delimiter=delimiter, encoding=encoding
    )
    with open_extract(path) as extract:
        assert extract.file_format == "csv"
        assert extract.layout == layout
        assert extract.delimiter == delimiter
        # ASCII-only cp1252 text is also valid UTF-8 (and decodes the same).
        assert extract.encoding == ("utf-8-sig" if encoding == "utf-8-sig" else "utf-8")
        assert extract.header_row == 1 and extract.data_start_row == 2
        assert extract.fields == [EXPECTED_FIELDS[layout][h] for h in HEADERS[layout]]
        assert extract.headers == {v: k for k, v in EXPECTED_FIELDS[layout].items()}
        assert extract.ignored_headers == []
        rows = [(n, list(values)) for n, values in extract.rows()]
    assert len(rows) == stats.rows == 300
    assert rows == csv_truth(path, encoding=encoding, delimiter=delimiter)
    # Spot check against the generator itself.
    family = next(iter(generate_households(people=300, seed=3))).families[0]
    values = dict(zip(extract.fields, rows[0][1], strict=True))
    assert (values["nik"], values["name"], values["no_kk"]) == (
        family.members[0].nik,
        family.members[0].name,
        family.kk,
    )


@pytest.mark.parametrize("layout", LAYOUTS)
def test_synthetic_xlsx(tmp_path, layout):
    path = tmp_path / f"{layout}.xlsx"
    write_extract(path, layout=layout, people=150, seed=5)
    with open_extract(path) as extract:
        assert extract.file_format == "xlsx"
        assert extract.layout == layout
        assert extract.encoding is None and extract.delimiter is None
        assert (
            extract.sheet_name == {"dtks": "DTKS", "bdt2015": "BDT2015", "dtsen": "DTSEN"}[layout]
        )
        assert extract.fields == [EXPECTED_FIELDS[layout][h] for h in HEADERS[layout]]
        rows = list(extract.rows())
    assert rows == xlsx_truth(path)
    values = dict(zip(extract.fields, rows[0][1], strict=True))
    assert isinstance(values["birth_date"], datetime)  # a real Excel date cell
    assert isinstance(values["nik"], str) and len(values["nik"]) == 16  # a text cell


def test_synthetic_xlsx_text_dates_and_relation_names(tmp_path):
    path = tmp_path / "dtks.xlsx"
    write_extract(path, people=50, xlsx_dates="text", relation_as="name", date_style="dmy-slash")
    with open_extract(path) as extract:
        values = dict(zip(extract.fields, next(extract.rows())[1], strict=True))
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", values["birth_date"])
    assert values["relation"] == "KEPALA KELUARGA"


def test_auto_layout_can_be_overridden(tmp_path):
    path = tmp_path / "dtsen.csv"
    write_extract(path, layout="dtsen", people=20)
    with open_extract(path) as extract:
        assert extract.layout == "dtsen"
    # DTSEN columns also satisfy DTKS: an explicit layout is honoured.
    with open_extract(path, layout="dtks") as extract:
        assert extract.layout == "dtks"
        assert len(list(extract.rows())) == 20


def test_explicit_layout_checks_its_required_columns(tmp_path):
    path = tmp_path / "dtks.csv"
    write_extract(path, layout="dtks", people=5)
    error = error_of(path, layout="bdt2015")
    assert error.code == "missing_columns"
    for name in ("IDARTBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA"):
        assert f"\u201c{name}\u201d" in error.message
    assert "BDT 2015" in error.message


def test_unknown_layout_refused(tmp_path):
    path = write_csv(tmp_path / "a.csv", [DTKS_MIN, dtks_row()])
    assert error_of(path, layout="dtks2020").code == "layout"


# --------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------


def _put_late_name(path, encoding, name, *, from_end=10):
    """Replace the NAMA of a row near the end of a DTKS CSV; returns its line number."""
    with open(path, encoding="ascii", newline="") as f:
        rows = list(csv.reader(f))
    index = len(rows) - from_end
    rows[index][HEADERS["dtks"].index("NAMA")] = name
    write_csv(path, rows, encoding=encoding)
    data = path.read_bytes()
    assert data.index(name.encode(encoding)) > 1 << 20  # after the first 1 MiB chunk
    return index + 1


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_late_non_ascii_character(tmp_path, encoding):
    path = tmp_path / "late.csv"
    write_extract(path, people=6000, seed=2, encoding="ascii")
    name = "JOSÉ FRANÇOIS MÜLLER"
    line = _put_late_name(path, encoding, name)
    with open_extract(path) as extract:
        assert extract.encoding == encoding
        rows = dict(extract.rows())
    assert len(rows) == 6000
    assert rows[line][extract.fields.index("name")] == name
    assert rows[2][extract.fields.index("name")].isascii()


def test_utf16_with_bom_tab_separated(tmp_path):
    # Excel's "Unicode Text" export.
    path = write_csv(
        tmp_path / "unicode.txt",
        [DTKS_MIN, dtks_row("JOSÉ")],
        delimiter="\t",
        encoding="utf-16",
    )
    with open_extract(path) as extract:
        assert (extract.encoding, extract.delimiter) == ("utf-16", "\t")
        assert list(extract.rows()) == [(2, dtks_row("JOSÉ"))]


def test_bom_file_with_broken_bytes_refused(tmp_path):
    path = tmp_path / "mixed.csv"
    text = "\r\n".join(",".join(r) for r in [DTKS_MIN, dtks_row(), dtks_row("AB")])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode() + b"\r\n1,2,3,\x81\x8d,5\r\n")
    error = error_of(path)
    assert error.code == "encoding"
    assert "baris 4" in error.message


# --------------------------------------------------------------------------
# Header position, numbering rows
# --------------------------------------------------------------------------


def test_title_rows_above_header_csv(tmp_path):
    rows = [
        ["DATA DTKS DESA CIMAUNG", "", "", "", ""],
        ["Keadaan: Juni 2025"],
        [],
        DTKS_MIN,
        dtks_row("A"),
        [],
        dtks_row("B"),
    ]
    path = write_csv(tmp_path / "title.csv", rows, delimiter=";")
    with open_extract(path) as extract:
        assert (extract.header_row, extract.data_start_row) == (4, 5)
        assert extract.delimiter == ";"
        assert list(extract.rows()) == [(5, dtks_row("A")), (7, dtks_row("B"))]


def test_title_rows_above_header_xlsx(tmp_path):
    rows = [["DATA DTKS DESA CIMAUNG"], [], ["Dicetak", datetime(2025, 6, 1)], DTKS_MIN]
    rows += [dtks_row("A"), [None] * 5, dtks_row("B")]
    path = write_xlsx(tmp_path / "title.xlsx", rows)
    with open_extract(path) as extract:
        assert extract.header_row == 4
        assert list(extract.rows()) == [(5, tuple(dtks_row("A"))), (7, tuple(dtks_row("B")))]


def test_header_must_be_in_first_rows(tmp_path):
    rows = [["judul"]] * 25 + [DTKS_MIN, dtks_row()]
    path = write_csv(tmp_path / "late_header.csv", rows)
    error = error_of(path)
    assert error.code == "no_header"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bdt_numbered_second_header_row(tmp_path, fmt):
    path = tmp_path / f"bdt.{fmt}"
    write_extract(path, layout="bdt2015", people=40, numbered_header=True)
    with open_extract(path) as extract:
        assert extract.layout == "bdt2015"
        assert (extract.header_row, extract.data_start_row) == (1, 3)
        rows = list(extract.rows())
    assert len(rows) == 40
    assert rows[0][0] == 3
    assert all("KOLOM" not in str(v) for _, values in rows for v in values)


@pytest.mark.parametrize(
    "numbers",
    [["(1)", "(2)", "(3)", "(4)", "(5)"], [1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"],
     ["Kolom 1", "Kolom 2", "Kolom 3", "Kolom 4", "Kolom 5"]],
)  # fmt: skip
def test_numbering_row_forms(tmp_path, numbers):
    path = write_xlsx(tmp_path / "num.xlsx", [DTKS_MIN, numbers, dtks_row()])
    with open_extract(path) as extract:
        assert extract.data_start_row == 3
        assert [n for n, _ in extract.rows()] == [3]


def test_numbering_row_in_csv_and_data_row_not_taken_for_one(tmp_path):
    path = write_csv(tmp_path / "n.csv", [DTKS_MIN, ["1", "2", "3", "4", "5"], dtks_row()])
    with open_extract(path) as extract:
        assert extract.data_start_row == 3
        assert [n for n, _ in extract.rows()] == [3]
    not_increasing = ["1", "3204", "3204", "9", "1990"]
    path = write_csv(tmp_path / "m.csv", [DTKS_MIN, not_increasing, dtks_row()])
    with open_extract(path) as extract:
        assert extract.data_start_row == 2
        assert [n for n, _ in extract.rows()] == [2, 3]


# --------------------------------------------------------------------------
# XLSX specifics
# --------------------------------------------------------------------------


def test_xlsx_numeric_nik_passes_through_unchanged(tmp_path):
    rows = [DTKS_MIN, ["1", KK, 3204175804760001, "A", "18-04-1976"]]
    rows.append(["2", KK, 3.20417580476e15, "B", datetime(1976, 4, 18)])
    path = write_xlsx(tmp_path / "num.xlsx", rows)
    with open_extract(path) as extract:
        (_, first), (_, second) = list(extract.rows())
    nik = extract.fields.index("nik")
    assert first[nik] == 3204175804760001 and type(first[nik]) is int
    assert isinstance(second[nik], (int, float))  # Excel kept 15 digits: 3204175804760000
    for value in (first[nik], second[nik]):
        with pytest.raises(IdentityError) as info:
            parse_nik(value)
        assert info.value.code == "excel_number"


def _patch_sheet(path, transform):
    """Rewrite xl/worksheets/sheet1.xml of an .xlsx with transform(xml) -> xml."""
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = transform(data.decode()).encode()
            archive.writestr(info.filename, data)


def test_xlsx_with_200000_empty_formatted_rows(tmp_path):
    path = tmp_path / "formatted.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("DTKS")
    ws.append(DTKS_MIN)
    for i in range(5):
        ws.append(dtks_row(f"ORANG {i}", register_id=str(i)))
    styled = WriteOnlyCell(ws)
    styled.font = Font(bold=True)
    ws.append([styled, None, None, None, styled])  # gives the workbook a style id 1
    wb.save(path)
    last = 200_007

    def add_rows(xml):
        empty = "".join(
            f'<row r="{r}"><c r="A{r}" s="1"/><c r="E{r}" s="1"/></row>' for r in range(8, last + 1)
        )
        xml = xml.replace("</sheetData>", empty + "</sheetData>")
        anchor = "<sheetViews" if "<sheetViews" in xml else "<sheetData"
        return xml.replace(anchor, f'<dimension ref="A1:E{last}"/>{anchor}', 1)

    _patch_sheet(path, add_rows)
    check = openpyxl.load_workbook(path, read_only=True)
    assert check.worksheets[0].max_row == last  # openpyxl believes there are 200,007 rows
    check.close()

    started = time.perf_counter()
    with open_extract(path) as extract:
        rows = list(extract.rows())
    elapsed = time.perf_counter() - started
    assert [n for n, _ in rows] == [2, 3, 4, 5, 6]
    assert rows[4][1] == tuple(dtks_row("ORANG 4", register_id="4"))
    assert elapsed < 3.0, f"{elapsed:.2f} s"


def test_xlsx_rows_after_a_short_gap_are_read_and_small_dimension_ignored(tmp_path):
    path = tmp_path / "gap.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(DTKS_MIN)
    ws.append(dtks_row("A"))
    for column, value in enumerate(dtks_row("B"), start=1):
        ws.cell(row=2 + XLSX_EMPTY_ROWS_STOP - 1, column=column, value=value)
    wb.save(path)
    # A writer that stored a wrong, too small dimension.
    _patch_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:A1"', xml))
    with open_extract(path) as extract:
        assert [n for n, _ in extract.rows()] == [2, 2 + XLSX_EMPTY_ROWS_STOP - 1]


def test_xlsx_short_rows_are_padded_and_extra_cells_ignored(tmp_path):
    rows = [DTKS_MIN + [None, "CATATAN"], ["1", KK, NIK], dtks_row() + ["x", "catatan", "zz"]]
    path = write_xlsx(tmp_path / "short.xlsx", rows)
    with open_extract(path) as extract:
        assert extract.ignored_headers == ["CATATAN"]
        assert list(extract.rows()) == [
            (2, ("1", KK, NIK, None, None)),
            (3, tuple(dtks_row())),
        ]


def test_xlsx_header_on_a_later_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Petunjuk"
    wb.active.append(["Baca petunjuk ini dulu"])
    data = wb.create_sheet("Data")
    for row in (DTKS_MIN, dtks_row()):
        data.append(row)
    path = tmp_path / "sheets.xlsx"
    wb.save(path)
    with open_extract(path) as extract:
        assert extract.sheet_name == "Data"
        assert len(list(extract.rows())) == 1


def test_rows_can_be_read_twice_and_close(tmp_path):
    for name in ("twice.csv", "twice.xlsx"):
        path = tmp_path / name
        write_extract(path, people=30)
        with open_extract(path) as extract:
            assert list(extract.rows()) == list(extract.rows())
        if name.endswith(".xlsx"):
            with pytest.raises(ValueError):
                list(extract.rows())


# --------------------------------------------------------------------------
# CSV specifics
# --------------------------------------------------------------------------


def test_csv_quoted_values_multiline_and_row_numbers(tmp_path):
    rows = [
        DTKS_MIN + ["ALAMAT"],
        dtks_row("A") + ["JL. RAYA, NO. 5"],
        dtks_row("B") + ["KP. BARU\nRT 01"],
        dtks_row('C "ACENG"') + ["X"],
        dtks_row("D") + ["Y"],
    ]
    path = write_csv(tmp_path / "quoted.csv", rows)
    with open_extract(path) as extract:
        got = list(extract.rows())
    assert got == [
        (2, dtks_row("A") + ["JL. RAYA, NO. 5"]),
        (3, dtks_row("B") + ["KP. BARU\nRT 01"]),
        (5, dtks_row('C "ACENG"') + ["X"]),
        (6, dtks_row("D") + ["Y"]),
    ]


def test_csv_all_values_quoted(tmp_path):
    path = tmp_path / "all.csv"
    rows = [DTKS_MIN, dtks_row("A"), dtks_row("B;C"), dtks_row('D "E"'), dtks_row("")]
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL).writerows(rows)
    with open_extract(path) as extract:
        assert extract.delimiter == ";"
        assert list(extract.rows()) == [(i + 2, row) for i, row in enumerate(rows[1:])]


def test_csv_short_long_and_empty_rows(tmp_path):
    path = tmp_path / "shapes.csv"
    path.write_text(
        "ID DTKS,NO KK,NIK,NAMA,TANGGAL LAHIR\r\n"
        f"1,{KK},{NIK}\r\n"  # short: padded
        "\r\n"  # empty line: skipped
        ",,,,\r\n"  # only delimiters: skipped
        f"2,{KK},{NIK},A,18-04-1976,,,\r\n"  # trailing empty cells: fine
        f"3,{KK},{NIK},JL. A, NO 5,18-04-1976\r\n"  # one value too many: skipped
        f"4,{KK},{NIK},B,18-04-1976\r\n",
        encoding="utf-8",
    )
    with open_extract(path) as extract:
        rows = list(extract.rows())
        assert rows == [
            (2, ["1", KK, NIK, "", ""]),
            (5, ["2", KK, NIK, "A", "18-04-1976"]),
            (7, ["4", KK, NIK, "B", "18-04-1976"]),
        ]
        assert extract.skipped_count == 1
        assert extract.skipped_rows[0][0] == 6
        assert "Baris 6" in extract.skipped_rows[0][1]


def test_csv_unknown_columns_between_known_ones(tmp_path):
    header = ["NO", "ID DTKS", "CATATAN", "NO KK", "NIK", "NAMA", "TANGGAL LAHIR", ""]
    row = ["1", "77", "abc", KK, NIK, "A", "18-04-1976", "zz"]
    path = write_csv(tmp_path / "extra.csv", [header, row])
    with open_extract(path) as extract:
        assert extract.ignored_headers == ["NO", "CATATAN"]
        assert list(extract.rows()) == [(2, ("77", KK, NIK, "A", "18-04-1976"))]


def test_csv_sep_hint_line_and_tab_delimiter(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\n" + ";".join(DTKS_MIN) + "\n" + ";".join(dtks_row()) + "\n")
    with open_extract(path) as extract:
        assert (extract.delimiter, extract.header_row) == (";", 2)
        assert list(extract.rows()) == [(3, dtks_row())]
    path = write_csv(tmp_path / "tab.tsv", [DTKS_MIN, dtks_row()], delimiter="\t")
    with open_extract(path) as extract:
        assert extract.delimiter == "\t"


def test_csv_unclosed_quote(tmp_path):
    lines = [",".join(DTKS_MIN), f'1,{KK},{NIK},"ASEP,18-04-1976']
    lines += [",".join(dtks_row(str(i))) for i in range(MAX_LINES_PER_ROW + 10)]
    path = tmp_path / "quote.csv"
    path.write_text("\r\n".join(lines) + "\r\n")
    with open_extract(path) as extract:
        with pytest.raises(ReaderError) as info:
            list(extract.rows())
    assert info.value.code == "bad_quote"
    assert "baris 2" in info.value.message


def test_original_name_in_messages(tmp_path):
    path = tmp_path / "upload_tmp_123"
    path.write_bytes(b"%PDF-1.7\n")
    error = error_of(path, original_name="dtks_cimaung.xlsx")
    assert "dtks_cimaung.xlsx" in error.message


# --------------------------------------------------------------------------
# Bad files
# --------------------------------------------------------------------------


def test_pdf_refused(tmp_path):
    path = tmp_path / "dtks.csv"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    error = error_of(path)
    assert error.code == "pdf" and "PDF" in error.message


def test_html_renamed_xlsx_refused(tmp_path):
    path = tmp_path / "dtks.xlsx"
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>NIK</td></tr>"
        "</table></body></html>"
    )
    error = error_of(path)
    assert error.code == "html"
    assert "HTML" in error.message and ".xlsx" in error.message


def test_old_xls_refused(tmp_path):
    path = tmp_path / "dtks.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    error = error_of(path)
    assert error.code == "old_xls"
    assert ".xls" in error.message and ".xlsx" in error.message and "CSV" in error.message


def test_random_binary_csv_refused(tmp_path):
    path = tmp_path / "dtks.csv"
    path.write_bytes(os.urandom(20_000))
    assert error_of(path).code == "binary"


def test_control_characters_refused(tmp_path):
    path = tmp_path / "dtks.csv"
    path.write_bytes(bytes(range(1, 32)) * 100)
    assert error_of(path).code == "binary"


def test_docx_and_zip_and_broken_zip_refused(tmp_path):
    docx = tmp_path / "surat.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    error = error_of(docx)
    assert error.code == "wrong_type" and "Word" in error.message

    archive_path = tmp_path / "data.csv"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("data/dtks.csv", "ID DTKS,NIK\n")
    error = error_of(archive_path)
    assert error.code == "wrong_type" and "ZIP" in error.message

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + os.urandom(300))
    assert error_of(broken).code == "corrupt"


def test_xlsx_content_read_whatever_the_name(tmp_path):
    path = tmp_path / "data.csv"
    write_xlsx(path, [DTKS_MIN, dtks_row()])
    with open_extract(path) as extract:
        assert extract.file_format == "xlsx"


def test_empty_files_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    error = error_of(empty)
    assert error.code == "empty" and "0 byte" in error.message

    blank = tmp_path / "blank.csv"
    blank.write_text("\r\n\r\n;;;\r\n")
    assert error_of(blank).code == "empty"

    bom_only = tmp_path / "bom.csv"
    bom_only.write_bytes(b"\xef\xbb\xbf")
    assert error_of(bom_only).code == "empty"

    sheet = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(sheet)
    assert error_of(sheet).code == "empty"


def test_no_recognisable_header(tmp_path):
    rows = [["Nomor", "Nama Barang", "Jumlah"], ["1", "Beras", "10"]]
    for path in (write_csv(tmp_path / "x.csv", rows), write_xlsx(tmp_path / "x.xlsx", rows)):
        error = error_of(path)
        assert error.code == "no_header"
        for expected in ("NO KK", "NIK", "IDBDT", "nomor_induk_kependudukan"):
            assert expected in error.message


def test_missing_required_columns_named(tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [["ID DTKS", "NIK", "JENIS KELAMIN", "NOMER KK", "NAMA KEPALA"], ["1", NIK, "L", KK, "A"]],
    )
    error = error_of(path)
    assert error.code == "missing_columns"
    assert "\u201cNO KK\u201d" in error.message
    assert "\u201cNAMA\u201d" in error.message
    assert "\u201cTANGGAL LAHIR\u201d" in error.message
    missing = re.search(r"tidak ditemukan di berkas \S+: (.*?)\. Judul", error.message).group(1)
    assert "NIK" not in missing and "ID DTKS" not in missing
    assert "NOMER KK" in error.message  # the unrecognised headers are listed


def test_missing_bdt_columns_named(tmp_path):
    path = tmp_path / "bdt.csv"
    write_extract(path, layout="bdt2015", people=3)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    drop = rows[0].index("KDKEC")
    rows = [row[:drop] + row[drop + 1 :] for row in rows]
    write_csv(path, rows)
    error = error_of(path)
    assert error.code == "missing_columns"
    assert "\u201cKDKEC\u201d" in error.message and "BDT 2015" in error.message


def test_duplicate_columns_named(tmp_path):
    header = ["ID DTKS", "NO KK", "NIK", "NAMA", "TANGGAL LAHIR", "NOMOR KK"]
    path = write_csv(tmp_path / "d.csv", [header, dtks_row() + [KK]])
    error = error_of(path)
    assert error.code == "duplicate_columns"
    assert "\u201cNO KK\u201d (kolom B)" in error.message
    assert "\u201cNOMOR KK\u201d (kolom F)" in error.message
    assert "Nomor KK" in error.message


def test_error_is_a_value_error():
    assert issubclass(ReaderError, ValueError)
    assert str(ReaderError("pesan", code="x")) == "pesan"


def test_extract_repr_is_small(tmp_path):
    path = write_csv(tmp_path / "r.csv", [DTKS_MIN, dtks_row()])
    with open_extract(path) as extract:
        assert isinstance(extract, Extract)
        assert "_columns" not in repr(extract)


def test_csv_in_memory_bytes_are_not_needed(tmp_path):
    # open_extract works on paths; a Django upload is saved to a temporary file first.
    buffer = io.StringIO()
    csv.writer(buffer).writerows([DTKS_MIN, dtks_row()])
    path = tmp_path / "upload.csv"
    path.write_text(buffer.getvalue())
    with open_extract(str(path)) as extract:
        assert len(list(extract.rows())) == 1


def test_csv_header_cell_with_line_break(tmp_path):
    # A wrapped header cell (Alt+Enter in Excel) saved to CSV spans two physical lines.
    header = ["ID DTKS", "NO KK", "NIK", "NAMA\nLENGKAP", "TANGGAL\nLAHIR"]
    path = write_csv(tmp_path / "wrapped.csv", [["DATA DTKS"], header, dtks_row()])
    with open_extract(path) as extract:
        # Lines 2-4 hold the header (two cells with a line break).
        assert extract.header_row == 2 and extract.data_start_row == 5
        assert extract.headers["name"] == "NAMA LENGKAP"
        assert list(extract.rows()) == [(5, dtks_row())]
