"""The moments a referral's figures measure, also stored as epoch milliseconds (``sent_ms`` …)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

# The moments the network figures measure, also stored as epoch milliseconds (``sent_ms`` …): FalkorDB
# cannot parse our ISO strings, and a numeric range index answers both bounds of a period.
TIMED = ("sent_at", "received_at", "accepted_at", "started_at", "closed_at")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def ms_name(field: str) -> str:
    return field.removesuffix("_at") + "_ms"


def epoch_ms(text: str) -> int:
    return (datetime.fromisoformat(text) - EPOCH) // timedelta(milliseconds=1)


def with_epoch_ms(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` plus ``<moment>_ms`` for each timed moment it sets (null for one it clears)."""
    extra = {ms_name(f): (epoch_ms(props[f]) if props[f] else None) for f in TIMED if f in props}
    return {**props, **extra} if extra else props


def cypher_epoch_ms(text: str) -> str:
    """Cypher for the epoch milliseconds of an ISO string as ``iso()`` writes it
    (``2026-01-05T09:00:00.000+00:00``), by days-from-civil arithmetic: no datetime parsing needed."""
    def part(start: int, length: int) -> str:
        return f"toInteger(substring({text}, {start}, {length}))"
    year, month, day = part(0, 4), part(5, 2), part(8, 2)
    y = f"({year} - CASE WHEN {month} <= 2 THEN 1 ELSE 0 END)"
    doy = f"((153 * ({month} + CASE WHEN {month} > 2 THEN -3 ELSE 9 END) + 2) / 5 + {day} - 1)"
    yoe = f"({y} % 400)"
    days = f"(({y} / 400) * 146097 + {yoe} * 365 + {yoe} / 4 - {yoe} / 100 + {doy} - 719468)"
    clock = f"(({part(11, 2)} * 60 + {part(14, 2)}) * 60 + {part(17, 2)}) * 1000 + {part(20, 3)}"
    offset = (f"CASE WHEN size({text}) >= 29 THEN (CASE WHEN substring({text}, 23, 1) = '-' THEN -1 ELSE 1 END) "
              f"* ({part(24, 2)} * 60 + {part(27, 2)}) * 60000 ELSE 0 END")
    return f"CASE WHEN {text} IS NULL THEN null ELSE {days} * 86400000 + {clock} - {offset} END"
