"""The import service: compare what an import brings with what is stored, then write only the
changes, all at once.

Importers turn a file into model objects; this service
- compares each object on its domain fields with the stored snapshot, so it can report
  created / updated / unchanged and write nothing for unchanged ones (a re-run writes nothing);
- after an area import, finds stored locations that now fall in another buurt and re-saves
  those services, so they are placed again;
- writes everything through ``Catalog.save``: one all-or-nothing unit.

It talks to the store only through ``Catalog`` and a ``Snapshots`` reader (``graph.snapshots``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Callable, Iterable

from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.catalog.ports import Snapshots
from socialekaart.catalog.records import StoredService
from socialekaart.catalog.service import Catalog
from socialekaart.places.geo import AreaIndex
from socialekaart.places.model import Area
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.hours import WeeklyHours


@dataclass(frozen=True)
class Change:
    type: str  # "area", "organization", "service"
    id: str
    action: str  # "created" or "updated"
    fields: tuple[str, ...] = ()  # for an update: the stored fields that differ

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "action": self.action, "fields": list(self.fields)}


@dataclass
class Plan:
    """What an import would write, and why."""
    areas: list[Area] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)  # created, updated and re-placed ones
    changes: list[Change] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=dict)
    relocated: list[str] = field(default_factory=list)  # ids of stored services placed in another buurt
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.areas or self.organizations or self.services)


# -- the domain fields that are compared, keyed like the stored properties -------------------------

def _blank(value: Any) -> Any:
    return None if value == "" or value == [] else value


def area_fields(area: Area) -> dict[str, Any]:
    lat, lon = area.centroid if area.centroid else (None, None)
    ages = area.age_groups
    return {"name": area.name, "kind": area.kind, "parent_code": area.parent_code,
            "population": area.population, "households": area.households,
            "age_0_14": ages.get("0-14"), "age_15_24": ages.get("15-24"), "age_25_44": ages.get("25-44"),
            "age_45_64": ages.get("45-64"), "age_65_plus": ages.get("65+"),
            "geometry": area.geometry, "lat": lat, "lon": lon, "source": area.source}


def organization_fields(organization: Organization) -> dict[str, Any]:
    o = organization
    return {"name": o.name, "kind": o.kind, "formal": o.formal, "description": o.description,
            "website": o.website, "phone": o.phone, "email": o.email, "source": o.source}


def location_fields(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"id": location.id, "address": location.address, "postcode": location.postcode,
            "city": location.city, "lat": location.lat, "lon": location.lon}


def service_fields(service: Service, organization: Organization) -> dict[str, Any]:
    s = service
    return {
        "name": s.name, "description": s.description, "organization_id": s.organization_id,
        "org_name": organization.name, "org_kind": organization.kind, "formal": organization.formal,
        "rung": s.rung, "life_domains": list(s.life_domains), "target_groups": list(s.target_groups),
        "age_min": s.age_min, "age_max": s.age_max, "cost": s.cost, "cost_note": s.cost_note,
        "hours": s.hours.minutes(), "phone": s.phone, "email": s.email, "website": s.website,
        "crisis_24h": s.crisis_24h, "independent_support": s.independent_client_support,
        "wait_weeks": s.wait_weeks, "capacity_note": s.capacity_note, "confidential": s.confidential,
        "serves": list(s.serves), "last_verified": s.last_verified.isoformat() if s.last_verified else None,
        "source": s.source, "location": location_fields(s.location),
    }


# The fields of ``service_fields`` but location, named as on the stored record.
STORED_SERVICE_FIELDS = (
    "name", "description", "organization_id", "org_name", "org_kind", "formal", "rung", "life_domains",
    "target_groups", "age_min", "age_max", "cost", "cost_note", "hours", "phone", "email", "website", "crisis_24h",
    "independent_support", "wait_weeks", "capacity_note", "confidential", "serves", "last_verified", "source")


def stored_service_fields(stored: StoredService) -> dict[str, Any]:
    """A stored service's fields under the keys of ``service_fields``, to compare with it."""
    fields = {name: getattr(stored, name) for name in STORED_SERVICE_FIELDS}
    fields["location"] = location_fields(stored.location)
    return fields


LIST_KEYS = frozenset({"life_domains", "target_groups", "serves", "hours"})
LOCATION_KEYS = ("id", "address", "postcode", "city", "lat", "lon")


def _normal(key: str, value: Any) -> Any:
    """One form for comparing: empty text is None, a missing list is empty."""
    if key in LIST_KEYS:
        return list(value or [])
    if key == "location":
        return {k: _blank(value.get(k)) for k in LOCATION_KEYS} if value else None
    return _blank(value)


def differences(new: dict[str, Any], stored: dict[str, Any] | None) -> tuple[str, tuple[str, ...]]:
    """("created", ()), ("unchanged", ()) or ("updated", the keys that differ)."""
    if stored is None:
        return "created", ()
    changed = tuple(k for k, v in new.items() if _normal(k, v) != _normal(k, stored.get(k)))
    return ("updated", changed) if changed else ("unchanged", ())


def service_from_snapshot(stored: StoredService) -> Service:
    """A Service rebuilt from its stored record, to save it again (e.g. to place it anew)."""
    return Service(
        id=stored.id, organization_id=stored.organization_id, name=stored.name, rung=stored.rung,
        life_domains=list(stored.life_domains), description=stored.description or "",
        target_groups=list(stored.target_groups), age_min=stored.age_min,
        age_max=stored.age_max, cost=stored.cost or "gratis", cost_note=stored.cost_note,
        hours=WeeklyHours.from_minutes(stored.hours), phone=stored.phone,
        email=stored.email, website=stored.website, crisis_24h=bool(stored.crisis_24h),
        independent_client_support=bool(stored.independent_support), wait_weeks=stored.wait_weeks,
        capacity_note=stored.capacity_note, confidential=bool(stored.confidential),
        serves=list(stored.serves),
        last_verified=date.fromisoformat(stored.last_verified) if stored.last_verified else None,
        location=replace(stored.location) if stored.location else None,  # a copy: saving places it
        source=stored.source or "socialekaart")


class ImportService:
    def __init__(self, catalog: Catalog, snapshots: Snapshots,
                 write_progress: Callable[[int, int], None] | None = None):
        """``write_progress(written, total)``: told after each batch of a large (staged) write."""
        self.catalog = catalog
        self.snapshots = snapshots
        self.write_progress = write_progress
        self._services: dict[str, StoredService | None] = {}
        self._organizations: dict[str, Organization | None] = {}

    # -- stored state, read once per id ------------------------------------------------------------
    def stored_services(self, ids: Iterable[str]) -> dict[str, StoredService]:
        wanted = set(ids)
        missing = wanted - set(self._services)
        if missing:
            found = self.snapshots.services(missing)
            self._services.update({i: found.get(i) for i in missing})
        return {i: stored for i in wanted if (stored := self._services[i]) is not None}

    def stored_organizations(self, ids: Iterable[str]) -> dict[str, Organization]:
        wanted = set(ids)
        missing = wanted - set(self._organizations)
        if missing:
            found = self.snapshots.organizations(missing)
            self._organizations.update({i: found.get(i) for i in missing})
        return {i: stored for i in wanted if (stored := self._organizations[i]) is not None}

    # -- planning ----------------------------------------------------------------------------------
    def plan(self, *, areas: Iterable[Area] = (), organizations: Iterable[Organization] = (),
             services: Iterable[Service] = ()) -> Plan:
        plan = Plan()
        self._plan_areas(plan, list(areas))
        self._plan_organizations(plan, list(organizations))
        self._plan_services(plan, list(services), {o.id: o for o in organizations})
        if areas:
            self._plan_relocations(plan, list(areas))
        return plan

    def _note(self, plan: Plan, type_: str, id_: str, action: str, fields: tuple[str, ...]) -> None:
        if action == "unchanged":
            plan.unchanged[type_] = plan.unchanged.get(type_, 0) + 1
        else:
            plan.changes.append(Change(type_, id_, action, fields))

    def _plan_areas(self, plan: Plan, areas: list[Area]) -> None:
        stored = self.snapshots.areas(a.code for a in areas) if areas else {}
        for area in areas:
            before = stored.get(area.code)
            if before and area.parent_code is None and before.parent_code:
                area.parent_code = before.parent_code  # a gemeente keeps the regio it was put in
            action, fields = differences(area_fields(area), area_fields(before) if before else None)
            self._note(plan, "area", area.code, action, fields)
            if action != "unchanged":
                plan.areas.append(area)

    def _plan_organizations(self, plan: Plan, organizations: list[Organization]) -> None:
        stored = self.stored_organizations(o.id for o in organizations)
        for organization in organizations:
            before = stored.get(organization.id)
            action, fields = differences(organization_fields(organization),
                                         organization_fields(before) if before else None)
            self._note(plan, "organization", organization.id, action, fields)
            if action != "unchanged":
                plan.organizations.append(organization)

    def _plan_services(self, plan: Plan, services: list[Service], organizations: dict[str, Organization]) -> None:
        stored = self.stored_services(s.id for s in services)
        stored_orgs = self.stored_organizations(
            s.organization_id for s in services if s.organization_id not in organizations)
        for service in services:
            org = organizations.get(service.organization_id) or stored_orgs.get(service.organization_id)
            if org is None:
                raise ValidationError(f"Onbekende organisatie {service.organization_id!r}.", field="organizationId")
            before = stored.get(service.id)
            action, fields = differences(service_fields(service, org),
                                         stored_service_fields(before) if before else None)
            self._note(plan, "service", service.id, action, fields)
            if action != "unchanged":
                plan.services.append(service)

    def _plan_relocations(self, plan: Plan, areas: list[Area]) -> None:
        """Stored services whose location now lies in another buurt (or whose area names changed)."""
        index = self.catalog.area_index_with(areas)
        planned = {s.id for s in plan.services}
        for stored in self.snapshots.located_services():
            if stored.id in planned or not _placement_differs(stored, index):
                continue
            service = service_from_snapshot(stored)
            try:
                service.validate()
            except ValidationError as exc:
                plan.warnings.append(f"Voorziening {stored.id} kon niet opnieuw in een buurt geplaatst worden: "
                                     f"{exc.message}")
                continue
            plan.services.append(service)
            plan.relocated.append(service.id)

    # -- writing -----------------------------------------------------------------------------------
    def commit(self, plan: Plan) -> bool:
        """Write the plan in one all-or-nothing unit. False when there was nothing to write."""
        if plan.empty:
            return False
        created = {c.id for c in plan.changes if c.type == "service" and c.action == "created"}
        try:
            self.catalog.save(areas=plan.areas, organizations=plan.organizations, services=plan.services,
                              created=created, progress=self.write_progress)
        finally:
            # What was read before is stale now: a next plan with this service reads again (and
            # so does not take a service written here for new).
            self._services.clear()
            self._organizations.clear()
        return True


def _placement_differs(stored: StoredService, index: AreaIndex) -> bool:
    """Whether the stored places of a located service are not where ``index`` puts its location now."""
    location = stored.location
    if location is None:
        return False
    where = index.place(location.lat, location.lon)
    now: dict[str, Any] = {"wijk_code": where.wijk_code if where else None,
                           "wijk_name": where.wijk_name if where else None,
                           "gemeente_code": where.gemeente_code if where else None,
                           "gemeente_name": where.gemeente_name if where else None}
    if stored.confidential:
        centre = index.centroid(where.wijk_code) if where and where.wijk_code else None
        now.update(lat=centre[0] if centre else None, lon=centre[1] if centre else None)
    else:
        now.update(buurt_code=where.buurt_code if where else None, buurt_name=where.buurt_name if where else None)
    return any(getattr(stored, key) != value for key, value in now.items())
