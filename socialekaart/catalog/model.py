"""The domain model: areas, organisations, services (voorzieningen) and their locations.

Plain dataclasses. ``validate()`` checks the rules and raises one ValidationError that lists
every problem per field, in Dutch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from socialekaart.places.codes import area_kind_of
from socialekaart.places.model import in_netherlands
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import local_date
from socialekaart.shared.hours import WeeklyHours
from socialekaart.shared.validation import (
    MAX_DESCRIPTION,
    MAX_NAME,
    Problems,
    check_contact,
)


@dataclass
class Organization:
    id: str
    name: str
    kind: str = "overig"
    formal: bool = True
    description: str = ""
    website: str | None = None
    phone: str | None = None
    email: str | None = None
    source: str = "socialekaart"

    def validate(self) -> "Organization":
        problems = Problems()
        problems.check_id("id", self.id)
        problems.check_text("name", self.name, required=True, limit=MAX_NAME)
        problems.check_text("description", self.description, required=False, limit=MAX_DESCRIPTION)
        if self.kind not in taxonomy.ORGANIZATION_KIND_BY_CODE:
            problems.add("kind", f"Onbekende soort organisatie {self.kind!r}.")
        check_contact(problems, self.phone, self.email, self.website)
        problems.raise_if_any(f"Organisatie {self.id or self.name!r}")
        return self


@dataclass
class Location:
    id: str
    lat: float
    lon: float
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    # Filled by point-in-polygon when stored.
    buurt_code: str | None = None

    def validate(self, problems: Problems | None = None) -> "Location":
        own = problems or Problems()
        own.check_id("location.id", self.id)
        if not isinstance(self.lat, (int, float)) or not isinstance(self.lon, (int, float)) \
                or not in_netherlands(self.lat, self.lon):
            own.add("location", f"De coördinaten ({self.lat}, {self.lon}) liggen niet in Nederland; "
                                "gebruik WGS84 breedte- en lengtegraad.")
        own.check_text("location.address", self.address, required=False, limit=MAX_NAME)
        if problems is None:
            own.raise_if_any(f"Locatie {self.id}")
        return self


@dataclass
class Service:
    id: str
    organization_id: str
    name: str
    rung: str
    life_domains: list[str]
    description: str = ""
    target_groups: list[str] = field(default_factory=list)
    age_min: int | None = None
    age_max: int | None = None
    cost: str = "gratis"
    cost_note: str | None = None
    hours: WeeklyHours = field(default_factory=WeeklyHours)
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    crisis_24h: bool = False
    independent_client_support: bool = False
    wait_weeks: int | None = None
    capacity_note: str | None = None
    confidential: bool = False
    serves: list[str] = field(default_factory=list)  # CBS codes of wijken/gemeenten (werkgebied)
    last_verified: date | None = None
    location: Location | None = None
    source: str = "socialekaart"

    def validate(self, *, today: date | None = None) -> "Service":
        problems = Problems()
        problems.check_id("id", self.id)
        problems.check_id("organizationId", self.organization_id)
        problems.check_text("name", self.name, required=True, limit=MAX_NAME)
        problems.check_text("description", self.description, required=False, limit=MAX_DESCRIPTION)
        if self.rung not in taxonomy.RUNG_BY_CODE:
            problems.add("rung", f"Onbekende trede {self.rung!r}; kies uit "
                                 f"{', '.join(r.code for r in taxonomy.RUNGS)}.")
        if not self.life_domains:
            problems.add("lifeDomains", "Noem minstens één leefgebied.")
        for code in self.life_domains:
            if code not in taxonomy.LIFE_DOMAIN_BY_CODE:
                problems.add("lifeDomains", f"Onbekend leefgebied {code!r}.")
        for code in self.target_groups:
            if code not in taxonomy.TARGET_GROUP_BY_CODE:
                problems.add("targetGroups", f"Onbekende doelgroep {code!r}.")
        for name, age in (("ageMin", self.age_min), ("ageMax", self.age_max)):
            if age is not None and not 0 <= age <= 120:
                problems.add(name, "Een leeftijd ligt tussen 0 en 120 jaar.")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            problems.add("ageMin", f"De leeftijd 'van' ({self.age_min}) is hoger dan 'tot' ({self.age_max}).")
        if self.cost not in taxonomy.COST_BY_CODE:
            problems.add("cost", f"Onbekende kosten {self.cost!r}; kies uit gratis, eigen-bijdrage of betaald.")
        if self.wait_weeks is not None and not 0 <= self.wait_weeks <= 520:
            problems.add("waitWeeks", "De wachttijd ligt tussen 0 en 520 weken.")
        for code in self.serves:
            if area_kind_of(code) not in ("gemeente", "wijk", "buurt"):
                problems.add("serves", f"{code!r} is geen CBS-code van een gemeente, wijk of buurt "
                                       "(zoals GM0664 of WK066401).")
        if self.location is None and not self.serves:
            problems.add("location", "Geef een locatie of een werkgebied op.")
        if self.location is not None:
            self.location.validate(problems)
        if self.last_verified is not None and self.last_verified > (today or local_date()):
            problems.add("lastVerified", "De datum van laatste controle ligt in de toekomst.")
        check_contact(problems, self.phone, self.email, self.website)
        problems.raise_if_any(f"Voorziening {self.id or self.name!r}")
        return self

    @property
    def free(self) -> bool:
        return self.cost == "gratis"


