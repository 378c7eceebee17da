"""Rules for Indonesian identity numbers: NIK and Nomor KK.

This is the one place that knows how a NIK (*Nomor Induk Kependudukan*) and a
KK (*Kartu Keluarga*) number are built. Forms, the register import (DTKS /
BDT / DTSEN extracts) and services call these functions instead of keeping
their own checks.

Layout of both numbers (16 digits)::

    PP KK CC  DD MM YY  SSSS
    region    date      serial

* region: Kemendagri province, kabupaten/kota and kecamatan codes;
* date: for a NIK the birth date, with **day + 40 for women**; for a KK the
  issue date (no +40 rule). The century is not written: we take the most
  recent one that is not in the future;
* serial: from 0001.

Values that Excel turned into numbers (``3.20417E+15``, ``...0001.0``, a
numeric XLSX cell) have already lost their last digit(s): they are refused
with a message that says so, never repaired or guessed.

All user-facing messages are in Bahasa Indonesia.
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "SEX_FEMALE",
    "SEX_MALE",
    "IdentityError",
    "NikInfo",
    "mask_kk",
    "mask_nik",
    "normalise_sex",
    "parse_kk",
    "parse_nik",
    "sex_mismatch_warning",
    "validate_kk",
    "validate_nik",
]

SEX_MALE = "L"
SEX_FEMALE = "P"

_LENGTH = 16
_FEMALE_DAY_OFFSET = 40

# Characters that copy-paste from the web or a BOM-prefixed CSV leave behind.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
# Apostrophes typed in front of a number to force Excel to keep it as text
# (the typographic ones come from autocorrect).
_TEXT_PREFIXES = "'\u2018\u2019`"

# 3.20417E+15 / 3,20417E+15 / 3.20417e15 / 3E+15
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
# 3204171201900001.0 / 3204171201900001,00
_DECIMAL_ZERO = re.compile(r"\d+[.,]0+")
# 3.204.171.201.900.000 / 3,204,171,201,900,000 (a number cell with
# thousand separators), optionally with decimals.
_GROUPED = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3}){3,}(?:[.,]\d+)?")
_DIGITS = re.compile(r"[0-9]+")

_REGION_PARTS = (
    (0, _("kode provinsi (digit ke-1–2)")),
    (2, _("kode kabupaten/kota (digit ke-3–4)")),
    (4, _("kode kecamatan (digit ke-5–6)")),
)

_EXCEL_HOWTO = _(
    "Format kolom %(label)s sebagai Teks di Excel lalu ketik/ekspor ulang; "
    "%(label)s tidak boleh ditebak."
)


class IdentityError(ValueError):
    """A NIK or KK number that must be refused.

    ``message`` is the Indonesian text for the user; ``code`` is a short
    English slug for programs (e.g. ``"excel_scientific"``, ``"excel_number"``,
    ``"empty"``, ``"length"``, ``"not_digits"``, ``"region_zero"``,
    ``"bad_date"``, ``"serial_zero"``).
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class NikInfo:
    """What a valid NIK tells: region of first registration, birth date, sex."""

    nik: str
    region_code: str
    birth_date: date
    sex: str
    serial: str


@dataclass(frozen=True)
class _Kind:
    label: object  # lazy string, e.g. "NIK"
    date_label: object  # lazy string, e.g. "Tanggal lahir"
    female_offset: bool


_NIK = _Kind(label=_("NIK"), date_label=_("Tanggal lahir"), female_offset=True)
_KK = _Kind(label=_("Nomor KK"), date_label=_("Tanggal penerbitan"), female_offset=False)


def _default_today() -> date:
    """Today in the project's time zone (Asia/Jakarta), not the server's."""
    return timezone.localdate()


def _excel_error(kind: _Kind, message: str, *, shown: str, code: str) -> IdentityError:
    text = message % {"label": kind.label, "value": shown}
    howto = str(_EXCEL_HOWTO) % {"label": kind.label}
    return IdentityError(f"{text} {howto}", code=code)


def _show_number(value: numbers.Number) -> str:
    """A numeric cell as a clerk would recognise it (no exponent if avoidable)."""
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value)


def _clean(value: object, kind: _Kind) -> str:
    """Return the 16 digits of ``value`` or raise IdentityError.

    Accepts surrounding whitespace and a leading apostrophe. Refuses numbers
    and every text form that shows Excel has converted the value to a number.
    """
    # Fast path for the common case (the register import calls this a million times).
    if type(value) is str and len(value) == _LENGTH and value.isascii() and value.isdigit():
        return value
    if value is None:
        raise IdentityError(gettext("%(label)s belum diisi.") % {"label": kind.label}, code="empty")
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        # openpyxl returns int/float for a numeric cell: Excel keeps only 15
        # significant digits, so the 16th digit is already gone.
        raise _excel_error(
            kind,
            gettext(
                "%(label)s ini tersimpan di Excel sebagai angka (%(value)s), bukan teks; "
                "Excel hanya menyimpan 15 digit sehingga digit terakhirnya hilang."
            ),
            shown=_show_number(value),
            code="excel_number",
        )
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")

    text = str(value).strip().strip(_INVISIBLE).strip()
    if text[:1] and text[0] in _TEXT_PREFIXES:
        text = text[1:].strip()
    if not text:
        raise IdentityError(gettext("%(label)s belum diisi.") % {"label": kind.label}, code="empty")

    if _SCIENTIFIC.fullmatch(text):
        raise _excel_error(
            kind,
            gettext(
                "%(label)s ini telah diubah Excel menjadi angka (%(value)s) "
                "sehingga digit terakhirnya hilang."
            ),
            shown=text,
            code="excel_scientific",
        )
    if _DECIMAL_ZERO.fullmatch(text) or _GROUPED.fullmatch(text):
        raise _excel_error(
            kind,
            gettext(
                "%(label)s ini telah diubah Excel menjadi angka (%(value)s) "
                "sehingga digitnya tidak bisa dipercaya lagi."
            ),
            shown=text,
            code="excel_number",
        )

    if not _DIGITS.fullmatch(text):
        if any(ch.isspace() for ch in text):
            message = gettext(
                "%(label)s tidak boleh berisi spasi; tulis 16 digit angka tanpa spasi "
                "(tertulis: \u201c%(value)s\u201d)."
            ) % {"label": kind.label, "value": text}
        else:
            bad = "".join(dict.fromkeys(ch for ch in text if ch not in "0123456789"))
            message = gettext(
                "%(label)s hanya boleh berisi angka 0–9 (ditemukan: \u201c%(chars)s\u201d)."
            ) % {"label": kind.label, "chars": bad}
        raise IdentityError(message, code="not_digits")

    if len(text) != _LENGTH:
        raise IdentityError(
            gettext("%(label)s harus 16 digit angka (tertulis %(count)d digit).")
            % {"label": kind.label, "count": len(text)},
            code="length",
        )
    return text


def _check_region(digits: str, kind: _Kind) -> None:
    for start, part in _REGION_PARTS:
        if digits[start : start + 2] == "00":
            raise IdentityError(
                gettext("Kode wilayah pada %(label)s tidak valid: %(part)s tidak boleh 00.")
                % {"label": kind.label, "part": part},
                code="region_zero",
            )


def _check_serial(digits: str, kind: _Kind) -> None:
    if digits[12:] == "0000":
        raise IdentityError(
            gettext("Nomor urut pada %(label)s (4 digit terakhir) tidak boleh 0000.")
            % {"label": kind.label},
            code="serial_zero",
        )


def _resolve_date(digits: str, kind: _Kind, today: date) -> tuple[date, str]:
    """Decode DDMMYY (digits 7–12) into a date and the sex it implies.

    The century is the most recent one that does not put the date after
    ``today``.
    """
    raw_day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex = SEX_MALE
    day = raw_day
    if kind.female_offset and raw_day > _FEMALE_DAY_OFFSET:
        day = raw_day - _FEMALE_DAY_OFFSET
        sex = SEX_FEMALE
    if not 1 <= day <= 31:
        if kind.female_offset:
            message = gettext(
                "%(date_label)s pada %(label)s (digit ke-7–8) bernilai %(day)s; harus 01–31 "
                "untuk laki-laki atau 41–71 untuk perempuan (tanggal + 40)."
            )
        else:
            message = gettext(
                "%(date_label)s pada %(label)s (digit ke-7–8) bernilai %(day)s; harus 01–31."
            )
        raise IdentityError(
            message % {"date_label": kind.date_label, "label": kind.label, "day": digits[6:8]},
            code="bad_date",
        )
    if not 1 <= month <= 12:
        raise IdentityError(
            gettext("Bulan pada %(label)s (digit ke-9–10) bernilai %(month)s; harus 01–12.")
            % {"label": kind.label, "month": digits[8:10]},
            code="bad_date",
        )

    # The year has two digits: take this century unless that puts the date
    # after today, then the previous one (which never can).
    year = today.year // 100 * 100 + yy
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    try:
        return date(year, month, day), sex
    except ValueError:
        raise IdentityError(
            gettext("%(date_label)s pada %(label)s tidak ada di kalender: %(date)s.")
            % {
                "date_label": kind.date_label,
                "label": kind.label,
                "date": f"{day:02d}-{month:02d}-{year:04d}",
            },
            code="bad_date",
        ) from None


def parse_nik(value: object, *, today: date | None = None) -> NikInfo:
    """Check a NIK as typed in a form or read from an import, and decode it.

    Accepts surrounding whitespace and a leading apostrophe (Excel "text"
    marker). Raises :class:`IdentityError` with an Indonesian message for
    anything else that is not a valid NIK, including every value Excel has
    turned into a number. ``today`` (default: today in Asia/Jakarta) decides
    the birth century.
    """
    digits = _clean(value, _NIK)
    _check_region(digits, _NIK)
    birth_date, sex = _resolve_date(digits, _NIK, today or _default_today())
    _check_serial(digits, _NIK)
    return NikInfo(
        nik=digits,
        region_code=digits[:6],
        birth_date=birth_date,
        sex=sex,
        serial=digits[12:],
    )


def parse_kk(value: object, *, today: date | None = None) -> str:
    """Check a Nomor KK (family card number) and return its clean 16 digits.

    Same input handling as :func:`parse_nik`; the date part is the issue
    date (no +40 rule): it must exist, and its century is chosen so that it
    is not in the future, as for a birth date.
    """
    digits = _clean(value, _KK)
    _check_region(digits, _KK)
    _resolve_date(digits, _KK, today or _default_today())
    _check_serial(digits, _KK)
    return digits


_SEX_WORDS = {
    "L": SEX_MALE,
    "LK": SEX_MALE,
    "LAKI": SEX_MALE,
    "LAKI-LAKI": SEX_MALE,
    "LAKI LAKI": SEX_MALE,
    "PRIA": SEX_MALE,
    "1": SEX_MALE,
    "P": SEX_FEMALE,
    "PR": SEX_FEMALE,
    "PEREMPUAN": SEX_FEMALE,
    "WANITA": SEX_FEMALE,
    "2": SEX_FEMALE,
}

_SEX_NAMES = {SEX_MALE: _("Laki-laki"), SEX_FEMALE: _("Perempuan")}


def normalise_sex(value: object) -> str | None:
    """Read a stated sex from a form or register column as ``"L"``/``"P"``.

    Understands L/P, Laki-laki/Perempuan and the register codes 1/2
    (case-insensitive, also as numbers). Returns None when empty or unknown.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        value = str(int(value))
    text = " ".join(str(value).split()).upper()
    return _SEX_WORDS.get(text)


def sex_mismatch_warning(info: NikInfo, stated_sex: object) -> str | None:
    """Warn (not refuse) when the stated sex differs from the one in the NIK.

    Returns an Indonesian warning, or None when they agree or the stated sex
    is empty or not recognised.
    """
    stated = normalise_sex(stated_sex)
    if stated is None or stated == info.sex:
        return None
    return gettext(
        "Jenis kelamin tertulis %(stated)s, tetapi menurut NIK %(nik_sex)s "
        "(pada NIK perempuan tanggal lahir ditambah 40). Periksa kembali NIK "
        "atau jenis kelamin."
    ) % {"stated": _SEX_NAMES[stated], "nik_sex": _SEX_NAMES[info.sex]}


def _mask(value: str) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_nik(value: str) -> str:
    """Show a NIK on screen or in print without the birth date.

    ``"3204171201900001"`` → ``"320417******0001"``. Short values are fully
    masked.
    """
    return _mask(value)


def mask_kk(value: str) -> str:
    """Show a Nomor KK masked like :func:`mask_nik`."""
    return _mask(value)


def validate_nik(value: object) -> None:
    """Django validator for NIK model/form fields (same message and code)."""
    try:
        parse_nik(value)
    except IdentityError as err:
        raise ValidationError(err.message, code=err.code) from err


def validate_kk(value: object) -> None:
    """Django validator for Nomor KK model/form fields (same message and code)."""
    try:
        parse_kk(value)
    except IdentityError as err:
        raise ValidationError(err.message, code=err.code) from err
