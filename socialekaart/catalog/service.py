"""The catalog service: storing areas, organisations and services, and finding services.

It validates everything before anything is written, places each location in its buurt
(shapely point-in-polygon), keeps confidential locations hidden, and hands the store
writes into one unit of work: all or nothing.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from socialekaart.catalog import crisis as crisis_help
from socialekaart.catalog import text as dutch
from socialekaart.catalog.confidential import placement_of
from socialekaart.catalog.lexicon import Lexicon, load_lexicon
from socialekaart.catalog.model import Organization, Service
from socialekaart.catalog.ports import CatalogStore, Locator
from socialekaart.catalog.ranking import match, rank, reason_line
from socialekaart.catalog.records import SearchHit, ServiceDetail, ServiceSummary, StoredHit
from socialekaart.catalog.search import (
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RADIUS_M,
    SORTS,
    ServiceQuery,
    check_codes,
    minute_for,
    search_words,
    validate_place,
)
from socialekaart.catalog.understanding import Understood, understand
from socialekaart.places.codes import area_kind_of
from socialekaart.places.geo import AreaIndex
from socialekaart.places.geocoding import PostcodePoint
from socialekaart.places.model import Area
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import Clock, iso, utcnow
from socialekaart.shared.errors import NotFound, StoreUnavailable, ValidationError
from socialekaart.shared.paging import page_count, skip_for

AREA_CHECK_SECONDS = 5.0
# New services per batch of a large import: one batch is one transaction, well inside Neo4j's
# transaction memory at the documented heap (docs/operations.md).
STAGE_SIZE = 5_000
# What the words found is ranked here, not in the store: at most this many candidates are read.
MAX_CANDIDATES = 3000
CRISIS_SERVICES = 5


@dataclass(frozen=True)
class CrisisAnswer:
    """Why a question counts as a crisis, the national lines for it and the region's 24/7 crisis
    services (nearest first). Shown before anything else; the ladder does not apply."""
    categories: tuple[str, ...]
    phrases: tuple[str, ...]
    lines: list[crisis_help.NationalLine]
    services: list[SearchHit]
    checked_on: str = ""
    advice: tuple[str, ...] = ()  # what to do now, per category, in plain words

    @property
    def category_labels(self) -> list[str]:
        return [crisis_help.CATEGORY_LABELS.get(c, c) for c in self.categories]


@dataclass(frozen=True)
class OutsideRegion:
    """The place asked for lies outside the areas on this map: what the map covers and where to go."""
    place: str | None  # the woonplaats or gemeente of the postcode, when known
    covers: list[str]  # names of the gemeenten on this map
    advice: str
    lines: list[crisis_help.NationalLine]


@dataclass(frozen=True)
class SearchPage:
    total: int
    page: int
    page_size: int
    hits: list[SearchHit]
    query: ServiceQuery
    origin: PostcodePoint | None = None
    understood: Understood | None = None  # what the words asked for (None without words)
    crisis: CrisisAnswer | None = None  # set when the words are about a crisis
    outside_region: OutsideRegion | None = None  # set when the place lies outside the map
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def _area_dict(area: Area) -> dict[str, Any]:
    """An area as the index keeps it: stored or about to be, the same fields (``CatalogStore.areas``), so an
    index kept after a write equals a fresh one."""
    lat, lon = area.centroid if area.centroid else (None, None)
    ages = area.age_groups
    return {"code": area.code, "name": area.name, "kind": area.kind, "parent_code": area.parent_code,
            "population": area.population, "lat": lat, "lon": lon, "households": area.households,
            "age_0_14": ages.get("0-14"), "age_15_24": ages.get("15-24"), "age_25_44": ages.get("25-44"),
            "age_45_64": ages.get("45-64"), "age_65_plus": ages.get("65+"), "geometry": area.geometry}


class Catalog:
    def __init__(self, store: CatalogStore, locator: Locator, *, default_radius: int = 5000,
                 lexicon: Lexicon | None = None, lexicon_file: Path | None = None, clock: Clock = utcnow,
                 stage_size: int | None = STAGE_SIZE):
        """``lexicon``: a fixed lexicon; else the one in ``lexicon_file`` (the setting ``lexicon_path``),
        read again when that file changes, or the shipped default when there is no such file."""
        self.store = store
        self.locator = locator
        self.default_radius = default_radius
        self.clock = clock  # when a save happened: a listing's `modified`
        self.stage_size = stage_size  # new services per batch of a large import (None: never staged)
        self._lexicon = lexicon
        self.lexicon_file = lexicon_file
        self._region_names: tuple[Any, list[str]] | None = None
        self._index: AreaIndex | None = None
        self._stamp: Any = None
        self._checked = 0.0
        self._index_lock = threading.Lock()

    # -- areas -------------------------------------------------------------------------------------
    def area_index(self, *, fresh: bool = False) -> AreaIndex:
        """The area index, read once and kept. Whether the stored areas changed (in any process) is
        checked with a cheap stamp: always when ``fresh`` (before writing), else at most every
        AREA_CHECK_SECONDS, so a search does not pay a round trip for it."""
        with self._index_lock:
            now = time.monotonic()
            if self._index is not None and not fresh and now - self._checked < AREA_CHECK_SECONDS:
                return self._index
            stamp = self.store.area_stamp()  # read before the areas: a change in between shows next time
            if self._index is None or stamp != self._stamp:
                self._index = AreaIndex(map(_area_dict, self.store.areas("buurt", with_geometry=True)),
                                        map(_area_dict, self.store.areas("wijk")),
                                        map(_area_dict, self.store.areas("gemeente")))
            self._stamp, self._checked = stamp, now
            return self._index

    def forget_areas(self) -> None:
        with self._index_lock:
            self._index = None

    # -- writing -----------------------------------------------------------------------------------
    def save(self, *, areas: Iterable[Area] = (), organizations: Iterable[Organization] = (),
             services: Iterable[Service] = (), created: Iterable[str] = (),
             expected_versions: dict[str, int] | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        """Validate everything, then write it all in one unit: all or nothing. ``created``: ids of
        services the caller found not stored (an import's snapshot); they are written with CREATE.
        ``expected_versions``: service id -> the version the caller edited; a service stored at
        another version refuses the whole unit (PreconditionFailed), checked in the same write.

        More than ``stage_size`` new services (a national import) are first written in batches
        into a stage that no read sees, and more than ``stage_size`` changed ones are kept with it
        (their new values, unseen); the unit with the rest is the decision point. A failure up
        to there removes the stage; after it the stage is made visible in batches and always
        finished (``settle_imports`` finishes one whose process stopped). ``progress(written,
        total)`` is told after each batch written into the stage."""
        areas, organizations, services = list(areas), list(organizations), list(services)
        for item in (*areas, *organizations, *services):
            item.validate()  # type: ignore[attr-defined]  # each model class has validate()
        known_orgs = {o.id: o for o in organizations}
        missing = {s.organization_id for s in services} - set(known_orgs)
        if missing:
            for org_id in missing:
                stored = self.store.organization(org_id)
                if stored is None:
                    raise ValidationError(f"Onbekende organisatie {org_id!r}.", field="organizationId")
                known_orgs[org_id] = stored
        index = self.area_index_with(areas) if areas else self.area_index(fresh=True)
        placements = {s.id: placement_of(s, index) for s in services}
        modified = iso(self.clock())  # with milliseconds, as HSDS last_modified answers it
        created = frozenset(created)
        staged = self._stageable(services, created) if not areas else []
        changed = self._stageable_changes(services, created, expected_versions) if not areas else []
        stage = (self._write_stage(staged, changed, placements, known_orgs, modified, progress)
                 if staged or changed else None)
        held = {s.id for s in staged} | {s.id for s in changed}
        try:
            with self.store.unit_of_work() as uow:
                uow.save_taxonomy()
                uow.save_areas(areas)
                uow.save_organizations(organizations)
                uow.save_services([s for s in services if s.id not in held], placements, known_orgs,
                                  modified, created=created - held, expected_versions=expected_versions)
                if stage is not None:
                    # the decision point: from here on it is finished
                    uow.commit_stage(stage, len(staged), len(changed))
        except BaseException:
            if stage is not None:
                self.store.discard_stage(stage)
            raise
        if stage is not None:
            self._publish(stage, len(staged) + len(changed))
        if areas:
            self._keep_index(index)
        return {"areas": len(areas), "organizations": len(organizations), "services": len(services)}

    def _stageable(self, services: list[Service], created: frozenset[str]) -> list[Service]:
        """The new services worth staging: only when there are more than ``stage_size``, and not
        those whose location is stored already or shared with a service that is not new."""
        new = [s for s in services if s.id in created]
        if self.stage_size is None or len(new) <= self.stage_size:
            return []
        shared = {s.location.id for s in services if s.location and s.id not in created}
        shared |= self.store.existing_location_ids([s.location.id for s in new if s.location])
        return [s for s in new if not (s.location and s.location.id in shared)]

    def _stageable_changes(self, services: list[Service], created: frozenset[str],
                           expected_versions: dict[str, int] | None) -> list[Service]:
        """The stored services worth staging: only when there are more than ``stage_size``, and never
        an edit checked against the version it was based on (that check belongs in the one unit)."""
        changed = [s for s in services if s.id not in created and s.id not in (expected_versions or {})]
        if self.stage_size is None or len(changed) <= self.stage_size:
            return []
        return changed

    def _write_stage(self, staged: list[Service], changed: list[Service], placements: dict[str, dict[str, Any]],
                     organizations: dict[str, Organization], modified: str,
                     progress: Callable[[int, int], None] | None) -> str:
        """The new services into a stage, and the changed ones' new values kept for it, a batch per
        transaction; ``progress(written, total)`` after each."""
        assert self.stage_size is not None
        stage = self.store.begin_stage(iso(self.clock()))
        size, total = self.stage_size, len(staged) + len(changed)
        try:
            for start in range(0, len(staged), size):
                batch = staged[start:start + size]
                with self.store.unit_of_work() as uow:
                    uow.save_taxonomy()  # the batches link to it; the same few nodes every time
                    uow.stage_services(stage, iso(self.clock()), batch, placements, organizations, modified)
                if progress:
                    progress(start + len(batch), total)
            for start in range(0, len(changed), size):
                batch = changed[start:start + size]
                with self.store.unit_of_work() as uow:
                    uow.stage_changes(stage, iso(self.clock()), batch, placements, organizations, modified)
                if progress:
                    progress(len(staged) + start + len(batch), total)
        except BaseException:
            self.store.discard_stage(stage)
            raise
        return stage

    def settle_imports(self) -> dict[str, int]:
        """Large imports that stopped more than an hour ago: finished when past their decision
        point, removed (never visible) when not."""
        return self.store.settle_stages(iso(self.clock()))

    def _publish(self, stage: str, written: int) -> None:
        try:
            self.store.publish_stage(stage, iso(self.clock()))
        except StoreUnavailable as exc:
            raise StoreUnavailable(f"{exc.message} De import van {written} voorzieningen is wel vastgelegd, "
                                   "maar nog niet helemaal zichtbaar; de volgende grote import of 'socialekaart db "
                                   "init' maakt hem af (na een uur zonder voortgang).") from exc

    def remove(self, service_id: str, *, expected_version: int | None = None,
               audit: dict[str, Any] | None = None) -> None:
        """Delete one service in one unit, with its audit entry; PreconditionFailed when it is no
        longer at ``expected_version``."""
        with self.store.unit_of_work() as uow:
            uow.remove_service(service_id, expected_version=expected_version, audit=audit)

    def area_index_with(self, areas: list[Area]) -> AreaIndex:
        """The area index as it will be once ``areas`` are written: stored areas updated with these."""
        return self.area_index(fresh=True).with_areas(_area_dict(a) for a in areas)

    def _keep_index(self, index: AreaIndex) -> None:
        """After writing areas: ``index`` is what is stored now, under the stamp the write left."""
        stamp = self.store.area_stamp()
        with self._index_lock:
            self._index, self._stamp, self._checked = index, stamp, time.monotonic()

    # -- reading -----------------------------------------------------------------------------------
    def service(self, service_id: str) -> ServiceDetail:
        found = self.store.service(service_id)
        if found is None:
            raise NotFound(f"Er is geen voorziening met id {service_id!r}.", field="id")
        return found

    def organizations(self, *, kind: str | None = None, formal: bool | None = None, gemeente: str | None = None,
                      page: int = 1, page_size: int = 20) -> tuple[int, list[tuple[Organization, int]]]:
        """A page of organisations, each with its number of services."""
        if kind is not None:
            code = taxonomy.resolve("organizationKind", kind)
            if code is None:
                raise ValidationError(f"Onbekende soort organisatie {kind[:40]!r}; kies uit "
                                      f"{', '.join(t.code for t in taxonomy.ORGANIZATION_KINDS)}.", field="kind")
            kind = code
        return self.store.organizations(kind=kind, formal=formal, gemeente=gemeente,
                                        skip=skip_for(page, page_size), limit=page_size)

    def organization(self, organization_id: str) -> tuple[Organization, list[ServiceSummary]]:
        """The organisation and a summary of each of its services."""
        found = self.store.organization(organization_id)
        if found is None:
            raise NotFound(f"Er is geen organisatie met id {organization_id!r}.", field="id")
        return found, self.store.organization_services(organization_id)

    def areas(self, *, kind: str, parent: str | None = None, with_geometry: bool = False) -> list[Area]:
        if parent is not None and self.store.area(parent) is None:
            raise NotFound(f"Het gebied {parent} is niet bekend.", field="parent")
        return self.store.child_areas(parent, kind, with_geometry=with_geometry)

    def area(self, code: str, *, with_geometry: bool = False) -> Area:
        if area_kind_of(code) is None:
            raise ValidationError(f"{code[:30]!r} is geen CBS-code (zoals GM0664, WK066401 of BU06640101).",
                                  field="code")
        found = self.store.area(code, with_geometry=with_geometry)
        if found is None:
            raise NotFound(f"Het gebied {code} is niet bekend.", field="code")
        return found

    def search(self, *, q: str | None = None, life_domains: Sequence[str] = (), target_groups: Sequence[str] = (),
               rungs: Sequence[str] = (), formal: bool | None = None, free: bool | None = None,
               crisis: bool | None = None, independent_support: bool | None = None, age: int | None = None,
               max_wait_weeks: int | None = None,
               open_at: datetime | None = None, postcode: str | None = None, lat: float | None = None,
               lon: float | None = None, radius: int | None = None, area: str | None = None,
               sort: str = "licht", page: int = 1, page_size: int = 20) -> SearchPage:
        if q is not None and len(q) > MAX_QUERY_LENGTH:
            raise ValidationError(f"De zoektekst is te lang: hoogstens {MAX_QUERY_LENGTH} tekens.", field="q")
        if sort not in SORTS:
            raise ValidationError(f"Onbekende sortering {sort[:30]!r}; kies uit {', '.join(SORTS)}.", field="sort")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValidationError(f"pageSize ligt tussen 1 en {MAX_PAGE_SIZE}.", field="pageSize")
        if not 1 <= page <= 10_000:
            raise ValidationError("page ligt tussen 1 en 10000.", field="page")
        if max_wait_weeks is not None and not 0 <= max_wait_weeks <= 104:
            raise ValidationError("De wachttijd ligt tussen 0 en 104 weken.", field="maxWaitWeeks")
        if age is not None and not 0 <= age <= 120:
            raise ValidationError("Een leeftijd ligt tussen 0 en 120 jaar.", field="age")
        if radius is not None and not 1 <= radius <= MAX_RADIUS_M:
            raise ValidationError(f"radius ligt tussen 1 en {MAX_RADIUS_M} meter.", field="radius")
        if postcode and (lat is not None or lon is not None):
            raise ValidationError("Geef een postcode óf lat en lon, niet allebei.", field="postcode")

        origin: PostcodePoint | None = None
        point = validate_place(lat, lon)
        if postcode:
            origin = self.locator.locate(postcode)
            point = (origin.lat, origin.lon)
        if sort == "distance" and point is None:
            sort = "licht"  # without a place there is no distance: the standard order
        near: tuple[str, ...] = ()
        if point is not None:
            placement = self.area_index().place(*point)
            near = tuple(placement.codes()) if placement else ()
        if area is not None:
            if area_kind_of(area) not in ("gemeente", "wijk", "buurt"):
                raise ValidationError(f"{area[:30]!r} is geen CBS-code van een gemeente, wijk of buurt "
                                      "(zoals GM0664, WK066401 of BU06640101).", field="area")
            if self.area_index().area(area) is None:
                raise NotFound(f"Het gebied {area} is niet bekend.", field="area")
        understood = self.understand(q) if q and q.strip() else None
        asks = understood is not None and bool(
            understood.life_domains or understood.target_groups or understood.terms)
        query = ServiceQuery(
            words=tuple(search_words(q or "")) if understood is None else (),
            life_domains=check_codes(list(life_domains), "lifeDomain", "lifeDomain"),
            target_groups=check_codes(list(target_groups), "targetGroup", "targetGroup"),
            any_life_domains=tuple(understood.life_domains) if asks and understood else (),
            any_target_groups=tuple(understood.target_groups) if asks and understood else (),
            # The store compares lowercase text without folding accents: 'client' also as 'cliënt'.
            any_terms=tuple(v for t in understood.terms for v in dutch.spellings(t)) if asks and understood else (),
            rungs=check_codes(list(rungs), "rung", "rung"),
            formal=formal, free=free, crisis=crisis, independent_support=independent_support, age=age,
            max_wait_weeks=max_wait_weeks,
            open_minute=minute_for(open_at), point=point,
            radius=(radius or self.default_radius) if point else None, near_areas=near, area_code=area,
            sort=sort, page=page, page_size=page_size,
        )
        outside = self.outside_region(origin) if point is not None and not near else None
        if not asks or understood is None:
            total, rows = self.store.search_services(query)
            hits = [self._hit(row, query) for row in rows]
        else:
            # Ranked here: the candidates with only what ranking reads, then the shown page whole.
            rows = self.store.search_candidates(replace(query, sort="licht", page=1, page_size=MAX_CANDIDATES))
            ranked = rank([self._hit(row, query, understood) for row in rows], understood, sort)
            total, start = len(ranked), skip_for(page, page_size)
            shown = ranked[start:start + page_size]
            whole = self.store.services_by_id([hit.service.id for hit in shown])
            # A service removed in between is left out of the page.
            hits = [replace(hit, service=whole[hit.service.id]) for hit in shown if hit.service.id in whole]
        answer = self.crisis_answer(understood, query) if understood and understood.crisis else None
        return SearchPage(total, page, page_size, hits, query, origin, understood, answer, outside)

    # -- understanding the words -------------------------------------------------------------------
    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon or load_lexicon(self.lexicon_file)

    def understand(self, text: str) -> Understood:
        """The inwoner's words with this map's lexicon; names of the map's gemeenten say where."""
        return understand(text, self.lexicon, places=self.region_names())

    def region_names(self) -> list[str]:
        """Names of the gemeenten on this map (read again when the stored areas change)."""
        self.area_index()
        stamp = self._stamp
        if self._region_names is None or self._region_names[0] != stamp:
            names = sorted({area.name for area in self.store.areas("gemeente") if area.name})
            self._region_names = (stamp, names)
        return self._region_names[1]

    def outside_region(self, origin: PostcodePoint | None) -> OutsideRegion:
        covers = self.region_names()
        place = (origin.woonplaats or origin.gemeente) if origin else None
        where = f"{place} valt" if place else "Deze plek valt"
        covered = f"de gemeente{'n' if len(covers) != 1 else ''} {_and_list(covers)}" if covers else "een andere regio"
        advice = (f"{where} buiten deze sociale kaart: die gaat over {covered}. Voor hulp in uw eigen "
                  "woonplaats kunt u terecht bij het Wmo-loket of het sociaal wijkteam van uw gemeente "
                  "(bel de gemeente of kijk op de website van uw gemeente). Bij spoed of als u niet veilig "
                  "bent: bel de landelijke hulplijnen hieronder.")
        return OutsideRegion(place, covers, advice, list(crisis_help.national_lines()))

    def crisis_answer(self, understood: Understood, query: ServiceQuery) -> CrisisAnswer:
        """The lines for the crisis, and the region's 24/7 crisis services: near the place, else anywhere
        on the map. Never empty: the lines are always there."""
        signal = understood.crisis
        assert signal is not None
        base = ServiceQuery(crisis=True, page=1, page_size=CRISIS_SERVICES)
        rows: list[StoredHit] = []
        if query.point is not None:
            near = replace(base, point=query.point, radius=max(query.radius or 0, self.default_radius * 4),
                           near_areas=query.near_areas, sort="distance")
            rows = self.store.search_services(near)[1]
        if not rows:
            rows = self.store.search_services(base)[1]
        services = [self._hit(row, base, understood) for row in rows]
        return CrisisAnswer(signal.categories, signal.phrases, crisis_help.lines_for(signal.categories),
                            services, crisis_help.lines_checked_on(), tuple(signal.advice))

    @staticmethod
    def _hit(row: StoredHit, query: ServiceQuery, understood: Understood | None = None) -> SearchHit:
        service = row.service
        own = list(service.life_domains)
        reasons: list[str] = []
        score = row.score
        found = None
        if understood is not None:
            found = match(service, understood)
            reasons, score = list(found.reasons), found.score
            matched = [d for d in own if d in found.life_domains or d in query.life_domains]
        elif query.life_domains:
            matched = [d for d in own if d in query.life_domains]
        else:
            matched = own
        if query.life_domains:
            reasons += [f"leefgebied {taxonomy.LIFE_DOMAIN_BY_CODE[d].label.lower()} (filter)"
                        for d in own if d in query.life_domains]
        if query.words:
            reasons.append("tekst past bij " + ", ".join(f"'{w}'" for w in query.words))
        distance, office = row.distance, row.office_distance
        return SearchHit(service, distance=round(distance) if distance is not None else None,
                         office_distance=round(office) if office is not None else None,
                         serves_area=row.serves_area, score=score, matched_life_domains=tuple(matched),
                         match_reasons=tuple(reasons), match_line=reason_line(reasons),
                         rung_label=taxonomy.RUNG_BY_CODE[service.rung].label, match=found)


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} en {names[-1]}"
