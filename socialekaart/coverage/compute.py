"""Lokale inventarisatie, part 1: coverage. Per area × leefgebied: the supply of help on each
rung of the ladder, how far inwoners live from it, capacity, and the signs of need.

Pure computation on plain rows: no Flask, no store. ``compute_coverage`` takes the areas, the
services, the inventarisatie figures and the referral signals and returns a ``CoverageResult``:
tables (numpy) over every area (regio, gemeente, wijk, buurt) × leefgebied, read one at a time
as a ``Coverage`` record with ``result.record(area, leefgebied)``. ``socialekaart.gaps`` turns
those records into a ranked list of gaps. The whole country (13,000 buurten, 100,000 services)
computes in about ten seconds: an STRtree finds the nearest services, and sums are array sums.

Definitions (these are the figures the API, the exports and the dashboard show):

- A service *counts for* an area when it is located in it, or when its werkgebied names the
  area, an area around it (its wijk, gemeente) or an area inside it (as search does).
- Supply: per area × leefgebied × rung, the services that count for the area, formal and
  informal (the kind of organisation) counted apart. The *sociale basis* is the light part of
  the ladder: eigen kracht, informeel and voorliggend.
- Per 1,000: sociale-basis services per 1,000 inwoners; for opvoeding per 1,000 children of
  0-14 years (``RELEVANT_AGES``).
- Reach, per rung and for the sociale basis as a whole: from each buurt centroid, the distance
  to the nearest fitting service (one on that rung addressing that leefgebied): 0 when such a
  service serves the buurt, its wijk or its gemeente through its werkgebied, otherwise the
  great-circle distance (``geo.haversine_m``) to the nearest one with a location; none when
  there is none at all. An area weighs its buurten by inwoners: the mean distance (over the
  buurten that have a fitting service), and the inwoners (and their share) farther away than
  the threshold, where having no fitting service at all counts as farther.
  An area without buurten with a centroid uses its own centroid and inwoners.
- Capacity: the wachttijd of the counted services, where known.
- Need: inwoners and age groups (CBS kerncijfers), the inventarisatie figures stored for
  exactly this area and leefgebied, and referral signals: referrals per leefgebied (a referral
  counts in the inwoner's wijk and the areas around it, or its gemeente when the wijk is
  unknown; with two leefgebieden it counts in both), declined for "geen capaciteit" or
  "buiten werkgebied", sent to maatwerk, and sent to maatwerk from a wijk where for at least
  ``reach_share_threshold`` of the inwoners no sociale-basis help for that leefgebied is
  within ``reach_threshold_m`` ("no lighter rung nearby").
"""
from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import shapely
from shapely import STRtree

from socialekaart.coverage.disclosure import HIDDEN, publish_counts, publish_total
from socialekaart.coverage.needs import Need
from socialekaart.coverage.small_areas import AreaRate, add_up, robust_rates
from socialekaart.places.geo import EARTH_RADIUS_M, haversine_m
from socialekaart.shared import taxonomy
from socialekaart.shared.disclosure import KEY_MODULUS

SOCIALE_BASIS = tuple(r.code for r in taxonomy.RUNGS if r.sociale_basis)
RUNG_CODES = tuple(r.code for r in taxonomy.RUNGS)
BASIS_GROUP = "sociale-basis"
REACH_GROUPS = (BASIS_GROUP, *RUNG_CODES)
LIFE_DOMAIN_CODES = tuple(t.code for t in taxonomy.LIFE_DOMAINS)
AGE_KEYS = ("0-14", "15-24", "25-44", "45-64", "65+")
# Leefgebieden measured against an age group instead of all inwoners.
RELEVANT_AGES: dict[str, tuple[str, ...]] = {"opvoeding": ("0-14",)}
RELEVANT_POPULATION_LABELS = {"opvoeding": "kinderen van 0-14 jaar"}
AREA_KINDS = ("regio", "gemeente", "wijk", "buurt")
DECLINED = "afgewezen"
CAPACITY_REASON = "geen-capaciteit"
OUTSIDE_AREA_REASON = "buiten-werkgebied"
MAATWERK = "maatwerk"


# -- inputs -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AreaInput:
    code: str
    kind: str  # regio | gemeente | wijk | buurt
    name: str
    parent_code: str | None = None
    population: int | None = None
    ages: Mapping[str, int | None] = field(default_factory=dict)  # keys AGE_KEYS
    lat: float | None = None
    lon: float | None = None
    households: int | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "AreaInput":
        """From a stored area (``GraphStore.areas``)."""
        ages = {"0-14": row.get("age_0_14"), "15-24": row.get("age_15_24"), "25-44": row.get("age_25_44"),
                "45-64": row.get("age_45_64"), "65+": row.get("age_65_plus")}
        return cls(code=row["code"], kind=row["kind"], name=row.get("name") or row["code"],
                   parent_code=row.get("parent_code"), population=row.get("population"), ages=ages,
                   lat=row.get("lat"), lon=row.get("lon"), households=row.get("households"))

    @property
    def centroid(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None


@dataclass(frozen=True)
class ServiceInput:
    id: str
    name: str
    organization_id: str
    organization_name: str
    rung: str
    formal: bool
    life_domains: tuple[str, ...]
    lat: float | None = None  # a confidential service has its wijk's centroid here
    lon: float | None = None
    buurt_code: str | None = None
    wijk_code: str | None = None
    gemeente_code: str | None = None
    serves: tuple[str, ...] = ()
    wait_weeks: int | None = None
    last_verified: date | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "ServiceInput":
        verified = row.get("last_verified")
        return cls(id=row["id"], name=row.get("name") or row["id"], organization_id=row.get("organization_id") or "",
                   organization_name=row.get("org_name") or row.get("organization_id") or "",
                   rung=row["rung"], formal=bool(row.get("formal", True)),
                   life_domains=tuple(row.get("life_domains") or ()), lat=row.get("lat"), lon=row.get("lon"),
                   buurt_code=row.get("buurt_code"), wijk_code=row.get("wijk_code"),
                   gemeente_code=row.get("gemeente_code"), serves=tuple(row.get("serves") or ()),
                   wait_weeks=row.get("wait_weeks"),
                   last_verified=date.fromisoformat(verified) if verified else None)


@dataclass(frozen=True)
class ReferralInput:
    """What the figures need of one sent referral: no person, no text."""
    life_domains: tuple[str, ...]
    to_org_id: str | None
    to_rung: str | None
    status: str
    decline_reason: str | None = None
    wijk_code: str | None = None
    gemeente_code: str | None = None
    ckey: int = 0  # the referral's secret record key: the cell-key noise of every count it is in

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "ReferralInput":
        return cls(life_domains=tuple(row.get("life_domains") or ()), to_org_id=row.get("to_org_id"),
                   to_rung=row.get("to_rung"), status=row["status"], decline_reason=row.get("decline_reason"),
                   wijk_code=row.get("wijk_code"), gemeente_code=row.get("gemeente_code"),
                   ckey=int(row.get("ckey") or 0))


REFERRAL_COUNTS = ("referrals", "declined_capacity", "declined_outside_area", "to_maatwerk", "to_sociale_basis")
TO_MAATWERK = REFERRAL_COUNTS.index("to_maatwerk")


@dataclass(frozen=True)
class ReferralSignals:
    """The referrals counted (in the store, or from single referrals with ``of``); the place is the
    inwoner's (wijk code, gemeente code) as the referral gives them.

    - ``homes``: place -> referrals;
    - ``domains``: (place, leefgebied) -> counts in ``REFERRAL_COUNTS`` order (a leefgebied named
      twice in one referral counts once);
    - ``receivers``: organisation id -> referrals received;
    - ``home_keys`` and ``domain_keys``: with every count of ``homes`` and ``domains``, the sum of the record
      keys (``ckey``) of its referrals mod 2^31 (``KEY_MODULUS``): the cell key of its noise."""
    homes: Mapping[tuple[str | None, str | None], int] = field(default_factory=dict)
    domains: Mapping[tuple[tuple[str | None, str | None], str], tuple[int, ...]] = field(default_factory=dict)
    receivers: Mapping[str, int] = field(default_factory=dict)
    home_keys: Mapping[tuple[str | None, str | None], int] = field(default_factory=dict)
    domain_keys: Mapping[tuple[tuple[str | None, str | None], str], tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, referrals: Iterable[ReferralInput]) -> "ReferralSignals":
        homes: Counter = Counter()
        home_keys: Counter = Counter()
        domains: dict[tuple, list[int]] = {}
        domain_keys: dict[tuple, list[int]] = {}
        receivers: Counter = Counter()
        for referral in referrals:
            if referral.to_org_id:
                receivers[referral.to_org_id] += 1
            place = (referral.wijk_code, referral.gemeente_code)
            homes[place] += 1
            home_keys[place] = (home_keys[place] + referral.ckey) % KEY_MODULUS
            declined = referral.status == DECLINED
            flags = (1, int(declined and referral.decline_reason == CAPACITY_REASON),
                     int(declined and referral.decline_reason == OUTSIDE_AREA_REASON),
                     int(referral.to_rung == MAATWERK), int(referral.to_rung in SOCIALE_BASIS))
            for domain in dict.fromkeys(referral.life_domains):
                counts = domains.setdefault((place, domain), [0] * len(REFERRAL_COUNTS))
                keys = domain_keys.setdefault((place, domain), [0] * len(REFERRAL_COUNTS))
                for i, flag in enumerate(flags):
                    counts[i] += flag
                    keys[i] = (keys[i] + flag * referral.ckey) % KEY_MODULUS
        return cls(dict(homes), {key: tuple(counts) for key, counts in domains.items()}, dict(receivers),
                   dict(home_keys), {key: tuple(keys) for key, keys in domain_keys.items()})

    @classmethod
    def from_rows(cls, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> "ReferralSignals":
        """From ``CoverageStore.referral_signals``."""
        homes: Counter = Counter()
        home_keys: Counter = Counter()
        for row in rows["homes"]:
            place = (row["wijk_code"], row["gemeente_code"])
            homes[place] += int(row["referrals"])
            home_keys[place] = (home_keys[place] + int(row.get("ck_referrals") or 0)) % KEY_MODULUS
        domains = {((row["wijk_code"], row["gemeente_code"]), row["life_domain"]):
                   tuple(int(row[name]) for name in REFERRAL_COUNTS) for row in rows["domains"]}
        domain_keys = {((row["wijk_code"], row["gemeente_code"]), row["life_domain"]):
                       tuple(int(row.get(f"ck_{name}") or 0) % KEY_MODULUS for name in REFERRAL_COUNTS)
                       for row in rows["domains"]}
        receivers = {row["to_org_id"]: int(row["referrals"]) for row in rows["receivers"] if row["to_org_id"]}
        return cls(dict(homes), domains, receivers, dict(home_keys), domain_keys)


@dataclass(frozen=True)
class CoverageParams:
    reach_threshold_m: float = 1500
    reach_share_threshold: float = 0.5


# -- outputs ------------------------------------------------------------------------------------------

SIGNALS = (*REFERRAL_COUNTS, "maatwerk_without_light_nearby")
DOMAIN_INDEX = {code: i for i, code in enumerate(LIFE_DOMAIN_CODES)}
RUNG_INDEX = {code: i for i, code in enumerate(RUNG_CODES)}
GROUP_INDEX = {code: i for i, code in enumerate(REACH_GROUPS)}
BASIS = GROUP_INDEX[BASIS_GROUP]


@dataclass(frozen=True)
class Reach:
    """How far inwoners of an area live from the nearest fitting service."""
    mean_distance_m: float | None  # weighted by inwoners, over the buurten that have a fitting service
    share_beyond: float | None  # of inwoners farther than the threshold (or without any); None: no inwoners
    inwoners_beyond: int
    inwoners: int  # the inwoners the figures rest on (sum over the buurten)


def _value(number: float) -> float | None:
    return None if math.isnan(number) else float(number)


class Coverage:
    """The figures of one area and leefgebied: a view on the tables of a ``CoverageResult``."""
    __slots__ = ("result", "row", "column")

    def __init__(self, result: "CoverageResult", row: int, column: int):
        self.result, self.row, self.column = result, row, column

    @property
    def area_code(self) -> str:
        return self.result.codes[self.row]

    @property
    def life_domain(self) -> str:
        return LIFE_DOMAIN_CODES[self.column]

    @property
    def area(self) -> AreaInput:
        return self.result.areas[self.area_code]

    @property
    def population(self) -> int | None:
        return self.area.population

    @property
    def relevant_population(self) -> int | None:
        return relevant_population(self.area, self.life_domain)

    # -- supply
    @property
    def supply(self) -> dict[str, list[int]]:
        """rung -> [formal, informal]"""
        table = self.result.supply[self.row, self.column]
        return {rung: [int(table[r, 0]), int(table[r, 1])] for r, rung in enumerate(RUNG_CODES)}

    def rung_total(self, rung: str) -> int:
        return int(self.result.supply[self.row, self.column, RUNG_INDEX[rung]].sum())

    @property
    def formal(self) -> int:
        return int(self.result.supply[self.row, self.column, :, 0].sum())

    @property
    def informal(self) -> int:
        return int(self.result.supply[self.row, self.column, :, 1].sum())

    @property
    def total(self) -> int:
        return self.formal + self.informal

    @property
    def sociale_basis(self) -> int:
        return int(self.result.basis[self.row, self.column])

    @property
    def per_1000(self) -> float | None:
        """Sociale-basis services per 1,000 (relevant) inwoners, as counted (raw)."""
        people = self.relevant_population
        return self.sociale_basis * 1000 / people if people else None

    @property
    def per_1000_robust(self) -> float | None:
        """The same rate, shrunk toward the rate of the sibling areas so a tiny population cannot
        distort it: the figure to compare and colour by (socialekaart.coverage.small_areas)."""
        return self.result.robust[self.column][self.area_code]

    # -- reach and capacity
    @property
    def reach(self) -> dict[str, Reach]:
        return {group: self.reach_of(group) for group in REACH_GROUPS}

    def reach_of(self, group: str) -> Reach:
        mean, share, beyond, inwoners = self.result.reach[self.row, self.column, GROUP_INDEX[group]].tolist()
        return Reach(_value(mean), _value(share), int(beyond), int(inwoners))

    @property
    def wait_count(self) -> int:
        """Counted services with a known wachttijd."""
        return int(self.result.waits[self.row, self.column, 0])

    @property
    def mean_wait_weeks(self) -> float | None:
        count, total, _ = self.result.waits[self.row, self.column].tolist()
        return total / count if count else None

    @property
    def max_wait_weeks(self) -> int | None:
        count, _, longest = self.result.waits[self.row, self.column].tolist()
        return int(longest) if count else None

    # -- need
    @property
    def needs(self) -> list[Need]:
        return self.result.needs.get((self.area_code, self.life_domain), [])

    def signal(self, name: str) -> int:
        return int(self.result.signals[self.row, self.column, SIGNALS.index(name)])

    @property
    def referrals(self) -> int:
        return self.signal("referrals")

    @property
    def declined_capacity(self) -> int:
        return self.signal("declined_capacity")

    @property
    def declined_outside_area(self) -> int:
        return self.signal("declined_outside_area")

    @property
    def to_maatwerk(self) -> int:
        return self.signal("to_maatwerk")

    @property
    def to_sociale_basis(self) -> int:
        return self.signal("to_sociale_basis")

    @property
    def maatwerk_without_light_nearby(self) -> int:
        return self.signal("maatwerk_without_light_nearby")

    def shown(self, name: str) -> int | None:
        """A referral count as published (socialekaart.coverage.disclosure): perturbed by its cell key, or
        None when it is hidden. Everything shown or derived (API, exports, report, gaps) reads this."""
        value = int(self.result.published[self.row, self.column, SIGNALS.index(name)])
        return None if value == HIDDEN else value


@dataclass
class CoverageResult:
    """Coverage of every area × leefgebied, in tables indexed by area row (``codes``) and leefgebied
    column (``LIFE_DOMAIN_CODES``); ``record()`` reads one."""
    params: CoverageParams
    areas: dict[str, AreaInput]
    children: dict[str, list[str]]
    codes: list[str]
    services: list[ServiceInput]
    service_areas: dict[str, frozenset[str]]  # service id -> the areas it counts for
    supply: np.ndarray  # [area, leefgebied, rung, formal/informal]: services
    waits: np.ndarray  # [area, leefgebied, (count, sum, max)]: wachttijd in weeks
    reach: np.ndarray  # [area, leefgebied, reach group, (mean m, share, inwoners beyond, inwoners)]; NaN: none
    signals: np.ndarray  # [area, leefgebied, SIGNALS]: referral counts (true)
    needs: dict[tuple[str, str], list[Need]]
    referral_totals: Counter  # area code -> referrals (each once, whatever its leefgebieden; true)
    referrals_to_org: Counter  # organisation id -> referrals received
    # The same shapes: the sum of the record keys of each count's referrals (mod 2^31), and the counts as
    # published (perturbed, HIDDEN where not shown; socialekaart.coverage.disclosure)
    signal_keys: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0), dtype=np.int64))
    published: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0), dtype=np.int64))
    referral_total_keys: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.index = {code: row for row, code in enumerate(self.codes)}
        self.basis = self.supply[:, :, [RUNG_INDEX[r] for r in SOCIALE_BASIS], :].sum(axis=(2, 3))
        self.robust = self._robust_per_1000()

    def _robust_per_1000(self) -> list[dict[str, float | None]]:
        """Per leefgebied column: the sociale-basis rate per 1,000 of every area, shrunk toward its
        siblings' rate (socialekaart.coverage.small_areas)."""
        columns = []
        for column, domain in enumerate(LIFE_DOMAIN_CODES):
            rates = {}
            for row, code in enumerate(self.codes):
                area = self.areas[code]
                parent = area.parent_code if area.parent_code in self.areas else ""
                rates[code] = AreaRate(count=float(self.basis[row, column]),
                                       population=relevant_population(area, domain), group=f"{area.kind}:{parent}")
            columns.append(robust_rates(rates))
        return columns

    def record(self, area_code: str, life_domain: str) -> Coverage:
        return Coverage(self, self.index[area_code], DOMAIN_INDEX[life_domain])

    def shown_total(self, area_code: str) -> int | None:
        """The area's referrals over every leefgebied (each once) as published: perturbed, or None."""
        return publish_total(self.referral_totals.get(area_code, 0), self.referral_total_keys.get(area_code, 0),
                             self.areas[area_code].population)

    @property
    def record_count(self) -> int:
        return len(self.codes) * len(LIFE_DOMAIN_CODES)

    def ancestors(self, code: str) -> list[str]:
        return _ancestors(self.areas, code)

    def within(self, code: str, scope: str) -> bool:
        """True when the area is ``scope`` or lies inside it."""
        return code == scope or scope in self.ancestors(code)

    def gemeente_of(self, code: str) -> AreaInput | None:
        for candidate in (code, *self.ancestors(code)):
            area = self.areas.get(candidate)
            if area is not None and area.kind == "gemeente":
                return area
        return None

    def regio_of(self, code: str) -> str:
        """The regio code the area lies in, or '' when none is known."""
        for candidate in (code, *self.ancestors(code)):
            area = self.areas.get(candidate)
            if area is not None and area.kind == "regio":
                return area.code
        return ""


# -- geography ----------------------------------------------------------------------------------------

def _ancestors(areas: Mapping[str, AreaInput], code: str) -> list[str]:
    """The known areas around this one, nearest first: BU.. -> [WK.., GM.., RG..]."""
    found: list[str] = []
    current = areas.get(code)
    while current is not None and current.parent_code and current.parent_code in areas \
            and current.parent_code not in found:
        found.append(current.parent_code)
        current = areas[current.parent_code]
    return found


class _Geography:
    def __init__(self, areas: Iterable[AreaInput]):
        self.areas: dict[str, AreaInput] = {a.code: a for a in areas}
        self.children: dict[str, list[str]] = defaultdict(list)
        for area in sorted(self.areas.values(), key=lambda a: a.code):
            if area.parent_code in self.areas:
                self.children[area.parent_code].append(area.code)
        self.ancestors = {code: _ancestors(self.areas, code) for code in self.areas}
        self._descendants: dict[str, list[str]] = {}

    def descendants(self, code: str) -> list[str]:
        if code not in self._descendants:
            found: list[str] = []
            for child in self.children.get(code, ()):
                found.append(child)
                found.extend(self.descendants(child))
            self._descendants[code] = found
        return self._descendants[code]

    def with_ancestors(self, code: str) -> list[str]:
        return [code, *self.ancestors.get(code, ())] if code in self.areas else []

    def residence_points(self) -> dict[str, list[str]]:
        """Per area, the places where its inwoners live: its buurten with a centroid, or the
        area itself when it has none (and a centroid of its own)."""
        points: dict[str, list[str]] = {}
        for code, area in self.areas.items():
            inside = [c for c in (code, *self.descendants(code))
                      if self.areas[c].kind == "buurt" and self.areas[c].centroid is not None]
            if not inside and area.centroid is not None:
                inside = [code]
            points[code] = inside
        return points


def relevant_population(area: AreaInput, life_domain: str) -> int | None:
    keys = RELEVANT_AGES.get(life_domain)
    if keys is None:
        return area.population
    values = [area.ages.get(k) for k in keys]
    known = [v for v in values if v is not None]
    return sum(known) if len(known) == len(values) else None


# -- nearest services -----------------------------------------------------------------------------------

# The plane is only used to find candidates; every reported distance is haversine_m. Across the
# Netherlands the plane is off by a few percent, so every point within this factor of the
# plane's nearest is checked with the real distance.
PLANE_SAFETY = 1.15


def _plane(lat: np.ndarray, lon: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    x = np.radians(lon) * math.cos(math.radians(lat0)) * EARTH_RADIUS_M
    y = np.radians(lat) * EARTH_RADIUS_M
    return x, y


class NearestPoints:
    """The great-circle distance from query points to the nearest of a fixed set of points, with
    an STRtree on a local plane to find the candidates."""

    def __init__(self, points: Sequence[tuple[float, float]]):
        self.points = list(points)
        self.tree: STRtree | None = None
        if self.points:
            lat = np.array([p[0] for p in self.points])
            lon = np.array([p[1] for p in self.points])
            self.lat0 = float(lat.mean())
            x, y = _plane(lat, lon, self.lat0)
            self.tree = STRtree(shapely.points(x, y))

    def distances(self, queries: Sequence[tuple[float, float]]) -> list[float | None]:
        if not queries:
            return []
        if self.tree is None:
            return [None] * len(queries)
        lat = np.array([q[0] for q in queries])
        lon = np.array([q[1] for q in queries])
        x, y = _plane(lat, lon, self.lat0)
        geoms = shapely.points(x, y)
        (query_index, _), planar = self.tree.query_nearest(geoms, return_distance=True)
        radius = np.zeros(len(queries))
        radius[query_index] = planar * PLANE_SAFETY + 1.0
        pairs = self.tree.query(geoms, predicate="dwithin", distance=radius)
        best: list[tuple[float, int] | None] = [None] * len(queries)
        candidate_lat = np.radians(np.array([self.points[i][0] for i in pairs[1]]))
        candidate_lon = np.radians(np.array([self.points[i][1] for i in pairs[1]]))
        q_lat, q_lon = np.radians(lat[pairs[0]]), np.radians(lon[pairs[0]])
        rough = np.sin((candidate_lat - q_lat) / 2) ** 2 + \
            np.cos(q_lat) * np.cos(candidate_lat) * np.sin((candidate_lon - q_lon) / 2) ** 2
        for q, p, h in zip(pairs[0].tolist(), pairs[1].tolist(), rough.tolist()):
            if best[q] is None or h < best[q][0]:
                best[q] = (h, p)
        return [haversine_m(queries[q], self.points[b[1]]) if b is not None else None
                for q, b in enumerate(best)]


# -- the computation -----------------------------------------------------------------------------------

def compute_coverage(areas: Iterable[AreaInput], services: Iterable[ServiceInput],
                     needs: Iterable[Need] = (), referrals: ReferralSignals | Iterable[ReferralInput] = (),
                     params: CoverageParams = CoverageParams()) -> CoverageResult:
    started = time.perf_counter()
    geo = _Geography(add_up(areas))
    codes = sorted(geo.areas)
    index = {code: row for row, code in enumerate(codes)}
    services = [s for s in services if s.rung in taxonomy.RUNG_BY_CODE]
    supply, waits, service_areas = _count_supply(geo, index, services)
    reach = _compute_reach(geo, index, services, params)
    by_area: dict[tuple[str, str], list[Need]] = {}
    for need in needs:
        if need.area_code in index and need.life_domain in DOMAIN_INDEX:
            by_area.setdefault((need.area_code, need.life_domain), []).append(need)
    for found in by_area.values():
        found.sort(key=lambda n: (n.indicator, n.target_group or "", -n.year, n.source))
    if not isinstance(referrals, ReferralSignals):
        referrals = ReferralSignals.of(referrals)
    signals, keys, totals, total_keys, to_org = _count_referrals(geo, index, referrals, reach, params)
    published = publish_counts(signals, keys, codes=codes, parents={c: a.parent_code for c, a in geo.areas.items()},
                               kinds={c: a.kind for c, a in geo.areas.items()},
                               populations={c: a.population for c, a in geo.areas.items()}, names=SIGNALS,
                               wijk_only=("maatwerk_without_light_nearby",))
    return CoverageResult(params=params, areas=geo.areas, children=dict(geo.children), codes=codes,
                          services=services, service_areas=service_areas, supply=supply, waits=waits, reach=reach,
                          signals=signals, needs=by_area, referral_totals=totals, referrals_to_org=to_org,
                          signal_keys=keys, published=published, referral_total_keys=total_keys,
                          seconds=time.perf_counter() - started)


def _counted_for(service: ServiceInput, geo: _Geography) -> set[str]:
    """The areas a service counts for: where it is located and around it; its werkgebied, the
    areas around and the areas inside it."""
    found: set[str] = set()
    located = next((c for c in (service.buurt_code, service.wijk_code, service.gemeente_code) if c in geo.areas),
                   None)
    if located is not None:
        found.update(geo.with_ancestors(located))
    for code in service.serves:
        if code in geo.areas:
            found.update(geo.with_ancestors(code))
            found.update(geo.descendants(code))
    return found


def _count_supply(geo: _Geography, index: dict[str, int], services: list[ServiceInput]
                  ) -> tuple[np.ndarray, np.ndarray, dict[str, frozenset[str]]]:
    """Services per area × leefgebied × rung × formal/informal, and their wachttijd."""
    areas, domains, rungs = len(index), len(LIFE_DOMAIN_CODES), len(RUNG_CODES)
    stride = domains * rungs * 2
    places: dict[tuple, tuple[frozenset[str], np.ndarray]] = {}  # services at the same place count for the same areas
    service_areas: dict[str, frozenset[str]] = {}
    parts: list[np.ndarray] = []
    wait_rows: list[np.ndarray] = []
    wait_values: list[np.ndarray] = []
    for service in services:
        key = (service.buurt_code, service.wijk_code, service.gemeente_code, service.serves)
        if key not in places:
            counted = frozenset(_counted_for(service, geo))
            places[key] = (counted, np.array(sorted(index[c] for c in counted), dtype=np.int64))
        counted, rows = places[key]
        service_areas[service.id] = counted
        rung, side = RUNG_INDEX[service.rung], 0 if service.formal else 1
        for domain in dict.fromkeys(service.life_domains):
            if domain not in DOMAIN_INDEX:
                continue
            column = DOMAIN_INDEX[domain]
            parts.append(rows * stride + (column * rungs + rung) * 2 + side)
            if service.wait_weeks is not None:
                wait_rows.append(rows * domains + column)
                wait_values.append(np.full(len(rows), float(service.wait_weeks)))
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    supply = np.bincount(flat, minlength=areas * stride).reshape(areas, domains, rungs, 2)
    waits = np.zeros((areas * domains, 3))
    waits[:, 2] = -1
    if wait_rows:
        where, weeks = np.concatenate(wait_rows), np.concatenate(wait_values)
        waits[:, 0] = np.bincount(where, minlength=areas * domains)
        waits[:, 1] = np.bincount(where, weights=weeks, minlength=areas * domains)
        np.maximum.at(waits[:, 2], where, weeks)
    return supply, waits.reshape(areas, domains, 3), service_areas


def _compute_reach(geo: _Geography, index: dict[str, int], services: list[ServiceInput],
                   params: CoverageParams) -> np.ndarray:
    areas = len(index)
    points_of = geo.residence_points()
    point_codes = sorted({code for codes in points_of.values() for code in codes})
    places = np.array([geo.areas[c].centroid for c in point_codes], dtype=float).reshape(-1, 2)
    weights = np.array([float(max(geo.areas[c].population or 0, 0)) for c in point_codes])
    # A werkgebied naming the point's buurt, its wijk or its gemeente serves it: the rows of those
    # areas per point, padded with a row past the end that is never served.
    chains = [[index[c] for c in geo.with_ancestors(code)] for code in point_codes]
    depth = max((len(chain) for chain in chains), default=1)
    chain_rows = np.full((len(point_codes), depth), areas, dtype=np.int64)
    for p, chain in enumerate(chains):
        chain_rows[p, :len(chain)] = chain
    # Every (area, residence point) pair, area by area, so the sums add up in a fixed order.
    position = {code: p for p, code in enumerate(point_codes)}
    codes = sorted(index, key=lambda code: index[code])
    sums = _AreaSums(np.array([index[a] for a in codes for _ in points_of[a]], dtype=np.int64),
                     np.array([position[p] for a in codes for p in points_of[a]], dtype=np.int64), areas)
    inwoners = sums.total(weights)
    people = inwoners > 0
    by_domain: dict[str, list[ServiceInput]] = {domain: [] for domain in LIFE_DOMAIN_CODES}
    for service in services:
        for domain in dict.fromkeys(service.life_domains):
            if domain in by_domain:
                by_domain[domain].append(service)
    reach = np.zeros((areas, len(LIFE_DOMAIN_CODES), len(REACH_GROUPS), 4))
    with np.errstate(invalid="ignore", divide="ignore"):
        for column, domain in enumerate(LIFE_DOMAIN_CODES):
            for group_column, group in enumerate(REACH_GROUPS):
                rungs = SOCIALE_BASIS if group == BASIS_GROUP else (group,)
                candidates = [s for s in by_domain[domain] if s.rung in rungs]
                distance = _distances(candidates, index, chain_rows, places, areas)
                reachable = ~np.isnan(distance)
                beyond = ~reachable | (np.nan_to_num(distance) > params.reach_threshold_m)
                known = np.nan_to_num(distance)
                beyond_weight = sums.total(weights * beyond)
                reached_weight = sums.total(weights * reachable)
                weighted = sums.total(np.where(reachable, weights * known, 0.0))
                reached_points = sums.total(reachable.astype(float))
                plain = sums.total(np.where(reachable, known, 0.0))
                # Where nobody lives (as far as we know): the plain mean, and no share.
                mean = np.where(people, weighted / reached_weight, plain / reached_points)
                cell = reach[:, column, group_column]
                cell[:, 0] = np.where(np.isfinite(mean), mean, np.nan)
                cell[:, 1] = np.where(people, beyond_weight / inwoners, np.nan)
                cell[:, 2] = np.where(people, beyond_weight, 0.0)
                cell[:, 3] = inwoners
    return reach


def _distances(candidates: list[ServiceInput], index: dict[str, int], chain_rows: np.ndarray, places: np.ndarray,
               areas: int) -> np.ndarray:
    """Per residence point: 0 when a candidate's werkgebied serves it, else the distance to the
    nearest located candidate; NaN when there is none."""
    served = np.zeros(areas + 1, dtype=bool)
    for service in candidates:
        for code in service.serves:
            if code in index:
                served[index[code]] = True
    distance = np.where(served[chain_rows].any(axis=1), 0.0, np.nan)
    open_points = np.flatnonzero(np.isnan(distance))
    located = NearestPoints([(s.lat, s.lon) for s in candidates if s.lat is not None and s.lon is not None])
    found = located.distances([tuple(places[p]) for p in open_points.tolist()])
    distance[open_points] = [np.nan if d is None else d for d in found]
    return distance


class _AreaSums:
    """Sums of a value per residence point over each area's points, in a fixed order."""

    def __init__(self, area_index: np.ndarray, point_index: np.ndarray, areas: int):
        self.area_index = area_index
        self.point_index = point_index
        self.areas = areas

    def total(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.area_index, weights=values[self.point_index], minlength=self.areas)


def _count_referrals(geo: _Geography, index: dict[str, int], referrals: ReferralSignals, reach: np.ndarray,
                     params: CoverageParams) -> tuple[np.ndarray, np.ndarray, Counter, Counter, Counter]:
    """The counts per area × leefgebied × SIGNALS and their record-key sums (mod 2^31: they add up along
    the area tree as the counts do), the totals per area and theirs, and the referrals per receiver."""
    areas, domains, kinds = len(index), len(LIFE_DOMAIN_CODES), len(SIGNALS)
    homes = {place: _home(geo, *place) for place in {*referrals.homes, *(p for p, _ in referrals.domains)}}
    totals: Counter = Counter()
    total_keys: Counter = Counter()
    for place, count in referrals.homes.items():
        home = homes[place]
        if home is not None and count:
            for code in geo.with_ancestors(home):
                totals[code] += count
                total_keys[code] = (total_keys[code] + referrals.home_keys.get(place, 0)) % KEY_MODULUS
    flat: list[int] = []
    weights: list[int] = []
    key_weights: list[int] = []
    for (place, domain), counts in referrals.domains.items():
        home = homes[place]
        if home is None or domain not in DOMAIN_INDEX:
            continue
        column = DOMAIN_INDEX[domain]
        share = reach[index[home], column, BASIS, 1]
        no_light_nearby = geo.areas[home].kind == "wijk" and share >= params.reach_share_threshold
        found = [*counts, counts[TO_MAATWERK] if no_light_nearby else 0]  # in SIGNALS order
        keys = [*(referrals.domain_keys.get((place, domain)) or (0,) * len(counts))]
        keys.append(keys[TO_MAATWERK] if no_light_nearby else 0)
        for code in geo.with_ancestors(home):
            cell = (index[code] * domains + column) * kinds
            for kind, count in enumerate(found):
                if count:
                    flat.append(cell + kind)
                    weights.append(count)
                    key_weights.append(keys[kind] % KEY_MODULUS)
    where = np.array(flat, dtype=np.int64)
    signals = np.bincount(where, weights=np.array(weights, dtype=float), minlength=areas * domains * kinds)
    # Each key below 2^31 and at most a few thousand places per area: the float sums are exact.
    key_sums = np.bincount(where, weights=np.array(key_weights, dtype=float), minlength=areas * domains * kinds)
    receivers = Counter({org: count for org, count in referrals.receivers.items() if org and count})
    return (signals.reshape(areas, domains, kinds).astype(np.int64),
            (key_sums.astype(np.int64) % KEY_MODULUS).reshape(areas, domains, kinds), totals, total_keys, receivers)


def _home(geo: _Geography, wijk_code: str | None, gemeente_code: str | None) -> str | None:
    """Where a referral counts: the inwoner's wijk, else its gemeente, when known."""
    if wijk_code in geo.areas:
        return wijk_code
    return gemeente_code if gemeente_code in geo.areas else None
