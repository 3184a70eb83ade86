"""One definition of each referral figure, used twice: the store builds its counting query from it
(``graph/stores/referrals.py`` renders the conditions as Cypher), and Python evaluates it on fact
rows, which is the oracle the store's counts are tested against.

A figure is counted from a few *facts* per referral. A fact is a condition on the referral's own
fields and on moments of the request (``now``, ``matured`` — sent at least N days ago — and
``closure``, N days). ``count_states`` and ``count_kinds`` then say which facts make which figure;
both paths use them unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Union

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Present:
    """The field has a value (a moment that happened)."""
    field: str


@dataclass(frozen=True)
class Equals:
    field: str
    value: str


@dataclass(frozen=True)
class Before:
    """The field (an ISO moment) lies before the request's moment ``moment``."""
    field: str
    moment: str


@dataclass(frozen=True)
class AtOrBefore:
    """The field (an ISO moment) lies at or before the request's moment ``moment``."""
    field: str
    moment: str


@dataclass(frozen=True)
class Within:
    """From ``start`` to ``end`` (ISO moments) took at most the request's span ``span``."""
    start: str
    end: str
    span: str


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


Condition = Union[Present, Equals, Before, AtOrBefore, Within, AllOf, AnyOf]

# The facts per referral. Every referral counted has been sent (``sent_at``).
FACTS: dict[str, Condition] = {
    "received": Present("received_at"),
    "accepted": Present("accepted_at"),
    # Loop closure looks only at referrals sent at least N days ago ...
    "matured": AtOrBefore("sent_at", "matured"),
    # ... and counts those closed within N days of sending.
    "closed_in_time": Within("sent_at", "closed_at", "closure"),
    # Overdue: still waiting past the deadline of the step it waits for.
    "overdue": AnyOf((AllOf((Equals("status", "verzonden"), Before("receive_due_at", "now"))),
                      AllOf((Equals("status", "ontvangen"), Before("accept_due_at", "now"))))),
}
# The plain values a group's counts are split by.
STATE_VALUES = {"status": "status", "reason": "decline_reason", "outcome": "outcome"}
KIND_VALUES = {"rung": "to_rung", "from_formal": "from_formal", "to_formal": "to_formal"}
# A side whose formality is not recorded counts as formal.
FORMAL_WHEN_UNKNOWN = True
# Hours from sending to each later step: the durations behind the medians and p90s.
DURATIONS = {"received": "received_at", "accepted": "accepted_at", "started": "started_at"}
COUNT_NAMES = ("referrals", "received", "accepted", "declined", "matured", "closed", "not_received",
               "not_accepted", "expired")


@dataclass(frozen=True)
class Moments:
    """The moments a request counts against: ``now``, ``matured`` (now less N days) and ``closure``
    (N days)."""
    now: datetime
    closure_days: int

    @property
    def matured(self) -> datetime:
        return self.now - timedelta(days=self.closure_days)

    @property
    def closure(self) -> timedelta:
        return timedelta(days=self.closure_days)


def epoch_ms(moment: datetime | str) -> int:
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return (when - EPOCH) // timedelta(milliseconds=1)


def holds(condition: Condition, row: Mapping[str, Any], moments: Moments) -> bool:
    """Whether ``condition`` holds for one referral's fact row (the Python side of the definition)."""
    match condition:
        case Present(field):
            return bool(row.get(field))
        case Equals(field, value):
            return row.get(field) == value
        case Before(field, moment):
            return bool(row.get(field)) and epoch_ms(row[field]) < epoch_ms(getattr(moments, moment))
        case AtOrBefore(field, moment):
            return bool(row.get(field)) and epoch_ms(row[field]) <= epoch_ms(getattr(moments, moment))
        case Within(start, end, span):
            if not row.get(start) or not row.get(end):
                return False
            return epoch_ms(row[end]) - epoch_ms(row[start]) <= getattr(moments, span) // timedelta(milliseconds=1)
        case AllOf(parts):
            return all(holds(part, row, moments) for part in parts)
        case AnyOf(parts):
            return any(holds(part, row, moments) for part in parts)
    raise TypeError(f"unknown condition {condition!r}")


def empty_counts() -> dict[str, Any]:
    return {**{name: 0 for name in COUNT_NAMES}, "reasons": {}, "outcomes": {}, "rungs": {}, "formality": {}}


def count_states(counts: dict[str, Any], row: Mapping[str, Any]) -> None:
    """Add ``row["n"]`` referrals with these STATE_VALUES and FACTS to a group's counts."""
    n, status = row["n"], row["status"]
    counts["referrals"] += n
    counts["received"] += n if row["received"] is True else 0
    counts["accepted"] += n if row["accepted"] is True else 0
    if row["matured"] is True:
        counts["matured"] += n
        if status == "afgerond" and row["outcome"] and row["closed_in_time"] is True:
            counts["closed"] += n
    if status == "afgewezen":
        counts["declined"] += n
        counts["reasons"][row["reason"]] = counts["reasons"].get(row["reason"], 0) + n
    elif status == "afgerond":
        counts["outcomes"][row["outcome"]] = counts["outcomes"].get(row["outcome"], 0) + n
    elif status == "verlopen":
        counts["expired"] += n
    elif status in ("verzonden", "ontvangen") and row["overdue"] is True:
        counts["not_received" if status == "verzonden" else "not_accepted"] += n


def count_kinds(counts: dict[str, Any], row: Mapping[str, Any]) -> None:
    """Add ``row["n"]`` referrals to this rung and this formal/informal pair."""
    counts["rungs"][row["rung"]] = counts["rungs"].get(row["rung"], 0) + row["n"]
    pair = (row["from_formal"] is True, row["to_formal"] is True)
    counts["formality"][pair] = counts["formality"].get(pair, 0) + row["n"]


def state_row(referral: Mapping[str, Any], moments: Moments) -> dict[str, Any]:
    """One referral as the store's state rows have it (n = 1)."""
    return {"n": 1, **{name: referral.get(field) for name, field in STATE_VALUES.items()},
            **{name: holds(condition, referral, moments) for name, condition in FACTS.items()}}


def kind_row(referral: Mapping[str, Any]) -> dict[str, Any]:
    """One referral as the store's kind rows have it (n = 1; formality unknown counts as formal)."""
    def formal(field: str) -> bool:
        value = referral.get(field)
        return FORMAL_WHEN_UNKNOWN if value is None else bool(value)

    return {"n": 1, "rung": referral.get("to_rung"), "from_formal": formal("from_formal"),
            "to_formal": formal("to_formal")}
