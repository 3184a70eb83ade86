"""The referral network as a graph (issue 16 §4): organisations as nodes (formal or informal, rung,
gemeente), the published flows as edges, and what a coordinator reads from it.

Everything here is read from ONE protected publication (``NetworkService.overview``): the counts,
shares and medians are those of the figures and flows, with their suppression; nothing is counted
again. What is said about links (bridges, informal partners without a formal link) rests only on
the edges shown, flows of THRESHOLD or more that suppression left visible, so it tells nothing the
edges do not. A partner with fewer than THRESHOLD referrals, zero included, is "weinig of niet
verwezen": never and rarely are not told apart, that would publish a zero.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from socialekaart.referrals.figure_publication import OTHER
from socialekaart.referrals.figures import local_months
from socialekaart.referrals.records import OrganizationServices
from socialekaart.shared import taxonomy

UNKNOWN = "onbekend"


def profiles_of(rows: list[OrganizationServices]) -> dict[str, dict[str, Any]]:
    """Per organisation, from ``organization_profiles`` rows: the gemeente and the rung most of its
    services have (a tie: the lowest gemeente code, the lightest rung); ``onbekend`` without services."""
    gemeenten: dict[str, dict[str, int]] = {}
    rungs: dict[str, dict[str, int]] = {}
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        org = row.id
        found.setdefault(org, {"id": org, "name": row.name, "kind": row.kind, "formal": row.formal is not False})
        if row.n:
            if row.gemeente:
                into = gemeenten.setdefault(org, {})
                into[row.gemeente] = into.get(row.gemeente, 0) + row.n
            if row.rung:
                into = rungs.setdefault(org, {})
                into[row.rung] = into.get(row.rung, 0) + row.n

    def level(rung: str) -> int:
        return taxonomy.RUNG_BY_CODE[rung].level if rung in taxonomy.RUNG_BY_CODE else 99

    for org, profile in found.items():
        by_gemeente, by_rung = gemeenten.get(org, {}), rungs.get(org, {})
        profile["gemeente"] = min(by_gemeente, key=lambda g: (-by_gemeente[g], g)) if by_gemeente else UNKNOWN
        profile["rung"] = min(by_rung, key=lambda r: (-by_rung[r], level(r), r)) if by_rung else UNKNOWN
    return found


def headline(total: dict[str, Any], month_groups: list[dict[str, Any]], start: datetime,
             end: datetime) -> list[dict[str, Any]]:
    """The headline figures per month of the period, then the pooled months ("overig", if any) and
    the whole period: a month without figures of its own (fewer than THRESHOLD, or pooled) has none."""
    by_month = {g["key"]: g for g in month_groups}
    rows = [_headline_row(label, label, by_month.get(label)) for _, label in local_months(start, end)]
    if OTHER in by_month:
        rows.append(_headline_row(OTHER, by_month[OTHER]["label"], by_month[OTHER]))
    rows.append(_headline_row("totaal", "Hele periode", total))
    return rows


def _headline_row(key: str, label: str, figures: dict[str, Any] | None) -> dict[str, Any]:
    if figures is None or figures.get("suppressed"):
        return {"key": key, "label": label, "shown": False, "referrals": None, "socialeBasisShare": None,
                "formalToInformal": None, "informalToFormal": None, "loopClosureRate": None}
    flows = figures["formalInformal"]
    return {"key": key, "label": label, "shown": True, "referrals": figures["referrals"],
            "socialeBasisShare": figures["socialeBasisShare"], "formalToInformal": flows["formalToInformal"],
            "informalToFormal": flows["informalToFormal"], "loopClosureRate": figures["loopClosure"]["rate"]}


def network_view(overview: dict[str, Any], profiles: dict[str, dict[str, Any]], start: datetime,
                 end: datetime) -> dict[str, Any]:
    """The graph and its readings from an overview with the groupings total, month and partner."""
    figures, flows = overview["figures"], overview["flows"]

    def profile(org: dict[str, Any]) -> dict[str, Any]:
        found = profiles.get(org["id"], {})
        return {"id": org["id"], "name": org.get("name") or found.get("name") or org["id"],
                "kind": org.get("kind"), "formal": bool(org.get("formal", True)),
                "rung": found.get("rung", UNKNOWN), "gemeente": found.get("gemeente", UNKNOWN)}

    nodes = [profile(o) for o in flows["graph"]["nodes"]]
    edges = [dict(e) for e in flows["graph"]["edges"]]
    formal = {n["id"]: n["formal"] for n in nodes}
    sides: dict[str, set[bool]] = {}
    for edge in edges:
        a, b = edge["from"], edge["to"]
        if a != b:
            sides.setdefault(a, set()).add(formal[b])
            sides.setdefault(b, set()).add(formal[a])
    bridges = [n["id"] for n in nodes if sides.get(n["id"]) == {True, False}]
    for node in nodes:
        node["bridge"] = node["id"] in bridges
    rarely = [profile(p) for p in flows["rarelyReferredTo"]]
    informal = {n["id"]: n for n in [*nodes, *rarely] if not n["formal"]}
    unlinked = [informal[i] for i in sorted(informal, key=lambda i: (informal[i]["name"], i))
                if True not in sides.get(i, set())]
    per_gemeente: dict[str, list[dict[str, Any]]] = {}
    for partner in rarely:
        per_gemeente.setdefault(partner["gemeente"], []).append(partner)
    return {
        "scope": figures["total"]["scope"], "period": figures["total"]["period"],
        "closureDays": figures["total"]["closureDays"], "suppressionThreshold": flows["suppressionThreshold"],
        "headline": headline(figures["total"]["total"], figures["month"]["groups"], start, end),
        "nodes": nodes, "edges": edges,
        "bridges": [n for n in nodes if n["bridge"]],
        "informalWithoutFormalLink": unlinked,
        "rarelyReferredTo": [{"gemeente": code, "partners": sorted(members, key=lambda p: (p["name"], p["id"]))}
                             for code, members in sorted(per_gemeente.items())],
        "partners": [_partner_row(g) for g in figures["partner"]["groups"]],
    }


def _partner_row(group: dict[str, Any]) -> dict[str, Any]:
    if group.get("suppressed"):
        return {"key": group["key"], "label": group["label"], "referrals": None, "loopClosureRate": None,
                "medianHoursToReceived": None, "medianHoursToAccepted": None, "medianHoursToStarted": None}
    return {"key": group["key"], "label": group["label"], "referrals": group["referrals"],
            "loopClosureRate": group["loopClosure"]["rate"],
            "medianHoursToReceived": group["hoursToReceived"]["median"],
            "medianHoursToAccepted": group["hoursToAccepted"]["median"],
            "medianHoursToStarted": group["hoursToStarted"]["median"]}
