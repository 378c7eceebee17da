"""Value parsers for register columns (beneficiaries.importing.values). No database."""

from datetime import date, datetime

import pytest

from beneficiaries.importing.values import (
    PRESENCE_CHOICES,
    RELATION_CODES,
    ValueProblem,
    clean_text,
    desil_from_percentile,
    normalise_village_code,
    parse_bdt_relation,
    parse_date,
    parse_desil,
    parse_flag,
    parse_int,
    parse_presence,
    parse_relation,
    parse_rt_rw,
    parse_sex,
    split_birth_place_date,
    split_bps,
)
from beneficiaries.synthetic import BDT_RELATION_CODES, RELATION_NAMES

TODAY = date(2025, 6, 30)


def problem(func, *args, **kwargs) -> ValueProblem:
    with pytest.raises(ValueProblem) as info:
        func(*args, **kwargs)
    return info.value


def test_value_problem():
    error = ValueProblem("pesan", code="x")
    assert isinstance(error, ValueError)
    assert (str(error), error.message, error.code) == ("pesan", "pesan", "x")


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["12-01-1990", "12/01/1990", "12.01.1990", "1990-01-12", "1990/01/12", " 12-01-1990 ",
     "12-1-1990", "12 - 01 - 1990", "12 Januari 1990", "12 JANUARI 1990", "12-Jan-1990",
     "12 jan. 1990", "1990-01-12 00:00:00", "1990-01-12T08:30:00", "12-01-1990 00:00",
     datetime(1990, 1, 12, 7, 45), date(1990, 1, 12), 32885, 32885.0, 32885.75, "32885"],
)  # fmt: skip
def test_parse_date_accepts(value):
    assert parse_date(value) == date(1990, 1, 12)
    assert parse_date(value, today=TODAY) == date(1990, 1, 12)


def test_parse_date_single_digit_day_and_month():
    assert parse_date("1-2-1990") == date(1990, 2, 1)
    assert parse_date("01/02/1990") == date(1990, 2, 1)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_date_empty(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "value, code, text",
    [
        ("31-02-1990", "calendar", "Tanggal lahir '31-02-1990' tidak ada di kalender."),
        ("29-02-1991", "calendar", "'29-02-1991' tidak ada di kalender"),
        ("12-25-1990", "calendar", "bulan-tanggal"),
        ("12-01-90", "year_2digit", "tahun 2 digit"),
        ("12/1/90", "year_2digit", "'12/1/90'"),
        ("01-01-2030", "future", "'01-01-2030' ada di masa depan"),
        ("31-12-1889", "too_old", "sebelum tahun 1890"),
        ("kemarin", "format", "'kemarin' tidak dikenali sebagai tanggal"),
        ("1990", "format", "'1990'"),
        ("12 Foo 1990", "format", "'12 Foo 1990'"),
        ("19900112", "format", "'19900112'"),
        (1_500_000_000, "excel_serial", "'1500000000' berupa angka"),
        (60, "excel_serial", "'60'"),  # Excel's non-existent 29-02-1900
        (0, "excel_serial", "'0'"),
        (-5, "excel_serial", "'-5'"),
        (50000, "excel_serial", "'50000'"),  # 2036: after today
        (True, "format", "'True'"),
        (datetime(2030, 1, 1), "future", "'01-01-2030 00:00'"),
        (float("nan"), "format", "'nan'"),
    ],
)
def test_parse_date_refuses(value, code, text):
    error = problem(parse_date, value, today=TODAY)
    assert error.code == code
    assert text in error.message


def test_parse_date_label_and_today():
    assert (
        "Tanggal terbit '31-02-2000'"
        in problem(parse_date, "31-02-2000", label="Tanggal terbit").message
    )
    # A date accepted (and remembered) once is still checked against an explicit today.
    assert parse_date("01-01-2020") == date(2020, 1, 1)
    assert problem(parse_date, "01-01-2020", today=date(2019, 12, 31)).code == "future"
    assert parse_date("30-06-2025", today=TODAY) == TODAY


@pytest.mark.parametrize(
    "value, expected",
    [
        ("BANDUNG, 12-01-1990", ("BANDUNG", date(1990, 1, 12))),
        ("BANDUNG,12-01-1990", ("BANDUNG", date(1990, 1, 12))),
        ("BANDUNG/12-01-1990", ("BANDUNG", date(1990, 1, 12))),
        ("BANDUNG 12-01-1990", ("BANDUNG", date(1990, 1, 12))),
        ("BANDUNG / 12/01/1990", ("BANDUNG", date(1990, 1, 12))),
        ("Kab. Bandung, 12 Januari 1990", ("Kab. Bandung", date(1990, 1, 12))),
        ("TANJUNG PINANG, 1990-01-12", ("TANJUNG PINANG", date(1990, 1, 12))),
        ("  BANDUNG ,  12-01-1990 ", ("BANDUNG", date(1990, 1, 12))),
        ("BANDUNG", ("BANDUNG", None)),
        ("12-01-1990", (None, date(1990, 1, 12))),
        (datetime(1990, 1, 12), (None, date(1990, 1, 12))),
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_split_birth_place_date(value, expected):
    assert split_birth_place_date(value) == expected


def test_split_birth_place_date_refuses():
    error = problem(split_birth_place_date, "BANDUNG, 31-02-1990")
    assert error.code == "calendar" and "'31-02-1990'" in error.message
    assert problem(split_birth_place_date, "BANDUNG, 12-01-90").code == "year_2digit"
    error = problem(split_birth_place_date, "BANDUNG 12")
    assert error.code == "format" and "'BANDUNG 12'" in error.message


# --------------------------------------------------------------------------
# Sex, flags
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [("L", "L"), ("l", "L"), ("LAKI-LAKI", "L"), ("Laki-laki", "L"), ("LAKI LAKI", "L"),
     ("laki - laki", "L"), ("PRIA", "L"), ("LK", "L"), ("1", "L"), (1, "L"), (1.0, "L"),
     ("1.0", "L"), ("Lelaki", "L"),
     ("P", "P"), ("PEREMPUAN", "P"), ("Perempuan", "P"), ("WANITA", "P"), ("2", "P"), (2, "P"),
     (" p ", "P"), ("2.0", "P"), (None, None), ("", None), ("  ", None)],
)  # fmt: skip
def test_parse_sex(value, expected):
    assert parse_sex(value) == expected


@pytest.mark.parametrize("value", ["X", "3", 3, "PL", "LAKI PEREMPUAN", 1.5])
def test_parse_sex_refuses(value):
    error = problem(parse_sex, value)
    assert error.code == "unknown"
    assert f"'{value}'" in error.message and "L/P" in error.message


@pytest.mark.parametrize(
    "value", ["YA", "Ya", "ya", "Y", "1", 1, 1.0, "1.0", "TRUE", "True", True, "ADA", " ya "]
)
def test_parse_flag_true(value):
    assert parse_flag(value) is True


@pytest.mark.parametrize(
    "value",
    ["TIDAK", "Tidak", "T", "N", "0", 0, 0.0, "2", 2, "2.0", "FALSE", False, "", "-", None,
     "  ", "TIDAK ADA"],
)  # fmt: skip
def test_parse_flag_false(value):
    assert parse_flag(value) is False


@pytest.mark.parametrize("value", ["MUNGKIN", "3", 3, "YA/TIDAK", 0.5])
def test_parse_flag_refuses(value):
    error = problem(parse_flag, value, label="PKH")
    assert error.code == "unknown"
    assert error.message.startswith(f"PKH '{value}' tidak dikenali")


# --------------------------------------------------------------------------
# Relations
# --------------------------------------------------------------------------


@pytest.mark.parametrize("code, name", sorted(RELATION_NAMES.items()))
def test_parse_relation_codes_and_names(code, name):
    assert RELATION_CODES[code] == name
    for value in (code, str(code), f"{code:02d}", float(code), name, name.lower(), name.title()):
        assert parse_relation(value) == code


@pytest.mark.parametrize(
    "value, expected",
    [("KK", 1), ("Kepala  Keluarga", 1), ("ISTERI", 3), ("ANAK KANDUNG", 4), ("anak tiri", 4),
     ("ORANG-TUA", 7), ("orangtua", 7), ("FAMILI  LAIN", 9), ("Lain-lain", 11),
     ("PEMBANTU RUMAH TANGGA", 10), ("1 - KEPALA KELUARGA", 1), ("4. Anak", 4), ("1.0", 1),
     (None, None), ("", None)],
)  # fmt: skip
def test_parse_relation_spellings(value, expected):
    assert parse_relation(value) == expected


@pytest.mark.parametrize("value", ["0", "12", 12, "TETANGGA", "3 - ANAK", 2.5])
def test_parse_relation_refuses(value):
    error = problem(parse_relation, value)
    assert error.code == "unknown"
    assert f"'{value}'" in error.message and "1 Kepala Keluarga" in error.message


@pytest.mark.parametrize("dtks, bdt", sorted(BDT_RELATION_CODES.items()))
def test_parse_bdt_relation_round_trip(dtks, bdt):
    """What synthetic writes for a DTKS code comes back as that code where BDT can tell."""
    sex = "L" if dtks == 2 else "P"
    expected = {8: 7, 9: 11}.get(dtks, dtks)  # mertua -> orang tua, famili lain -> lainnya
    assert parse_bdt_relation(bdt, sex) == expected
    assert parse_bdt_relation(str(bdt), sex) == expected


@pytest.mark.parametrize("sex, expected", [("P", 3), ("L", 2), ("2", 3), (1, 2), ("WANITA", 3)])
def test_parse_bdt_relation_spouse_by_sex(sex, expected):
    assert parse_bdt_relation(2, sex) == expected


def test_parse_bdt_relation_refuses():
    error = problem(parse_bdt_relation, "2")
    assert error.code == "needs_sex" and "'2' (istri/suami)" in error.message
    assert problem(parse_bdt_relation, 2, "X").code == "needs_sex"
    error = problem(parse_bdt_relation, 9, "L")
    assert error.code == "unknown" and "kode BDT 1–8" in error.message
    assert parse_bdt_relation("ISTRI") == 3
    assert parse_bdt_relation(None) is None
    assert parse_bdt_relation("") is None


# --------------------------------------------------------------------------
# Desil, percentile
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [("1", 1), (1, 1), ("01", 1), ("10", 10), (10.0, 10), ("3.0", 3), ("DESIL 3", 3),
     ("desil-4", 4), (None, None), ("", None)],
)  # fmt: skip
def test_parse_desil(value, expected):
    assert parse_desil(value) == expected


@pytest.mark.parametrize("value", ["0", 0, "11", 11, "x", 2.5])
def test_parse_desil_refuses(value):
    error = problem(parse_desil, value)
    assert error.code == "range" and f"Desil '{value}'" in error.message and "1–10" in error.message


@pytest.mark.parametrize(
    "value, expected",
    [(1, 1), (10, 1), (11, 2), ("35", 4), ("35,5", 4), (35.5, 4), (90.01, 10), (100, 10),
     ("100", 10), (0.5, 1), (None, None), ("", None)],
)  # fmt: skip
def test_desil_from_percentile(value, expected):
    assert desil_from_percentile(value) == expected


def test_desil_from_percentile_matches_synthetic_rule():
    for p in range(1, 101):
        assert desil_from_percentile(p) == -(-p // 10)


@pytest.mark.parametrize("value", [0, "0", 101, "100.5", "x", -3, float("nan")])
def test_desil_from_percentile_refuses(value):
    error = problem(desil_from_percentile, value)
    assert error.code == "range" and "1–100" in error.message


# --------------------------------------------------------------------------
# RT/RW, text, integers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [("2", "002"), ("02", "002"), ("002", "002"), (2, "002"), (2.0, "002"), ("2.0", "002"),
     ("RT 02", "002"), ("RW.005", "005"), ("rt:7", "007"), (" 12 ", "012"), ("999", "999"),
     (None, None), ("", None)],
)  # fmt: skip
def test_parse_rt_rw(value, expected):
    assert parse_rt_rw(value) == expected


@pytest.mark.parametrize(
    "value, code, text",
    [("A", "not_number", "RT 'A' bukan angka"), ("2.5", "not_number", "'2.5'"),
     (2.5, "not_number", "'2.5'"), ("RT 02/RW 03", "not_number", "'RT 02/RW 03'"),
     ("1000", "range", "'1000' terlalu besar"), (1234, "range", "'1234'"),
     ("000", "zero", "'000'"), (0, "zero", "'0'")],
)  # fmt: skip
def test_parse_rt_rw_refuses(value, code, text):
    error = problem(parse_rt_rw, value, label="RT")
    assert error.code == code and text in error.message


@pytest.mark.parametrize(
    "value, expected",
    [("  asep   sunandar ", "asep sunandar"), ("KP. BARU\nRT 01", "KP. BARU RT 01"),
     ("\u200bASEP\u00a0SUNANDAR\ufeff", "ASEP SUNANDAR"), (12, "12"), (12.0, "12"),
     (3.5, "3.5"), (None, None), ("", None), ("  \t ", None), (float("nan"), None),
     (datetime(1990, 1, 12), "12-01-1990"), (date(1990, 1, 12), "12-01-1990")],
)  # fmt: skip
def test_clean_text(value, expected):
    assert clean_text(value) == expected


def test_clean_text_upper_and_max_length():
    assert clean_text(" siti  aminah ", upper=True) == "SITI AMINAH"
    assert clean_text("abc", max_length=3) == "abc"
    error = problem(clean_text, "Siti Aminah", max_length=5, label="Nama")
    assert error.code == "too_long"
    assert "Nama 'Siti Aminah' terlalu panjang: 11 karakter, paling banyak 5." == error.message


def test_parse_int():
    for value in ("7", 7, 7.0, "07", "7.0", " 7 "):
        assert parse_int(value) == 7
    assert parse_int(None) is None and parse_int("") is None
    assert parse_int("-1") == -1
    error = problem(parse_int, "tujuh", label="Umur")
    assert error.code == "not_number" and "Umur 'tujuh' bukan bilangan bulat." == error.message
    assert problem(parse_int, 7.5).code == "not_number"
    error = problem(parse_int, "131", label="Umur", minimum=0, maximum=130)
    assert error.code == "range" and "harus antara 0 dan 130" in error.message
    assert "paling kecil 1" in problem(parse_int, 0, minimum=1).message
    assert "paling besar 8" in problem(parse_int, 9, maximum=8).message


# --------------------------------------------------------------------------
# Presence
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [(1, "ada"), ("1", "ada"), (2, "meninggal"), ("3", "pindah"), (4, "pindah"), (5, "baru"),
     ("6", "tidak_ditemukan"), (6.0, "tidak_ditemukan"), ("ADA", "ada"),
     ("Tinggal bersama", "ada"), ("MENINGGAL DUNIA", "meninggal"), ("Pindah", "pindah"),
     ("PINDAH KE LUAR NEGERI", "pindah"), ("ANGGOTA BARU", "baru"),
     ("tidak ditemukan", "tidak_ditemukan"), ("tidak_ditemukan", "tidak_ditemukan"),
     (None, None), ("", None)],
)  # fmt: skip
def test_parse_presence(value, expected):
    assert parse_presence(value) == expected
    assert expected is None or expected in PRESENCE_CHOICES


@pytest.mark.parametrize("value", [0, 7, "7", "HILANG"])
def test_parse_presence_refuses(value):
    error = problem(parse_presence, value)
    assert (
        error.code == "unknown"
        and f"'{value}'" in error.message
        and "2 (meninggal)" in error.message
    )


# --------------------------------------------------------------------------
# Region codes
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["32.04.17.2001", "3204172001", 3204172001, 3204172001.0, " 32.04.17.2001 ", "32.4.17.2001",
     "32 04 17 2001", "32-04-17-2001"],
)  # fmt: skip
def test_normalise_village_code(value):
    assert normalise_village_code(value) == "32.04.17.2001"
    assert normalise_village_code(value) == "32.04.17.2001"  # again, from the memo


@pytest.mark.parametrize(
    "value",
    ["320417200", "32041720011", "00.04.17.2001", "32.00.17.2001", "32.04.00.2001",
     "32.04.17.0000", "32.04.17", "32.04.17.2001.5", "32.044.17.2001", "DESA CIMAUNG", 3.2e9,
     True],
)  # fmt: skip
def test_normalise_village_code_refuses(value):
    error = problem(normalise_village_code, value)
    assert error.code == "village_code" and "32.04.17.2001" in error.message


def test_normalise_village_code_empty():
    assert normalise_village_code(None) is None
    assert normalise_village_code("") is None


@pytest.mark.parametrize(
    "parts",
    [("32", "04", "030", "004"), (32, 4, 30, 4), (32.0, 4.0, 30.0, 4.0), ("32", "4", "30", "4"),
     ("32", "3204", "3204030", "3204030004"), (" 32", "04 ", "030", "004"),
     ("32.0", "4.0", "30", "4")],
)  # fmt: skip
def test_split_bps(parts):
    assert split_bps(*parts) == "3204030004"


@pytest.mark.parametrize(
    "parts, text",
    [(("32", "04", "030", ""), "KDDESA"), (("32", "04", "030", None), "KDDESA"),
     (("32", "04", "0300", "004"), "KDKEC '0300'"), (("32", "04", "030", "0"), "KDDESA '0'"),
     (("00", "04", "030", "004"), "KDPROP"), (("32", "AB", "030", "004"), "KDKAB 'AB'"),
     (("32", "04", "3.5", "004"), "KDKEC")],
)  # fmt: skip
def test_split_bps_refuses(parts, text):
    error = problem(split_bps, *parts)
    assert error.code == "bps_code" and text in error.message
