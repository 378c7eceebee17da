"""Rules for NIK and Nomor KK (beneficiaries.identity). No database needed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.identity import (
    SEX_FEMALE,
    SEX_MALE,
    IdentityError,
    NikInfo,
    mask_kk,
    mask_nik,
    normalise_sex,
    parse_kk,
    parse_nik,
    sex_mismatch_warning,
    validate_kk,
    validate_nik,
)

TODAY = date(2026, 5, 20)

MALE_NIK = "3204171201900001"  # 12-01-1990, serial 0001
FEMALE_NIK = "3204175201900002"  # day 52 = 12 + 40 -> woman born 12-01-1990
VALID_KK = "3204171503150007"  # issued 15-03-2015

EXCEL_MANGLED = [
    pytest.param("3.20417E+15", "excel_scientific", id="sci-dot"),
    pytest.param("3,20417E+15", "excel_scientific", id="sci-comma"),
    pytest.param("3.20417e15", "excel_scientific", id="sci-lower-no-sign"),
    pytest.param("3.20417e+15", "excel_scientific", id="sci-lower"),
    pytest.param("3E+15", "excel_scientific", id="sci-no-decimals"),
    pytest.param("  '3.20417E+15 ", "excel_scientific", id="sci-apostrophe-spaces"),
    pytest.param("3204171201900001.0", "excel_number", id="trailing-dot-zero"),
    pytest.param("3204171201900001,0", "excel_number", id="trailing-comma-zero"),
    pytest.param("3204171201900001.00", "excel_number", id="trailing-dot-zeros"),
    pytest.param("3.204.171.201.900.000", "excel_number", id="thousands-dot"),
    pytest.param("3,204,171,201,900,000", "excel_number", id="thousands-comma"),
    pytest.param(3204171201900000, "excel_number", id="int-cell"),
    pytest.param(3204171201900001, "excel_number", id="int-cell-16-digits"),
    pytest.param(3.20417120190000e15, "excel_number", id="float-cell"),
    pytest.param(Decimal("3204171201900001"), "excel_number", id="decimal"),
]


def nik(value, **kwargs):
    return parse_nik(value, today=TODAY, **kwargs)


def refused(func, value, code):
    with pytest.raises(IdentityError) as excinfo:
        func(value, today=TODAY)
    assert excinfo.value.code == code, excinfo.value.message
    assert str(excinfo.value) == excinfo.value.message
    return excinfo.value.message


def assert_excel_message(message, label):
    assert "Excel" in message
    assert "Teks" in message
    assert f"{label} tidak boleh ditebak" in message


# --- valid NIKs -------------------------------------------------------------


def test_valid_male_nik():
    assert nik(MALE_NIK) == NikInfo(
        nik=MALE_NIK,
        region_code="320417",
        birth_date=date(1990, 1, 12),
        sex=SEX_MALE,
        serial="0001",
    )


@pytest.mark.parametrize(
    ("value", "birth_date", "sex"),
    [
        ("3204170101900001", date(1990, 1, 1), SEX_MALE),
        ("3204173101900001", date(1990, 1, 31), SEX_MALE),
        ("3204174101900001", date(1990, 1, 1), SEX_FEMALE),
        ("3204174501900001", date(1990, 1, 5), SEX_FEMALE),
        ("3204177101900001", date(1990, 1, 31), SEX_FEMALE),
    ],
)
def test_day_bounds_and_sex(value, birth_date, sex):
    info = nik(value)
    assert (info.birth_date, info.sex) == (birth_date, sex)


def test_valid_female_nik_day_plus_40():
    info = nik(FEMALE_NIK)
    assert info.birth_date == date(1990, 1, 12)
    assert info.sex == SEX_FEMALE
    assert info.serial == "0002"


@pytest.mark.parametrize(
    ("value", "birth_date"),
    [
        ("3204170503050003", date(2005, 3, 5)),  # YY=05 -> 2005
        ("3204171201900001", date(1990, 1, 12)),  # YY=90 -> 1990
        ("3204171508260004", date(1926, 8, 15)),  # 2026-08-15 is after today -> 1926
        ("3204175508260004", date(1926, 8, 15)),  # same, woman
        ("3204171504260005", date(2026, 4, 15)),  # YY=26, month before today's -> 2026
        ("3204172005260001", date(2026, 5, 20)),  # born today -> this century
        ("3204172105260001", date(1926, 5, 21)),  # tomorrow -> previous century
    ],
)
def test_century_is_the_one_not_in_the_future(value, birth_date):
    assert nik(value).birth_date == birth_date


def test_today_defaults_to_local_date():
    # No `today` given: uses the current date, so 2005 and 1990 stay as they are.
    assert parse_nik("3204170503050003").birth_date == date(2005, 3, 5)
    assert parse_nik(MALE_NIK).birth_date == date(1990, 1, 12)


@pytest.mark.parametrize(
    ("value", "birth_date", "sex"),
    [
        ("3204172902000001", date(2000, 2, 29), SEX_MALE),
        ("3204176902040001", date(2004, 2, 29), SEX_FEMALE),
        ("3204172902880001", date(1988, 2, 29), SEX_MALE),
    ],
)
def test_leap_day_valid(value, birth_date, sex):
    info = nik(value)
    assert (info.birth_date, info.sex) == (birth_date, sex)


@pytest.mark.parametrize(
    "value",
    [
        "3204172902010001",  # 29-02-2001
        "3204176902010001",  # woman, 29-02-2001
        "3204172902900001",  # 29-02-1990
        "3204173002000001",  # 30-02-2000
        "3204173104900001",  # 31-04-1990
    ],
)
def test_day_not_in_calendar_refused(value):
    message = refused(parse_nik, value, "bad_date")
    assert "tidak ada di kalender" in message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("3204173201900001", "32"),
        ("3204177201900001", "72"),
        ("3204170001900001", "00"),
        ("3204174001900001", "40"),
    ],
)
def test_day_out_of_range_refused(value, shown):
    message = refused(parse_nik, value, "bad_date")
    assert f"bernilai {shown}" in message
    assert "41–71 untuk perempuan" in message


@pytest.mark.parametrize(
    ("value", "shown"), [("3204171213900001", "13"), ("3204171200900001", "00")]
)
def test_month_out_of_range_refused(value, shown):
    message = refused(parse_nik, value, "bad_date")
    assert message.startswith("Bulan pada NIK")
    assert f"bernilai {shown}" in message


def test_serial_zero_refused():
    message = refused(parse_nik, "3204171201900000", "serial_zero")
    assert "0000" in message


@pytest.mark.parametrize(
    ("value", "part"),
    [
        ("0004171201900001", "provinsi"),
        ("3200171201900001", "kabupaten/kota"),
        ("3204001201900001", "kecamatan"),
    ],
)
def test_region_zero_refused(value, part):
    message = refused(parse_nik, value, "region_zero")
    assert part in message


@pytest.mark.parametrize(("value", "count"), [("320417120190001", 15), ("32041712019000011", 17)])
def test_wrong_length_refused(value, count):
    message = refused(parse_nik, value, "length")
    assert message == f"NIK harus 16 digit angka (tertulis {count} digit)."


@pytest.mark.parametrize("value", ["32041712019O0001", "3204-1712-0190-0001", "NIK3204171201"])
def test_letters_and_marks_refused(value):
    message = refused(parse_nik, value, "not_digits")
    assert "hanya boleh berisi angka" in message


def test_fullwidth_digits_refused():
    refused(parse_nik, "３２０４１７１２０１９００００１", "not_digits")


def test_internal_spaces_refused():
    message = refused(parse_nik, "3204 1712 0190 0001", "not_digits")
    assert "spasi" in message


@pytest.mark.parametrize("value", [None, "", "   ", "'"])
def test_empty_refused(value):
    refused(parse_nik, value, "empty")


@pytest.mark.parametrize(
    "value",
    [
        "'3204171201900001",
        " 3204171201900001 ",
        "\t'3204171201900001\n",
        "\u00a03204171201900001\u00a0",
        "\ufeff3204171201900001",
        "\u20183204171201900001",
    ],
)
def test_apostrophe_and_whitespace_accepted(value):
    assert nik(value).nik == MALE_NIK


def test_nik_ending_in_zero_is_valid():
    info = nik("3204171201900010")
    assert info.nik == "3204171201900010"
    assert info.serial == "0010"


# --- Excel-mangled values -----------------------------------------------------


@pytest.mark.parametrize(("value", "code"), EXCEL_MANGLED)
def test_excel_mangled_nik_refused(value, code):
    message = refused(parse_nik, value, code)
    assert_excel_message(message, "NIK")


def test_excel_scientific_message_shows_the_value():
    message = refused(parse_nik, "3.20417E+15", "excel_scientific")
    assert message.startswith(
        "NIK ini telah diubah Excel menjadi angka (3.20417E+15) sehingga digit terakhirnya hilang."
    )


def test_excel_numeric_cell_message_explains_15_digits():
    message = refused(parse_nik, 3204171201900000, "excel_number")
    assert "(3204171201900000)" in message
    assert "15 digit" in message
    float_message = refused(parse_nik, 3.2041712019e15, "excel_number")
    assert "(3204171201900000)" in float_message


def test_bool_is_not_taken_for_a_number_cell():
    refused(parse_nik, True, "not_digits")


# --- sex ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("L", SEX_MALE),
        ("l", SEX_MALE),
        ("Laki-laki", SEX_MALE),
        ("LAKI-LAKI", SEX_MALE),
        (" laki  laki ", SEX_MALE),
        ("1", SEX_MALE),
        (1, SEX_MALE),
        ("P", SEX_FEMALE),
        ("p", SEX_FEMALE),
        ("Perempuan", SEX_FEMALE),
        ("PEREMPUAN", SEX_FEMALE),
        ("2", SEX_FEMALE),
        (2, SEX_FEMALE),
        ("", None),
        (None, None),
        ("X", None),
        ("3", None),
        (True, None),
    ],
)
def test_normalise_sex(value, expected):
    assert normalise_sex(value) == expected


@pytest.mark.parametrize("stated", ["L", "laki-laki", "1", 1])
def test_sex_match_gives_no_warning(stated):
    assert sex_mismatch_warning(nik(MALE_NIK), stated) is None


@pytest.mark.parametrize("stated", ["P", "perempuan", "2"])
def test_sex_match_female_gives_no_warning(stated):
    assert sex_mismatch_warning(nik(FEMALE_NIK), stated) is None


def test_sex_mismatch_gives_warning_not_error():
    warning = sex_mismatch_warning(nik(MALE_NIK), "P")
    assert warning is not None
    assert "tertulis Perempuan" in warning
    assert "menurut NIK Laki-laki" in warning

    warning = sex_mismatch_warning(nik(FEMALE_NIK), "LAKI-LAKI")
    assert warning is not None
    assert "tertulis Laki-laki" in warning
    assert "menurut NIK Perempuan" in warning


@pytest.mark.parametrize("stated", [None, "", "?"])
def test_unknown_stated_sex_gives_no_warning(stated):
    assert sex_mismatch_warning(nik(FEMALE_NIK), stated) is None


# --- KK -------------------------------------------------------------------------


def test_valid_kk():
    assert parse_kk(VALID_KK, today=TODAY) == VALID_KK
    assert parse_kk(" '" + VALID_KK + " ", today=TODAY) == VALID_KK
    assert parse_kk("3204171503150010", today=TODAY) == "3204171503150010"


def test_kk_has_no_plus_40_rule():
    message = refused(parse_kk, "3204175503150007", "bad_date")
    assert "Tanggal penerbitan pada Nomor KK" in message
    assert "bernilai 55" in message
    assert "perempuan" not in message


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0004171503150007", "region_zero"),
        ("3204173202150007", "bad_date"),  # day 32
        ("3204171513150007", "bad_date"),  # month 13
        ("3204172902150007", "bad_date"),  # 29-02-2015
        ("3204171503150000", "serial_zero"),
        ("320417150315007", "length"),
        ("3204171503I50007", "not_digits"),
        ("3204 1715 0315 0007", "not_digits"),
        (None, "empty"),
    ],
)
def test_invalid_kk_refused(value, code):
    message = refused(parse_kk, value, code)
    assert "Nomor KK" in message


def test_kk_leap_day_valid():
    assert parse_kk("3204172902160007", today=TODAY) == "3204172902160007"


def test_kk_date_is_never_in_the_future():
    # 15-08-26 is after TODAY in this century, so it is read as 1926, never 2026.
    assert parse_kk("3204171508260007", today=TODAY) == "3204171508260007"
    assert parse_kk("3204172005260007", today=TODAY) == "3204172005260007"


@pytest.mark.parametrize(("value", "code"), EXCEL_MANGLED)
def test_excel_mangled_kk_refused(value, code):
    message = refused(parse_kk, value, code)
    assert_excel_message(message, "Nomor KK")
    assert message.startswith("Nomor KK ini")


# --- masking ------------------------------------------------------------------


def test_mask_nik():
    assert mask_nik("3204171201900001") == "320417******0001"


def test_mask_kk():
    assert mask_kk("3204171503150007") == "320417******0007"


@pytest.mark.parametrize(("value", "expected"), [("", ""), (None, ""), ("12345", "*****")])
def test_mask_short_values_hides_everything(value, expected):
    assert mask_nik(value) == expected
    assert mask_kk(value) == expected


# --- Django validators ------------------------------------------------------------


def test_validate_nik():
    assert validate_nik(MALE_NIK) is None
    with pytest.raises(ValidationError) as excinfo:
        validate_nik("3.20417E+15")
    assert excinfo.value.code == "excel_scientific"
    assert "Excel" in excinfo.value.messages[0]


def test_validate_nik_same_message_as_parse():
    with pytest.raises(ValidationError) as excinfo:
        validate_nik("320417120190001")
    assert excinfo.value.code == "length"
    assert excinfo.value.messages == ["NIK harus 16 digit angka (tertulis 15 digit)."]


def test_validate_kk():
    assert validate_kk(VALID_KK) is None
    with pytest.raises(ValidationError) as excinfo:
        validate_kk(3204171503150007)
    assert excinfo.value.code == "excel_number"
    assert "Nomor KK" in excinfo.value.messages[0]
