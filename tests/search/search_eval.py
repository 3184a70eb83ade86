"""The search evaluation: eval_queries.csv against the demo region through GET /api/v1/services.

Figures (see README.md beside this file): recall@5 per theme (the share of a query's expected
leefgebieden that the first five hits address), the crisis-first rate (crisis queries whose answer
starts with the crisis object), false alarms (non-crisis queries that trigger it) and empty answers
(no hit, no crisis object, no outsideRegion) for a place inside the loaded region.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

QUERIES = Path(__file__).with_name("eval_queries.csv")
PLACE = "4461AB"  # Goes, inside the demo region
TOP = 5
TARGET_RECALL = 0.95
TARGET_CRISIS_FIRST = 1.0


@dataclass(frozen=True)
class Query:
    id: str
    theme: str
    text: str
    life_domains: tuple[str, ...]
    crisis: bool


@dataclass
class Figures:
    recall: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    crisis_hits: list[str] = field(default_factory=list)
    crisis_missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    misses: list[tuple[str, str, list[str], list[str]]] = field(default_factory=list)
    place: str = PLACE

    @property
    def overall_recall(self) -> float:
        values = [v for theme in self.recall.values() for v in theme]
        return sum(values) / len(values) if values else 0.0

    @property
    def crisis_first_rate(self) -> float:
        total = len(self.crisis_hits) + len(self.crisis_missed)
        return len(self.crisis_hits) / total if total else 1.0

    def report(self) -> str:
        lines = [f"search evaluation: {sum(len(v) for v in self.recall.values())} queries, place {self.place}, "
                 f"first {TOP} hits", "", f"{'theme':<22} {'queries':>7} {'recall@5':>9}"]
        for theme in sorted(self.recall):
            values = self.recall[theme]
            lines.append(f"{theme:<22} {len(values):>7} {sum(values) / len(values):>8.1%}")
        lines += [f"{'all':<22} {sum(len(v) for v in self.recall.values()):>7} {self.overall_recall:>8.1%}"
                  f"   (target >= {TARGET_RECALL:.0%})", "",
                  f"crisis-first: {len(self.crisis_hits)}/{len(self.crisis_hits) + len(self.crisis_missed)} = "
                  f"{self.crisis_first_rate:.1%}   (target {TARGET_CRISIS_FIRST:.0%})"]
        if self.crisis_missed:
            lines.append(f"  crisis queries without the crisis object: {', '.join(self.crisis_missed)}")
        lines.append(f"false alarms (non-crisis queries that trigger crisis): {len(self.false_alarms)}"
                     + (f": {', '.join(self.false_alarms)}" if self.false_alarms else ""))
        lines.append(f"empty answers: {len(self.empty)}" + (f": {', '.join(self.empty)}" if self.empty else ""))
        if self.misses:
            lines += ["", "queries below full recall@5 (id, query, expected, addressed):"]
            lines += [f"  {i} {text!r}: expected {'|'.join(exp)}, addressed {'|'.join(got) or '-'}"
                      for i, text, exp, got in self.misses]
        return "\n".join(lines)


def load_queries(path: Path = QUERIES) -> list[Query]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Query(row["id"], row["theme"], row["query"], tuple(row["life_domains"].split("|")),
                      row["crisis"].strip() == "ja") for row in csv.DictReader(handle)]


def evaluate(client, queries: list[Query] | None = None, place: str | None = PLACE) -> Figures:
    figures = Figures(place=place or "none (whole region)")
    for query in queries or load_queries():
        params = {"q": query.text, "pageSize": TOP, **({"postcode": place} if place else {})}
        response = client.get(f"/api/v1/services?{urlencode(params)}")
        assert response.status_code == 200, (query.id, response.get_data(as_text=True))
        body = response.get_json()
        triggered = body.get("crisis") is not None
        if query.crisis:
            first = next(iter(body)) == "crisis" and triggered
            (figures.crisis_hits if first else figures.crisis_missed).append(query.id)
        elif triggered:
            figures.false_alarms.append(query.id)
        hits = body["results"][:TOP]
        if not hits and not triggered and body.get("outsideRegion") is None:
            figures.empty.append(query.id)
        addressed = {d["code"] for hit in hits for d in hit["lifeDomains"]}
        got = [d for d in query.life_domains if d in addressed]
        figures.recall[query.theme].append(len(got) / len(query.life_domains))
        if len(got) < len(query.life_domains):
            figures.misses.append((query.id, query.text, list(query.life_domains), got))
    return figures
