"""Working days in the Netherlands: Monday to Friday, less the national public holidays.

Deadlines for referrals ("received within 2 working days") count these, in Dutch local time.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from socialekaart.shared.hours import LOCAL_TZ


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar; the anonymous Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Nieuwjaarsdag, Tweede Paasdag, Koningsdag, Hemelvaartsdag, Tweede Pinksterdag, Kerstmis
    (Goede Vrijdag and Bevrijdingsdag are not a day off for most, so they are working days here)."""
    sunday = easter(year)
    kings = date(year, 4, 27)
    if kings.weekday() == 6:  # on a Sunday it moves to Saturday
        kings = date(year, 4, 26)
    return frozenset({date(year, 1, 1), sunday + timedelta(days=1), kings, sunday + timedelta(days=39),
                      sunday + timedelta(days=50), date(year, 12, 25), date(year, 12, 26)})


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` working days after ``start``, at the same Dutch local time of day
    (a referral sent on Friday 15:00 with 2 working days is due Tuesday 15:00). UTC out."""
    local = start.astimezone(LOCAL_TZ)
    day = local.date()
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    due = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=LOCAL_TZ)
    return due.astimezone(timezone.utc)
