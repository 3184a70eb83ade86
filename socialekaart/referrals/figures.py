"""Network figures for coordinators: aggregates of referrals, never a single referral.

Counted in the store (``ReferralStore.figure_tallies``: counts per group, and for each duration
only the values at the median and p90 ranks), so no referral leaves it; ``tally`` counts the same
from fact rows (status, dates, organisations, rung, area: no contact details or text).

Small counts are suppressed: any count from 1 to 4 is given as ``null``, and so is a rate,
median or p90 that rests on fewer than 5 referrals or would let a suppressed count be worked
out (``rate × denominator``). Zero is shown as 0.

Definitions:
- acceptance rate: accepted / (accepted + declined), over referrals decided so far;
- time to received / accepted / started: hours from sending, median and p90 (nearest rank);
- loop closure within N days: of the referrals sent at least N days ago, the share that
  reached 'afgerond' (with an outcome, which the sender sees) within N days of sending;
- overdue: now past the receive or accept deadline and still 'verzonden' / 'ontvangen';
- sociale basis share: referrals to a service on a sociale-basis rung (eigen kracht,
  informeel, voorliggend) over all; maatwerk share likewise.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from socialekaart.referrals.figure_rules import (
    COUNT_NAMES,
    DURATIONS,
    Moments,
    count_kinds,
    count_states,
    empty_counts,
    kind_row,
    state_row,
)
from socialekaart.referrals.lifecycle import DECLINE_REASONS, OUTCOMES
from socialekaart.referrals.records import NamedOrganization, Partner
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import iso, parse_iso
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.hours import LOCAL_TZ

THRESHOLD = 5
GROUPINGS = ("total", "gemeente", "wijk", "leefgebied", "rung", "partner", "month")
MAX_CLOSURE_DAYS = 365
MATRIX_LIMIT = 60  # organisations in the flows matrix; the graph keeps them all
DEFAULT_PERIOD_DAYS = 365
MAX_PERIOD_DAYS = 5 * 366
UNKNOWN = "onbekend"


def suppress(count: int) -> int | None:
    return None if 0 < count < THRESHOLD else count


def safe_rate(numerator: int, denominator: int) -> float | None:
    """A share in [0, 1] with 3 decimals, or None when it rests on too few or would reveal a small count."""
    if denominator < THRESHOLD or 0 < numerator < THRESHOLD or 0 < denominator - numerator < THRESHOLD:
        return None
    return round(numerator / denominator, 3)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Durations:
    """What a median and p90 need of a sorted list: its size, the value(s) in the middle and the
    value at the 90th-percentile rank (nearest rank). The store works them out without sending the list."""
    count: int
    low: float | None = None
    high: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, values: list[float]) -> "Durations":
        if not values:
            return cls(0)
        ordered = sorted(values)
        return cls(len(ordered), ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2], percentile(ordered, 0.9))

    @property
    def median(self) -> float:
        if self.low is None or self.high is None:
            raise ValueError("no median of no durations")
        return self.low if self.count % 2 else (self.low + self.high) / 2


def duration_summary(durations: Durations) -> dict[str, Any]:
    if durations.count < THRESHOLD:
        return {"count": suppress(durations.count), "median": None, "p90": None}
    p90 = durations.p90
    return {"count": durations.count, "median": round(durations.median, 1),
            "p90": round(p90, 1) if p90 is not None else None}


def _hours(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (parse_iso(end) - parse_iso(start)).total_seconds() / 3600


def ms_to_hours(ms: int | None) -> float | None:
    # The same float as _hours: a timedelta's total_seconds() is microseconds / 10**6.
    return None if ms is None else ms / 1000 / 3600


def local_month(moment: str) -> str:
    return parse_iso(moment).astimezone(LOCAL_TZ).strftime("%Y-%m")


@dataclass
class Tally:
    """The counts behind one group's figures; from fact rows (``tally``) or counted by the store."""
    referrals: int = 0
    received: int = 0
    accepted: int = 0
    declined: int = 0
    matured: int = 0
    closed: int = 0
    not_received: int = 0
    not_accepted: int = 0
    expired: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    rungs: dict[str, int] = field(default_factory=dict)
    formality: dict[tuple[bool, bool], int] = field(default_factory=dict)
    to_received: Durations = Durations(0)
    to_accepted: Durations = Durations(0)
    to_started: Durations = Durations(0)
    # The same counts with each referral counted as its record key (``ckey``) instead of 1: the key
    # sums the cell-key noise is drawn from (socialekaart.shared.disclosure). None on a key tally.
    keys: "Tally | None" = None


def tally(rows: list[dict[str, Any]], *, now: datetime, closure_days: int) -> Tally:
    """The counts of a group of fact rows (all sent), by the rules in figure_rules: the oracle the
    store's counts are tested against."""
    moments = Moments(now, closure_days)
    counts, keys = empty_counts(), empty_counts()
    for row in rows:
        state, kind, key = state_row(row, moments), kind_row(row), row.get("ckey") or 0
        count_states(counts, state)
        count_kinds(counts, kind)
        count_states(keys, {**state, "n": key})
        count_kinds(keys, {**kind, "n": key})

    def hours_to(stamp: str) -> Durations:
        return Durations.of([h for r in rows if (h := _hours(r["sent_at"], r.get(stamp))) is not None])

    def keys_to(stamp: str) -> Durations:
        return Durations(sum(r.get("ckey") or 0 for r in rows if _hours(r["sent_at"], r.get(stamp)) is not None))

    return Tally(**counts, to_received=hours_to(DURATIONS["received"]), to_accepted=hours_to(DURATIONS["accepted"]),
                 to_started=hours_to(DURATIONS["started"]),
                 keys=Tally(**keys, to_received=keys_to(DURATIONS["received"]),
                            to_accepted=keys_to(DURATIONS["accepted"]), to_started=keys_to(DURATIONS["started"])))


def tally_from_store(group: dict[str, Any]) -> Tally:
    """A Tally from one group of ``ReferralStore.figure_tallies``: its rows counted by the same rules
    (durations there in milliseconds; ``ck``: the sum of the record keys of a row's referrals)."""
    counts, keys = empty_counts(), empty_counts()
    for row in group["states"]:
        count_states(counts, row)
        count_states(keys, {**row, "n": key_sum(row.get("ck"))})
    for row in group["kinds"]:
        count_kinds(counts, row)
        count_kinds(keys, {**row, "n": key_sum(row.get("ck"))})

    def durations(kind: str) -> Durations:
        n, low, high, p90 = group["durations"].get(kind, (0, None, None, None))[:4]
        return Durations(n, ms_to_hours(low), ms_to_hours(high), ms_to_hours(p90))

    def duration_keys(kind: str) -> Durations:
        found = group["durations"].get(kind)
        return Durations(key_sum(found[4]) if found else 0)

    return Tally(**counts, to_received=durations("received"), to_accepted=durations("accepted"),
                 to_started=durations("started"),
                 keys=Tally(**keys, to_received=duration_keys("received"), to_accepted=duration_keys("accepted"),
                            to_started=duration_keys("started")))


def key_sum(value: Any) -> int:
    """A sum of record keys as the store returns it (an integer; a float on some stores, exact below
    2**53; null for no keys)."""
    return int(value or 0)


def summed(tallies: list[Tally], durations: Tally) -> Tally:
    """The counts of groups that do not overlap added up, with the durations of them all together."""
    total = Tally(to_received=durations.to_received, to_accepted=durations.to_accepted,
                  to_started=durations.to_started)
    if durations.keys is not None or any(t.keys is not None for t in tallies):
        total.keys = summed([t.keys or Tally() for t in tallies], durations.keys or Tally())
    for t in tallies:
        for name in COUNT_NAMES:
            setattr(total, name, getattr(total, name) + getattr(t, name))
        for name in ("reasons", "outcomes", "rungs", "formality"):
            into = getattr(total, name)
            for code, n in getattr(t, name).items():
                into[code] = into.get(code, 0) + n
    return total


def figures_of(t: Tally, *, closure_days: int) -> dict[str, Any]:
    """All figures for one group, with small counts suppressed."""
    total = t.referrals
    if 0 < total < THRESHOLD:
        return {"referrals": None, "suppressed": True}
    basis = sum(n for code, n in t.rungs.items() if code in taxonomy.RUNG_BY_CODE
                and taxonomy.RUNG_BY_CODE[code].sociale_basis)
    formality = t.formality
    return {
        "referrals": total,
        "suppressed": False,
        "received": suppress(t.received),
        "accepted": suppress(t.accepted),
        "declined": suppress(t.declined),
        "acceptanceRate": safe_rate(t.accepted, t.accepted + t.declined),
        "declineReasons": {code: suppress(t.reasons.get(code, 0)) for code in DECLINE_REASONS},
        "hoursToReceived": duration_summary(t.to_received),
        "hoursToAccepted": duration_summary(t.to_accepted),
        "hoursToStarted": duration_summary(t.to_started),
        "loopClosure": {"days": closure_days, "eligible": suppress(t.matured), "closed": suppress(t.closed),
                        "rate": safe_rate(t.closed, t.matured)},
        "outcomes": {code: suppress(t.outcomes.get(code, 0)) for code in OUTCOMES},
        "overdue": {"notReceived": suppress(t.not_received), "notAccepted": suppress(t.not_accepted),
                    "expired": suppress(t.expired)},
        "rungs": {rung.code: suppress(t.rungs.get(rung.code, 0)) for rung in taxonomy.RUNGS},
        "socialeBasisShare": safe_rate(basis, total),
        "maatwerkShare": safe_rate(t.rungs.get("maatwerk", 0), total),
        "formalInformal": {
            "formalToInformal": suppress(formality.get((True, False), 0)),
            "informalToFormal": suppress(formality.get((False, True), 0)),
            "formalToFormal": suppress(formality.get((True, True), 0)),
            "informalToInformal": suppress(formality.get((False, False), 0)),
        },
    }


def group_figures(rows: list[dict[str, Any]], *, now: datetime, closure_days: int) -> dict[str, Any]:
    """All figures for one group of referrals (all sent), from the referrals themselves: the
    definition the store's counts (``NetworkService``) are checked against in the tests."""
    return figures_of(tally(rows, now=now, closure_days=closure_days), closure_days=closure_days)


def group_label(group_by: str, key: str, name: str | None = None) -> str:
    """The label of a group's key (``name``: the organisation's, for partners)."""
    if key == UNKNOWN and group_by in ("gemeente", "wijk", "partner"):
        return "Onbekend"
    match group_by:
        case "total":
            return "Alle doorverwijzingen"
        case "leefgebied":
            return taxonomy.LIFE_DOMAIN_BY_CODE[key].label if key in taxonomy.LIFE_DOMAIN_BY_CODE else key
        case "rung":
            return taxonomy.RUNG_BY_CODE[key].label if key in taxonomy.RUNG_BY_CODE else key
        case "partner":
            return name or key
    return key


def keys_of(row: dict[str, Any], group_by: str) -> list[tuple[str, str]]:
    """(key, label) pairs a referral counts under; a referral with two leefgebieden counts in both."""
    match group_by:
        case "total":
            return [("alle", "Alle doorverwijzingen")]
        case "gemeente":
            return [(row.get("gemeente_code") or UNKNOWN, row.get("gemeente_code") or "Onbekend")]
        case "wijk":
            return [(row.get("wijk_code") or UNKNOWN, row.get("wijk_code") or "Onbekend")]
        case "leefgebied":
            codes = row.get("life_domains") or [UNKNOWN]
            return [(c, taxonomy.LIFE_DOMAIN_BY_CODE[c].label if c in taxonomy.LIFE_DOMAIN_BY_CODE else c)
                    for c in codes]
        case "rung":
            code = row.get("to_rung") or UNKNOWN
            return [(code, taxonomy.RUNG_BY_CODE[code].label if code in taxonomy.RUNG_BY_CODE else code)]
        case "partner":
            return [(row.get("to_org_id") or UNKNOWN, row.get("to_org_name") or row.get("to_org_id") or "Onbekend")]
        case "month":
            month = local_month(row["sent_at"])
            return [(month, month)]
    raise ValidationError(f"groupBy is een van {', '.join(GROUPINGS)}.", field="groupBy")


def grouped_figures(rows: list[dict[str, Any]], *, group_by: str, now: datetime,
                    closure_days: int) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    labels: dict[str, str] = {}
    for row in rows:
        for key, label in keys_of(row, group_by):
            groups.setdefault(key, []).append(row)
            labels[key] = label
    return [{"key": key, "label": labels[key], **group_figures(groups[key], now=now, closure_days=closure_days)}
            for key in sorted(groups)]


def flows(rows: list[dict[str, Any]], partners: Iterable[Partner], referred: set[str]) -> dict[str, Any]:
    """Who refers to whom: a matrix and a graph (edges of 5 or more only), and the partners in
    scope that nobody referred to in the period. From the referrals themselves, like
    ``group_figures``: the reference for ``flows_from_store``."""
    pairs, orgs = pairs_from_rows(rows)
    return flows_body(pairs, orgs, partners, referred)


def pair_keys_from_rows(rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Per (from, to) organisation: the sum of the record keys of its referrals (cell-key noise)."""
    keys: Counter[tuple[str, str]] = Counter()
    for r in rows:
        keys[(r["from_org_id"], r["to_org_id"])] += r.get("ckey") or 0
    return dict(keys)


def pair_keys_from_store(pair_rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """``pair_keys_from_rows`` from the store's pair counts (``ReferralStore.flow_pairs``: ``ck``)."""
    return {(row["from_org_id"], row["to_org_id"]): key_sum(row.get("ck")) for row in pair_rows}


def pairs_from_rows(rows: list[dict[str, Any]]) -> tuple[dict[tuple[str, str], int], dict[str, dict[str, Any]]]:
    pairs = Counter((r["from_org_id"], r["to_org_id"]) for r in rows)
    orgs: dict[str, dict[str, Any]] = {}
    for r in rows:
        orgs.setdefault(r["from_org_id"], {"id": r["from_org_id"], "name": r.get("from_org_name"),
                                           "formal": bool(r.get("from_formal", True)), "kind": r.get("from_org_kind")})
        orgs.setdefault(r["to_org_id"], {"id": r["to_org_id"], "name": r.get("to_org_name"),
                                         "formal": bool(r.get("to_formal", True)), "kind": r.get("to_org_kind")})
    return dict(pairs), orgs


def flows_from_store(pair_rows: list[dict[str, Any]], named: dict[str, NamedOrganization],
                     partners: Iterable[Partner], referred: set[str]) -> dict[str, Any]:
    """``flows`` from the store's pair counts (``ReferralStore.flow_pairs``)."""
    pairs, orgs = pairs_from_store(pair_rows, named)
    return flows_body(pairs, orgs, partners, referred)


def pairs_from_store(pair_rows: list[dict[str, Any]], named: dict[str, NamedOrganization]
                     ) -> tuple[dict[tuple[str, str], int], dict[str, dict[str, Any]]]:
    """Referrals per (from, to) organisation and the organisations: an organisation's formality is
    that of the first referral (by sent_at, id) it appears in, as in ``flows``."""
    pairs = {(row["from_org_id"], row["to_org_id"]): row["n"] for row in pair_rows}
    first: dict[str, tuple[str, int, bool]] = {}
    for row in pair_rows:
        order, flags = row["first"].rsplit("|", 1)
        for side, org in enumerate((row["from_org_id"], row["to_org_id"])):
            seen = (order, side, flags[side] == "1")
            if org not in first or seen < first[org]:
                first[org] = seen
    orgs = {org: {"id": org, "name": found.name if (found := named.get(org)) else None, "formal": seen[2],
                  "kind": found.kind if found else None} for org, seen in first.items()}
    return pairs, orgs


def matrix_members(pairs: dict[tuple[str, str], int], orgs: dict[str, dict[str, Any]]) -> set[str]:
    """The organisations the matrix shows: all of them, or the MATRIX_LIMIT with the most referrals
    sent plus received (ties by id). A matrix of thousands of columns helps nobody and costs
    memory by the square (a regio has ~3,000 organisations, the country ~40,000)."""
    if len(orgs) <= MATRIX_LIMIT:
        return set(orgs)
    volume: Counter[str] = Counter()
    for (a, b), n in pairs.items():
        volume[a] += n
        volume[b] += n
    return set(sorted(orgs, key=lambda org: (-volume[org], org))[:MATRIX_LIMIT])


def flows_body(pairs: dict[tuple[str, str], int], orgs: dict[str, dict[str, Any]], partners: Iterable[Partner],
               referred: set[str]) -> dict[str, Any]:
    ordered = sorted(orgs.values(), key=lambda o: (o.get("name") or "", o["id"]))
    members = matrix_members(pairs, orgs)
    shown = [o for o in ordered if o["id"] in members]
    ids = [o["id"] for o in shown]
    matrix = [[suppress(pairs.get((a, b), 0)) for b in ids] for a in ids]
    edges = [{"from": a, "to": b, "count": n} for (a, b), n in sorted(pairs.items()) if n >= THRESHOLD]
    never = [{"id": p.id, "name": p.name, "kind": p.kind, "formal": bool(p.formal)}
             for p in partners if p.id not in referred]
    return {"organizations": shown, "matrix": matrix, "matrixComplete": len(shown) == len(ordered),
            "graph": {"nodes": ordered, "edges": edges,
                      "suppressedEdges": sum(1 for n in pairs.values() if n < THRESHOLD)},
            "neverReferredTo": never}


def local_months(start: datetime, end: datetime) -> list[tuple[str, str]]:
    """(UTC start as ISO, 'YYYY-MM') of each local month that [start, end) touches, in order; the
    first starts at or before ``start``."""
    first = start.astimezone(LOCAL_TZ)
    last = (end - timedelta(milliseconds=1)).astimezone(LOCAL_TZ)
    year, month = first.year, first.month
    months = []
    while (year, month) <= (last.year, last.month):
        begins = datetime(year, month, 1, tzinfo=LOCAL_TZ)
        months.append((iso(begins), f"{year:04d}-{month:02d}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
