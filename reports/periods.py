"""Report periods: a month, a quarter (triwulan), a semester or a year, with their
boundaries in local time (settings.TIME_ZONE, Asia/Jakarta).

Written as keys: ``2026-11`` (November 2026), ``2026-Q4`` (triwulan IV), ``2026-S2``
(semester II), ``2026`` (the year). A complaint registered at 23:30 WIB on the last day
of a month belongs to that month, whatever the server's clock says in UTC.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MONTHLY, QUARTERLY, SEMESTER, YEARLY = "monthly", "quarterly", "semester", "yearly"
KINDS = (MONTHLY, QUARTERLY, SEMESTER, YEARLY)
# Months per period of each kind.
SPAN = {MONTHLY: 1, QUARTERLY: 3, SEMESTER: 6, YEARLY: 12}
KIND_LABELS = {MONTHLY: "Bulanan", QUARTERLY: "Triwulanan", SEMESTER: "Semesteran",
               YEARLY: "Tahunan"}
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov",
                "Des"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), MONTHLY),
    (re.compile(r"^(\d{4})-[Qq](\d)$"), QUARTERLY),
    (re.compile(r"^(\d{4})-[Ss](\d)$"), SEMESTER),
    (re.compile(r"^(\d{4})$"), YEARLY),
]
FIRST_YEAR = 2000


@dataclass(frozen=True, order=True)
class Period:
    """One report period. ``number``: the month (1–12), quarter (1–4), semester (1–2),
    or 1 for a year."""

    year: int
    kind: str
    number: int

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValidationError(_("Jenis periode tidak dikenal."))
        if not FIRST_YEAR <= self.year <= 2999:
            raise ValidationError(_("Tahun periode harus antara %(a)d dan 2999.")
                                  % {"a": FIRST_YEAR})
        if not 1 <= self.number <= 12 // SPAN[self.kind]:
            raise ValidationError(_("Nomor periode di luar rentang untuk jenis ini."))

    # -- construction --------------------------------------------------------------------

    @classmethod
    def parse(cls, key: str, kind: str | None = None) -> Period:
        """``2026-11``, ``2026-Q4``, ``2026-S2`` or ``2026``. With ``kind``, a month key
        names the period of that kind that contains the month (``2026-11`` quarterly is
        ``2026-Q4``)."""
        text = (key or "").strip()
        for pattern, found_kind in _PATTERNS:
            match = pattern.match(text)
            if match:
                year = int(match.group(1))
                number = int(match.group(2)) if found_kind != YEARLY else 1
                if found_kind == MONTHLY and kind and kind != MONTHLY:
                    if not 1 <= number <= 12:
                        break
                    return cls.containing(datetime.date(year, number, 1), kind)
                if kind and kind != found_kind:
                    raise ValidationError(
                        _("Periode «%(key)s» bukan periode %(kind)s.")
                        % {"key": text, "kind": KIND_LABELS[kind].lower()})
                return cls(year, found_kind, number)
        raise ValidationError(
            _("Periode «%(key)s» tidak dikenali. Tulis seperti 2026-11 (bulan), 2026-Q4 "
              "(triwulan), 2026-S2 (semester) atau 2026 (tahun).") % {"key": text})

    @classmethod
    def containing(cls, day: datetime.date, kind: str = MONTHLY) -> Period:
        return cls(day.year, kind, (day.month - 1) // SPAN[kind] + 1)

    # -- what it covers ------------------------------------------------------------------

    @property
    def key(self) -> str:
        return {MONTHLY: f"{self.year}-{self.number:02d}", QUARTERLY: f"{self.year}-Q{self.number}",
                SEMESTER: f"{self.year}-S{self.number}", YEARLY: f"{self.year}"}[self.kind]

    @property
    def first_month(self) -> int:
        return (self.number - 1) * SPAN[self.kind] + 1

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        """The first day after the period (exclusive)."""
        month = self.first_month + SPAN[self.kind]
        return datetime.date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    @property
    def start_at(self) -> datetime.datetime:
        """Local midnight at the start (an aware datetime in settings.TIME_ZONE)."""
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        return _midnight(self.end)

    def months(self) -> list[Period]:
        return [Period(self.year, MONTHLY, self.first_month + i) for i in range(SPAN[self.kind])]

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, 12 // SPAN[self.kind])

    def trailing_months(self, count: int = 12) -> list[Period]:
        """The ``count`` months up to and including the period's last month."""
        month = Period.containing(self.last_day)
        months = [month]
        while len(months) < count:
            months.append(months[-1].previous())
        return months[::-1]

    # -- relative to today ---------------------------------------------------------------

    def is_future(self, today: datetime.date | None = None) -> bool:
        return self.start > (today or timezone.localdate())

    def is_running(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.start <= today < self.end

    def has_ended(self, today: datetime.date | None = None) -> bool:
        """The last day has come: from then on the period's report may be issued."""
        return (today or timezone.localdate()) >= self.last_day

    # -- names ---------------------------------------------------------------------------

    @property
    def label(self) -> str:
        """As the report title says it: «November 2026», «Triwulan IV 2026»."""
        if self.kind == MONTHLY:
            return f"{MONTHS[self.number - 1]} {self.year}"
        if self.kind == QUARTERLY:
            return f"Triwulan {ROMAN[self.number - 1]} {self.year}"
        if self.kind == SEMESTER:
            return f"Semester {ROMAN[self.number - 1]} {self.year}"
        return f"Tahun {self.year}"

    @property
    def short_label(self) -> str:
        if self.kind == MONTHLY:
            return f"{MONTHS_SHORT[self.number - 1]} {self.year % 100:02d}"
        return self.label

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def roman_month(self) -> str:
        """The Roman numeral of the period's last month, for letter numbers."""
        return ROMAN[self.last_day.month - 1]

    def __str__(self):
        return self.label


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def check_not_future(period: Period, today: datetime.date | None = None) -> None:
    """Refuse a period that has not started: there is nothing to report yet."""
    if period.is_future(today):
        raise ValidationError(
            _("Periode %(period)s belum dimulai; laporan hanya dapat dibuat untuk periode "
              "yang sedang berjalan atau sudah lewat.") % {"period": period.label})


def current(kind: str = MONTHLY) -> Period:
    return Period.containing(timezone.localdate(), kind)


def recent(kind: str = MONTHLY) -> Period:
    """The last complete period of ``kind`` (the one a report is usually written for)."""
    return current(kind).previous()
