"""What the catalog needs from outside: storage (graph/stores/catalog.py, graph/stores/snapshots.py)
and a postcode locator (socialekaart/places/geocoding.py)."""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Callable, Collection, Iterable, Iterator, Protocol

from socialekaart.catalog.model import Organization, Service
from socialekaart.catalog.records import (
    HsdsService,
    ServiceDetail,
    ServiceRecord,
    ServiceStamp,
    ServiceSummary,
    StaleService,
    StoredHit,
    StoredService,
)
from socialekaart.catalog.search import ServiceFilter, ServiceQuery
from socialekaart.places.geocoding import PostcodePoint
from socialekaart.places.model import Area


class CatalogWrites(Protocol):
    """The catalog's writes inside one unit of work: committed together or not at all."""

    def save_taxonomy(self) -> None: ...

    def save_areas(self, areas: list[Area]) -> None: ...

    def save_organizations(self, organizations: list[Organization]) -> None: ...

    def save_services(self, services: list[Service], placements: dict[str, dict[str, Any]],
                      organizations: dict[str, Organization], modified: str,
                      created: Collection[str] = frozenset(),
                      expected_versions: dict[str, int] | None = None) -> None: ...

    def remove_service(self, service_id: str, *, expected_version: int | None = None,
                       audit: dict[str, Any] | None = None) -> None:
        """Delete the service and its own location; referrals to it keep its name; ``audit`` is written too."""

    def stage_services(self, stage: str, now: str, services: list[Service], placements: dict[str, dict[str, Any]],
                       organizations: dict[str, Organization], modified: str) -> None:
        """New services (and their own locations) written into ``stage``: stored, but seen by no read."""

    def stage_changes(self, stage: str, now: str, services: list[Service], placements: dict[str, dict[str, Any]],
                      organizations: dict[str, Organization], modified: str) -> None:
        """Changed services' new values kept with ``stage``: written only after its decision point."""

    def commit_stage(self, stage: str, expected: int, changes: int = 0) -> None:
        """The stage's decision point, in this unit: refuse the unit unless the stage holds ``expected``
        new services and ``changes`` changed ones still wait; once committed the stage is made visible
        (``publish_stage``), never removed."""


class CatalogStore(Protocol):
    def unit_of_work(self) -> AbstractContextManager[CatalogWrites]: ...

    def area_stamp(self) -> tuple[Any, int]: ...

    def begin_stage(self, now: str) -> str:
        """A new stage for a large import (stages abandoned by killed imports are removed first)."""
        ...

    def discard_stage(self, stage: str) -> None: ...

    def publish_stage(self, stage: str, now: str, progress: Callable[[int, int], None] | None = None) -> int:
        """Make a committed stage visible in batches; goes on where a stopped run left off."""
        ...

    def settle_stages(self, now: str) -> dict[str, int]:
        """Finish the committed and remove the other stages of imports that stopped."""
        ...

    def existing_location_ids(self, ids: list[str]) -> set[str]: ...

    def areas(self, kind: str, *, with_geometry: bool = False) -> list[Area]:
        """Every area of a kind, ordered by code (its geometry only when asked for)."""
        ...

    def area(self, code: str, *, with_geometry: bool = False) -> Area | None: ...

    def child_areas(self, parent_code: str | None, kind: str, *, with_geometry: bool = False) -> list[Area]: ...

    def organization(self, organization_id: str) -> Organization | None: ...

    def organizations(self, *, kind: str | None, formal: bool | None, gemeente: str | None,
                      skip: int, limit: int) -> tuple[int, list[tuple[Organization, int]]]: ...

    def organization_services(self, organization_id: str) -> list[ServiceSummary]: ...

    def service(self, service_id: str) -> ServiceDetail | None: ...

    def search_services(self, query: ServiceQuery) -> tuple[int, list[StoredHit]]: ...

    def search_candidates(self, query: ServiceQuery) -> list[StoredHit]:
        """The first page of ``query``, each service with only the fields ranking reads."""
        ...

    def services_by_id(self, ids: list[str]) -> dict[str, ServiceRecord]: ...


class Locator(Protocol):
    def locate(self, postcode: str) -> PostcodePoint: ...


class Snapshots(Protocol):
    """The stored state an import compares with, keyed by id (code); ids not stored are left out."""

    def services(self, ids: Iterable[str]) -> dict[str, StoredService]: ...

    def organizations(self, ids: Iterable[str]) -> dict[str, Organization]: ...

    def areas(self, codes: Iterable[str]) -> dict[str, Area]: ...

    def area_codes(self) -> set[str]: ...

    def located_services(self) -> Iterator[StoredService]: ...


class ExportReads(Protocol):
    """Stored services (with their own locations) and areas, for the CSV and GeoJSON exports and listings."""

    def all_services(self, *, located_only: bool = False) -> Iterator[StoredService]: ...

    def areas_of_kind(self, kind: str) -> list[Area]:
        """With geometry and kerncijfers, ordered by code."""
        ...

    def service(self, service_id: str) -> StoredService | None: ...


class HsdsReads(Protocol):
    """What the HSDS API and the HSDS export read (records as ``socialekaart.catalog.hsds`` maps them)."""

    def search_services(self, f: ServiceFilter, *, skip: int, limit: int) -> tuple[int, list[HsdsService]]: ...

    def service_stamps(self, f: ServiceFilter, *, skip: int, limit: int) -> tuple[int, list[ServiceStamp]]:
        """The same page as ``search_services``, each service only as the minimal listing shows it."""
        ...

    def our_id(self, kind: str, value: str) -> str:
        """Our id for an HSDS id in either form: our own, or the UUID ``hsds.public_id`` makes of it."""
        ...

    def service(self, service_id: str) -> HsdsService | None: ...

    def organization(self, organization_id: str) -> Organization | None: ...

    def search_organizations(self, *, words: tuple[str, ...], skip: int,
                             limit: int) -> tuple[int, list[Organization]]: ...

    def services_of_organizations(self, organization_ids: list[str]) -> dict[str, list[HsdsService]]: ...

    def iter_services(self) -> Iterator[HsdsService]: ...

    def iter_organizations(self) -> Iterator[Organization]: ...

    def area_names(self) -> dict[str, str]: ...


class StaleListingReads(Protocol):
    def stale_services(self, cutoff: str) -> list[StaleService]:
        """Services last verified before ``cutoff`` (ISO date) or never."""
