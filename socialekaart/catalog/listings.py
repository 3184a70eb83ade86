"""A beheerder keeps its own organisation's listings current.

Only the practical details can be changed here (name, description, contact, opening hours, wait
and capacity); every change, or just "still correct", refreshes *last verified*. A beheerder edits
only its own organisation's services; an admin any. The rest of a listing comes through imports.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Callable

from socialekaart.accounts.service import Principal, may_edit_service
from socialekaart.catalog.importing import service_from_snapshot
from socialekaart.catalog.service import Catalog
from socialekaart.shared.clock import Clock, utcnow
from socialekaart.shared.errors import Forbidden, NotFound, PreconditionFailed, ValidationError
from socialekaart.shared.hours import LOCAL_TZ, WeeklyHours
from socialekaart.shared.validation import control_character

# API name -> Service field
EDITABLE = {"name": "name", "description": "description", "phone": "phone", "email": "email",
            "website": "website", "openingHours": "hours", "waitWeeks": "wait_weeks",
            "capacityNote": "capacity_note", "costNote": "cost_note"}
CLEARABLE = {"phone", "email", "website", "openingHours", "waitWeeks", "capacityNote", "costNote", "description"}
# Texts of more than one line; the others take no tab or line break either.
MULTILINE = {"description", "capacityNote", "costNote"}
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


def is_stale(last_verified: str | date | None, *, today: date, stale_after_days: int) -> bool:
    """Not checked for longer than ``stale_after_days`` (or never), as the coverage report counts it."""
    if not last_verified:
        return True
    day = last_verified if isinstance(last_verified, date) else date.fromisoformat(str(last_verified)[:10])
    return (today - day).days > stale_after_days


class ListingService:
    def __init__(self, catalog: Catalog, read_service: Callable[[str], dict[str, Any] | None], *,
                 clock: Clock = utcnow):
        self.catalog = catalog
        self.read_service = read_service
        self.clock = clock

    @staticmethod
    def check_may_edit(actor: Principal, service: dict[str, Any]) -> None:
        actor.require("beheerder", "admin", action="een voorziening bijwerken")
        if not may_edit_service(actor, service["organization_id"]):
            raise Forbidden("U beheert alleen de voorzieningen van uw eigen organisatie.")

    def update(self, actor: Principal, service_id: str, changes: dict[str, Any] | None = None, *,
               expected_version: int | None = None) -> dict[str, Any]:
        """Apply ``changes`` (API names; None clears an optional field) and mark the listing verified today.
        ``expected_version``: the version the beheerder edited (If-Match); when the listing has moved
        on since, nothing is written and PreconditionFailed carries the listing as it is now. None
        (an old client) writes without that check."""
        actor.require("beheerder", "admin", action="een voorziening bijwerken")
        stored = self.read_service(service_id)
        if stored is None:
            raise NotFound(f"Er is geen voorziening met id {service_id!r}.")
        self.check_may_edit(actor, stored)
        fields: dict[str, Any] = {}
        for name, value in (changes or {}).items():
            if name not in EDITABLE:
                raise ValidationError(f"{name} kan hier niet gewijzigd worden.", field=name)
            if value is None and name not in CLEARABLE:
                raise ValidationError("Mag niet leeg zijn.", field=name)
            if isinstance(value, str):
                _check_text(name, value)
            if name == "openingHours":
                value = WeeklyHours.parse(value)
            elif name == "description":
                value = value or ""
            fields[EDITABLE[name]] = value
        if expected_version is not None:
            current = self.catalog.service(service_id)
            if current.get("version") != expected_version:
                raise PreconditionFailed(VERSION_CHANGED, current=current)
        today = self.clock().astimezone(LOCAL_TZ).date()
        service = replace(service_from_snapshot(stored), **fields, last_verified=today)
        versions = None if expected_version is None else {service_id: expected_version}
        try:
            # Validates everything first; all or nothing. The version is checked again in the write.
            self.catalog.save(services=[service], expected_versions=versions)
        except PreconditionFailed as error:
            raise PreconditionFailed(error.message, current=self.catalog.service(service_id)) from error
        return self.catalog.service(service_id)
