"""Open a register extract (DTKS, BDT 2015, DTSEN) as CSV or XLSX and yield its rows.

:func:`open_extract` decides the file type by its content (not its name),
finds the header row (title rows above it are skipped), maps the headers to
canonical field names (:data:`FIELDS`; tolerant of case, spacing and
punctuation, with synonyms), detects the layout and checks its required
columns. :meth:`Extract.rows` then streams the data rows as
``(row number, values)`` with the values in :attr:`Extract.fields` order,
unchanged: ``str`` from CSV; ``str``/``int``/``float``/``datetime``/``None``
from XLSX (a NIK typed as a number stays a number, so that
:func:`beneficiaries.identity.parse_nik` can refuse it). Checking the values is
the caller's job (:mod:`beneficiaries.importing.values`, ``identity``).

Problems with the file as a whole raise :class:`ReaderError` with an
Indonesian message.

CSV is the fast path (about a million rows per 1.5 s here): lines without a
double quote are split with ``str.split``; only lines with a quote go through
the :mod:`csv` module, which also handles quoted fields that span lines.
The encoding is decided before any row is read: a streaming strict UTF-8
check of the whole file (cheap: ASCII chunks are skipped with
``bytes.isascii``), then Windows-1252 if any byte sequence is not UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path

__all__ = [
    "FIELDS",
    "LAYOUTS",
    "Extract",
    "ReaderError",
    "normalise_header",
    "open_extract",
]

LAYOUTS = ("dtks", "bdt2015", "dtsen")

#: Rows searched for the header (title rows may come first).
HEADER_SCAN_ROWS = 20
#: A header row must match at least this many known columns.
MIN_HEADER_MATCHES = 3
#: XLSX: stop after this many consecutive completely empty rows (sheets with
#: a million formatted but empty rows).
XLSX_EMPTY_ROWS_STOP = 1000
#: Skipped CSV rows kept with their message (all are counted).
MAX_SKIPPED_KEPT = 1000
#: CSV: a quoted value spanning more lines than this means an unclosed quote.
MAX_LINES_PER_ROW = 50

_CHUNK = 1 << 20
_CSV_HEAD_LINES = 300
_DELIMITERS = (",", ";", "\t", "|")


class ReaderError(ValueError):
    """The file cannot be read as a register extract.

    ``message`` is the Indonesian text for the user; ``code`` a short English
    slug: ``"empty"``, ``"wrong_type"``, ``"old_xls"``, ``"html"``, ``"pdf"``,
    ``"binary"``, ``"encoding"``, ``"corrupt"``, ``"no_header"``,
    ``"missing_columns"``, ``"duplicate_columns"``, ``"layout"``, ``"bad_quote"``.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------
# Canonical fields and header synonyms
# --------------------------------------------------------------------------

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "register_id": ("ID DTKS", "IDDTKS", "IDBDT", "id_keluarga", "ID KELUARGA"),
    "member_id": ("IDARTBDT", "ID ART"),
    "village_code": ("KODE WILAYAH", "KODE DESA", "kode_desa", "kode_wilayah",
                     "KODE DESA/KELURAHAN", "KODE KEMENDAGRI"),
    "bps_province": ("KDPROP",),
    "bps_regency": ("KDKAB",),
    "bps_district": ("KDKEC",),
    "bps_village": ("KDDESA",),
    "province_name": ("PROVINSI", "NAMA PROVINSI"),
    "regency_name": ("KABUPATEN/KOTA", "KABUPATEN_KOTA", "KABUPATEN", "NAMA KABUPATEN"),
    "district_name": ("KECAMATAN", "NAMA KECAMATAN"),
    "village_name": ("DESA/KELURAHAN", "DESA_KELURAHAN", "DESA", "KELURAHAN", "NAMA DESA"),
    "address": ("ALAMAT",),
    "dusun": ("DUSUN",),
    "rt": ("RT",),
    "rw": ("RW",),
    "no_kk": ("NO KK", "NOMOR KK", "NO_KK", "NOKK", "NOMOR_KK", "NO. KK",
              "nomor_kartu_keluarga", "KK", "NO KARTU KELUARGA"),
    "nik": ("NIK", "NOMOR NIK", "nomor_nik", "nomor_induk_kependudukan", "NO NIK"),
    "name": ("NAMA", "NAMA LENGKAP", "NAMA ART", "NAMA ANGGOTA"),
    "birth_place": ("TEMPAT LAHIR", "TmpLahir", "tempat_lahir", "TMP LAHIR"),
    "birth_date": ("TANGGAL LAHIR", "TGL LAHIR", "TglLahir", "tanggal_lahir"),
    "birth_place_date": ("TEMPAT/TANGGAL LAHIR", "TTL", "TEMPAT TGL LAHIR"),
    "sex": ("JENIS KELAMIN", "JnsKel", "jenis_kelamin", "JK", "L/P", "JENKEL"),
    "mother_name": ("NAMA IBU KANDUNG", "namagadis_ibukandung", "nama_ibu_kandung",
                    "IBU KANDUNG", "NAMA IBU"),
    "relation": ("HUBUNGAN KELUARGA", "HUBUNGAN DENGAN KEPALA KELUARGA", "Hubkel",
                 "hubungan_keluarga", "SHDK", "STATUS HUBUNGAN DALAM KELUARGA"),
    "household_relation": ("Hub_KRT", "HUBUNGAN DENGAN KRT",
                           "HUBUNGAN DENGAN KEPALA RUMAH TANGGA"),
    "family_number": ("NUK",),
    "occupation": ("PEKERJAAN", "JENIS PEKERJAAN"),
    "disability": ("DISABILITAS", "PENYANDANG DISABILITAS", "JENIS CACAT", "JENIS DISABILITAS"),
    "desil": ("DESIL", "desil_nasional", "DESIL NASIONAL"),
    "percentile": ("percentile", "PERSENTIL"),
    "age": ("Umur",),
    "marital_status": ("Sta_kawin", "STATUS KAWIN", "STATUS PERKAWINAN"),
    "presence": ("Sta_keberadaan_art", "KEBERADAAN ART", "STATUS KEBERADAAN"),
    "flag_pkh": ("PKH", "BANSOS PKH", "bansos_pkh", "Ada_pkh"),
    "flag_bpnt": ("BPNT", "SEMBAKO", "bansos_bpnt", "Ada_BPNT", "BANSOS BPNT"),
    "flag_pbi": ("PBI", "PBI JK", "PBI JKN", "pbi_jkn", "Ada_pbi", "KIS"),
    "flag_pip": ("PIP", "KIP", "Ada_kip"),
    "flag_kks": ("KKS", "Ada_kks"),
    "pkh_participant_no": ("NoPesertaPKH", "NO PESERTA PKH"),
}  # fmt: skip

#: Canonical field names, in a stable order.
FIELDS = tuple(_SYNONYMS)

_NON_ALNUM = re.compile(r"[\W_]+")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def normalise_header(text: object) -> str:
    """A header reduced for matching: upper case, letters and digits only, without
    a parenthesised note ("No. KK" -> "NOKK", "Tanggal Lahir (DD-MM-YYYY)" ->
    "TANGGALLAHIR")."""
    if text is None:
        return ""
    raw = str(text).upper()
    key = _NON_ALNUM.sub("", _PARENTHESES.sub("", raw))
    return key or _NON_ALNUM.sub("", raw)


def _build_header_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, synonyms in _SYNONYMS.items():
        for synonym in synonyms:
            key = normalise_header(synonym)
            if table.get(key, name) != name:
                raise AssertionError(f"header {synonym!r} maps to {table[key]} and {name}")
            table[key] = name
    return table


_HEADER_TABLE = _build_header_table()

# Normalised headers that point to one layout.
_BDT_MARKERS = frozenset({"IDBDT", "IDARTBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "HUBKRT",
                          "NOPESERTAPKH", "ADAPKH", "ADAKKS", "ADAPBI", "ADAKIP", "ADABPNT",
                          "STAKEBERADAANART", "STAKAWIN"})  # fmt: skip
_DTSEN_MARKERS = frozenset({"IDKELUARGA", "NOMORKARTUKELUARGA", "NOMORINDUKKEPENDUDUKAN",
                            "DESILNASIONAL"})  # fmt: skip

_BIRTH = ("birth_date", "birth_place_date")
_REQUIRED = {
    "dtks": ("register_id", "nik", "no_kk", "name", _BIRTH),
    "bdt2015": ("register_id", "member_id", "name", "nik", "bps_province", "bps_regency",
                "bps_district", "bps_village", "birth_date"),
    "dtsen": ("register_id", "no_kk", "nik", "name", _BIRTH),
}  # fmt: skip

_LAYOUT_NAMES = {"dtks": "DTKS", "bdt2015": "BDT 2015", "dtsen": "DTSEN"}

# Header names shown in messages, as each layout writes them.
_LABELS = {
    "dtks": {"register_id": "ID DTKS", "nik": "NIK", "no_kk": "NO KK", "name": "NAMA",
             "birth_date": "TANGGAL LAHIR", "birth_place_date": "TEMPAT/TANGGAL LAHIR"},
    "bdt2015": {"register_id": "IDBDT", "member_id": "IDARTBDT", "name": "Nama", "nik": "NIK",
                "bps_province": "KDPROP", "bps_regency": "KDKAB", "bps_district": "KDKEC",
                "bps_village": "KDDESA", "birth_date": "TglLahir"},
    "dtsen": {"register_id": "id_keluarga", "no_kk": "nomor_kartu_keluarga",
              "nik": "nomor_induk_kependudukan", "name": "nama", "birth_date": "tanggal_lahir",
              "birth_place_date": "TEMPAT/TANGGAL LAHIR"},
}  # fmt: skip

# What a field means, for duplicate-column messages.
_MEANINGS = {
    "register_id": "ID keluarga/rumah tangga", "member_id": "ID anggota", "nik": "NIK",
    "no_kk": "Nomor KK", "name": "nama", "birth_date": "tanggal lahir",
    "birth_place": "tempat lahir", "birth_place_date": "tempat/tanggal lahir",
    "sex": "jenis kelamin", "village_code": "kode wilayah desa", "village_name": "nama desa",
    "regency_name": "nama kabupaten/kota", "relation": "hubungan keluarga",
    "flag_pbi": "kepesertaan PBI", "flag_pip": "PIP/KIP", "flag_bpnt": "BPNT/Sembako",
}  # fmt: skip


def _label(layout: str, name: str) -> str:
    return _LABELS[layout].get(name) or _SYNONYMS[name][0]


def _column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (as Excel shows columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _header_score(row: Sequence) -> int:
    """How many distinct known fields a row's cells name."""
    found = set()
    for cell in row:
        if cell is not None and cell != "":
            name = _HEADER_TABLE.get(normalise_header(cell))
            if name is not None:
                found.add(name)
    return len(found)


_NUMBERING = re.compile(r"(?:KOLOM|KOL\.?|K)?\s*[(\[]?\s*(\d{1,3})\s*[)\]]?\.?", re.IGNORECASE)


def _is_numbering_row(row: Sequence, width: int) -> bool:
    """A second header row that only numbers the columns: "KOLOM 1", "(1)", 1, 2..."""
    numbers = []
    for cell in row[:width]:
        if cell is None or cell == "":
            continue
        if isinstance(cell, bool):
            return False
        if isinstance(cell, (int, float)):
            if cell != int(cell):
                return False
            numbers.append(int(cell))
            continue
        match = _NUMBERING.fullmatch(str(cell).strip())
        if not match:
            return False
        numbers.append(int(match.group(1)))
    if len(numbers) < MIN_HEADER_MATCHES:
        return False
    return all(a < b for a, b in zip(numbers, numbers[1:], strict=False))


# --------------------------------------------------------------------------
# The extract
# --------------------------------------------------------------------------


@dataclass(eq=False)
class Extract:
    """An opened register extract. Use as a context manager (closes an XLSX file).

    ``fields``: canonical names present, in the order of the values in each
    row; ``headers``: canonical name -> header text as written; ``header_row``:
    1-based line (CSV) or sheet row (XLSX) of the header; ``data_start_row``:
    where data may start (after a numbering row, if any). ``skipped_rows``:
    CSV rows that :meth:`rows` did not yield because they have more values
    than the header (probably an unquoted delimiter inside a value, which
    shifts the columns), as (row number, message); ``skipped_count`` counts
    them all (only the first :data:`MAX_SKIPPED_KEPT` are kept).
    """

    layout: str
    fields: list[str]
    headers: dict[str, str]
    ignored_headers: list[str]
    header_row: int
    data_start_row: int
    file_format: str  # "csv" | "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: str | None = None
    path: Path | None = None
    display_name: str = ""
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)
    skipped_count: int = 0
    _columns: tuple[int, ...] = field(default=(), repr=False)
    _width: int = field(default=0, repr=False)
    _skip_records: int = field(default=0, repr=False)
    _workbook: object = field(default=None, repr=False)
    _sheet: object = field(default=None, repr=False)
    _source: object = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, Sequence]]:
        """Yield ``(row number, values)`` for each data row, values in :attr:`fields`
        order (a list or tuple; do not modify it). Completely empty rows are
        skipped. The row number is what the user sees: the physical line of
        the file for CSV (the first line, if a quoted value spans lines),
        the sheet row for XLSX. Each call reads the file again from the start.
        """
        if self.file_format == "csv":
            return self._csv_rows()
        return self._xlsx_rows()

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = self._sheet = None
        if self._source is not None:
            self._source.close()
            self._source = None

    def __enter__(self) -> Extract:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass

    # -- CSV ---------------------------------------------------------------

    def _getter(self):
        columns, width = self._columns, self._width
        if self.file_format == "csv" and columns == tuple(range(width)):
            return None  # every column is mapped, in order: yield the row itself
        if len(columns) == 1:
            index = columns[0]
            return lambda row: (row[index],)
        return itemgetter(*columns)

    def _skip(self, count: int) -> None:
        self.skipped_count += 1
        if len(self.skipped_rows) < MAX_SKIPPED_KEPT:
            self.skipped_rows.append(
                (
                    count,
                    f"Baris {count} berisi lebih banyak kolom daripada judul kolom ("
                    f"{self._width}); kemungkinan ada tanda pemisah '{self.delimiter}' di dalam "
                    "isian yang tidak diberi tanda kutip sehingga kolomnya bergeser. Baris ini "
                    "tidak dibaca.",
                )
            )

    def _csv_rows(self) -> Iterator[tuple[int, Sequence]]:
        delimiter, width, getter = self.delimiter, self._width, self._getter()
        self.skipped_rows = []
        self.skipped_count = 0
        with open(self.path, encoding=self.encoding, newline="") as lines:
            feeder = _LineFeeder(lines)
            reader = csv.reader(feeder, delimiter=delimiter)
            number = 0
            for _ in range(self._skip_records):  # title rows, header, numbering row
                line = next(lines, None)
                if line is None:
                    return
                number += 1
                if '"' in line:
                    feeder.first, feeder.extra = line, 0
                    self._quoted(reader, number)
                    number += feeder.extra
            quoted_separator = f'"{delimiter}"'
            for line in lines:
                number += 1
                if '"' not in line:
                    row = line.rstrip("\r\n").split(delimiter)
                    start = number
                else:
                    start = number
                    body = line.rstrip("\r\n")
                    row = None
                    if body[:1] == '"' and body[-1:] == '"':
                        # Every value quoted ("a";"b";"c"), none containing a quote: split.
                        row = body[1:-1].split(quoted_separator)
                        if body.count('"') != 2 * len(row):
                            row = None
                    if row is None:
                        # Other quoting: the csv module (may read more lines).
                        feeder.first, feeder.extra = line, 0
                        row = self._quoted(reader, start)
                        number += feeder.extra
                        if feeder.extra > MAX_LINES_PER_ROW:
                            raise self._unclosed_quote(start)
                if len(row) != width:
                    if len(row) < width:
                        if not any(cell.strip() for cell in row):
                            continue
                        row += [""] * (width - len(row))
                    elif any(row[width:]):
                        self._skip(start)
                        continue
                    else:
                        del row[width:]  # trailing empty cells ("a;b;c;;;")
                elif not row[0] and not any(row):
                    continue
                yield start, row if getter is None else getter(row)

    def _unclosed_quote(self, start: int) -> ReaderError:
        return ReaderError(
            f'Berkas {_q(self.display_name)}: tanda kutip (") pada baris {start} tidak '
            "ditutup, sehingga baris-baris sesudahnya terbaca sebagai satu isian. Perbaiki baris "
            "itu di Excel atau editor teks lalu simpan ulang.",
            code="bad_quote",
        )

    def _quoted(self, reader, start: int) -> list[str]:
        try:
            return next(reader)
        except csv.Error as err:  # e.g. a field over the size limit: an unclosed quote
            raise self._unclosed_quote(start) from err

    # -- XLSX --------------------------------------------------------------

    def _xlsx_rows(self) -> Iterator[tuple[int, Sequence]]:
        sheet = self._sheet
        if sheet is None:
            raise ValueError("Extract is closed")
        width, getter = self._width, self._getter()
        padding = (None,) * width
        empty_run = 0
        number = self.data_start_row - 1
        for row in sheet.iter_rows(min_row=self.data_start_row, values_only=True):
            number += 1
            if not any(row) and _is_empty(row):
                empty_run += 1
                if empty_run >= XLSX_EMPTY_ROWS_STOP:
                    return
                continue
            empty_run = 0
            if len(row) < width:
                row = tuple(row) + padding[len(row) :]
            yield number, getter(row)


class _LineFeeder:
    """Lines for a csv.reader: first the pushed line, then more from the file
    (counted in ``extra``) while a quoted value continues."""

    __slots__ = ("lines", "first", "extra")

    def __init__(self, lines) -> None:
        self.lines = lines
        self.first = None
        self.extra = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.first
        if line is not None:
            self.first = None
            return line
        line = next(self.lines)
        self.extra += 1
        return line


def _is_empty(row: Sequence) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


# --------------------------------------------------------------------------
# Opening
# --------------------------------------------------------------------------


def open_extract(
    path: str | os.PathLike, *, layout: str = "auto", original_name: str | None = None
) -> Extract:
    """Open a register extract and read its header.

    ``layout``: "auto" (detect), "dtks", "bdt2015" or "dtsen"; an explicit
    layout is used even if the columns look like another one, but its
    required columns must be there. ``original_name``: the file name as the
    user uploaded it, for messages (default: the name of ``path``).

    Raises :class:`ReaderError`. Use the result as a context manager.
    """
    path = Path(path)
    shown = original_name or path.name
    if layout not in ("auto", *LAYOUTS):
        raise ReaderError(
            f"Format register tidak dikenal: '{layout}' (pilih: auto, {', '.join(LAYOUTS)}).",
            code="layout",
        )
    kind, bom_encoding = _sniff(path, shown)
    if kind == "xlsx":
        return _open_xlsx(path, shown, layout)
    return _open_csv(path, shown, layout, bom_encoding)


def _q(name: str) -> str:
    return f"\u201c{name}\u201d"


def _sniff(path: Path, shown: str) -> tuple[str, str | None]:
    """("xlsx" | "csv", encoding given by a BOM) from the first bytes; ReaderError
    for anything that is neither."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError as err:
        raise ReaderError(
            f"Berkas {_q(shown)} tidak dapat dibuka: {err.strerror}.", code="corrupt"
        ) from err
    if size == 0:
        raise ReaderError(f"Berkas {_q(shown)} kosong (0 byte).", code="empty")
    save_as = 'Buka berkas di Excel, lalu Simpan Sebagai "Excel Workbook (.xlsx)" atau "CSV".'
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path, shown, save_as), None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ReaderError(
            f"Berkas {_q(shown)} berformat Excel lama (.xls) atau dilindungi kata sandi, yang "
            f'tidak dapat dibaca. Buka di Excel, lalu Simpan Sebagai "Excel Workbook (.xlsx)" '
            f'atau "CSV" (tanpa kata sandi), dan unggah berkas itu.',
            code="old_xls",
        )
    if head.startswith(b"%PDF"):
        raise ReaderError(
            f"Berkas {_q(shown)} adalah dokumen PDF, bukan tabel data. Unduh/ekspor data dari "
            "aplikasi sebagai Excel (.xlsx) atau CSV.",
            code="pdf",
        )
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        raise ReaderError(
            f"Berkas {_q(shown)} adalah gambar, bukan tabel data. Unggah berkas Excel (.xlsx) "
            "atau CSV.",
            code="wrong_type",
        )
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        raise ReaderError(
            f"Berkas {_q(shown)} adalah arsip terkompresi. Ekstrak dulu, lalu unggah berkas "
            ".xlsx atau .csv di dalamnya.",
            code="wrong_type",
        )
    if head.startswith(b"{\\rtf"):
        raise ReaderError(
            f"Berkas {_q(shown)} adalah dokumen (RTF), bukan tabel data. {save_as}",
            code="wrong_type",
        )
    bom = None
    if head.startswith(codecs.BOM_UTF8):
        bom = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        bom = "utf-16"
    if bom != "utf-16":
        start = head[3:] if bom else head
        lowered = start.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<meta")):
            raise ReaderError(
                f"Berkas {_q(shown)} sebenarnya halaman web (HTML), walaupun namanya seperti "
                f"berkas Excel/CSV. {save_as}",
                code="html",
            )
        if lowered.startswith(b"<?xml"):
            raise ReaderError(
                f"Berkas {_q(shown)} berformat XML (mis. Excel \u201cXML Spreadsheet 2003\u201d), "
                f"bukan .xlsx atau CSV. {save_as}",
                code="wrong_type",
            )
        if b"\x00" in head:
            raise ReaderError(
                f"Berkas {_q(shown)} bukan berkas CSV maupun Excel .xlsx (isinya data biner). "
                "Pilih berkas .xlsx atau .csv hasil ekspor data register.",
                code="binary",
            )
    return "csv", bom


def _sniff_zip(path: Path, shown: str, save_as: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError) as err:
        raise ReaderError(
            f"Berkas {_q(shown)} rusak atau tidak lengkap (arsip ZIP/Excel tidak terbaca). "
            "Coba unduh ulang, atau buka di Excel dan simpan ulang.",
            code="corrupt",
        ) from err
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        message = f'Berkas {_q(shown)} berformat "Excel Binary Workbook" (.xlsb). {save_as}'
        code = "wrong_type"
    elif "word/document.xml" in names:
        message = f"Berkas {_q(shown)} adalah dokumen Word, bukan tabel data. {save_as}"
        code = "wrong_type"
    elif any(n.startswith("ppt/") for n in names):
        message = f"Berkas {_q(shown)} adalah presentasi PowerPoint, bukan tabel data."
        code = "wrong_type"
    elif b"opendocument" in mimetype:
        message = (
            f"Berkas {_q(shown)} berformat OpenDocument (LibreOffice, .ods/.odt). "
            'Simpan Sebagai "Excel 2007-365 (.xlsx)" atau CSV.'
        )
        code = "wrong_type"
    else:
        message = (
            f"Berkas {_q(shown)} adalah arsip ZIP, bukan berkas Excel. Ekstrak dulu, lalu "
            "unggah berkas .xlsx atau .csv di dalamnya."
        )
        code = "wrong_type"
    raise ReaderError(message, code=code)


# -- header analysis (shared) ---------------------------------------------------


def _find_header(rows: Sequence[Sequence]) -> tuple[int, int]:
    """(index, score) of the row naming the most known fields; first wins a tie."""
    best, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _header_score(row)
        if score > best_score:
            best, best_score = index, score
    return best, best_score


def _no_header_error(shown: str, where: str = "") -> ReaderError:
    return ReaderError(
        f"Judul kolom tidak ditemukan pada {HEADER_SCAN_ROWS} baris pertama berkas "
        f"{_q(shown)}{where}. Minimal {MIN_HEADER_MATCHES} judul kolom harus dikenali, "
        "misalnya: ID DTKS, NIK, NO KK, NAMA, TANGGAL LAHIR (DTKS); IDBDT, IDARTBDT, KDPROP, "
        "KDKAB, KDKEC, KDDESA, Nama, NIK, TglLahir (BDT 2015); id_keluarga, "
        "nomor_kartu_keluarga, nomor_induk_kependudukan, nama, tanggal_lahir (DTSEN).",
        code="no_header",
    )


@dataclass
class _Header:
    layout: str
    fields: list[str]
    headers: dict[str, str]
    ignored: list[str]
    columns: tuple[int, ...]
    width: int


def _analyse_header(row: Sequence, layout: str, shown: str, width: int) -> _Header:
    positions: dict[str, list[int]] = {}
    ignored: list[str] = []
    keys: set[str] = set()
    for index, cell in enumerate(row[:width]):
        text = _cell_text(cell)
        if not text:
            continue
        key = normalise_header(text)
        keys.add(key)
        name = _HEADER_TABLE.get(key)
        if name is None:
            ignored.append(text)
        else:
            positions.setdefault(name, []).append(index)

    duplicates = {name: where for name, where in positions.items() if len(where) > 1}
    if duplicates:
        parts = []
        for name, where in duplicates.items():
            columns = " dan ".join(
                f"{_q(_cell_text(row[i]))} (kolom {_column_letter(i)})" for i in where
            )
            parts.append(f"{columns} sama-sama berarti {_MEANINGS.get(name, name)}")
        raise ReaderError(
            f"Berkas {_q(shown)} punya kolom ganda: {'; '.join(parts)}. Hapus atau ganti nama "
            "salah satunya agar jelas kolom mana yang dipakai.",
            code="duplicate_columns",
        )

    if layout == "auto":
        bdt = len(keys & _BDT_MARKERS)
        dtsen = len(keys & _DTSEN_MARKERS)
        layout = "bdt2015" if bdt and bdt >= dtsen else "dtsen" if dtsen else "dtks"

    missing = []
    for need in _REQUIRED[layout]:
        if isinstance(need, tuple):
            if not any(n in positions for n in need):
                missing.append(
                    f"{_q(_label(layout, need[0]))} (atau {_q(_label(layout, need[1]))})"
                )
        elif need not in positions:
            missing.append(_q(_label(layout, need)))
    if missing:
        unknown = ""
        if ignored:
            unknown = f" Judul kolom yang tidak dikenali: {', '.join(map(_q, ignored))}."
        raise ReaderError(
            f"Kolom wajib untuk format {_LAYOUT_NAMES[layout]} tidak ditemukan di berkas "
            f"{_q(shown)}: {', '.join(missing)}.{unknown} Periksa judul kolomnya.",
            code="missing_columns",
        )

    order = sorted(positions.items(), key=lambda item: item[1][0])
    return _Header(
        layout=layout,
        fields=[name for name, _ in order],
        headers={name: _cell_text(row[where[0]]) for name, where in order},
        ignored=ignored,
        columns=tuple(where[0] for _, where in order),
        width=width,
    )


# -- CSV --------------------------------------------------------------------------


def _check_decodes(path: Path, encoding: str) -> int | None:
    """None if the whole file decodes strictly; else the line number of the first
    bad byte. Streams the file (small memory); ASCII chunks are skipped."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    ascii_skip = encoding != "utf-16"
    offset = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            if not (ascii_skip and chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as err:
                    return _line_at(path, offset + err.start)
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _line_at(path, offset)
    return None


def _line_at(path: Path, offset: int) -> int:
    """1-based line number of a byte offset."""
    newlines = 0
    with open(path, "rb") as f:
        while offset > 0:
            chunk = f.read(min(_CHUNK, offset))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            offset -= len(chunk)
    return newlines + 1


def _detect_encoding(path: Path, shown: str, bom: str | None) -> str:
    if bom:
        bad = _check_decodes(path, bom)
        if bad is None:
            return bom
        raise ReaderError(
            f"Berkas {_q(shown)} ditandai sebagai teks {bom.upper().replace('-SIG', '')} tetapi "
            f"berisi karakter yang rusak pada baris {bad}. Simpan ulang berkas sebagai CSV "
            "UTF-8.",
            code="encoding",
        )
    if _check_decodes(path, "utf-8") is None:
        return "utf-8"
    # Not UTF-8: Excel on Windows saves "CSV (dipisahkan koma)" as Windows-1252.
    if _check_decodes(path, "cp1252") is None:
        return "cp1252"
    raise ReaderError(
        f"Berkas {_q(shown)} tidak dapat dibaca sebagai teks CSV (bukan UTF-8 maupun "
        "Windows-1252). Simpan ulang dari Excel sebagai \u201cCSV UTF-8\u201d.",
        code="encoding",
    )


def _open_csv(path: Path, shown: str, layout: str, bom: str | None) -> Extract:
    encoding = _detect_encoding(path, shown, bom)
    with open(path, encoding=encoding, newline="") as f:
        head = list(islice(f, _CSV_HEAD_LINES))
    if not head:
        raise ReaderError(f"Berkas {_q(shown)} tidak berisi baris apa pun.", code="empty")
    text_sample = "".join(head[:50])
    if sum(ch < " " and ch not in "\t\r\n" for ch in text_sample) > len(text_sample) // 100:
        raise ReaderError(
            f"Berkas {_q(shown)} bukan berkas CSV maupun Excel .xlsx (isinya data biner). "
            "Pilih berkas .xlsx atau .csv hasil ekspor data register.",
            code="binary",
        )

    # Excel's "sep=;" hint line.
    forced = None
    first = head[0].strip()
    if len(first) == 5 and first.lower().startswith("sep="):
        forced = first[4]
    candidates = (forced,) if forced else _DELIMITERS

    best = None  # (score, delimiter, records, starts, header index)
    for delimiter in candidates:
        reader = csv.reader(iter(head), delimiter=delimiter)
        records, starts = [], []
        previous = 0
        try:
            for record in reader:
                starts.append(previous + 1)
                previous = reader.line_num
                records.append(record)
                if len(records) > HEADER_SCAN_ROWS:
                    break
        except csv.Error:
            continue
        index, score = _find_header(records)
        if best is None or score > best[0]:
            best = (score, delimiter, records, starts, index)
    if len(head) < _CSV_HEAD_LINES and not any(line.strip(" \t\r\n,;|") for line in head):
        raise ReaderError(f"Berkas {_q(shown)} tidak berisi baris apa pun.", code="empty")
    if best is None:
        raise _no_header_error(shown)
    score, delimiter, records, starts, index = best
    if score < MIN_HEADER_MATCHES:
        raise _no_header_error(shown)

    header_cells = records[index]
    header = _analyse_header(header_cells, layout, shown, len(header_cells))
    skip = index + 1
    following = records[index + 1] if index + 1 < len(records) else None
    if following is not None and _is_numbering_row(following, header.width):
        skip += 1
    data_start = starts[skip] if skip < len(starts) else starts[-1] + 1
    return Extract(
        layout=header.layout,
        fields=header.fields,
        headers=header.headers,
        ignored_headers=header.ignored,
        header_row=starts[index],
        data_start_row=data_start,
        file_format="csv",
        encoding=encoding,
        delimiter=delimiter,
        path=path,
        display_name=shown,
        _columns=header.columns,
        _width=header.width,
        _skip_records=skip,
    )


# -- XLSX -------------------------------------------------------------------------


def _open_xlsx(path: Path, shown: str, layout: str) -> Extract:
    import openpyxl

    # A file object, not the path: openpyxl would refuse a name not ending in .xlsx.
    source = open(path, "rb")  # noqa: SIM115 - closed by Extract.close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any parse failure means a broken file
        source.close()
        raise ReaderError(
            f"Berkas {_q(shown)} tampak seperti Excel .xlsx tetapi rusak atau tidak lengkap "
            f"({type(err).__name__}). Coba buka di Excel dan simpan ulang.",
            code="corrupt",
        ) from err
    try:
        extract = _read_xlsx_header(workbook, path, shown, layout)
    except BaseException:
        workbook.close()
        source.close()
        raise
    extract._source = source
    return extract


def _read_xlsx_header(workbook, path: Path, shown: str, layout: str) -> Extract:
    any_rows = False
    for sheet in workbook.worksheets:
        if not hasattr(sheet, "reset_dimensions"):
            continue
        # The stored dimension may be wrong (too small or a million rows): ignore it.
        sheet.reset_dimensions()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows = [
                    tuple(row)
                    for row in sheet.iter_rows(max_row=HEADER_SCAN_ROWS + 1, values_only=True)
                ]
        except Exception as err:  # noqa: BLE001
            raise ReaderError(
                f"Lembar {_q(sheet.title)} pada berkas {_q(shown)} rusak dan tidak dapat dibaca "
                f"({type(err).__name__}). Coba buka di Excel dan simpan ulang.",
                code="corrupt",
            ) from err
        if any(not _is_empty(row) for row in rows):
            any_rows = True
        index, score = _find_header(rows)
        if score < MIN_HEADER_MATCHES:
            continue
        cells = rows[index]
        width = max(i + 1 for i, cell in enumerate(cells) if _cell_text(cell))
        header = _analyse_header(cells, layout, shown, width)
        data_start = index + 2
        if index + 1 < len(rows) and _is_numbering_row(rows[index + 1], width):
            data_start += 1
        return Extract(
            layout=header.layout,
            fields=header.fields,
            headers=header.headers,
            ignored_headers=header.ignored,
            header_row=index + 1,
            data_start_row=data_start,
            file_format="xlsx",
            sheet_name=sheet.title,
            path=path,
            display_name=shown,
            _columns=header.columns,
            _width=header.width,
            _workbook=workbook,
            _sheet=sheet,
        )
    if not any_rows:
        raise ReaderError(f"Berkas {_q(shown)} tidak berisi baris apa pun.", code="empty")
    where = "" if len(workbook.worksheets) == 1 else " (di lembar mana pun)"
    raise _no_header_error(shown, where)
