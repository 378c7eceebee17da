"""Fast parsers for the non-identity columns of register extracts.

NIK and Nomor KK are checked by :mod:`beneficiaries.identity` (``parse_nik``,
``parse_kk``); this module handles the other columns: dates, sex, yes/no
programme flags, relation codes, desil/percentile, RT/RW, free text, member
presence and region codes.

Every parser takes a raw cell as :mod:`beneficiaries.importing.readers` yields
it (``str`` from CSV; ``str``/``int``/``float``/``datetime``/``None`` from
XLSX) and returns the clean value, ``None`` for an empty cell (flags: False),
or raises :class:`ValueProblem` with an Indonesian message that quotes the bad
value.

They run once per row on files of up to a million rows, so the common forms
take a fast path: one dictionary look-up in a table built at import time (or
a few slices and ``int()`` for dates). Only unusual spellings reach the
slower, more tolerant code (regular expressions, word normalisation).
"""

from __future__ import annotations

import math
import re
import time
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext

from beneficiaries.identity import SEX_FEMALE, SEX_MALE, normalise_sex

__all__ = [
    "PRESENCE_CHOICES",
    "RELATION_CODES",
    "ValueProblem",
    "clean_text",
    "desil_from_percentile",
    "normalise_village_code",
    "parse_bdt_relation",
    "parse_date",
    "parse_desil",
    "parse_flag",
    "parse_int",
    "parse_presence",
    "parse_relation",
    "parse_rt_rw",
    "parse_sex",
    "split_birth_place_date",
    "split_bps",
]


class ValueProblem(ValueError):
    """A cell value that must be refused.

    ``message`` is the Indonesian text for the user (it quotes the value);
    ``code`` is a short English slug for programs (e.g. ``"calendar"``,
    ``"future"``, ``"unknown"``, ``"range"``).
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------
# Helpers (slow paths only)
# --------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)
_NON_WORD = re.compile(r"[^0-9A-Z]+")
# "1", "01", "+1", "1.0", "1.00" (pandas / Excel number formats)
_INT_TEXT = re.compile(r"\+?(\d{1,9})(?:\.0{1,2})?")


def _show(value: object) -> str:
    """A value as quoted in a message: one line, no ".0", at most 60 characters."""
    if isinstance(value, float) and value.is_integer():
        text = f"{value:.0f}"
    elif isinstance(value, datetime):
        text = value.strftime("%d-%m-%Y %H:%M")
    elif isinstance(value, date):
        text = value.strftime("%d-%m-%Y")
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _integral(value: object) -> int | None:
    """An integer code from 3 / 3.0 / "3" / "03" / "3.0"; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        match = _INT_TEXT.fullmatch(value.strip())
        return int(match.group(1)) if match else None
    return None


def _words(value: object) -> str:
    """Upper-case words separated by single spaces ("Orang-tua " -> "ORANG TUA")."""
    return " ".join(_NON_WORD.sub(" ", str(value).upper()).split())


def _variants(table: dict, words: dict) -> None:
    """Add each word in upper, lower, title and capitalised spelling."""
    for word, result in words.items():
        for spelling in (word, word.lower(), word.title(), word.capitalize()):
            table.setdefault(spelling, result)


def _codes(table: dict, codes: dict) -> None:
    """Add integer codes as int, "3" and "03"."""
    for code, result in codes.items():
        table[code] = result
        table[str(code)] = result
        table[f"{code:02d}"] = result


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

_MIN_DATE = date(1890, 1, 1)
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 = 1900-03-01 (after Excel's fake 29-02-1900)
_EXCEL_EARLY = date(1899, 12, 31)  # serials 1..59 (1900-01-01..1900-02-28)

_DMY = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})")
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DMY_SHORT = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2})")
_NAMED = re.compile(r"(\d{1,2})[\s\-/.]*([A-Za-z]+)\.?[\s\-/.,]*(\d{4})")
_TIME_SUFFIX = re.compile(r"(?:\s+|T)\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?$")
_SERIAL_TEXT = re.compile(r"(\d{5})(?:[.,]\d+)?")

_MONTHS = {}
for _number, _names in enumerate(
    (
        "JANUARI JAN JANUARY",
        "FEBRUARI PEBRUARI FEB PEB FEBRUARY",
        "MARET MAR MARCH",
        "APRIL APR",
        "MEI MAY",
        "JUNI JUN JUNE",
        "JULI JUL JULY",
        "AGUSTUS AGU AGT AGS AUG AUGUST",
        "SEPTEMBER SEP SEPT",
        "OKTOBER OKT OCT OCTOBER",
        "NOVEMBER NOPEMBER NOV NOP",
        "DESEMBER DES DEC DECEMBER",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

# Valid date strings seen so far -> date. Bounded: a register has at most a
# few tens of thousands of distinct birth dates. A date accepted once stays
# valid (the only moving bound, today, only moves forward).
_DATE_MEMO: dict[str, date] = {}
_DATE_MEMO_MAX = 100_000

_today_cache: list = [0.0, None]


def _today() -> date:
    """Today in Asia/Jakarta, re-read at most once a minute."""
    now = time.monotonic()
    if now >= _today_cache[0]:
        _today_cache[1] = timezone.localdate()
        _today_cache[0] = now + 60.0
    return _today_cache[1]


def _date_problem(code: str, label, value: object, **extra) -> ValueProblem:
    label = label or gettext("Tanggal lahir")
    shown = _show(value)
    if code == "calendar":
        text = gettext("%(label)s '%(value)s' tidak ada di kalender.")
        if extra.get("month_first"):
            text += " " + gettext(
                "Bulan %(month)s tidak ada; mungkin urutannya bulan-tanggal (format Amerika). "
                "Tulis sebagai HH-BB-TTTT, mis. 31-12-1990."
            ) % {"month": extra["month"]}
    elif code == "year_2digit":
        text = gettext(
            "%(label)s '%(value)s' memakai tahun 2 digit; tulis tahun lengkap 4 digit "
            "(mis. 12-01-1990)."
        )
    elif code == "future":
        text = gettext("%(label)s '%(value)s' ada di masa depan.")
    elif code == "too_old":
        text = gettext("%(label)s '%(value)s' sebelum tahun 1890; periksa kembali.")
    elif code == "excel_serial":
        text = gettext(
            "%(label)s '%(value)s' berupa angka yang bukan tanggal masuk akal "
            "(nomor tanggal Excel harus jatuh antara 1900 dan hari ini)."
        )
    else:
        code = "format"
        text = gettext(
            "%(label)s '%(value)s' tidak dikenali sebagai tanggal; tulis sebagai HH-BB-TTTT "
            "(mis. 31-12-1990)."
        )
    return ValueProblem(text % {"label": label, "value": shown}, code=code)


def _from_serial(serial: float, value: object, label, today: date) -> date:
    days = math.floor(serial)
    if 1 <= days <= 59:
        result = _EXCEL_EARLY + timedelta(days=days)
    elif 61 <= days <= 2_958_465:  # 9999-12-31
        result = _EXCEL_EPOCH + timedelta(days=days)
    else:
        raise _date_problem("excel_serial", label, value)
    if result > today:
        raise _date_problem("excel_serial", label, value)
    return result


def _text_to_ymd(
    text: str, value: object, label, today: date
) -> tuple[int, int, int] | date | None:
    """(year, month, day) from a date text; a date for an Excel serial; None if unknown."""
    n = len(text)
    if n == 10 and text.isascii():
        sep = text[2]
        if (sep == "-" or sep == "/" or sep == ".") and text[5] == sep:
            d, m, y = text[:2], text[3:5], text[6:]
            if d.isdigit() and m.isdigit() and y.isdigit():
                return int(y), int(m), int(d)
        sep = text[4]
        if (sep == "-" or sep == "/" or sep == ".") and text[7] == sep:
            y, m, d = text[:4], text[5:7], text[8:]
            if d.isdigit() and m.isdigit() and y.isdigit():
                return int(y), int(m), int(d)
    # Slow path: other spellings.
    text = _TIME_SUFFIX.sub("", text)  # "1990-01-12 00:00:00": a date exported with a time
    match = _DMY.fullmatch(text)
    if match:
        return int(match.group(4)), int(match.group(3)), int(match.group(1))
    match = _YMD.fullmatch(text)
    if match:
        return int(match.group(1)), int(match.group(3)), int(match.group(4))
    match = _NAMED.fullmatch(text)
    if match:
        month = _MONTHS.get(match.group(2).upper())
        if month is not None:
            return int(match.group(3)), month, int(match.group(1))
        return None
    if _DMY_SHORT.fullmatch(text):
        raise _date_problem("year_2digit", label, value)
    match = _SERIAL_TEXT.fullmatch(text)
    if match:  # a date cell saved to CSV as its Excel serial number ("32874")
        return _from_serial(int(match.group(1)), value, label, today)
    return None


def parse_date(
    value: object, *, label: str | None = None, today: date | None = None
) -> date | None:
    """A date from DD-MM-YYYY, DD/MM/YYYY, D-M-YYYY, YYYY-MM-DD, "12 Januari 1990",
    a ``date``/``datetime`` (XLSX date cell) or an Excel serial number (32874.0).

    Refuses 2-digit years, dates that do not exist, dates in the future and
    before 1890. ``label`` names the value in messages (default "Tanggal
    lahir"); ``today`` (default: today in Asia/Jakarta) is the upper bound.
    Empty -> None.
    """
    if today is None:
        if value.__class__ is str:
            result = _DATE_MEMO.get(value)
            if result is not None:
                return result
        today = _today()
        memo = True
    else:
        memo = False
    if value is None:
        return None
    cls = value.__class__
    if cls is str:
        text = value.strip()
        if not text:
            return None
        parts = _text_to_ymd(text, value, label, today)
        if parts is None:
            raise _date_problem("format", label, value)
        if parts.__class__ is date:
            result = parts
        else:
            year, month, day = parts
            try:
                result = date(year, month, day)
            except ValueError:
                raise _date_problem(
                    "calendar", label, value, month=month, month_first=month > 12 and day <= 12
                ) from None
    elif cls is datetime or isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:  # NaN
            raise _date_problem("format", label, value)
        result = _from_serial(value, value, label, today)
    else:
        raise _date_problem("format", label, value)
    if result > today:
        raise _date_problem("future", label, value)
    if result < _MIN_DATE:
        raise _date_problem("too_old", label, value)
    if memo and cls is str and len(_DATE_MEMO) < _DATE_MEMO_MAX:
        _DATE_MEMO[value] = result
    return result


_TTL = re.compile(
    r"(.*?)[\s,/;:-]*("
    r"\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[\s\-/.]*[A-Za-z]+\.?[\s\-/.,]*\d{2,4}"
    r"|\d{5}"
    r")"
)


def split_birth_place_date(
    value: object, *, label: str | None = None, today: date | None = None
) -> tuple[str | None, date | None]:
    """Split a combined TEMPAT/TANGGAL LAHIR cell into (place, date).

    "BANDUNG, 12-01-1990", "BANDUNG/12-01-1990", "BANDUNG 12-01-1990",
    "Bandung, 12 Januari 1990" -> ("BANDUNG"/"Bandung", date(1990, 1, 12)).
    A cell with only a place gives (place, None); only a date, (None, date).
    The date part follows :func:`parse_date` (and raises its problems).
    """
    if value is None:
        return None, None
    if isinstance(value, (date, int, float)) and not isinstance(value, bool):
        return None, parse_date(value, label=label, today=today)
    text = " ".join(str(value).split())
    if not text:
        return None, None
    place, sep, rest = text.rpartition(",")
    rest = rest.strip()
    if sep and len(rest) == 10:
        place = place.strip(" ,/-") or None
        return place, parse_date(rest, label=label, today=today)
    match = _TTL.fullmatch(text)
    if match:
        place = match.group(1).strip(" ,/;:-") or None
        return place, parse_date(match.group(2), label=label, today=today)
    if not any(ch.isdigit() for ch in text):
        return text.strip(" ,/;:-") or None, None
    raise ValueProblem(
        gettext("%(label)s '%(value)s' tidak dikenali; tulis seperti 'BANDUNG, 31-12-1990'.")
        % {"label": gettext("Tempat/tanggal lahir"), "value": _show(value)},
        code="format",
    )


# --------------------------------------------------------------------------
# Sex
# --------------------------------------------------------------------------

# The fast table is filled by identity.normalise_sex itself, so the spellings
# it understands stay defined in one place.
_SEX_FAST: dict[object, str | None] = {None: None, "": None}
for _spelling in (
    "L", "P", "LK", "PR", "LAKI", "LAKI-LAKI", "LAKI LAKI", "PEREMPUAN", "PRIA", "WANITA", "1", "2",
):  # fmt: skip
    for _variant in (_spelling, _spelling.lower(), _spelling.title(), _spelling.capitalize()):
        _sex = normalise_sex(_variant)
        if _sex is not None:
            _SEX_FAST[_variant] = _sex
_SEX_FAST[1] = normalise_sex(1)
_SEX_FAST[2] = normalise_sex(2)
# Spellings identity does not know.
_SEX_EXTRA = {"LELAKI": SEX_MALE, "LAKI2": SEX_MALE}


def parse_sex(value: object, *, label: str | None = None) -> str | None:
    """ "L" or "P" from L/P, LAKI-LAKI/PEREMPUAN, PRIA/WANITA, 1/2 (also numbers).

    Empty -> None. Uses :func:`beneficiaries.identity.normalise_sex`.
    """
    try:
        return _SEX_FAST[value]
    except (KeyError, TypeError):
        pass
    if _blank(value):
        return None
    sex = normalise_sex(value)
    if sex is None:
        code = _integral(value)
        if code in (1, 2):
            sex = normalise_sex(code)
        else:
            words = _words(value)  # "laki - laki" -> "LAKI LAKI"
            sex = normalise_sex(words) or _SEX_EXTRA.get(words)
    if sex is None:
        raise ValueProblem(
            gettext(
                "%(label)s '%(value)s' tidak dikenali; gunakan L/P, LAKI-LAKI/PEREMPUAN "
                "atau kode 1 (laki-laki)/2 (perempuan)."
            )
            % {"label": label or gettext("Jenis kelamin"), "value": _show(value)},
            code="unknown",
        )
    return sex


# --------------------------------------------------------------------------
# Yes/no flags
# --------------------------------------------------------------------------

_FLAG_WORDS = {
    "YA": True, "Y": True, "YES": True, "TRUE": True, "ADA": True, "1": True, "1.0": True,
    "TIDAK": False, "T": False, "N": False, "NO": False, "FALSE": False, "TIDAK ADA": False,
    "BUKAN": False, "0": False, "0.0": False, "2": False, "2.0": False, "-": False, "": False,
}  # fmt: skip
_FLAG_FAST: dict[object, bool] = {None: False, 0: False, 1: True, 2: False}
_variants(_FLAG_FAST, _FLAG_WORDS)
_FLAG_SLOW = {_words(k): v for k, v in _FLAG_WORDS.items() if _words(k)}


def parse_flag(value: object, *, label: str | None = None) -> bool:
    """True for YA/Y/1/TRUE/ADA (also 1, 1.0); False for TIDAK/T/N/0/2/FALSE/"-"/empty.

    BDT files write 1 for yes and 0 or 2 for no. Anything else is refused.
    """
    try:
        return _FLAG_FAST[value]
    except (KeyError, TypeError):
        pass
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    code = _integral(value)
    if code is not None:
        result = {0: False, 1: True, 2: False}.get(code)
    else:
        result = _FLAG_SLOW.get(_words(value))
        if result is None and str(value).strip() in ("-", "--", "\u2013"):
            result = False
    if result is None:
        raise ValueProblem(
            gettext(
                "%(label)s '%(value)s' tidak dikenali; isi YA/TIDAK (atau 1 untuk ya, "
                "0/2 untuk tidak)."
            )
            % {"label": label or gettext("Isian ya/tidak"), "value": _show(value)},
            code="unknown",
        )
    return result


# --------------------------------------------------------------------------
# Relation to the head of the family
# --------------------------------------------------------------------------

#: DTKS / Dukcapil relation codes (hubungan dengan kepala keluarga).
RELATION_CODES = {
    1: "KEPALA KELUARGA",
    2: "SUAMI",
    3: "ISTRI",
    4: "ANAK",
    5: "MENANTU",
    6: "CUCU",
    7: "ORANG TUA",
    8: "MERTUA",
    9: "FAMILI LAIN",
    10: "PEMBANTU",
    11: "LAINNYA",
}

_RELATION_WORDS = {
    "KEPALA KELUARGA": 1, "KEPALA": 1, "KK": 1, "KEPALA RUMAH TANGGA": 1, "KRT": 1,
    "SUAMI": 2,
    "ISTRI": 3, "ISTERI": 3,
    "ANAK": 4, "ANAK KANDUNG": 4, "ANAK TIRI": 4, "ANAK ANGKAT": 4,
    "MENANTU": 5,
    "CUCU": 6,
    "ORANG TUA": 7, "ORANGTUA": 7, "ORTU": 7, "AYAH": 7, "IBU": 7, "AYAH KANDUNG": 7,
    "IBU KANDUNG": 7,
    "MERTUA": 8,
    "FAMILI LAIN": 9, "FAMILI": 9, "FAMILI LAINNYA": 9, "KELUARGA LAIN": 9, "SAUDARA": 9,
    "PEMBANTU": 10, "PEMBANTU RUMAH TANGGA": 10, "PRT": 10,
    "LAINNYA": 11, "LAIN LAIN": 11, "LAIN": 11,
}  # fmt: skip
_RELATION_FAST: dict[object, int | None] = {None: None, "": None}
_codes(_RELATION_FAST, {code: code for code in RELATION_CODES})
_variants(_RELATION_FAST, {name: code for name, code in _RELATION_WORDS.items()})
_LEADING_CODE = re.compile(r"(\d{1,2})\s*[.):-]?\s*(.*)")


def _relation_problem(value: object, label, hint: str) -> ValueProblem:
    return ValueProblem(
        gettext("%(label)s '%(value)s' tidak dikenali; %(hint)s")
        % {
            "label": label or gettext("Hubungan keluarga"),
            "value": _show(value),
            "hint": hint,
        },
        code="unknown",
    )


def _dtks_relation_hint() -> str:
    return gettext(
        "gunakan kode 1–11 (1 Kepala Keluarga, 2 Suami, 3 Istri, 4 Anak, 5 Menantu, 6 Cucu, "
        "7 Orang tua, 8 Mertua, 9 Famili lain, 10 Pembantu, 11 Lainnya) atau namanya."
    )


def parse_relation(value: object, *, label: str | None = None) -> int | None:
    """DTKS relation code 1..11 from the code or the name.

    "1", 1, "01", "KEPALA KELUARGA", "Istri", "anak kandung", "ORANG TUA",
    "FAMILI LAIN", "1 - KEPALA KELUARGA" -> the code. Empty -> None.
    """
    try:
        return _RELATION_FAST[value]
    except (KeyError, TypeError):
        pass
    if _blank(value):
        return None
    code = _integral(value)
    if code is None and isinstance(value, str):
        code = _RELATION_WORDS.get(_words(value))
        if code is None:
            # "1 - KEPALA KELUARGA", "4. Anak": the code must agree with the name.
            match = _LEADING_CODE.fullmatch(value.strip())
            if match:
                named = _RELATION_WORDS.get(_words(match.group(2)))
                if named == int(match.group(1)) or not match.group(2):
                    code = int(match.group(1))
    if code is None or code not in RELATION_CODES:
        raise _relation_problem(value, label, _dtks_relation_hint())
    return code


# BDT 2015 Hub_KRT / Hubkel: 1 kepala, 2 istri/suami, 3 anak, 4 menantu,
# 5 cucu, 6 orang tua/mertua, 7 pembantu, 8 lainnya. 0 = spouse (decided by sex).
_BDT_TO_DTKS = {1: 1, 2: 0, 3: 4, 4: 5, 5: 6, 6: 7, 7: 10, 8: 11}
_BDT_FAST: dict[object, int | None] = {None: None, "": None}
_codes(_BDT_FAST, _BDT_TO_DTKS)


def parse_bdt_relation(
    value: object, sex: object = None, *, label: str | None = None
) -> int | None:
    """A BDT 2015 relation code (Hub_KRT / Hubkel, 1..8) as a DTKS code 1..11.

    1 kepala -> 1; 2 istri/suami -> 3 (istri) or 2 (suami) according to
    ``sex`` ("L"/"P" or anything :func:`parse_sex` reads; without it the code
    is refused rather than guessed); 3 anak -> 4; 4 menantu -> 5; 5 cucu -> 6;
    6 orang tua/mertua -> 7 (BDT does not tell them apart); 7 pembantu -> 10;
    8 lainnya -> 11. Relation names (ISTRI, ANAK...) are read as by
    :func:`parse_relation`. Empty -> None.
    """
    try:
        code = _BDT_FAST[value]
    except (KeyError, TypeError):
        if _blank(value):
            return None
        number = _integral(value)
        if number is not None:
            code = _BDT_TO_DTKS.get(number)
        else:
            code = _RELATION_WORDS.get(_words(value))
            if code is not None:
                return code
        if code is None:
            raise _relation_problem(
                value,
                label,
                gettext(
                    "gunakan kode BDT 1–8 (1 Kepala, 2 Istri/Suami, 3 Anak, 4 Menantu, 5 Cucu, "
                    "6 Orang tua/Mertua, 7 Pembantu, 8 Lainnya)."
                ),
            ) from None
    if code != 0:
        return code
    if sex == SEX_FEMALE or sex == SEX_MALE:
        stated = sex
    else:
        try:
            stated = parse_sex(sex)
        except ValueProblem:
            stated = None
    if stated is None:
        raise ValueProblem(
            gettext(
                "%(label)s '%(value)s' (istri/suami) tidak bisa dibedakan karena jenis "
                "kelamin kosong atau tidak dikenali."
            )
            % {"label": label or gettext("Hubungan keluarga"), "value": _show(value)},
            code="needs_sex",
        )
    return 3 if stated == SEX_FEMALE else 2


# --------------------------------------------------------------------------
# Desil / percentile
# --------------------------------------------------------------------------

_DESIL_FAST: dict[object, int | None] = {None: None, "": None}
_codes(_DESIL_FAST, {d: d for d in range(1, 11)})
for _d in range(1, 11):
    _DESIL_FAST[f"{_d}.0"] = _d
_DESIL_PREFIX = re.compile(r"(?:DESIL|D)\s*[-:.]?\s*(\d{1,2})", re.IGNORECASE)


def parse_desil(value: object, *, label: str | None = None) -> int | None:
    """Welfare decile 1..10 from 3 / "3" / "03" / "3.0" / "DESIL 3". Empty -> None."""
    try:
        return _DESIL_FAST[value]
    except (KeyError, TypeError):
        pass
    if _blank(value):
        return None
    desil = _integral(value)
    if desil is None and isinstance(value, str):
        match = _DESIL_PREFIX.fullmatch(value.strip())
        if match:
            desil = int(match.group(1))
    if desil is None or not 1 <= desil <= 10:
        raise ValueProblem(
            gettext("%(label)s '%(value)s' tidak valid; desil harus angka 1–10.")
            % {"label": label or gettext("Desil"), "value": _show(value)},
            code="range",
        )
    return desil


_PERCENTILE_FAST: dict[object, int | None] = {None: None, "": None}
for _p in range(1, 101):
    _PERCENTILE_FAST[_p] = _PERCENTILE_FAST[str(_p)] = (_p + 9) // 10


def desil_from_percentile(value: object, *, label: str | None = None) -> int | None:
    """Desil = ceil(percentile / 10) for a percentile in 1..100 (decimals allowed,
    also with a decimal comma: "35,5"). Empty -> None."""
    try:
        return _PERCENTILE_FAST[value]
    except (KeyError, TypeError):
        pass
    if _blank(value):
        return None
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            number = None
    if number is None or not 0 < number <= 100:  # also refuses NaN
        raise ValueProblem(
            gettext("%(label)s '%(value)s' tidak valid; persentil harus angka 1–100.")
            % {"label": label or gettext("Persentil"), "value": _show(value)},
            code="range",
        )
    return max(1, math.ceil(number / 10))


# --------------------------------------------------------------------------
# RT / RW
# --------------------------------------------------------------------------

_RT_FAST: dict[object, str | None] = {None: None, "": None}
for _n in range(1, 1000):
    _text = f"{_n:03d}"
    _RT_FAST[_n] = _RT_FAST[str(_n)] = _RT_FAST[_text] = _text
    if _n < 100:
        _RT_FAST[f"{_n:02d}"] = _text
_RT_PREFIX = re.compile(r"(?:RT|RW)\s*[.:/-]?\s*", re.IGNORECASE)


def parse_rt_rw(value: object, *, label: str | None = None) -> str | None:
    """RT or RW as a 3-digit string: "2", "02", 2, 2.0, "RT 02", "RW.002" -> "002".

    Refuses non-numbers, 0 (code "zero") and numbers above 999. Empty -> None.
    """
    try:
        return _RT_FAST[value]
    except (KeyError, TypeError):
        pass
    if _blank(value):
        return None
    number = _integral(value)
    if number is None and isinstance(value, str):
        number = _integral(_RT_PREFIX.sub("", value.strip(), count=1))
    label = label or gettext("RT/RW")
    if number is None:
        raise ValueProblem(
            gettext("%(label)s '%(value)s' bukan angka; tulis nomornya saja, mis. 002.")
            % {"label": label, "value": _show(value)},
            code="not_number",
        )
    if number == 0:
        raise ValueProblem(
            gettext("%(label)s '%(value)s' tidak valid; nomor RT/RW dimulai dari 001.")
            % {"label": label, "value": _show(value)},
            code="zero",
        )
    if number > 999:
        raise ValueProblem(
            gettext("%(label)s '%(value)s' terlalu besar; paling banyak 3 digit (001–999).")
            % {"label": label, "value": _show(value)},
            code="range",
        )
    return f"{number:03d}"


# --------------------------------------------------------------------------
# Free text, integers
# --------------------------------------------------------------------------


def clean_text(
    value: object, *, upper: bool = False, max_length: int | None = None, label: str | None = None
) -> str | None:
    """Text with whitespace collapsed and stripped (also line breaks, non-breaking
    and zero-width spaces); numbers without ".0". Empty -> None.

    ``upper``: upper-case it. ``max_length``: refuse longer text (code "too_long").
    """
    if value.__class__ is str:
        text = " ".join(value.split())
        if not text.isascii():
            text = " ".join(text.translate(_INVISIBLE).split())
        if not text:
            return None
    elif value is None:
        return None
    elif isinstance(value, float):
        if value != value:  # NaN from a spreadsheet
            return None
        text = f"{value:.0f}" if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, datetime):
        text = (
            value.strftime("%d-%m-%Y")
            if value.time() == datetime.min.time()
            else value.strftime("%d-%m-%Y %H:%M")
        )
    elif isinstance(value, date):
        text = value.strftime("%d-%m-%Y")
    else:
        text = " ".join(str(value).split())
        if not text:
            return None
    if upper:
        text = text.upper()
    if max_length is not None and len(text) > max_length:
        raise ValueProblem(
            gettext(
                "%(label)s '%(value)s' terlalu panjang: %(length)d karakter, paling banyak %(max)d."
            )
            % {
                "label": label or gettext("Isian"),
                "value": _show(text),
                "length": len(text),
                "max": max_length,
            },
            code="too_long",
        )
    return text


def parse_int(
    value: object,
    *,
    label: str | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """A whole number (Umur, NUK, Sta_kawin...) from 7 / 7.0 / "7" / "07" / "7.0".

    Refuses decimals, words and values outside ``minimum``..``maximum``.
    Empty -> None.
    """
    if value.__class__ is str and value.isdigit() and value.isascii():
        number = int(value)
    elif value.__class__ is int:
        number = value
    else:
        if _blank(value):
            return None
        number = _integral(value)
        if number is None and isinstance(value, str):
            text = value.strip()
            if text[:1] == "-" and text[1:].isdigit() and text.isascii():
                number = int(text)
        if number is None:
            raise ValueProblem(
                gettext("%(label)s '%(value)s' bukan bilangan bulat.")
                % {"label": label or gettext("Isian"), "value": _show(value)},
                code="not_number",
            )
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        if minimum is not None and maximum is not None:
            bounds = gettext("harus antara %(min)d dan %(max)d") % {"min": minimum, "max": maximum}
        elif minimum is not None:
            bounds = gettext("paling kecil %(min)d") % {"min": minimum}
        else:
            bounds = gettext("paling besar %(max)d") % {"max": maximum}
        raise ValueProblem(
            gettext("%(label)s '%(value)s' tidak valid; %(bounds)s.")
            % {"label": label or gettext("Isian"), "value": _show(value), "bounds": bounds},
            code="range",
        )
    return number


# --------------------------------------------------------------------------
# Member presence (Sta_keberadaan_art)
# --------------------------------------------------------------------------

#: Presence values returned by :func:`parse_presence`.
PRESENCE_CHOICES = ("ada", "meninggal", "pindah", "tidak_ditemukan", "baru")

# Regsosek / BDT codes: 1 lives here, 2 died, 3 moved within Indonesia,
# 4 moved abroad, 5 new member, 6 not found.
_PRESENCE_CODES = {
    1: "ada",
    2: "meninggal",
    3: "pindah",
    4: "pindah",
    5: "baru",
    6: "tidak_ditemukan",
}
_PRESENCE_WORDS = {
    "ADA": "ada", "TINGGAL": "ada", "TINGGAL BERSAMA": "ada", "MASIH TINGGAL": "ada",
    "TINGGAL DI RUMAH": "ada", "TINGGAL DI RUMAH TANGGA": "ada", "TINGGAL BERSAMA ART": "ada",
    "MENINGGAL": "meninggal", "MENINGGAL DUNIA": "meninggal", "WAFAT": "meninggal",
    "PINDAH": "pindah", "PINDAH ALAMAT": "pindah", "PINDAH DOMISILI": "pindah",
    "PINDAH KE LUAR NEGERI": "pindah", "LUAR NEGERI": "pindah",
    "PINDAH KE WILAYAH LAIN": "pindah", "TIDAK TINGGAL BERSAMA": "pindah",
    "BARU": "baru", "ANGGOTA BARU": "baru", "ART BARU": "baru",
    "ANGGOTA RUMAH TANGGA BARU": "baru", "ANGGOTA KELUARGA BARU": "baru",
    "TIDAK DITEMUKAN": "tidak_ditemukan", "TIDAK DIKENAL": "tidak_ditemukan",
    "TIDAK DITEMUKAN TIDAK DIKENAL": "tidak_ditemukan",
    "TIDAK_DITEMUKAN": "tidak_ditemukan",
}  # fmt: skip
_PRESENCE_FAST: dict[object, str | None] = {None: None, "": None}
_codes(_PRESENCE_FAST, _PRESENCE_CODES)
_variants(_PRESENCE_FAST, _PRESENCE_WORDS)
for _choice in PRESENCE_CHOICES:
    _PRESENCE_FAST[_choice] = _choice


def parse_presence(value: object, *, label: str | None = None) -> str | None:
    """ "ada", "meninggal", "pindah", "tidak_ditemukan" or "baru" from the codes
    1 (ada), 2 (meninggal), 3/4 (pindah dalam negeri/luar negeri), 5 (baru),
    6 (tidak ditemukan) or the words. Empty -> None."""
    try:
        return _PRESENCE_FAST[value]
    except (KeyError, TypeError):
        pass
    if _blank(value):
        return None
    code = _integral(value)
    result = _PRESENCE_CODES.get(code) if code is not None else _PRESENCE_WORDS.get(_words(value))
    if result is None:
        raise ValueProblem(
            gettext(
                "%(label)s '%(value)s' tidak dikenali; gunakan kode 1 (ada), 2 (meninggal), "
                "3 (pindah), 4 (pindah ke luar negeri), 5 (anggota baru), 6 (tidak ditemukan)."
            )
            % {"label": label or gettext("Status keberadaan"), "value": _show(value)},
            code="unknown",
        )
    return result


# --------------------------------------------------------------------------
# Region codes
# --------------------------------------------------------------------------

_VILLAGE_MEMO: dict[object, str] = {}
_BPS_MEMO: dict[tuple, str] = {}
_MEMO_MAX = 10_000
_CODE_SEPARATORS = re.compile(r"[.\s-]+")


def _village_problem(value: object, label) -> ValueProblem:
    return ValueProblem(
        gettext(
            "%(label)s '%(value)s' tidak valid; tulis kode Kemendagri 10 digit, "
            "mis. 32.04.17.2001 atau 3204172001."
        )
        % {"label": label or gettext("Kode wilayah desa"), "value": _show(value)},
        code="village_code",
    )


def normalise_village_code(value: object, *, label: str | None = None) -> str | None:
    """Kemendagri village code as "PP.KK.CC.DDDD" from "32.04.17.2001",
    "3204172001", 3204172001 or "32.4.17.2001". Empty -> None."""
    try:
        return _VILLAGE_MEMO[value]
    except (KeyError, TypeError):
        pass
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise _village_problem(value, label)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and value.is_integer():
        text = f"{value:.0f}"
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise _village_problem(value, label)
    parts = [p for p in _CODE_SEPARATORS.split(text) if p]
    if len(parts) == 4 and all(p.isdigit() and p.isascii() for p in parts):
        widths = (2, 2, 2, 4)
        if any(len(p) > w for p, w in zip(parts, widths, strict=True)):
            raise _village_problem(value, label)
        digits = "".join(p.zfill(w) for p, w in zip(parts, widths, strict=True))
    elif len(parts) == 1 and text.isdigit() and text.isascii():
        digits = text
    else:
        raise _village_problem(value, label)
    if len(digits) != 10 or "00" in (digits[:2], digits[2:4], digits[4:6]) or digits[6:] == "0000":
        raise _village_problem(value, label)
    code = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    if len(_VILLAGE_MEMO) < _MEMO_MAX:
        _VILLAGE_MEMO[value] = code
    return code


def _bps_part(value: object, width: int, prefix: str, name: str) -> str:
    if isinstance(value, bool):
        text = None
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = f"{value:.0f}" if value.is_integer() else None
    elif isinstance(value, str):
        text = value.strip()
        match = _INT_TEXT.fullmatch(text)
        text = text if text.isdigit() and text.isascii() else (match.group(1) if match else None)
    else:
        text = None
    if not text:
        shown = "" if _blank(value) else _show(value)
        raise ValueProblem(
            gettext("Kode BPS %(name)s '%(value)s' kosong atau bukan angka.")
            % {"name": name, "value": shown},
            code="bps_code",
        )
    if len(text) == len(prefix) + width and text.startswith(prefix):
        text = text[len(prefix) :]  # a cumulative code: KDKEC "3204030"
    if len(text) > width or int(text) == 0:
        raise ValueProblem(
            gettext("Kode BPS %(name)s '%(value)s' tidak valid (harus %(width)d digit, bukan 0).")
            % {"name": name, "value": _show(value), "width": width},
            code="bps_code",
        )
    return text.zfill(width)


def split_bps(kdprop: object, kdkab: object, kdkec: object, kddesa: object) -> str:
    """The 10-digit BPS village code from the BDT columns KDPROP, KDKAB, KDKEC, KDDESA.

    ("32", "04", "030", "004") -> "3204030004"; numbers and lost leading
    zeros are fine (32, 4, 30, 4); cumulative codes too (KDKEC "3204030",
    KDDESA "3204030004").
    """
    key = (kdprop, kdkab, kdkec, kddesa)
    try:
        return _BPS_MEMO[key]
    except (KeyError, TypeError):
        pass
    prop = _bps_part(kdprop, 2, "", "KDPROP")
    kab = _bps_part(kdkab, 2, prop, "KDKAB")
    kec = _bps_part(kdkec, 3, prop + kab, "KDKEC")
    desa = _bps_part(kddesa, 3, prop + kab + kec, "KDDESA")
    code = prop + kab + kec + desa
    if len(_BPS_MEMO) < _MEMO_MAX:
        try:
            _BPS_MEMO[key] = code
        except TypeError:
            pass
    return code


# Loop variables of the table building above.
del _number, _names, _name, _spelling, _variant, _sex, _d, _p, _n, _text, _choice
