"""A national data set for the benchmark: areas, organisations, services and years of referrals.

Deterministic for a seed (and, for referrals, the ``now`` they end at). Nothing here is real
except the gemeenten and their kerncijfers (CBS 2023, ``bench/data/gemeenten_2023.csv``) and the
national PC4 points (GeoNames, shipped in ``socialekaart/places/data/postcodes``):

- **Geography.** The gemeenten are Voronoi cells of their real centroids, clipped to a land mask
  made of the PC4 points and the gemeenten's own land area. Inside each, buurten are Voronoi cells
  of seeds drawn around the PC4 points that fall in it (so buurten are small where people live),
  about one per 1,200 inwoners, grouped into wijken of about six; the gemeente's inwoners, age
  groups and households are spread over its buurten. Gemeenten are grouped into 25 regio's by
  k-means. Codes follow CBS (GM0344, WK034401, BU03440101).
- **Services.** Per gemeente the demo generator's building blocks (``socialekaart.demo``: the
  sociaal wijkteam, the core partners, the weighted mix of profiles with their rungs,
  leefgebieden and doelgroepen, thin leefgebieden left on purpose), with a service count in
  proportion to the inwoners and located services at points drawn where people live.
  Written through ``Catalog.save`` in batches; each batch is one all-or-nothing unit.
- **Referrals.** From professional partners (wijkteam, huisarts, maatschappelijk werk ...) to
  services nearby, spread over three years with growing use, each with its whole event history
  (concept → verzonden → ontvangen → ... with declines, waiting lists, cancellations and
  expiries) and an audit entry per event, as ``socialekaart.referral_service`` would have
  written them; the privacy fields are sealed with the store's real key. Written in bulk by
  ``graph.bench_data``.

Below ``FULL_COUNTRY_FROM`` services (smoke runs) only the gemeenten nearest Utrecht are made.
"""
from __future__ import annotations

import csv
import hashlib
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, box

from importers.demo import generator as demo
from socialekaart.catalog.model import Organization, Service
from socialekaart.places.geocoding import PostcodePoint
from socialekaart.places.model import Area
from socialekaart.referrals.lifecycle import CONSENT_METHODS, DECLINE_REASONS
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import iso
from socialekaart.shared.workdays import LOCAL_TZ, add_working_days

DATA_DIR = Path(__file__).parent / "data"
GEMEENTEN_CSV = DATA_DIR / "gemeenten_2023.csv"

# A flat plane in km around the middle of the country; good enough for laying out cells.
LAT0, LON0 = 52.2, 5.3
KX = 111.32 * math.cos(math.radians(LAT0))
KY = 110.57
NL_BOX = (50.76, 3.36, 53.55, 7.2)  # lat/lon, a little inside socialekaart.model.NL_LAT / NL_LON

INHABITANTS_PER_BUURT = 1200
MAX_BUURTEN = 600
BUURTEN_PER_WIJK = 6
REGIOS = 25
FULL_COUNTRY_FROM = 5000
CENTRE_GEMEENTE = "GM0344"  # Utrecht: the middle of a smoke run
CORE_FROM = 40  # a gemeente with this many services gets the demo's core partners
SERVICE_BATCH = 2000
AREA_BATCH = 4000
REFERRAL_BATCH = 1000
YEARS = 3

SENDER_KINDS = {"sociaal-wijkteam": 6, "huisarts": 4, "maatschappelijk-werk": 2, "wijkverpleging": 2, "ggz": 1,
                "clientondersteuning": 1, "welzijnsorganisatie": 1, "schuldhulpverlening": 1, "politie": 1,
                "woningcorporatie": 1}
RUNG_WEIGHT = {"eigen-kracht": 0.5, "informeel": 1.0, "voorliggend": 2.0, "licht": 1.5, "maatwerk": 1.5}
REQUESTS = ("Inwoner heeft schulden en kan de post niet meer overzien.", "Eenzaam sinds het overlijden van de partner.",
            "Gezin met opvoedvragen, ouders zijn overbelast.", "Dreigende huisuitzetting door huurachterstand.",
            "Mantelzorger raakt overbelast en zoekt ondersteuning.", "Zoekt dagbesteding na ontslag uit de kliniek.",
            "Wil graag vrijwilligerswerk doen en mensen ontmoeten.", "Problemen met alcohol, vraagt om begeleiding.")
PURPOSE = "Doorverwijzing voor hulp bij de hulpvraag, met gegevens voor contact."


# -- the plane ---------------------------------------------------------------------------------------

def to_plane(lat: float, lon: float) -> tuple[float, float]:
    return (lon - LON0) * KX, (lat - LAT0) * KY


def to_wgs(x: float, y: float) -> tuple[float, float]:
    return LAT0 + y / KY, LON0 + x / KX


def _geojson(geometry) -> str:
    def back(xy: np.ndarray) -> np.ndarray:
        return np.round(np.column_stack([LON0 + xy[:, 0] / KX, LAT0 + xy[:, 1] / KY]), 5)

    return shapely.to_geojson(shapely.transform(geometry, back))


def _centroid(geometry) -> tuple[float, float]:
    point = geometry.centroid
    if not geometry.contains(point):
        point = geometry.representative_point()
    lat, lon = to_wgs(point.x, point.y)
    return round(lat, 6), round(lon, 6)


def _morton(ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
    """Z-order keys of grid cells: near in the order is near on the map."""
    key = np.zeros(len(ix), dtype=np.int64)
    for bit in range(10):
        key |= ((ix >> bit) & 1) << (2 * bit)
        key |= ((iy >> bit) & 1) << (2 * bit + 1)
    return key


# -- inputs ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GemeenteRow:
    code: str
    name: str
    population: int
    households: int
    ages: dict[str, int]
    land_km2: float
    lat: float
    lon: float


def read_gemeenten(path: Path = GEMEENTEN_CSV) -> list[GemeenteRow]:
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            pop = int(r["population"])
            shares = [int(r[k]) for k in ("pct_0_14", "pct_15_24", "pct_25_44", "pct_45_64", "pct_65_plus")]
            ages = dict(zip(("0-14", "15-24", "25-44", "45-64", "65+"), (round(pop * s / 100) for s in shares)))
            rows.append(GemeenteRow(r["code"], r["name"], pop, int(r["households"]), ages,
                                    int(r["land_ha"]) / 100, float(r["lat"]), float(r["lon"])))
    return rows


def read_pc4() -> list[tuple[str, float, float, str]]:
    path = resources.files("socialekaart.places") / "data" / "postcodes" / "pc4_nl.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["pc4"], float(r["lat"]), float(r["lon"]), r["woonplaats"]) for r in csv.DictReader(handle)]


# -- geography ---------------------------------------------------------------------------------------

@dataclass
class GemeentePlan:
    code: str
    name: str
    population: int
    regio: str
    target: int  # services wanted
    wijk_codes: list[str] = field(default_factory=list)
    rows: list[PostcodePoint] = field(default_factory=list)  # where located services may sit
    buurt_weights: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Geography:
    areas: list[Area]
    gemeenten: list[GemeentePlan]
    postcodes: list[str]  # PC4s inside the gemeenten made (for search requests)
    places: list[str]  # woonplaatsen inside them


def _choose_gemeenten(rows: list[GemeenteRow], n_services: int) -> list[GemeenteRow]:
    if n_services >= FULL_COUNTRY_FROM:
        return rows
    centre = next(r for r in rows if r.code == CENTRE_GEMEENTE)
    count = max(3, n_services // 50)
    return sorted(rows, key=lambda r: (r.lat - centre.lat) ** 2 + ((r.lon - centre.lon) * 0.61) ** 2)[:count]


def _regios(chosen: list[GemeenteRow], xy: np.ndarray) -> list[int]:
    """k-means on the centroids, started from the largest gemeenten: deterministic."""
    k = max(1, min(REGIOS, round(REGIOS * len(chosen) / 342)))
    order = sorted(range(len(chosen)), key=lambda i: -chosen[i].population)
    centres = xy[order[:k]].copy()
    weights = np.array([r.population for r in chosen], dtype=float)
    labels = np.zeros(len(chosen), dtype=int)
    for _ in range(30):
        labels = np.argmin(((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        for c in range(k):
            members = labels == c
            if members.any():
                centres[c] = np.average(xy[members], axis=0, weights=weights[members])
    return labels.tolist()


def build_geography(n_services: int, seed: int) -> Geography:
    rng = np.random.default_rng(seed)
    prng = random.Random(f"geo-{seed}")
    all_rows = read_gemeenten()
    chosen = _choose_gemeenten(all_rows, n_services)
    pc4 = read_pc4()
    pc4_xy = np.array([to_plane(lat, lon) for _c, lat, lon, _w in pc4])
    all_xy = np.array([to_plane(r.lat, r.lon) for r in all_rows])
    radius = np.array([math.sqrt(max(r.land_km2, 1.0) / math.pi) for r in all_rows])

    # Land: around every PC4 and every gemeente's own centroid, inside the country's box.
    discs = shapely.buffer(shapely.points(pc4_xy), 4.0, quad_segs=4)
    own = shapely.buffer(shapely.points(all_xy), radius * 1.1, quad_segs=8)
    (x0, y0), (x1, y1) = to_plane(NL_BOX[0], NL_BOX[1]), to_plane(NL_BOX[2], NL_BOX[3])
    land = shapely.union_all(np.concatenate([discs, own])).simplify(0.2).intersection(box(x0, y0, x1, y1))
    cells = list(shapely.voronoi_polygons(MultiPoint(all_xy), extend_to=land.envelope, ordered=True).geoms)
    cell_of = {}
    for i, row in enumerate(all_rows):
        cell = cells[i].intersection(land).intersection(Point(all_xy[i]).buffer(radius[i] * 1.8 + 3.0))
        cell_of[row.code] = cell if not cell.is_empty else Point(all_xy[i]).buffer(radius[i])

    total_population = sum(r.population for r in chosen)
    chosen_xy = np.array([to_plane(r.lat, r.lon) for r in chosen])
    labels = _regios(chosen, chosen_xy)
    regio_members: dict[int, list[GemeenteRow]] = defaultdict(list)
    for row, label in zip(chosen, labels):
        regio_members[label].append(row)
    regio_codes: dict[int, str] = {}
    areas: list[Area] = []
    for number, label in enumerate(sorted(regio_members, key=lambda lb: min(r.code for r in regio_members[lb])), 1):
        members = regio_members[label]
        regio_codes[label] = f"RG-bench-{number:02d}"
        biggest = max(members, key=lambda r: r.population)
        areas.append(Area(code=regio_codes[label], kind="regio", name=f"Regio {biggest.name}",
                          population=sum(r.population for r in members), source="bench"))

    pc4_points = shapely.points(pc4_xy)
    plans: list[GemeentePlan] = []
    postcodes: list[str] = []
    places: set[str] = set()
    for row, label in zip(chosen, labels):
        cell = cell_of[row.code]
        shapely.prepare(cell)
        inside = np.flatnonzero(shapely.contains(cell, pc4_points))
        postcodes.extend(pc4[i][0] for i in inside)
        places.update(pc4[i][3] for i in inside)
        clusters = np.vstack([pc4_xy[inside], to_plane(row.lat, row.lon)]) if len(inside) else \
            np.array([to_plane(row.lat, row.lon)])
        target = max(1, round(n_services * row.population / total_population))
        plan = GemeentePlan(row.code, row.name, row.population, regio_codes[label], target)
        areas.append(Area(code=row.code, kind="gemeente", name=row.name, parent_code=plan.regio,
                          population=row.population, households=row.households, age_groups=dict(row.ages),
                          geometry=_geojson(cell), centroid=(row.lat, row.lon), source="bench"))
        areas.extend(_wijken_en_buurten(row, cell, clusters, plan, rng))
        plan.rows = _service_points(row, plan, areas, pc4, pc4_xy, inside, prng)
        plans.append(plan)
    return Geography(areas, plans, sorted(set(postcodes)), sorted(places))


def _seeds(cell, clusters: np.ndarray, count: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    found: list[np.ndarray] = []
    have = 0
    for _ in range(60):
        if have >= count:
            break
        size = (count - have) * 2 + 8
        candidates = clusters[rng.integers(0, len(clusters), size)] + rng.normal(0.0, sigma, (size, 2))
        ok = candidates[shapely.contains_xy(cell, candidates[:, 0], candidates[:, 1])]
        found.append(ok[:count - have])
        have += len(found[-1])
    minx, miny, maxx, maxy = cell.bounds
    while have < count:
        candidates = np.column_stack([rng.uniform(minx, maxx, 64), rng.uniform(miny, maxy, 64)])
        ok = candidates[shapely.contains_xy(cell, candidates[:, 0], candidates[:, 1])]
        found.append(ok[:count - have])
        have += len(found[-1])
    seeds = np.vstack(found)
    return np.unique(np.round(seeds, 4), axis=0)


def _wijken_en_buurten(row: GemeenteRow, cell, clusters: np.ndarray, plan: GemeentePlan,
                       rng: np.random.Generator) -> list[Area]:
    digits = row.code[2:]
    n_buurten = int(min(MAX_BUURTEN, max(2, round(row.population / INHABITANTS_PER_BUURT))))
    sigma = max(0.4, math.sqrt(max(row.land_km2, 1.0) / math.pi) / 4)
    seeds = _seeds(cell, clusters, n_buurten, sigma, rng)
    if len(seeds) == 1:
        shapes = [cell]
    else:
        polygons = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=cell, ordered=True)
        shapes = list(shapely.intersection(np.array(polygons.geoms), cell))
    keep = [i for i, s in enumerate(shapes) if not s.is_empty and s.area > 0]
    seeds, shapes = seeds[keep], [shapes[i] for i in keep]
    n_wijken = int(min(99, max(1, math.ceil(len(shapes) / BUURTEN_PER_WIJK))))
    span = np.maximum(seeds.max(axis=0) - seeds.min(axis=0), 1e-6)
    grid = ((seeds - seeds.min(axis=0)) / span * 1023).astype(np.int64)
    order = np.argsort(_morton(grid[:, 0], grid[:, 1]), kind="stable")
    weights = rng.gamma(2.0, 1.0, len(shapes))
    people = np.floor(weights / weights.sum() * row.population).astype(int)
    people[int(np.argmax(people))] += row.population - int(people.sum())
    areas: list[Area] = []
    for w, group in enumerate(np.array_split(order, n_wijken), 1):
        wijk_code = f"WK{digits}{w:02d}"
        plan.wijk_codes.append(wijk_code)
        wijk_shapes = []
        wijk_people = 0
        for b, index in enumerate(group, 1):
            shape, count = shapes[index], int(people[index])
            wijk_shapes.append(shape)
            wijk_people += count
            code = f"BU{digits}{w:02d}{b:02d}"
            plan.buurt_weights.append((code, count))
            areas.append(Area(code=code, kind="buurt", name=f"{row.name} buurt {w:02d}{b:02d}",
                              parent_code=wijk_code, population=count,
                              households=round(row.households * count / max(row.population, 1)),
                              age_groups=_share(row.ages, count, row.population), geometry=_geojson(shape),
                              centroid=_centroid(shape), source="bench"))
        union = shapely.union_all(wijk_shapes)
        areas.append(Area(code=wijk_code, kind="wijk", name=f"{row.name} wijk {w:02d}", parent_code=row.code,
                          population=wijk_people,
                          households=round(row.households * wijk_people / max(row.population, 1)),
                          age_groups=_share(row.ages, wijk_people, row.population), geometry=_geojson(union),
                          centroid=_centroid(union), source="bench"))
    return areas


def _share(ages: dict[str, int], part: int, whole: int) -> dict[str, int]:
    return {k: round(v * part / max(whole, 1)) for k, v in ages.items()}


def _service_points(row: GemeenteRow, plan: GemeentePlan, areas: list[Area], pc4, pc4_xy: np.ndarray,
                    inside: np.ndarray, rng: random.Random) -> list[PostcodePoint]:
    """Points where located services may sit: in buurten, weighted by their inwoners."""
    shapes = {a.code: shapely.from_geojson(a.geometry) for a in areas[-(len(plan.buurt_weights)
                                                                      + len(plan.wijk_codes)):]
              if a.kind == "buurt"}
    codes = [c for c, _n in plan.buurt_weights]
    weights = [max(n, 1) for _c, n in plan.buurt_weights]
    count = min(3000, max(20, plan.target))
    local = pc4_xy[inside] if len(inside) else pc4_xy
    local_rows = [pc4[i] for i in inside] if len(inside) else pc4
    points: list[PostcodePoint] = []
    for code in rng.choices(codes, weights, k=count):
        shape = shapes[code]
        minx, miny, maxx, maxy = shape.bounds
        for _ in range(30):
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shape.contains(Point(lon, lat)):
                break
        else:
            point = shape.representative_point()
            lon, lat = point.x, point.y
        x, y = to_plane(lat, lon)
        nearest = local_rows[int(np.argmin(((local - (x, y)) ** 2).sum(axis=1)))]
        letters = "".join(rng.choice("ABCDEGHJKLMNPRTVWXZ") for _ in range(2))
        points.append(PostcodePoint(postcode=f"{nearest[0]}{letters}", lat=round(lat, 6), lon=round(lon, 6),
                                    precision="pc6", woonplaats=nearest[3], gemeente=row.name))
    return points


# -- services ----------------------------------------------------------------------------------------

def services_for(plan: GemeentePlan, seed: int) -> tuple[list[Organization], list[Service]]:
    """The demo generator's organisations and services for one gemeente, ``plan.target`` of them."""
    gemeente = {"code": plan.code, "name": plan.name, "population": plan.population}
    builder = demo._GemeenteBuilder(gemeente, plan.wijk_codes, plan.rows, seed)
    builder.thin = builder._choose_thin()
    if plan.target >= 8:
        builder._add_org(demo.SWT, tuple(o.key for o in demo.SWT.offers), extra=0)
    if plan.target >= CORE_FROM:
        for profile, keys in demo.CORE:
            builder._add_org(profile, keys, extra=builder.rng.randint(0, 1))
        if plan.population >= demo.OPVANG_MIN_POPULATION:
            builder._add_org(demo.OPVANG, tuple(o.key for o in demo.OPVANG.offers), extra=0)
    builder._fill(plan.target)
    for service in builder.services:
        service.id = service.id.replace("demo-", "bench-", 1)
        service.organization_id = service.organization_id.replace("demo-", "bench-", 1)
        service.source = "bench"
        if service.location is not None:
            service.location.id = service.location.id.replace("demo-", "bench-", 1)
    for organization in builder.organizations:
        organization.id = organization.id.replace("demo-", "bench-", 1)
        organization.source = "bench"
    return builder.organizations, builder.services


def catalog_batches(geo: Geography, seed: int, batch: int = SERVICE_BATCH
                    ) -> Iterator[tuple[list[Organization], list[Service]]]:
    """Organisations and services in units of about ``batch`` services; an organisation goes with
    the unit that holds its first service."""
    orgs: list[Organization] = []
    services: list[Service] = []
    for plan in geo.gemeenten:
        new_orgs, new_services = services_for(plan, seed)
        orgs += new_orgs
        services += new_services
        while len(services) >= batch:
            unit, services = services[:batch], services[batch:]
            needed = {s.organization_id for s in unit}
            yield [o for o in orgs if o.id in needed], unit
            orgs = [o for o in orgs if o.id not in needed]
    if services or orgs:
        yield orgs, services


@dataclass
class CatalogStats:
    areas: int = 0
    organizations: int = 0
    services: int = 0
    seconds_areas: float = 0.0
    seconds_services: float = 0.0
    catalog: list[dict[str, Any]] = field(default_factory=list)  # per service: what referrals need


def write_catalog(catalog, geo: Geography, seed: int, *, batch: int = SERVICE_BATCH,
                  say: Callable[[str], None] = lambda _m: None) -> CatalogStats:
    stats = CatalogStats()
    started = time.perf_counter()
    order = {"regio": 0, "gemeente": 1, "wijk": 2, "buurt": 3}
    areas = sorted(geo.areas, key=lambda a: order[a.kind])
    for start in range(0, len(areas), AREA_BATCH):
        catalog.save(areas=areas[start:start + AREA_BATCH])
    stats.areas = len(areas)
    stats.seconds_areas = time.perf_counter() - started
    say(f"  {len(areas)} gebieden in {stats.seconds_areas:.1f} s")
    started = time.perf_counter()
    for orgs, services in catalog_batches(geo, seed, batch):
        catalog.save(organizations=orgs, services=services)
        stats.organizations += len(orgs)
        stats.services += len(services)
        org_kind = {o.id: o.kind for o in orgs}
        for s in services:
            stats.catalog.append({"id": s.id, "org": s.organization_id, "kind": org_kind.get(s.organization_id),
                                  "rung": s.rung, "domains": s.life_domains, "confidential": s.confidential,
                                  "gemeente": s.id.split("-")[2].upper(), "serves": s.serves})
        if stats.services % (batch * 10) < batch:
            rate = stats.services / (time.perf_counter() - started)
            say(f"  {stats.services} voorzieningen ({rate:.0f}/s)")
    stats.seconds_services = time.perf_counter() - started
    return stats


# -- referrals ---------------------------------------------------------------------------------------

@lru_cache(maxsize=200_000)
def _account_of(org_id: str) -> str:
    return "acc-" + hashlib.sha256(org_id.encode()).hexdigest()[:20]


@lru_cache(maxsize=4096)
def _working_days_later(day: date, days: int) -> int:
    """Calendar days from ``day`` to ``days`` working days later (cached per day: the real
    ``add_working_days`` is exact but too slow to call millions of times)."""
    start = datetime(day.year, day.month, day.day, 12, tzinfo=LOCAL_TZ)
    return (add_working_days(start, days).astimezone(LOCAL_TZ).date() - day).days


def _due(moment: datetime, days: int) -> datetime:
    return moment + timedelta(days=_working_days_later(moment.astimezone(LOCAL_TZ).date(), days))


class ReferralMaker:
    """Historic referrals with full event histories, ending at ``now``."""

    def __init__(self, stats: CatalogStats, geo: Geography, cipher, *, seed: int, now: datetime,
                 receive_days: int = 2, accept_days: int = 5, expire_days: int = 20):
        self.rng = random.Random(f"referrals-{seed}")
        self.cipher = cipher
        self.now = now
        self.start = now - timedelta(days=365 * YEARS)
        self.receive_days, self.accept_days, self.expire_days = receive_days, accept_days, expire_days
        self.seq = 0
        wijken = {p.code: p.wijk_codes for p in geo.gemeenten}
        self.regio_of = {p.code: p.regio for p in geo.gemeenten}
        senders: dict[str, list[tuple[str, int]]] = defaultdict(list)
        targets: dict[str, list[dict]] = defaultdict(list)
        seen_orgs: set[str] = set()
        for s in stats.catalog:
            if s["org"] not in seen_orgs and s["kind"] in SENDER_KINDS:
                seen_orgs.add(s["org"])
                senders[s["gemeente"]].append((s["org"], SENDER_KINDS[s["kind"]]))
            if not s["confidential"]:
                weight = RUNG_WEIGHT[s["rung"]] * self.rng.paretovariate(1.3)
                targets[s["gemeente"]].append({**s, "weight": weight})
        self.gemeenten = [p.code for p in geo.gemeenten if senders.get(p.code) and targets.get(p.code)]
        population = {p.code: p.population for p in geo.gemeenten}
        self.gemeente_cum = list(accumulate(population[c] for c in self.gemeenten))
        self.senders = {c: senders[c] for c in self.gemeenten}
        self.targets = {c: targets[c] for c in self.gemeenten}
        self.target_cum = {c: list(accumulate(t["weight"] for t in targets[c])) for c in self.gemeenten}
        self.sender_cum = {c: (list(s for s, _w in senders[c]), list(accumulate(w for _s, w in senders[c])))
                           for c in self.gemeenten}
        self.by_regio: dict[str, list[str]] = defaultdict(list)
        for c in self.gemeenten:
            self.by_regio[self.regio_of[c]].append(c)
        self.wijken = wijken
        self.received = Counter()

    def batches(self, m: int, size: int = REFERRAL_BATCH) -> Iterator[list[dict[str, Any]]]:
        # Creation times in order, denser towards now (use grows over the years).
        span = (self.now - self.start).total_seconds() - 3600
        offsets = sorted(span * math.sqrt(self.rng.random()) for _ in range(m))
        batch: list[dict[str, Any]] = []
        for number, offset in enumerate(offsets):
            batch.append(self._referral(number, self.start + timedelta(seconds=offset)))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _pick(self, gemeente: str) -> dict:
        return self.rng.choices(self.targets[gemeente], cum_weights=self.target_cum[gemeente])[0]

    def _referral(self, number: int, created: datetime) -> dict[str, Any]:
        rng = self.rng
        home = rng.choices(self.gemeenten, cum_weights=self.gemeente_cum)[0]
        names, cum = self.sender_cum[home]
        sender = rng.choices(names, cum_weights=cum)[0]
        where = home if rng.random() < 0.85 else rng.choice(self.by_regio[self.regio_of[home]])
        target = self._pick(where)
        if target["org"] == sender:
            target = self._pick(where)
        rid = f"ref-{rng.getrandbits(80):020x}"
        domains = [target["domains"][0]]
        if rng.random() < 0.25:
            extra = rng.choice(taxonomy.LIFE_DOMAINS).code
            if extra not in domains:
                domains.append(extra)
        wijk = rng.choice(self.wijken[home]) if self.wijken.get(home) and rng.random() < 0.8 else None
        gemeente = f"GM{wijk[2:6]}" if wijk else target["gemeente"]
        client_ref = f"CL-{rng.randrange(10**8):08d}"
        cipher = self.cipher
        consent_day = created.astimezone(LOCAL_TZ).date().isoformat()
        referral: dict[str, Any] = {
            "id": rid, "status": "concept", "version": 1, "created_at": iso(created), "updated_at": iso(created),
            "from_org_id": sender, "sender_account_id": _account_of(sender), "to_service_id": target["id"],
            "to_org_id": target["org"], "to_rung": target["rung"], "to_formal": target["kind"] not in
            taxonomy.INFORMAL_KINDS, "life_domains": domains,
            "urgency": rng.choices(("normaal", "urgent", "spoed"), (85, 12, 3))[0],
            "wijk_code": wijk, "gemeente_code": gemeente,
            "request_enc": cipher.seal(rng.choice(REQUESTS), f"{rid}/request"),
            "contact_enc": cipher.seal_json({"phone": f"06 0{rng.randrange(10**7):07d}",
                                             "reachable": rng.choice(("ochtend", "middag", "na 18 uur"))},
                                            f"{rid}/contact"),
            "client_ref_enc": cipher.seal(client_ref, f"{rid}/client-ref"),
            "client_ref_hash": cipher.blind_index(client_ref, sender),
            "consent_purpose_enc": cipher.seal(PURPOSE, f"{rid}/consent-purpose"),
            "consent_partner_id": target["org"], "consent_date": consent_day,
            "consent_method": rng.choice(tuple(CONSENT_METHODS)), "legal_basis": None, "forwarded_from": None,
        }
        events: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        self._event(referral, events, audits, None, "concept", created, "verzender")
        self._history(referral, events, audits, created)
        if referral["status"] != "concept":
            self.received[target["org"]] += 1
        return {"referral": referral, "events": events, "audits": audits}

    def _event(self, r: dict, events: list, audits: list, source: str | None, target: str, at: datetime, side: str,
               *, reason: str | None = None, outcome: str | None = None) -> None:
        self.seq += 1
        org = {"verzender": r["from_org_id"], "ontvanger": r["to_org_id"]}.get(side)
        account = _account_of(org) if org else "systeem"
        version = r["version"] if source is None else r["version"] + 1
        events.append({"id": f"evt-{self.rng.getrandbits(80):020x}", "referral_id": r["id"], "at": iso(at),
                       "from_status": source, "to_status": target, "actor_account_id": account,
                       "actor_org_id": org, "side": side, "reason": reason, "outcome": outcome,
                       "linked_referral_id": None, "from_org_id": r["from_org_id"], "to_org_id": r["to_org_id"],
                       "receiver_visible": not (target == "concept" or source == "concept" and target == "geannuleerd"),
                       "seq": self.seq, "version": version})
        audits.append({"id": f"aud-{self.rng.getrandbits(80):020x}", "at": iso(at), "account_id": account,
                       "role": "professional" if org else "system", "organization_id": org,
                       "action": "aanmaken" if source is None else f"status:{target}", "referral_id": r["id"],
                       "allowed": True})
        if source is not None:
            r["status"], r["version"], r["updated_at"] = target, version, iso(at)

    def _history(self, r: dict, events: list, audits: list, created: datetime) -> None:
        rng, now = self.rng, self.now
        hours = lambda median, spread=1.0: timedelta(hours=median * math.exp(rng.gauss(0, spread)))  # noqa: E731

        def step(source: str, target: str, at: datetime, side: str, **extra) -> bool:
            if at >= now:
                return False
            stamp = {"verzonden": "sent_at", "ontvangen": "received_at", "geaccepteerd": "accepted_at",
                     "afgewezen": "declined_at", "wachtlijst": "waitlisted_at", "gestart": "started_at"}.get(target)
            if stamp:
                r[stamp] = iso(at)
            if target == "verzonden":
                r["receive_due_at"] = iso(_due(at, self.receive_days))
                r["accept_due_at"] = iso(_due(at, self.accept_days))
                r["expires_at"] = iso(_due(at, self.expire_days))
            if target in ("afgewezen", "afgerond", "geannuleerd", "verlopen"):
                r["closed_at"] = iso(at)
            if target == "afgewezen":
                r["decline_reason"] = extra["reason"]
            if target == "geannuleerd":
                r["cancel_reason"] = extra["reason"]
            if target == "afgerond":
                r["outcome"] = extra["outcome"]
            self._event(r, events, audits, source, target, at, side, **extra)
            return True

        at = created + hours(1.0, 1.5)
        if rng.random() < 0.03:
            step("concept", "geannuleerd", at, "verzender", reason="niet-meer-nodig")
            return
        if not step("concept", "verzonden", at, "verzender"):
            return
        sent = at
        expires = _due(sent, self.expire_days)
        fate = rng.random()
        if fate < 0.04:
            step("verzonden", "verlopen", expires, "systeem")
            return
        if fate < 0.07:
            step("verzonden", "geannuleerd", sent + hours(30), "verzender", reason="verkeerde-partner")
            return
        at = sent + hours(10, 1.2)
        if not step("verzonden", "ontvangen", at, "ontvanger"):
            return
        fate = rng.random()
        if fate < 0.03:
            step("ontvangen", "verlopen", expires, "systeem")
            return
        if fate < 0.21:
            reason = rng.choices(tuple(DECLINE_REASONS), (40, 20, 15, 15, 10))[0]
            step("ontvangen", "afgewezen", at + hours(40, 1.0), "ontvanger", reason=reason)
            return
        if fate < 0.24:
            step("ontvangen", "geannuleerd", at + hours(48), "verzender", reason="inwoner-wil-niet")
            return
        at = at + hours(36, 1.0)
        if not step("ontvangen", "geaccepteerd", at, "ontvanger"):
            return
        current = "geaccepteerd"
        if rng.random() < 0.25:
            at = at + hours(24, 0.8)
            if not step("geaccepteerd", "wachtlijst", at, "ontvanger"):
                return
            current = "wachtlijst"
        if rng.random() < 0.04:
            step(current, "geannuleerd", at + hours(24 * 10), "verzender", reason="niet-meer-nodig")
            return
        at = at + hours(24 * (7 if current == "geaccepteerd" else 28), 0.7)
        if not step(current, "gestart", at, "ontvanger"):
            return
        at = at + hours(24 * 60, 0.6)
        outcome = rng.choices(("geholpen", "deels", "niet-geholpen"), (65, 25, 10))[0]
        step("gestart", "afgerond", at, "ontvanger", outcome=outcome)


def _produce(maker: "ReferralMaker", m: int, queue) -> None:
    """In a child process: make the batches while the parent writes the previous ones."""
    try:
        for batch in maker.batches(m):
            queue.put(("batch", batch))
        queue.put(("done", maker.seq, maker.received.most_common(5)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        queue.put(("error", repr(exc)))


def write_referrals(store, stats: CatalogStats, geo: Geography, cipher, m: int, *, seed: int, now: datetime,
                    settings=None, say: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Make the referrals in a child process and write them here, batch by batch, so making and
    writing overlap (two cores: one makes, the store writes)."""
    import multiprocessing

    from graph.stores.bench_data import set_event_counter, write_referral_batch

    kwargs = {}
    if settings is not None:
        kwargs = {"receive_days": settings.referral_receive_days, "accept_days": settings.referral_accept_days,
                  "expire_days": settings.referral_expire_days}
    maker = ReferralMaker(stats, geo, cipher, seed=seed, now=now, **kwargs)
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=4)
    child = context.Process(target=_produce, args=(maker, m, queue), daemon=True)
    written = events = 0
    started = time.perf_counter()
    child.start()
    try:
        while True:
            message = queue.get(timeout=600)
            if message[0] == "error":
                raise RuntimeError(f"referrals maken mislukte: {message[1]}")
            if message[0] == "done":
                seq, busiest = message[1], message[2]
                break
            batch = message[1]
            write_referral_batch(store, batch)
            written += len(batch)
            events += sum(len(item["events"]) for item in batch)
            if written % (REFERRAL_BATCH * 50) == 0:
                rate = written / (time.perf_counter() - started)
                say(f"  {written} doorverwijzingen ({rate:.0f}/s)")
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.terminate()
    set_event_counter(store, seq)
    return {"referrals": written, "events": events, "seconds": time.perf_counter() - started, "busiest": busiest}


# -- the whole data set ------------------------------------------------------------------------------

def generate(runtime, *, n_services: int, m_referrals: int, seed: int, now: datetime | None = None,
             say: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Generate and write the whole data set into ``runtime``'s (empty) graph; the manifest back."""
    from socialekaart.referrals.crypto import load_cipher

    now = now or datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    geo = build_geography(n_services, seed)
    geo_seconds = time.perf_counter() - started
    say(f"Geografie: {sum(1 for a in geo.areas if a.kind == 'gemeente')} gemeenten, "
        f"{sum(1 for a in geo.areas if a.kind == 'wijk')} wijken, "
        f"{sum(1 for a in geo.areas if a.kind == 'buurt')} buurten ({geo_seconds:.1f} s)")
    runtime.store.init_schema()
    stats = write_catalog(runtime.catalog, geo, seed, say=say)
    say(f"  {stats.services} voorzieningen van {stats.organizations} organisaties in "
        f"{stats.seconds_services:.1f} s ({stats.services / max(stats.seconds_services, 1e-9):.0f}/s)")
    referrals: dict[str, Any] = {"referrals": 0, "events": 0, "seconds": 0.0, "busiest": []}
    if m_referrals:
        referrals = write_referrals(runtime.store, stats, geo, load_cipher(runtime.settings), m_referrals,
                                    seed=seed, now=now, settings=runtime.settings, say=say)
        say(f"  {referrals['referrals']} doorverwijzingen met {referrals['events']} gebeurtenissen in "
            f"{referrals['seconds']:.1f} s ({referrals['referrals'] / max(referrals['seconds'], 1e-9):.0f}/s)")
    return {
        "seed": seed, "now": iso(now), "servicesRequested": n_services, "referralsRequested": m_referrals,
        "areas": stats.areas, "organizations": stats.organizations, "services": stats.services,
        "referrals": referrals["referrals"], "events": referrals["events"],
        "regios": sorted(a.code for a in geo.areas if a.kind == "regio"),
        "gemeenten": [{"code": p.code, "name": p.name, "population": p.population, "regio": p.regio,
                       "wijken": len(p.wijk_codes)} for p in geo.gemeenten],
        "wijken": [w for p in geo.gemeenten for w in p.wijk_codes],
        "postcodes": geo.postcodes, "places": geo.places,
        "busiestReceivers": [{"organization": org, "received": n} for org, n in referrals["busiest"]],
        "seconds": {"geography": round(geo_seconds, 2), "areas": round(stats.seconds_areas, 2),
                    "services": round(stats.seconds_services, 2), "referrals": round(referrals["seconds"], 2),
                    "total": round(time.perf_counter() - started, 2)},
        "servicesPerSecond": round(stats.services / max(stats.seconds_services, 1e-9), 1),
        "referralsPerSecond": round(referrals["referrals"] / max(referrals["seconds"], 1e-9), 1),
    }
