"""Network figures for coordinators: aggregates of referrals, never a single referral.

Computed from the facts the store returns (status, dates, organisations, rung, area: no
contact details or text). Small counts are suppressed: any count from 1 to 4 is given as
``null``, and so is a rate, median or p90 that rests on fewer than 5 referrals or would let
a suppressed count be worked out (``rate × denominator``). Zero is shown as 0.

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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable

from . import taxonomy
from .accounts import Clock, Principal, iso, parse_iso, utcnow
from .errors import Forbidden, ValidationError
from .hours import LOCAL_TZ
from .model import area_kind_of
from .referrals import DECLINE_REASONS, OUTCOMES

THRESHOLD = 5
GROUPINGS = ("total", "gemeente", "wijk", "leefgebied", "rung", "partner", "month")
MAX_CLOSURE_DAYS = 365
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


def duration_summary(values: list[float]) -> dict[str, Any]:
    if len(values) < THRESHOLD:
        return {"count": suppress(len(values)), "median": None, "p90": None}
    return {"count": len(values), "median": round(median(values), 1), "p90": round(percentile(values, 0.9), 1)}


def _hours(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (parse_iso(end) - parse_iso(start)).total_seconds() / 3600


def local_month(moment: str) -> str:
    return parse_iso(moment).astimezone(LOCAL_TZ).strftime("%Y-%m")


def group_figures(rows: list[dict[str, Any]], *, now: datetime, closure_days: int) -> dict[str, Any]:
    """All figures for one group of referrals (all sent)."""
    total = len(rows)
    if 0 < total < THRESHOLD:
        return {"referrals": None, "suppressed": True}
    now_iso = iso(now)
    accepted = sum(1 for r in rows if r.get("accepted_at"))
    declined = [r.get("decline_reason") for r in rows if r.get("status") == "afgewezen"]
    matured_before = iso(now - timedelta(days=closure_days))
    matured = [r for r in rows if r["sent_at"] <= matured_before]
    closed = [r for r in matured if r.get("status") == "afgerond" and r.get("outcome")
              and _hours(r["sent_at"], r.get("closed_at")) is not None
              and _hours(r["sent_at"], r["closed_at"]) <= closure_days * 24]
    outcomes = Counter(r.get("outcome") for r in rows if r.get("status") == "afgerond")
    reasons = Counter(declined)
    rungs = Counter(r.get("to_rung") for r in rows)
    basis = sum(n for code, n in rungs.items() if code in taxonomy.RUNG_BY_CODE
                and taxonomy.RUNG_BY_CODE[code].sociale_basis)
    formality = Counter((bool(r.get("from_formal", True)), bool(r.get("to_formal", True))) for r in rows)
    return {
        "referrals": total,
        "suppressed": False,
        "received": suppress(sum(1 for r in rows if r.get("received_at"))),
        "accepted": suppress(accepted),
        "declined": suppress(len(declined)),
        "acceptanceRate": safe_rate(accepted, accepted + len(declined)),
        "declineReasons": {code: suppress(reasons.get(code, 0)) for code in DECLINE_REASONS},
        "hoursToReceived": duration_summary([h for r in rows if (h := _hours(r["sent_at"], r.get("received_at")))
                                             is not None]),
        "hoursToAccepted": duration_summary([h for r in rows if (h := _hours(r["sent_at"], r.get("accepted_at")))
                                             is not None]),
        "hoursToStarted": duration_summary([h for r in rows if (h := _hours(r["sent_at"], r.get("started_at")))
                                            is not None]),
        "loopClosure": {"days": closure_days, "eligible": suppress(len(matured)), "closed": suppress(len(closed)),
                        "rate": safe_rate(len(closed), len(matured))},
        "outcomes": {code: suppress(outcomes.get(code, 0)) for code in OUTCOMES},
        "overdue": {
            "notReceived": suppress(sum(1 for r in rows if r.get("status") == "verzonden"
                                        and (r.get("receive_due_at") or "9") < now_iso)),
            "notAccepted": suppress(sum(1 for r in rows if r.get("status") == "ontvangen"
                                        and (r.get("accept_due_at") or "9") < now_iso)),
            "expired": suppress(sum(1 for r in rows if r.get("status") == "verlopen")),
        },
        "rungs": {rung.code: suppress(rungs.get(rung.code, 0)) for rung in taxonomy.RUNGS},
        "socialeBasisShare": safe_rate(basis, total),
        "maatwerkShare": safe_rate(rungs.get("maatwerk", 0), total),
        "formalInformal": {
            "formalToInformal": suppress(formality.get((True, False), 0)),
            "informalToFormal": suppress(formality.get((False, True), 0)),
            "formalToFormal": suppress(formality.get((True, True), 0)),
            "informalToInformal": suppress(formality.get((False, False), 0)),
        },
    }


def _keys(row: dict[str, Any], group_by: str) -> list[tuple[str, str]]:
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
        for key, label in _keys(row, group_by):
            groups.setdefault(key, []).append(row)
            labels[key] = label
    return [{"key": key, "label": labels[key], **group_figures(groups[key], now=now, closure_days=closure_days)}
            for key in sorted(groups)]


def flows(rows: list[dict[str, Any]], partners: Iterable[dict[str, Any]], referred: set[str]) -> dict[str, Any]:
    """Who refers to whom: a matrix and a graph (edges of 5 or more only), and the partners in
    scope that nobody referred to in the period."""
    pairs = Counter((r["from_org_id"], r["to_org_id"]) for r in rows)
    orgs: dict[str, dict[str, Any]] = {}
    for r in rows:
        orgs.setdefault(r["from_org_id"], {"id": r["from_org_id"], "name": r.get("from_org_name"),
                                           "formal": bool(r.get("from_formal", True)), "kind": r.get("from_org_kind")})
        orgs.setdefault(r["to_org_id"], {"id": r["to_org_id"], "name": r.get("to_org_name"),
                                         "formal": bool(r.get("to_formal", True)), "kind": r.get("to_org_kind")})
    ordered = sorted(orgs.values(), key=lambda o: (o.get("name") or "", o["id"]))
    ids = [o["id"] for o in ordered]
    matrix = [[suppress(pairs.get((a, b), 0)) for b in ids] for a in ids]
    edges = [{"from": a, "to": b, "count": n} for (a, b), n in sorted(pairs.items()) if n >= THRESHOLD]
    never = [{"id": p["id"], "name": p.get("name"), "kind": p.get("kind"), "formal": bool(p.get("formal", True))}
             for p in partners if p["id"] not in referred]
    return {"organizations": ordered, "matrix": matrix,
            "graph": {"nodes": ordered, "edges": edges,
                      "suppressedEdges": sum(1 for n in pairs.values() if n < THRESHOLD)},
            "neverReferredTo": never}


# -- the service -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    gemeenten: list[str] | None  # None: everything (admin)
    wijk: str | None = None


class NetworkService:
    def __init__(self, store, *, clock: Clock = utcnow):
        self.store = store
        self.clock = clock

    def scope(self, actor: Principal, *, gemeente: str | None = None, wijk: str | None = None) -> Scope:
        actor.require("coordinator", "admin", action="netwerkcijfers inzien")
        if gemeente and area_kind_of(gemeente) != "gemeente":
            raise ValidationError("Geef een gemeentecode zoals GM0664.", field="gemeente")
        if wijk and area_kind_of(wijk) != "wijk":
            raise ValidationError("Geef een wijkcode zoals WK066401.", field="wijk")
        if gemeente and wijk and wijk[2:6] != gemeente[2:6]:
            raise ValidationError(f"Wijk {wijk} ligt niet in gemeente {gemeente}.", field="wijk")
        wanted = gemeente or (f"GM{wijk[2:6]}" if wijk else None)
        if actor.role == "admin":
            return Scope([wanted] if wanted else None, wijk)
        allowed = sorted({a for a in actor.areas if area_kind_of(a) == "gemeente"}
                         | set(self.store.gemeenten_in([a for a in actor.areas if area_kind_of(a) == "regio"])))
        if wanted is None:
            return Scope(allowed, None)
        if wanted not in allowed:
            raise Forbidden(f"U bent coördinator voor {', '.join(actor.areas) or 'geen gebied'}; "
                            f"{wanted} valt daar niet onder.")
        return Scope([wanted], wijk)

    def period(self, since: date | None, until: date | None) -> tuple[datetime, datetime]:
        """Local dates, ``until`` inclusive, to a UTC half-open interval. Default: the last year."""
        today = self.clock().astimezone(LOCAL_TZ).date()
        until = until or today
        since = since or until - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if since > until:
            raise ValidationError("De begindatum ligt na de einddatum.", field="from")
        if (until - since).days > MAX_PERIOD_DAYS:
            raise ValidationError("Kies een periode van hoogstens vijf jaar.", field="from")
        start = datetime.combine(since, time(0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)
        end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)
        return start, end

    def figures(self, actor: Principal, *, group_by: str = "total", gemeente: str | None = None,
                wijk: str | None = None, since: date | None = None, until: date | None = None,
                closure_days: int = 30) -> dict[str, Any]:
        if group_by not in GROUPINGS:
            raise ValidationError(f"groupBy is een van {', '.join(GROUPINGS)}.", field="groupBy")
        if not 1 <= closure_days <= MAX_CLOSURE_DAYS:
            raise ValidationError(f"closureDays ligt tussen 1 en {MAX_CLOSURE_DAYS}.", field="closureDays")
        scope = self.scope(actor, gemeente=gemeente, wijk=wijk)
        start, end = self.period(since, until)
        rows = self.store.facts(since=iso(start), until=iso(end), gemeenten=scope.gemeenten, wijk=scope.wijk)
        now = self.clock()
        return {"scope": {"gemeenten": scope.gemeenten, "wijk": scope.wijk},
                "period": {"from": iso(start), "until": iso(end)}, "groupBy": group_by, "closureDays": closure_days,
                "suppressionThreshold": THRESHOLD,
                "total": group_figures(rows, now=now, closure_days=closure_days),
                "groups": grouped_figures(rows, group_by=group_by, now=now, closure_days=closure_days)}

    def flows(self, actor: Principal, *, gemeente: str | None = None, wijk: str | None = None,
              since: date | None = None, until: date | None = None) -> dict[str, Any]:
        scope = self.scope(actor, gemeente=gemeente, wijk=wijk)
        start, end = self.period(since, until)
        rows = self.store.facts(since=iso(start), until=iso(end), gemeenten=scope.gemeenten, wijk=scope.wijk)
        referred = self.store.referred_organizations(since=iso(start), until=iso(end))
        body = flows(rows, self.store.partners(scope.gemeenten), referred)
        return {"scope": {"gemeenten": scope.gemeenten, "wijk": scope.wijk},
                "period": {"from": iso(start), "until": iso(end)}, "suppressionThreshold": THRESHOLD, **body}
