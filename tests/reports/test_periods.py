"""Report periods: keys, boundaries in Asia/Jakarta, the previous period."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from reports.periods import Period, check_not_future


@pytest.mark.parametrize("key,label,start,last", [
    ("2026-11", "November 2026", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)),
    ("2026-Q4", "Triwulan IV 2026", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ("2026-S1", "Semester I 2026", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
    ("2024", "Tahun 2024", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
    ("2024-02", "Februari 2024", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
])
def test_a_key_names_its_period(key, label, start, last):
    period = Period.parse(key)
    assert (period.label, period.start, period.last_day, period.key) == (label, start, last, key)


def test_boundaries_are_local_midnight_in_jakarta():
    period = Period.parse("2026-11")
    assert period.start_at.isoformat() == "2026-11-01T00:00:00+07:00"
    assert period.end_at.isoformat() == "2026-12-01T00:00:00+07:00"


def test_previous_periods_cross_the_year():
    assert Period.parse("2026-01").previous().key == "2025-12"
    assert Period.parse("2026-Q1").previous().key == "2025-Q4"
    assert Period.parse("2026-S1").previous().key == "2025-S2"
    assert Period.parse("2026").previous().key == "2025"
    months = Period.parse("2026-Q1").trailing_months(12)
    assert [m.key for m in (months[0], months[-1])] == ["2025-04", "2026-03"]


def test_a_month_key_with_a_kind_names_the_period_containing_it():
    assert Period.parse("2026-11", "quarterly").key == "2026-Q4"
    assert Period.parse("2026-11", "semester").key == "2026-S2"
    assert Period.parse("2026-11", "yearly").key == "2026"
    with pytest.raises(ValidationError, match="bukan periode triwulanan"):
        Period.parse("2026-S2", "quarterly")


@pytest.mark.parametrize("key", ["", "2026-00", "2026-13", "2026-Q0", "2026-S3", "26-11",
                                 "November", "1999"])
def test_bad_keys_are_refused_in_indonesian(key):
    with pytest.raises(ValidationError) as error:
        Period.parse(key)
    assert any(word in error.value.messages[0]
               for word in ("tidak dikenali", "di luar rentang", "harus antara"))


def test_a_future_period_is_refused():
    today = datetime.date(2026, 11, 22)
    check_not_future(Period.parse("2026-11"), today)  # running: allowed
    with pytest.raises(ValidationError, match="belum dimulai"):
        check_not_future(Period.parse("2026-12"), today)
    assert not Period.parse("2026-11").has_ended(today)
    assert Period.parse("2026-11").has_ended(datetime.date(2026, 11, 30))
