"""What the catalog's storage reads hand back (the ``ports``): frozen records, not loose dicts.

A ``ServiceRecord`` is a stored service as search and detail read it: flat, as it is stored
(the organisation's name and kind and the places are copies on the service). The store fills every
field it has; ``None`` (or an empty tuple) where the stored service has no value.
"""
from __future__ import annotations

from dataclasses import dataclass

from socialekaart.catalog.model import Location, Organization


@dataclass(frozen=True)
class Match:
    """How and why a service fits the understood words (``ranking.match``)."""
    score: float
    reasons: list[str]
    life_domains: list[str]  # the recognised leefgebieden this service has
    crisis_first: bool = False


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    id: str
    name: str
    rung: str
    organization_id: str
    description: str | None = None
    org_name: str | None = None
    org_kind: str | None = None
    formal: bool | None = None
    rung_level: int | None = None
    life_domains: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    cost: str | None = None
    free: bool | None = None
    cost_note: str | None = None
    hours: tuple[int, ...] = ()  # opening minutes of the week as [start, end) pairs
    hours_text: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    crisis_24h: bool | None = None
    independent_support: bool | None = None
    wait_weeks: int | None = None
    capacity_note: str | None = None
    confidential: bool | None = None
    serves: tuple[str, ...] = ()  # the werkgebied: CBS codes
    last_verified: str | None = None  # ISO date
    modified: str | None = None  # ISO time, UTC
    source: str | None = None
    address: str | None = None  # never set for a confidential service
    postcode: str | None = None
    city: str | None = None
    point_kind: str | None = None  # 'locatie', or 'wijk' when the wijk centroid stands in
    lat: float | None = None
    lon: float | None = None
    buurt_code: str | None = None
    buurt_name: str | None = None
    wijk_code: str | None = None
    wijk_name: str | None = None
    gemeente_code: str | None = None
    gemeente_name: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceDetail(ServiceRecord):
    """One service as ``Catalog.service`` answers it: the record and its version (the ETag)."""
    version: int = 0


@dataclass(frozen=True, slots=True)
class HsdsService(ServiceRecord):
    """A service as the HSDS API and export read it (``HsdsReads``): with its own location's id and its provider."""
    location_id: str | None = None
    organization: Organization | None = None


@dataclass(frozen=True, slots=True)
class StoredService(ServiceRecord):
    """A service as an import compares it and an export writes it (``Snapshots``, ``ExportReads``): the
    record and its own location, with the true address also of a confidential service (the record's
    ``address``, ``lat`` and ``lon`` are the public point); None when it only has a werkgebied."""
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class ServiceStamp:
    """A service in the minimal HSDS listing: who it is and when it last changed."""
    id: str
    name: str
    modified: str | None = None


@dataclass(frozen=True, slots=True)
class StoredHit:
    """One service a search found, as the store found it: where it is from the place and its text score."""
    service: ServiceRecord
    distance: float | None = None  # metres; 0 when it serves the place through its werkgebied
    office_distance: float | None = None  # metres to its own point
    serves_area: bool = False
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A hit as the catalog answers it: rounded distances, and why it matched (``socialekaart.catalog.ranking``)."""
    service: ServiceRecord
    distance: int | None = None
    office_distance: int | None = None
    serves_area: bool = False
    score: float = 0.0
    matched_life_domains: tuple[str, ...] = ()
    match_reasons: tuple[str, ...] = ()
    match_line: str = ""
    rung_label: str = ""
    match: Match | None = None  # set when the words were understood (what ``ranking.rank`` orders by)


@dataclass(frozen=True, slots=True)
class ServiceSummary:
    """A service as its organisation's page lists it."""
    id: str
    name: str
    rung: str
    life_domains: tuple[str, ...] = ()
    gemeente_name: str | None = None
    wijk_name: str | None = None


@dataclass(frozen=True, slots=True)
class StaleService:
    """A service not checked lately: who to ask, and where it is (its gemeente and werkgebied)."""
    id: str
    name: str
    organization_id: str | None = None
    org_name: str | None = None
    last_verified: str | None = None
    gemeente_code: str | None = None
    serves: tuple[str, ...] = ()
