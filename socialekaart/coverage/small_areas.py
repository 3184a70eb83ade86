"""Small areas: rates that a tiny population cannot distort, and kerncijfers that add up.

A buurt of 15 inwoners with one voorziening has 66.7 per 1,000: chance, not a finding. The rates
per 1,000 are therefore shrunk toward the rate of their siblings together, by how much the siblings
really differ beyond chance (empirical Bayes, Marshall 1991: the method-of-moments Poisson-gamma
estimator of disease mapping). For the areas i with one parent (the wijken of a gemeente, the
buurten of a wijk, the gemeenten of a regio), with counts y_i and populations n_i in thousands:

    m   = sum(y) / sum(n)                          the rate of the siblings together
    s2  = sum(n_i (r_i - m)^2) / sum(n) - m / n̄    the spread between them beyond chance (at least 0)
    w_i = s2 / (s2 + m / n_i)                      how far area i's own rate r_i = y_i / n_i is trusted
    robust_i = m + w_i (r_i - m)

An area with few inhabitants gets w close to 0 (its figure is its siblings' rate); a large area keeps
nearly its own. Written down for coordinators in docs/lokale-inventarisatie.md.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Protocol, TypeVar, cast


@dataclass(frozen=True)
class AreaRate:
    count: float
    population: int | None  # the inwoners the rate is per (None: unknown)
    group: str  # areas with the same group are siblings


def robust_rates(areas: Mapping[str, AreaRate]) -> dict[str, float | None]:
    """Per area the shrunk rate per 1,000 inwoners; None where the population is unknown or 0."""
    groups: dict[str, list[str]] = defaultdict(list)
    for code, area in areas.items():
        if area.population:
            groups[area.group].append(code)
    found: dict[str, float | None] = {code: None for code in areas}
    for members in groups.values():
        counts = [areas[c].count for c in members]
        thousands = [areas[c].population / 1000 for c in members]  # type: ignore[operator]
        total = sum(thousands)
        pooled = sum(counts) / total
        mean_size = total / len(members)
        spread = sum(n * (y / n - pooled) ** 2 for y, n in zip(counts, thousands)) / total - pooled / mean_size
        spread = max(spread, 0.0)
        for code, y, n in zip(members, counts, thousands):
            own = y / n
            chance = pooled / n
            weight = spread / (spread + chance) if spread + chance > 0 else 1.0
            found[code] = pooled + weight * (own - pooled)
    return found


def median_of(values: Iterable[float | None]) -> float | None:
    """The one median of a set of robust figures (None when there are none)."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


# -- kerncijfers that add up --------------------------------------------------------------------------

class Kerncijfers(Protocol):
    """What an area (a frozen dataclass, such as ``compute.AreaInput``) needs to add up."""
    @property
    def code(self) -> str: ...
    @property
    def parent_code(self) -> str | None: ...
    @property
    def population(self) -> int | None: ...
    @property
    def households(self) -> int | None: ...
    @property
    def ages(self) -> Mapping[str, int | None]: ...


A = TypeVar("A", bound=Kerncijfers)


def add_up(areas: Iterable[A]) -> list[A]:
    """Population, households and age bands of every area as the sum of its children, from the buurten up, where
    every child has the figure; otherwise the area keeps its own (CBS publishes some as secret)."""
    by_code = {a.code: a for a in areas}
    children: dict[str, list[str]] = defaultdict(list)
    for area in by_code.values():
        if area.parent_code in by_code:
            children[area.parent_code].append(area.code)
    done: dict[str, A] = {}

    def settle(code: str, path: frozenset[str] = frozenset()) -> A:
        if code in done:
            return done[code]
        area = by_code[code]
        kids = [settle(c, path | {code}) for c in children.get(code, ()) if c not in path]
        if kids:
            population = _sum([k.population for k in kids])
            households = _sum([k.households for k in kids])
            keys = list(dict.fromkeys(key for k in (area, *kids) for key in k.ages))
            ages = {key: _sum([k.ages.get(key) for k in kids]) for key in keys}
            area = replace(cast(Any, area), population=population if population is not None else area.population,
                           households=households if households is not None else area.households,
                           ages={key: ages[key] if ages[key] is not None else area.ages.get(key) for key in keys})
        done[code] = area
        return area

    return [settle(code) for code in by_code]


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if values and len(known) == len(values) else None
