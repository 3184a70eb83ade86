"""Opening hours in a forgiving Dutch notation: ``ma-vr 09:00-17:00; za 10:00-12:00``.

Stored as minute-of-week ranges (Monday 00:00 = 0) in local Dutch time, so a store query can
test "open at" with plain integer comparisons on both backends.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Sequence
from zoneinfo import ZoneInfo

from socialekaart.shared.errors import ValidationError

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MINUTES_PER_DAY = 24 * 60
ALWAYS = ("24/7", "altijd", "dag en nacht", "24 uur per dag")
_ALIASES = {name: i for i, name in enumerate(DAY_NAMES)} | {d: i for i, d in enumerate(DAYS)} | {
    "maa": 0, "din": 1, "woe": 2, "don": 3, "vrij": 4, "zat": 5, "zon": 6, "mo": 0, "tu": 1, "we": 2,
    "th": 3, "fr": 4, "sa": 5, "su": 6}
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_RANGE = re.compile(rf"^{_TIME}\s*(?:-|–|tot)\s*{_TIME}$")


@dataclass(frozen=True)
class WeeklyHours:
    # Sorted (start, end) minute-of-week pairs; end is exclusive.
    ranges: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    always_open: bool = False

    @classmethod
    def parse(cls, text: str | None) -> "WeeklyHours":
        """Parse 'ma-vr 09:00-17:00; za 10:00-12:00'. Empty text means 'unknown'."""
        if text is None or not text.strip():
            return cls()
        if len(text) > 500:
            raise ValidationError("De openingstijden zijn te lang (hoogstens 500 tekens).", field="hours")
        if text.strip().lower() in ALWAYS:
            return cls(((0, 7 * MINUTES_PER_DAY),), always_open=True)
        ranges: list[tuple[int, int]] = []
        for part in re.split(r"[;\n]", text):
            part = part.strip().lower()
            if not part:
                continue
            match = re.match(r"^([a-z ,\-–]+?)\s+(\d.*)$", part)
            if not match:
                raise _bad(part)
            days = _parse_days(match.group(1), part)
            for time_range in match.group(2).split(","):
                start, end = _parse_range(time_range.strip(), part)
                for day in days:
                    ranges.append((day * MINUTES_PER_DAY + start, day * MINUTES_PER_DAY + end))
        return cls(tuple(sorted(set(ranges))))

    @classmethod
    def from_minutes(cls, flat: Sequence[int] | None) -> "WeeklyHours":
        flat = list(flat or [])
        pairs = tuple((flat[i], flat[i + 1]) for i in range(0, len(flat) - 1, 2))
        return cls(pairs, always_open=pairs == ((0, 7 * MINUTES_PER_DAY),))

    def minutes(self) -> list[int]:
        """Flat list for storage: [start1, end1, start2, end2, ...]."""
        return [m for pair in self.ranges for m in pair]

    @property
    def known(self) -> bool:
        return bool(self.ranges)

    def is_open_at(self, moment: datetime) -> bool:
        minute = minute_of_week(moment)
        return any(start <= minute < end for start, end in self.ranges)

    def text(self) -> str:
        """Back to the notation it was parsed from, with runs of equal days joined: 'ma-vr 09:00-17:00'."""
        if self.always_open:
            return "24/7"
        per_day: dict[int, list[str]] = {}
        for start, end in self.ranges:
            day = start // MINUTES_PER_DAY
            per_day.setdefault(day, []).append(
                f"{_clock(start - day * MINUTES_PER_DAY)}-{_clock(end - day * MINUTES_PER_DAY)}")
        parts: list[str] = []
        day = 0
        while day < 7:
            if day not in per_day:
                day += 1
                continue
            times = ", ".join(per_day[day])
            last = day
            while last + 1 < 7 and per_day.get(last + 1) and ", ".join(per_day[last + 1]) == times:
                last += 1
            label = DAYS[day] if last == day else f"{DAYS[day]}-{DAYS[last]}"
            parts.append(f"{label} {times}")
            day = last + 1
        return "; ".join(parts)


def minute_of_week(moment: datetime) -> int:
    """Minute of the week in Dutch local time; a naive datetime is taken as local time."""
    local = moment.astimezone(LOCAL_TZ) if moment.tzinfo else moment
    return local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute


def now_local() -> datetime:
    return datetime.now(timezone.utc).astimezone(LOCAL_TZ)


def _bad(part: str) -> ValidationError:
    return ValidationError(
        f"Openingstijden {part!r} niet begrepen. Schrijf bijvoorbeeld 'ma-vr 09:00-17:00; za 10:00-12:00'.",
        field="hours")


def _parse_days(text: str, part: str) -> list[int]:
    days: list[int] = []
    for chunk in text.replace(" en ", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        ends = [c.strip() for c in re.split(r"-|–|\stot\s", chunk)]
        if len(ends) == 1 and ends[0] in _ALIASES:
            days.append(_ALIASES[ends[0]])
        elif len(ends) == 2 and ends[0] in _ALIASES and ends[1] in _ALIASES:
            first, last = _ALIASES[ends[0]], _ALIASES[ends[1]]
            if last < first:
                raise _bad(part)
            days.extend(range(first, last + 1))
        else:
            raise _bad(part)
    if not days:
        raise _bad(part)
    return sorted(set(days))


def _parse_range(text: str, part: str) -> tuple[int, int]:
    match = _RANGE.match(text)
    if not match:
        raise _bad(part)
    h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or end > MINUTES_PER_DAY or start >= end:
        raise _bad(part)
    return start, end


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
