"""Short texts in plain Dutch (B1) for the public pages: distance, opening hours, costs, ages.

Pure functions on plain values, so they are easy to test and to reuse in other pages.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Sequence

from socialekaart.catalog.readability import plain_words
from socialekaart.catalog.records import SearchHit
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.hours import DAY_NAMES, MINUTES_PER_DAY, WeeklyHours

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def distance_text(metres: int | float | None) -> str | None:
    """350 -> '350 m', 1234 -> '1,2 km', 12345 -> '12 km'."""
    if metres is None:
        return None
    if metres < 50:
        return "minder dan 50 m"
    if metres < 1000:
        return f"{int(round(metres, -1))} m"
    if metres < 10_000:
        return f"{metres / 1000:.1f} km".replace(".", ",")
    return f"{round(metres / 1000)} km"


def werkgebied_text(serves: list[str], near_areas: tuple[str, ...] | list[str]) -> str:
    """Where a service that comes to you helps: 'in uw wijk' or 'in uw gemeente'."""
    matched = [code for code in near_areas if code in set(serves or [])]
    if matched and all(code.startswith("GM") for code in matched):
        return "in uw gemeente"
    return "in uw wijk"


def hit_distance_text(hit: SearchHit, near_areas: tuple[str, ...] | list[str] = ()) -> str | None:
    """The distance line on a result card.

    A service that serves the searched place through its werkgebied is 'in uw wijk'; a
    confidential one only ever shows 'bij benadering' and its wijk, never a real distance.
    """
    service = hit.service
    if hit.serves_area:
        return werkgebied_text(list(service.serves), near_areas)
    if service.confidential or service.point_kind == "wijk":
        wijk = service.wijk_name
        return f"bij benadering, in {wijk}" if wijk else "bij benadering"
    return distance_text(hit.distance)


def _clock(minutes: int) -> str:
    """570 -> '9.30'; Dutch writes times with a dot."""
    return f"{minutes // 60}.{minutes % 60:02d}"


def _days_label(first: int, last: int) -> str:
    if first == last:
        return DAY_NAMES[first]
    if last == first + 1:
        return f"{DAY_NAMES[first]} en {DAY_NAMES[last]}"
    return f"{DAY_NAMES[first]} tot en met {DAY_NAMES[last]}"


def hours_lines(text: str | None) -> list[str]:
    """'ma-vr 09:00-12:00; za 10:00-12:00' -> ['Maandag tot en met vrijdag: van 9.00 tot 12.00 uur',
    'Zaterdag: van 10.00 tot 12.00 uur']. Empty when the hours are not known."""
    if not text or not text.strip():
        return []
    try:
        hours = WeeklyHours.parse(text)
    except ValidationError:
        return [text.strip()]
    if hours.always_open:
        return ["Elke dag, dag en nacht"]
    per_day: dict[int, list[str]] = {}
    for start, end in hours.ranges:
        day = start // MINUTES_PER_DAY
        offset = day * MINUTES_PER_DAY
        per_day.setdefault(day, []).append(f"van {_clock(start - offset)} tot {_clock(end - offset)} uur")
    lines: list[str] = []
    day = 0
    while day < 7:
        if day not in per_day:
            day += 1
            continue
        last = day
        while last + 1 < 7 and per_day.get(last + 1) == per_day[day]:
            last += 1
        label = _days_label(day, last)
        lines.append(f"{label[0].upper()}{label[1:]}: {' en '.join(per_day[day])}")
        day = last + 1
    return lines


def is_open_at(text: str | None, moment: datetime) -> bool:
    """True when the hours are known and say open at this (local) moment."""
    if not text:
        return False
    try:
        return WeeklyHours.parse(text).is_open_at(moment)
    except ValidationError:
        return False


def _sentence_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", text.lower()).split())


def cost_text(cost: str | None, note: str | None = None) -> str:
    """What it costs, in words: 'Gratis', 'U betaalt een eigen bijdrage. <note>'.

    A note that already says what the base says ('U betaalt een eigen bijdrage volgens ...') is
    shown alone, so no sentence is said twice; jargon in the note gets plain words."""
    base = {"gratis": "Gratis", "eigen-bijdrage": "U betaalt een eigen bijdrage.",
            "betaald": "U betaalt de kosten zelf."}.get(cost or "", "Vraag naar de kosten.")
    if note and note.strip():
        note = plain_words(note.strip())
        if _sentence_key(note).startswith(_sentence_key(base)):
            return note
        return f"{base.rstrip('.')}. {note}"
    return base


def ages_text(age_min: int | None, age_max: int | None) -> str | None:
    """(65, None) -> 'vanaf 65 jaar'; (12, 17) -> 'van 12 tot en met 17 jaar'; no limits -> None."""
    if age_min is None and age_max is None:
        return None
    if age_max is None:
        return f"vanaf {age_min} jaar"
    if age_min is None or age_min == 0:
        return f"tot en met {age_max} jaar"
    if age_min == age_max:
        return f"{age_min} jaar"
    return f"van {age_min} tot en met {age_max} jaar"


def for_whom_text(target_groups: Sequence[str] | None, age_min: int | None = None, age_max: int | None = None) -> str:
    """Who it is for: 'Mensen met schulden', 'Ouderen, vanaf 65 jaar', 'Iedereen'."""
    labels = [taxonomy.TARGET_GROUP_BY_CODE[c].label for c in target_groups or []
              if c in taxonomy.TARGET_GROUP_BY_CODE and c != "iedereen"]
    ages = ages_text(age_min, age_max)
    if not labels:
        return f"Iedereen, {ages}" if ages else "Iedereen"
    text = ", ".join(labels)
    return f"{text}, {ages}" if ages else text


def phone_href(phone: str | None) -> str | None:
    """'0113 049090' -> 'tel:0113049090'; '+31 (0)113 049090' -> 'tel:+31113049090'."""
    if not phone:
        return None
    digits = re.sub(r"[^0-9+]", "", phone.replace("(0)", "") if phone.startswith("+") else phone)
    return f"tel:{digits}" if digits else None


def website_text(url: str | None) -> str | None:
    """'https://www.voorbeeld.nl/' -> 'www.voorbeeld.nl': shorter to read out and to see."""
    if not url:
        return None
    return re.sub(r"^https?://", "", url).rstrip("/")


def postcode_text(postcode: str | None) -> str | None:
    """'4461AB' -> '4461 AB'."""
    if not postcode:
        return None
    return f"{postcode[:4]} {postcode[4:]}" if len(postcode) == 6 else postcode


def date_text(value: str | date | None) -> str | None:
    """'2026-05-09' -> '9 mei 2026'."""
    if not value:
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def first_upper(text: str | None) -> str:
    """'in uw wijk' -> 'In uw wijk'; unlike str.capitalize() the rest stays as it is."""
    return f"{text[:1].upper()}{text[1:]}" if text else ""


def count_text(total: int) -> str:
    """0 -> 'Geen plekken met hulp', 1 -> '1 plek met hulp', 24 -> '24 plekken met hulp'."""
    if total == 0:
        return "Geen plekken met hulp"
    return "1 plek met hulp" if total == 1 else f"{total} plekken met hulp"


# The support ladder in words for inwoners: the professionals' names (Algemene voorziening,
# Maatwerkvoorziening) stay in the domain and on the professionals' pages.
PLAIN_RUNGS = {
    "eigen-kracht": ("Hulp van mensen om u heen", "Hulp van familie, buren, vrienden of mantelzorgers."),
    "informeel": ("Informele hulp", "Hulp van vrijwilligers en ervaringsdeskundigen. Gratis en zonder verwijzing."),
    "voorliggend": ("Hulp zonder verwijzing", "Hulp waar u zelf naartoe kunt, zoals welzijnswerk of "
                    "maatschappelijk werk. U heeft geen verwijzing nodig."),
    "licht": ("Korte hulp van het wijkteam", "Korte hulp van het sociaal wijkteam zelf."),
    "maatwerk": ("Hulp via het wijkteam", "Hulp van een specialist. U krijgt die na een gesprek met het sociaal "
                 "wijkteam en een besluit van de gemeente."),
}


def rung_text(code: str) -> tuple[str, str]:
    """(label, explanation) of a rung in plain words; the domain's own for a rung not listed here."""
    if code in PLAIN_RUNGS:
        return PLAIN_RUNGS[code]
    rung = taxonomy.RUNG_BY_CODE[code]
    return rung.label, rung.explanation
