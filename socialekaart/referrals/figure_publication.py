"""Publishing the network figures: every grouping the API offers for one filter (scope and period)
is protected together, so no answer can be combined with another to work out a hidden count.

The method (docs/referrals.md, "Netwerkcijfers"):
- every count is perturbed first by the cell-key method (``disclosure.perturbed``: noise -2 … +2 drawn
  from the sum of the record keys of its referrals; the same referrals always get the same noise), so
  answers for different filters cannot be subtracted to an exact small count. What is shown is the
  perturbed count; a count is hidden when its perturbed *or* its true value is under THRESHOLD, and the
  complementary suppression reasons with the true counts (whose sums hold exactly; perturbed counts
  do not add up, and reasoning with them hid every flow of the demo year);
- a group of fewer than THRESHOLD referrals (or a wijk of too few inhabitants) is not shown by
  name: it goes into one group "overig"; while "overig" would be small or hold one group only, the
  next smallest group joins it (a leefgebied, where one referral counts in several, is left out
  instead);
- every count under THRESHOLD, zero included, is ``null``; then complementary suppression
  (``disclosure.protect``) over every sum a reader can form: the total over the groups of each
  grouping (gemeente, wijk, rung, partner, month) for every count, and within a group the
  referrals over the formal/informal pairs and the declines over their reasons;
- a share, median or p90 is given only when the counts it rests on are shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any

from socialekaart.referrals.disclosure import THRESHOLD, Constraint, perturbed, protect
from socialekaart.referrals.figures import (
    GROUPINGS,
    MATRIX_LIMIT,
    Durations,
    Tally,
    keys_of,
    pair_keys_from_rows,
    pairs_from_rows,
    summed,
    tally,
)
from socialekaart.referrals.lifecycle import DECLINE_REASONS, OUTCOMES
from socialekaart.referrals.records import Partner
from socialekaart.shared import taxonomy

ADDITIVE = ("gemeente", "wijk", "rung", "partner", "month")  # each referral in exactly one group
OTHER = "overig"
OTHER_LABEL = "Overige (samen)"
TOTAL_KEY = "alle"
PAIRS = {"formalToInformal": (True, False), "informalToFormal": (False, True), "formalToFormal": (True, True),
         "informalToInformal": (False, False)}
OVERDUE = {"notReceived": "not_received", "notAccepted": "not_accepted", "expired": "expired"}


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    tally: Tally
    pooled: bool = False  # "overig": no medians, they cannot be added up


def counts(t: Tally) -> dict[str, int]:
    """Every count a group's figures publish, by its path in the answer."""
    return {
        "referrals": t.referrals, "received": t.received, "accepted": t.accepted, "declined": t.declined,
        **{f"declineReasons.{code}": t.reasons.get(code, 0) for code in DECLINE_REASONS},
        "hoursToReceived.count": t.to_received.count, "hoursToAccepted.count": t.to_accepted.count,
        "hoursToStarted.count": t.to_started.count,
        "loopClosure.eligible": t.matured, "loopClosure.closed": t.closed,
        **{f"outcomes.{code}": t.outcomes.get(code, 0) for code in OUTCOMES},
        **{f"overdue.{name}": getattr(t, field) for name, field in OVERDUE.items()},
        **{f"rungs.{rung.code}": t.rungs.get(rung.code, 0) for rung in taxonomy.RUNGS},
        **{f"formalInformal.{name}": t.formality.get(pair, 0) for name, pair in PAIRS.items()},
    }


PATHS = tuple(counts(Tally()))


def noisy(t: Tally) -> dict[str, int]:
    """A group's counts as published before suppression: each perturbed by its cell key."""
    keys = counts(t.keys or Tally())
    return {path: perturbed(n, keys[path]) for path, n in counts(t).items()}


def noisy_referrals(tallies: list[Tally]) -> int:
    """The perturbed number of referrals of these groups together (as "overig" would publish it)."""
    return perturbed(sum(t.referrals for t in tallies), sum((t.keys or Tally()).referrals for t in tallies))


def showable_referrals(tallies: list[Tally]) -> int:
    """What decides whether these groups may be named: a count is shown only when its perturbed and
    its true value are both THRESHOLD or more, so a group is named only then (never with a hidden count)."""
    return min(noisy_referrals(tallies), sum(t.referrals for t in tallies))


def within_group(cell: Any) -> list[Constraint]:
    """The sums inside one group's figures; ``cell(path)`` names its cells."""
    return [(cell("referrals"), [cell(f"formalInformal.{name}") for name in PAIRS]),
            (cell("declined"), [cell(f"declineReasons.{code}") for code in DECLINE_REASONS]),
            (cell("hoursToReceived.count"), [cell("received")]),
            (cell("hoursToAccepted.count"), [cell("accepted")])]


def pooled(groups: list[Group], group_by: str, small_areas: frozenset[str] = frozenset()) -> list[Group]:
    """Groups of fewer than THRESHOLD, and areas with too few inhabitants, go into "overig" (with the
    next smallest group while it is small); for a leefgebied they are left out."""
    small = [g for g in groups if showable_referrals([g.tally]) < THRESHOLD or g.key in small_areas]
    small_keys = {g.key for g in small}  # by key: comparing whole tallies made this quadratic
    if group_by not in ADDITIVE:
        return [g for g in groups if g.key not in small_keys]
    named = sorted((g for g in groups if g.key not in small_keys), key=lambda g: (showable_referrals([g.tally]), g.key))
    # One group alone under "overig" would be that group by another name.
    while small and (showable_referrals([g.tally for g in small]) < THRESHOLD or len(small) == 1) and named:
        small.append(named.pop(0))
    if not small:
        return sorted(named, key=lambda g: g.key)
    together = summed([g.tally for g in small], Tally())
    together = replace(together, to_received=Durations(sum(g.tally.to_received.count for g in small)),
                       to_accepted=Durations(sum(g.tally.to_accepted.count for g in small)),
                       to_started=Durations(sum(g.tally.to_started.count for g in small)))
    if together.keys is not None:
        key_tallies = [g.tally.keys or Tally() for g in small]
        together.keys = replace(together.keys, to_received=Durations(sum(k.to_received.count for k in key_tallies)),
                                to_accepted=Durations(sum(k.to_accepted.count for k in key_tallies)),
                                to_started=Durations(sum(k.to_started.count for k in key_tallies)))
    return [*sorted(named, key=lambda g: g.key), Group(OTHER, OTHER_LABEL, together, pooled=True)]


def publish(total: Tally, grouped: dict[str, list[Group]], *, closure_days: int,
            flows: Flows | None = None, small_areas: set[str] | None = None) -> dict[str, Any]:
    """The protected figures: ``{"total": figures, "groups": {group_by: [group figures]}, "flows": …}``.
    ``small_areas``: wijken with too few inhabitants to be shown on their own."""
    flows = flows or Flows({}, {}, [])
    too_small = frozenset(small_areas or ())
    shown_groups = {group_by: pooled(groups, group_by, too_small if group_by == "wijk" else frozenset())
                    for group_by, groups in grouped.items()}
    # The true counts (the sums hold exactly: what the suppression reasons with) and the perturbed ones
    # (what is shown). A cell is hidden when either is under THRESHOLD.
    values: dict[Any, int] = {("total", TOTAL_KEY, p): v for p, v in counts(total).items()}
    published: dict[Any, int] = {("total", TOTAL_KEY, p): v for p, v in noisy(total).items()}
    constraints: list[Constraint] = within_group(lambda p: ("total", TOTAL_KEY, p))
    for group_by, groups in shown_groups.items():
        for g in groups:
            values.update({(group_by, g.key, p): v for p, v in counts(g.tally).items()})
            published.update({(group_by, g.key, p): v for p, v in noisy(g.tally).items()})
            constraints += within_group(lambda p, g=g, group_by=group_by: (group_by, g.key, p))
        if group_by in ADDITIVE:
            constraints += [(("total", TOTAL_KEY, p), [(group_by, g.key, p) for g in groups]) for p in PATHS]
    flow_values, flow_constraints = flows.cells([g.key for g in shown_groups.get("partner", []) if not g.pooled])
    values.update(flow_values)
    published.update({cell: flows.noisy(cell[1:]) for cell in flow_values if cell[0] == "flow"})
    constraints += flow_constraints
    owners = {cell[:2] for cell in values if cell[0] not in ("flow", "flow-rest")}
    small = {cell for cell, v in published.items() if v < THRESHOLD}

    def whole_groups(hidden: set[Any]) -> set[Any]:
        """A group whose number of referrals is hidden is hidden whole."""
        gone = hidden | small  # once: inside the comprehension this union made it quadratic
        return {(*owner, p) for owner in owners if (*owner, "referrals") in gone
                or values[(*owner, "referrals")] < THRESHOLD for p in PATHS}

    hidden = protect(values, constraints, also_hidden=whole_groups(set()) | small)
    while not whole_groups(hidden) <= hidden:  # a complement hid a group's referrals: hide it whole
        hidden = protect(values, constraints, also_hidden=whole_groups(hidden) | hidden)

    def shown(owner: tuple[str, str]) -> dict[str, int | None]:
        return {p: None if (*owner, p) in hidden else published[(*owner, p)] for p in PATHS}

    total_figures = figures(total, shown(("total", TOTAL_KEY)), closure_days=closure_days)
    return {"total": total_figures,
            "groups": {group_by: [{"key": g.key, "label": g.label,
                                   **figures(g.tally, shown((group_by, g.key)), closure_days=closure_days,
                                             pooled=g.pooled)}
                                  for g in groups]
                       for group_by, groups in shown_groups.items()},
            "flows": flows.body(hidden, [g.key for g in shown_groups.get("partner", []) if not g.pooled])}


@dataclass(frozen=True)
class Flows:
    """Who refers to whom: referrals per (from, to) organisation, the organisations and the partners in
    scope. Published are only organisations with a flow of THRESHOLD or more; their flows are cells
    like any other count, and a named partner's referrals are its column plus the unpublished rest."""
    pairs: dict[tuple[str, str], int]
    orgs: dict[str, dict[str, Any]]
    partners: list[Partner]
    keys: dict[tuple[str, str], int] = field(default_factory=dict)  # per pair: the sum of its record keys

    # The derived values below are worked out once per publication (a national one has ~100,000
    # pairs, and publishing asks for each several times).
    @cached_property
    def _noisy(self) -> dict[tuple[str, str], int]:
        return {pair: perturbed(n, self.keys.get(pair, 0)) for pair, n in self.pairs.items()}

    def noisy(self, pair: tuple[str, str]) -> int:
        """A flow as published before suppression: perturbed by its cell key (0 for no referrals)."""
        return self._noisy.get(pair, 0)

    @cached_property
    def listed(self) -> list[str]:
        ids = {org for pair in self.pairs if min(self.noisy(pair), self.pairs[pair]) >= THRESHOLD for org in pair}
        return sorted(ids, key=lambda org: (self.orgs.get(org, {}).get("name") or "", org))

    @cached_property
    def matrix_orgs(self) -> list[str]:
        listed = self.listed
        if len(listed) <= MATRIX_LIMIT:
            return listed
        volume: dict[str, int] = {}
        for (a, b) in self.pairs:
            volume[a] = volume.get(a, 0) + self.noisy((a, b))
            volume[b] = volume.get(b, 0) + self.noisy((a, b))
        busiest = set(sorted(listed, key=lambda org: (-volume.get(org, 0), org))[:MATRIX_LIMIT])
        return [org for org in listed if org in busiest]

    @cached_property
    def published_pairs(self) -> set[tuple[str, str]]:
        listed, shown = set(self.listed), self.matrix_orgs
        return {pair for pair, n in self.pairs.items() if n and pair[0] in listed and pair[1] in listed} | \
            {(a, b) for a in shown for b in shown}

    def cells(self, named_partners: list[str]) -> tuple[dict[Any, int], list[Constraint]]:
        published = self.published_pairs
        values: dict[Any, int] = {("flow", a, b): self.pairs.get((a, b), 0) for a, b in published}
        constraints: list[Constraint] = []
        columns: dict[str, list[tuple[str, str]]] = {}
        for pair in sorted(published):
            columns.setdefault(pair[1], []).append(pair)
        received: dict[str, int] = {}
        for (_, to), n in self.pairs.items():
            received[to] = received.get(to, 0) + n
        for partner in named_partners:
            column = columns.get(partner)
            if not column:
                continue
            total = received.get(partner, 0)
            values[("flow-rest", partner)] = total - sum(self.pairs.get(pair, 0) for pair in column)
            constraints.append((("partner", partner, "referrals"),
                                [("flow", a, b) for a, b in column] + [("flow-rest", partner)]))
        return values, constraints

    def body(self, hidden: set[Any], named_partners: list[str]) -> dict[str, Any]:
        def shown(a: str, b: str) -> int | None:
            return None if ("flow", a, b) in hidden else self.noisy((a, b))

        def org(key: str) -> dict[str, Any]:
            found = self.orgs.get(key, {})
            return {"id": key, "name": found.get("name"), "formal": bool(found.get("formal", True)),
                    "kind": found.get("kind")}

        listed, ids = self.listed, self.matrix_orgs
        edges = [{"from": a, "to": b, "count": n} for a, b in sorted(self.published_pairs)
                 if (n := shown(a, b)) is not None]
        return {"organizations": [org(o) for o in ids], "matrix": [[shown(a, b) for b in ids] for a in ids],
                "matrixComplete": len(ids) == len(listed),
                "graph": {"nodes": [org(o) for o in listed], "edges": edges, "suppressedEdges": None},
                "rarelyReferredTo": [{"id": p.id, "name": p.name, "kind": p.kind, "formal": bool(p.formal)}
                                     for p in self.partners if p.id not in named_partners]}


def figures(t: Tally, value: dict[str, int | None], *, closure_days: int, pooled: bool = False) -> dict[str, Any]:
    """One group's figures: ``value`` its published counts by path (perturbed, hidden ones ``None``), and
    no share or median resting on a hidden count. Shares are of the perturbed counts; medians and p90s
    of the true durations."""
    if value["referrals"] is None:
        return {"referrals": None, "suppressed": True}

    def share(numerator: list[str], denominator: list[str]) -> float | None:
        shown = {p: value[p] for p in numerator + denominator}
        if any(n is None for n in shown.values()):
            return None
        top, bottom = sum(shown[p] or 0 for p in numerator), sum(shown[p] or 0 for p in denominator)
        return round(top / bottom, 3) if bottom else None

    def durations(name: str, d: Durations) -> dict[str, Any]:
        count = value[f"{name}.count"]
        if count is None or pooled or d.low is None:
            return {"count": count, "median": None, "p90": None}
        return {"count": count, "median": round(d.median, 1), "p90": round(d.p90, 1) if d.p90 is not None else None}

    basis = [f"rungs.{rung.code}" for rung in taxonomy.RUNGS if rung.sociale_basis]
    return {
        "referrals": value["referrals"], "suppressed": False,
        "received": value["received"], "accepted": value["accepted"], "declined": value["declined"],
        "acceptanceRate": share(["accepted"], ["accepted", "declined"]),
        "declineReasons": {code: value[f"declineReasons.{code}"] for code in DECLINE_REASONS},
        "hoursToReceived": durations("hoursToReceived", t.to_received),
        "hoursToAccepted": durations("hoursToAccepted", t.to_accepted),
        "hoursToStarted": durations("hoursToStarted", t.to_started),
        "loopClosure": {"days": closure_days, "eligible": value["loopClosure.eligible"],
                        "closed": value["loopClosure.closed"],
                        "rate": share(["loopClosure.closed"], ["loopClosure.eligible"])},
        "outcomes": {code: value[f"outcomes.{code}"] for code in OUTCOMES},
        "overdue": {name: value[f"overdue.{name}"] for name in OVERDUE},
        "rungs": {rung.code: value[f"rungs.{rung.code}"] for rung in taxonomy.RUNGS},
        "socialeBasisShare": share(basis, ["referrals"]),
        "maatwerkShare": share(["rungs.maatwerk"], ["referrals"]),
        "formalInformal": {name: value[f"formalInformal.{name}"] for name in PAIRS},
    }



def published_from_rows(rows: list[dict[str, Any]], *, now: datetime, closure_days: int,
                        partners: list[Partner] | None = None) -> dict[str, Any]:
    """``publish`` on figures counted from fact rows (all sent) in Python: what the store's answer
    must equal, and what the property tests attack."""
    grouped: dict[str, list[Group]] = {}
    for group_by in GROUPINGS[1:]:
        members: dict[str, list[dict[str, Any]]] = {}
        labels: dict[str, str] = {}
        for row in rows:
            for key, label in keys_of(row, group_by):
                members.setdefault(key, []).append(row)
                labels[key] = label
        grouped[group_by] = [Group(key, labels[key], tally(members[key], now=now, closure_days=closure_days))
                             for key in sorted(members)]
    pairs, orgs = pairs_from_rows(rows)
    return publish(tally(rows, now=now, closure_days=closure_days), grouped, closure_days=closure_days,
                   flows=Flows(pairs, orgs, partners or [], pair_keys_from_rows(rows)))
