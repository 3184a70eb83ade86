"""Ranking what the inwoner's words found, and saying why each service matched.

A service fits when it has a recognised leefgebied or doelgroep, or when a word is in its name,
description or organisation: a name that matches is never hidden because its tags differ. The order:
how well it matches (leefgebied and name count most), then the ladder (lightest first), then distance.
The list takes turns between the recognised leefgebieden, so a question about two things does not fill
the first page with one. In a crisis the 24/7 crisis services come first: the ladder does not apply.
"""
from __future__ import annotations

from socialekaart.catalog import text as dutch
from socialekaart.catalog.records import Match, SearchHit, ServiceRecord
from socialekaart.catalog.understanding import Understood
from socialekaart.shared import taxonomy

FAR = float("inf")
# In the results a crisis puts this many 24/7 crisis services first (the crisis object lists them all);
# after them the other help, so the first page still shows what else the words ask for.
CRISIS_FIRST_IN_RESULTS = 2


def _has(tokens: list[str], key: str) -> bool:
    return any(t.startswith(key) or (len(key) >= 5 and key in t) for t in tokens)


def match(service: ServiceRecord, understood: Understood) -> Match:
    """How and why ``service`` fits the understood question (reasons in plain Dutch, for the page too)."""
    reasons: list[str] = []
    score = 0.0
    crisis_first = bool(understood.crisis and service.crisis_24h)
    if crisis_first:
        reasons.append("dag en nacht bereikbaar bij crisis")
        score += 10
    domains = [d for d in understood.life_domains if d in (service.life_domains or [])]
    for code in domains:
        words = "', '".join(understood.because.get(code, []))
        reasons.append(f"past bij {taxonomy.LIFE_DOMAIN_BY_CODE[code].label.lower()}, om '{words}'")
    if domains:
        score += 2 + 0.5 * (len(domains) - 1)
    groups = [g for g in understood.target_groups if g in (service.target_groups or [])]
    for code in groups:
        words = "', '".join(understood.because.get(code, []))
        reasons.append(f"voor {taxonomy.TARGET_GROUP_BY_CODE[code].label.lower()}, om '{words}'")
    if groups:
        score += 1
    name = dutch.words(service.name or "")
    description = dutch.words(service.description or "")
    organisation = dutch.words(service.org_name or "")
    in_name = [w for k, w in understood.term_words.items() if _has(name, k)]
    in_rest = [w for k, w in understood.term_words.items() if k not in name and not _has(name, k)
               and (_has(description, k) or _has(organisation, k))]
    if in_name:
        reasons.append(f"naam bevat '{in_name[0]}'" if len(in_name) == 1
                       else "naam bevat " + ", ".join(f"'{w}'" for w in in_name))
        score += 2 + 0.25 * (len(in_name) - 1)
    if in_rest:
        where = "beschrijving" if any(_has(description, k) for k in understood.terms) else "organisatie"
        reasons.append(f"{where} noemt " + ", ".join(f"'{w}'" for w in in_rest[:3]))
        score += 1 + 0.25 * (len(in_rest) - 1)
    return Match(score, reasons, domains, crisis_first)


def reason_line(reasons: list[str], limit: int = 2) -> str:
    """The reasons as one short line for a card: 'Past bij geldzaken, om 'huur' · naam bevat 'schuld''."""
    line = " · ".join(reasons[:limit])
    return line[:1].upper() + line[1:]


def _matched(hit: SearchHit) -> Match:
    assert hit.match is not None, "only hits matched against the words are ranked"
    return hit.match


def order_key(hit: SearchHit, sort: str) -> tuple:
    service, m = hit.service, _matched(hit)
    distance = hit.distance
    effective = FAR if distance is None else distance
    rung = service.rung_level or 0
    name = (service.name or "", service.id or "")
    if sort == "distance":
        return (not m.crisis_first, effective, -m.score, rung, *name)
    if sort == "name":
        return name
    return (not m.crisis_first, -m.score, rung, effective, *name)


def rank(hits: list[SearchHit], understood: Understood, sort: str = "licht") -> list[SearchHit]:
    """Hits (each with its ``match``) in the order to show them."""
    ordered = sorted(hits, key=lambda h: order_key(h, sort))
    if sort not in ("licht", "relevance"):
        return ordered
    first = [h for h in ordered if _matched(h).crisis_first][:CRISIS_FIRST_IN_RESULTS]
    rest = [h for h in ordered if not any(h is f for f in first)]
    if len(understood.life_domains) < 2:
        return first + rest
    queues = [[h for h in rest if code in _matched(h).life_domains] for code in understood.life_domains]
    queues.append([h for h in rest if not _matched(h).life_domains])
    taken: set[int] = set()
    result = list(first)
    positions = [0] * len(queues)
    while len(result) < len(hits):
        moved = False
        for i, queue in enumerate(queues):
            while positions[i] < len(queue) and id(queue[positions[i]]) in taken:
                positions[i] += 1
            if positions[i] < len(queue):
                hit = queue[positions[i]]
                taken.add(id(hit))
                result.append(hit)
                moved = True
        if not moved:
            break
    return result
