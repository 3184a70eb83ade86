"""The domain model: areas, organisations, services (voorzieningen) and their locations.

Plain dataclasses. ``validate()`` checks the rules and raises one ValidationError that lists
every problem per field, in Dutch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import taxonomy
from .errors import ValidationError
from .hours import WeeklyHours

AREA_KINDS = ("regio", "gemeente", "wijk", "buurt")
CBS_CODE_PATTERNS = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "wijk": re.compile(r"^WK\d{6}$"),
    "buurt": re.compile(r"^BU\d{8}$"),
    "regio": re.compile(r"^RG[0-9A-Za-z-]{1,30}$"),
}
CBS_CODE_EXAMPLES = {"gemeente": "GM0664", "wijk": "WK066401", "buurt": "BU06640101", "regio": "RG-zeeland"}
# A generous box around the Netherlands, the Waddeneilanden and the coastal waters.
NL_LAT = (50.70, 53.60)
NL_LON = (3.30, 7.25)
MAX_NAME = 200
MAX_DESCRIPTION = 4000
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def area_kind_of(code: str) -> str | None:
    """The kind of area a CBS code names, or None when it is no valid code."""
    for kind, pattern in CBS_CODE_PATTERNS.items():
        if pattern.match(code or ""):
            return kind
    return None


def parent_codes(buurt_code: str) -> tuple[str, str]:
    """Wijk and gemeente codes contained in a buurt code: BU06640101 -> (WK066401, GM0664)."""
    digits = buurt_code[2:]
    return f"WK{digits[:6]}", f"GM{digits[:4]}"


def in_netherlands(lat: float, lon: float) -> bool:
    return NL_LAT[0] <= lat <= NL_LAT[1] and NL_LON[0] <= lon <= NL_LON[1]


class _Problems:
    """Collects problems per field, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)

    def check_id(self, field_name: str, value: str) -> None:
        if not value or not ID_PATTERN.match(value):
            self.add(field_name, "Ontbreekt of is ongeldig: gebruik letters, cijfers, '.', '_', ':' of '-' "
                                 "(hoogstens 128 tekens).")

    def check_text(self, field_name: str, value: str | None, *, required: bool, limit: int) -> None:
        if not value or not value.strip():
            if required:
                self.add(field_name, "Is verplicht.")
            return
        if len(value) > limit:
            self.add(field_name, f"Is te lang: hoogstens {limit} tekens.")
        if "\x00" in value:
            self.add(field_name, "Bevat een ongeldig teken (NUL).")

    def raise_if_any(self, what: str) -> None:
        if self.errors:
            summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in self.errors.items())
            raise ValidationError(f"{what} is ongeldig. {summary}", errors=self.errors)


@dataclass
class Area:
    code: str
    kind: str
    name: str
    parent_code: str | None = None
    population: int | None = None
    # Inhabitants per age group: keys "0-14", "15-24", "25-44", "45-64", "65+".
    age_groups: dict[str, int] = field(default_factory=dict)
    households: int | None = None
    geometry: str | None = None  # GeoJSON geometry as text (WGS84)
    centroid: tuple[float, float] | None = None  # (lat, lon)
    source: str = "cbs"

    def validate(self) -> "Area":
        problems = _Problems()
        if self.kind not in AREA_KINDS:
            problems.add("kind", f"Onbekende soort gebied {self.kind!r}; kies uit {', '.join(AREA_KINDS)}.")
        elif not CBS_CODE_PATTERNS[self.kind].match(self.code or ""):
            problems.add("code", f"{self.code!r} is geen geldige {self.kind}code; verwacht zoiets als "
                                 f"{CBS_CODE_EXAMPLES[self.kind]}.")
        problems.check_text("name", self.name, required=True, limit=MAX_NAME)
        if self.population is not None and self.population < 0:
            problems.add("population", "Het aantal inwoners kan niet negatief zijn.")
        if self.centroid and not in_netherlands(*self.centroid):
            problems.add("centroid", "Het middelpunt ligt niet in Nederland.")
        problems.raise_if_any(f"Gebied {self.code}")
        return self


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
        problems = _Problems()
        problems.check_id("id", self.id)
        problems.check_text("name", self.name, required=True, limit=MAX_NAME)
        problems.check_text("description", self.description, required=False, limit=MAX_DESCRIPTION)
        if self.kind not in taxonomy.ORGANIZATION_KIND_BY_CODE:
            problems.add("kind", f"Onbekende soort organisatie {self.kind!r}.")
        _check_contact(problems, self.phone, self.email, self.website)
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

    def validate(self, problems: _Problems | None = None) -> "Location":
        own = problems or _Problems()
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

    def validate(self) -> "Service":
        problems = _Problems()
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
        if self.last_verified is not None and self.last_verified > date.today():
            problems.add("lastVerified", "De datum van laatste controle ligt in de toekomst.")
        _check_contact(problems, self.phone, self.email, self.website)
        problems.raise_if_any(f"Voorziening {self.id or self.name!r}")
        return self

    @property
    def free(self) -> bool:
        return self.cost == "gratis"


EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{6,20}$")


def _check_contact(problems: _Problems, phone: str | None, email: str | None, website: str | None) -> None:
    if phone and not PHONE_PATTERN.match(phone):
        problems.add("phone", f"{phone!r} is geen geldig telefoonnummer.")
    if email and not EMAIL_PATTERN.match(email):
        problems.add("email", f"{email!r} is geen geldig e-mailadres.")
    if website and (not website.startswith(("https://", "http://")) or len(website) > 500):
        problems.add("website", "Een website begint met https:// of http://.")
