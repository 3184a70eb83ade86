"""Search for services: what may be asked, and the rules that turn a request into a store query."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from socialekaart.places.codes import area_kind_of
from socialekaart.places.model import in_netherlands
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.hours import minute_of_week
from socialekaart.shared.paging import skip_for

# Words for full-text search: letters and digits only, so no query syntax reaches the store.
WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORDS = 12
SORTS = ("licht", "distance", "relevance", "name")
MAX_PAGE_SIZE = 100
MAX_RADIUS_M = 100_000
MAX_QUERY_LENGTH = 200
# A service for everyone serves every group: asked for ouderen, it fits too.
FOR_EVERYONE = "iedereen"


@dataclass(frozen=True)
class ServiceQuery:
    """A search as the store runs it. Build one with ``ServiceQuery.create`` to get validation."""
    words: tuple[str, ...] = ()
    life_domains: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    # Understood words (a union: a service fits one of these): a recognised leefgebied or doelgroep,
    # or a text key (lowercase) in its name, description or organisation. See understanding.py.
    any_life_domains: tuple[str, ...] = ()
    any_target_groups: tuple[str, ...] = ()
    any_terms: tuple[str, ...] = ()
    rungs: tuple[str, ...] = ()
    formal: bool | None = None
    free: bool | None = None
    crisis: bool | None = None
    independent_support: bool | None = None
    max_wait_weeks: int | None = None  # a service without a known wachttijd counts as no wait
    age: int | None = None
    open_minute: int | None = None  # minute of the week, local time
    point: tuple[float, float] | None = None
    radius: int | None = None
    near_areas: tuple[str, ...] = ()  # areas containing the point: a werkgebied there counts as nearby
    area_code: str | None = None
    sort: str = "licht"
    page: int = 1
    page_size: int = 20
    point_precision: str | None = field(default=None, compare=False)

    @property
    def fitting_target_groups(self) -> tuple[str, ...]:
        """The doelgroepen a service may be for to fit this search: the asked ones, and everyone."""
        return (*self.target_groups, FOR_EVERYONE) if self.target_groups else ()

    @property
    def skip(self) -> int:
        return skip_for(self.page, self.page_size)

    @property
    def limit(self) -> int:
        return self.page_size

    @property
    def area_kind(self) -> str | None:
        return area_kind_of(self.area_code) if self.area_code else None

    @property
    def area_and_above(self) -> list[str]:
        """The area and the areas around it: BU06640101 -> [BU06640101, WK066401, GM0664]."""
        code = self.area_code or ""
        digits = code[2:]
        match self.area_kind:
            case "buurt":
                return [code, f"WK{digits[:6]}", f"GM{digits[:4]}"]
            case "wijk":
                return [code, f"GM{digits[:4]}"]
            case _:
                return [code]

    @property
    def area_descendant_prefixes(self) -> list[str]:
        """Codes of areas inside this one start with these: GM0664 -> [WK0664, BU0664]."""
        digits = (self.area_code or "")[2:]
        match self.area_kind:
            case "gemeente":
                return [f"WK{digits}", f"BU{digits}"]
            case "wijk":
                return [f"BU{digits}"]
            case _:
                return []


def search_words(text: str) -> list[str]:
    """'Schuldhulp, Goes!' -> ['schuldhulp', 'goes']."""
    return WORD.findall(text.lower())[:MAX_WORDS]


def check_codes(values: list[str], vocabulary: str, field_name: str) -> tuple[str, ...]:
    """Resolve codes or labels; an unknown one names the parameter and the allowed codes."""
    codes = []
    for value in values:
        code = taxonomy.resolve(vocabulary, value)
        if code is None:
            allowed = {"lifeDomain": taxonomy.LIFE_DOMAINS, "targetGroup": taxonomy.TARGET_GROUPS,
                       "rung": taxonomy.RUNGS}[vocabulary]
            raise ValidationError(
                f"Onbekende waarde {value[:50]!r} voor {field_name}. Kies uit: "
                f"{', '.join(t.code for t in allowed)}.", field=field_name)
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def validate_place(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise ValidationError("Geef lat en lon allebei op.", field="lat" if lat is None else "lon")
    if not in_netherlands(lat, lon):
        raise ValidationError(f"De plek ({lat}, {lon}) ligt niet in Nederland.", field="lat")
    return lat, lon


def minute_for(moment: datetime | None) -> int | None:
    return minute_of_week(moment) if moment is not None else None


@dataclass(frozen=True)
class ServiceFilter:
    """The HSDS filters, already validated; they all must hold (HSDS: cumulative, boolean AND)."""
    words: tuple[str, ...] = ()
    term: tuple[str, str] | None = None  # (vocabulary, code), see socialekaart.hsds.parse_term_id
    taxonomy: str | None = None  # a vocabulary: lifeDomain, targetGroup, rung, organizationKind, feature
    organization_id: str | None = None
    modified_after: str | None = None  # UTC ISO-8601 as stored ('2025-01-31T09:00:00+00:00'), compared as text
    point: tuple[float, float] | None = None  # (lat, lon)
    radius: int | None = None  # metres around point
    near_areas: tuple[str, ...] = ()  # areas containing the point: a werkgebied there counts as nearby
    located_only: bool = False  # only services with a location (service_at_locations)
