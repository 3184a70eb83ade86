"""Areas: regio, gemeente, wijk and buurt, with their CBS kerncijfers and boundaries."""
from __future__ import annotations

from dataclasses import dataclass, field

from socialekaart.places.codes import AREA_KINDS, CBS_CODE_EXAMPLES, CBS_CODE_PATTERNS
from socialekaart.shared.validation import (
    MAX_NAME,
    Problems,
)

# A generous box around the Netherlands, the Waddeneilanden and the coastal waters.
NL_LAT = (50.70, 53.60)
NL_LON = (3.30, 7.25)


def in_netherlands(lat: float, lon: float) -> bool:
    return NL_LAT[0] <= lat <= NL_LAT[1] and NL_LON[0] <= lon <= NL_LON[1]


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
        problems = Problems()
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
