"""Working days: Monday to Friday, without Indonesia's national holidays and joint
leave days (the ``holidays`` package keeps that list up to date) and without the
local days off the Manajer records (referrals.DayOff)."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _holidays(year: int):
    return holidays.country_holidays("ID", years=[year, year + 1])


def local_days_off(start: datetime.date, end: datetime.date) -> frozenset[datetime.date]:
    from .models import DayOff

    return frozenset(DayOff.objects.filter(date__gte=start, date__lte=end)
                     .values_list("date", flat=True))


def is_working_day(day: datetime.date, days_off: frozenset = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year) and day not in days_off


def add_working_days(start: datetime.date, days: int, *,
                     days_off: frozenset | None = None) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    ``days_off``: the local days off, when the caller already loaded them (a list
    page computing many deadlines); by default they are read here."""
    if days_off is None:
        # Enough calendar days for any realistic run of holidays.
        days_off = local_days_off(start, start + datetime.timedelta(days=days * 2 + 30))
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, days_off):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, *,
                         days_off: frozenset | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    if end <= start:
        return 0
    if days_off is None:
        days_off = local_days_off(start, end)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, days_off):
            count += 1
    return count
