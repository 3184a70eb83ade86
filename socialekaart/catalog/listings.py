"""A beheerder keeps its own organisation's listings current: add, edit, verify and remove them.

Every field of the providers CSV template that belongs to the service can be set here (the
organisation's own columns are the organisation's; id, bron and 'laatst gecontroleerd' are set by
us). Every change, or just "still correct", refreshes *last verified*. The rules are the model's
(``Service.validate``, run by ``Catalog.save``), the same ones an import checks. A beheerder works
only on its own organisation's services; an admin on any.

Removing is a hard delete from the catalog (search, HSDS, exports, stale lists never see it again);
referrals to it keep the service's id and get its name written on them, so they still show what
they were for. The removal is audited.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Callable

from socialekaart.accounts.service import Principal, may_edit_service
from socialekaart.catalog.importing import service_from_snapshot
from socialekaart.catalog.locating import display_postcode, location_from
from socialekaart.catalog.model import Location, Service
from socialekaart.catalog.records import ServiceDetail, StoredService
from socialekaart.catalog.service import Catalog
from socialekaart.shared.clock import Clock, iso, local_date, utcnow
from socialekaart.shared.errors import Forbidden, NotFound, PreconditionFailed, ValidationError
from socialekaart.shared.hours import WeeklyHours
from socialekaart.shared.validation import control_character

# API name -> Service field
EDITABLE = {"name": "name", "description": "description", "rung": "rung", "lifeDomains": "life_domains",
            "targetGroups": "target_groups", "ageMin": "age_min", "ageMax": "age_max", "cost": "cost",
            "costNote": "cost_note", "openingHours": "hours", "phone": "phone", "email": "email",
            "website": "website", "crisis": "crisis_24h", "independentClientSupport": "independent_client_support",
            "waitWeeks": "wait_weeks", "capacityNote": "capacity_note", "confidential": "confidential",
            "serves": "serves", "location": "location"}
CLEARABLE = {"phone", "email", "website", "openingHours", "waitWeeks", "capacityNote", "costNote", "description",
             "targetGroups", "ageMin", "ageMax", "serves", "location"}
REQUIRED_NEW = ("name", "rung", "lifeDomains")
LIST_FIELDS = {"lifeDomains", "targetGroups", "serves"}
FLAGS = {"crisis", "independentClientSupport", "confidential"}
LOCATION_KEYS = ("street", "postcode", "city", "lat", "lon")
# Texts of more than one line; the others take no tab or line break either.
MULTILINE = {"description", "capacityNote", "costNote"}
SOURCE = "werkplek"  # the 'bron' of a listing made in the werkplek
VERSION_CHANGED = ("Deze voorziening is intussen door iemand anders gewijzigd. Bekijk de nieuwe gegevens "
                   "en breng uw wijziging opnieuw aan.")


def _check_text(name: str, value: str) -> None:
    """No empty text (null clears a field; an empty string would reach HSDS as an invalid url or
    e-mail) and no control characters."""
    if not value.strip():
        raise ValidationError("Mag niet leeg zijn; stuur null om het veld te wissen." if name in CLEARABLE
                              else "Mag niet leeg zijn.", field=name)
    problem = control_character(value, single_line=name not in MULTILINE)
    if problem:
        raise ValidationError(problem, field=name)


def audit_row(actor: Principal, organization_id: str, action: str, now: datetime) -> dict[str, Any]:
    """An entry for the organisation's audit log (``GET /api/v1/audit``), as the referrals write them."""
    return {"id": f"aud-{time.time_ns():020d}-{secrets.token_hex(4)}", "at": iso(now),
            "account_id": actor.account_id, "role": actor.role, "organization_id": organization_id,
            "action": action, "referral_id": None, "allowed": True}


def is_stale(last_verified: str | date | None, *, today: date, stale_after_days: int) -> bool:
    """Not checked for longer than ``stale_after_days`` (or never), as the coverage report counts it."""
    if not last_verified:
        return True
    day = last_verified if isinstance(last_verified, date) else date.fromisoformat(str(last_verified)[:10])
    return (today - day).days > stale_after_days


class ListingService:
    def __init__(self, catalog: Catalog, read_service: Callable[[str], StoredService | None], *,
                 clock: Clock = utcnow, new_id: Callable[[], str] | None = None):
        self.catalog = catalog
        self.read_service = read_service
        self.clock = clock
        self.new_id = new_id or (lambda: f"{SOURCE}-{secrets.token_hex(6)}")

    @staticmethod
    def check_may_edit(actor: Principal, organization_id: str) -> None:
        """May ``actor`` edit a listing of this organisation (the service's ``organization_id``)?"""
        actor.require("beheerder", "admin", action="een voorziening bijwerken")
        if not may_edit_service(actor, organization_id):
            raise Forbidden("U beheert alleen de voorzieningen van uw eigen organisatie.")

    def _today(self) -> date:
        return local_date(self.clock())

    def create(self, actor: Principal, organization_id: str, values: dict[str, Any]) -> ServiceDetail:
        """A new listing for ``organization_id`` (API names, as for ``update``); verified today."""
        self.check_may_edit(actor, organization_id)
        self.catalog.organization(organization_id)  # NotFound first: an unknown organisation is a 404, not a 400
        missing = {name: ["Vul dit in."] for name in REQUIRED_NEW if values.get(name) in (None, "", [])}
        if missing:
            first = next(iter(missing))
            raise ValidationError("Vul dit in.", field=first, errors=missing)
        service = Service(id=self.new_id(), organization_id=organization_id, name="", rung="", life_domains=[],
                          source=SOURCE)
        service = replace(service, **self._fields(values, location_id=f"{service.id}:loc"),
                          last_verified=self._today())
        self.catalog.save(services=[service], created=[service.id])
        return self.catalog.service(service.id)

    def update(self, actor: Principal, service_id: str, changes: dict[str, Any] | None = None, *,
               expected_version: int | None = None) -> ServiceDetail:
        """Apply ``changes`` (API names; None clears an optional field) and mark the listing verified today.
        ``expected_version``: the version the beheerder edited (If-Match); when the listing has moved
        on since, nothing is written and PreconditionFailed carries the listing as it is now. None
        (an old client) writes without that check."""
        actor.require("beheerder", "admin", action="een voorziening bijwerken")
        stored = self.read_service(service_id)
        if stored is None:
            raise NotFound(f"Er is geen voorziening met id {service_id!r}.")
        self.check_may_edit(actor, stored.organization_id)
        location_id = stored.location.id if stored.location else f"{service_id}:loc"
        fields = self._fields(changes or {}, location_id=location_id)
        if expected_version is not None:
            current = self.catalog.service(service_id)
            if current.version != expected_version:
                raise PreconditionFailed(VERSION_CHANGED, current=current)
        service = replace(service_from_snapshot(stored), **fields, last_verified=self._today())
        versions = None if expected_version is None else {service_id: expected_version}
        try:
            # Validates everything first; all or nothing. The version is checked again in the write.
            self.catalog.save(services=[service], expected_versions=versions)
        except PreconditionFailed as error:
            raise PreconditionFailed(error.message, current=self.catalog.service(service_id)) from error
        return self.catalog.service(service_id)

    def remove(self, actor: Principal, service_id: str, *, expected_version: int | None = None) -> ServiceDetail:
        """Take a listing out of the catalog (audited); referrals to it keep its id and name. Returns
        the listing as it was."""
        actor.require("beheerder", "admin", action="een voorziening verwijderen")
        stored = self.catalog.service(service_id)
        self.check_may_edit(actor, stored.organization_id)
        audit = audit_row(actor, stored.organization_id, f"voorziening-verwijderd:{service_id}", self.clock())
        try:
            self.catalog.remove(service_id, expected_version=expected_version, audit=audit)
        except PreconditionFailed as error:
            raise PreconditionFailed(VERSION_CHANGED, current=self.catalog.service(service_id)) from error
        return stored

    def _fields(self, values: dict[str, Any], *, location_id: str) -> dict[str, Any]:
        """Service fields from API names: texts checked for control characters, hours parsed, the
        location found from lat/lon or the postcode. The model's rules run when the catalog saves."""
        fields: dict[str, Any] = {}
        for name, value in values.items():
            if name not in EDITABLE:
                raise ValidationError(f"{name} kan hier niet gewijzigd worden.", field=name)
            if value is None and name not in CLEARABLE:
                raise ValidationError("Mag niet leeg zijn.", field=name)
            if isinstance(value, str):
                _check_text(name, value)
            if name == "openingHours" and value is not None:
                try:
                    value = WeeklyHours.parse(value)
                except ValidationError as error:
                    raise ValidationError(error.message, field=name) from None
            elif name == "openingHours":
                value = WeeklyHours()
            elif name == "description":
                value = value or ""
            elif name in LIST_FIELDS:
                value = list(dict.fromkeys(value or []))
            elif name in FLAGS and not isinstance(value, bool):
                raise ValidationError("Kies ja of nee.", field=name)
            elif name == "location":
                value = self._location(value, location_id)
            fields[EDITABLE[name]] = value
        for code in fields.get("serves") or []:
            try:
                self.catalog.area(code)
            except (NotFound, ValidationError):
                raise ValidationError(f"Het gebied {code} kennen we niet; kies een gemeente, wijk of buurt uit de "
                                      "lijst.", field="serves") from None
        return fields

    def _location(self, value: dict[str, Any] | None, location_id: str) -> Location | None:
        """The import's rule (``locating.location_from``), with the problems on ``location.*``."""
        if not value:
            return None
        unknown = set(value) - set(LOCATION_KEYS)
        if unknown:
            raise ValidationError(f"Onbekend veld {sorted(unknown)[0]} in de locatie.", field="location")
        street, city = value.get("street") or None, value.get("city") or None
        for name, text in (("location.street", street), ("location.city", city)):
            if text is not None:
                _check_text(name, text)
        lat, lon = value.get("lat"), value.get("lon")
        if not all(v is None or isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)):
            raise ValidationError("Lat en lon zijn getallen, zoals 51.5045 en 3.8897.", field="location.lat")
        try:
            postcode = display_postcode(value["postcode"]) if value.get("postcode") else None
            return location_from(location_id, lat=lat, lon=lon, postcode=postcode, address=street, city=city,
                                 locator=self.catalog.locator)
        except ValidationError as error:
            raise ValidationError(error.message, field=f"location.{error.field or 'postcode'}") from None
