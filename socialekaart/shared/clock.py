"""Time as the domain sees it: aware UTC datetimes, an injectable clock, and one stored format."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Callable

from socialekaart.shared.hours import LOCAL_TZ

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_date(moment: datetime | None = None) -> date:
    """The Dutch calendar day of ``moment`` (now by default). Not ``date.today()``: the host's own
    zone is often UTC, which is still yesterday for the first hour or two of a Dutch day."""
    return (moment or utcnow()).astimezone(LOCAL_TZ).date()


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds: one fixed format, so stored strings sort as times."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def zulu(text: str) -> str:
    """A stored time (``iso``) as the API answers it: the same moment in UTC, written with ``Z``."""
    return iso(parse_iso(text)).replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)
