"""Inventarisatie figures: what inwoners need, per area × leefgebied, from a resident survey, a
dialoogtafel or a monitor. E.g. "GM0664, sociaal netwerk, ouderen, voelt zich ernstig eenzaam,
640, 2025, Gezondheidsmonitor GGD".

A figure is identified by area, leefgebied, doelgroep, indicator, year and source: importing the
same figure again replaces its value, and changes nothing when the value is the same.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from socialekaart.places.codes import area_kind_of
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import local_date
from socialekaart.shared.errors import ValidationError

MAX_INDICATOR = 100
MAX_SOURCE = 100
MAX_VALUE = 1_000_000_000
FIRST_YEAR = 2000


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", taxonomy.fold(text)).strip("-")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class Need:
    area_code: str
    life_domain: str
    indicator: str
    value: float
    year: int
    source: str
    target_group: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Need":
        """A stored figure (``props()`` as the store keeps it)."""
        return cls(area_code=row["area_code"], life_domain=row["life_domain"], indicator=row["indicator"],
                   value=row["value"], year=row["year"], source=row["source"], target_group=row.get("target_group"))

    @property
    def id(self) -> str:
        """Stable: the same figure (ignoring case, accents and punctuation) gets the same id."""
        parts = ["need", self.area_code, self.life_domain, self.target_group or "alle", _slug(self.indicator),
                 str(self.year), _slug(self.source)]
        joined = ":".join(parts)
        if len(joined) <= 128:
            return joined
        return f"{joined[:100]}-{hashlib.sha256(joined.encode()).hexdigest()[:16]}"

    def validate(self, *, today: date | None = None) -> "Need":
        """Resolve labels to codes and check every field; one ValidationError lists all problems."""
        today = today or local_date()
        errors: dict[str, list[str]] = {}

        def add(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        self.area_code = (self.area_code or "").strip().upper()
        if area_kind_of(self.area_code) is None:
            add("area", f"{self.area_code[:30]!r} is geen CBS-code; gebruik een gemeente-, wijk- of buurtcode "
                        "(GM0664, WK066401, BU06640101) of een regiocode (RG-zeeland).")
        domain = taxonomy.resolve("lifeDomain", self.life_domain or "")
        if domain is None:
            add("lifeDomain", f"Onbekend leefgebied {(self.life_domain or '')[:50]!r}; kies uit "
                              f"{', '.join(taxonomy.LIFE_DOMAIN_BY_CODE)} (code of naam).")
        else:
            self.life_domain = domain
        if self.target_group:
            group = taxonomy.resolve("targetGroup", self.target_group)
            if group is None:
                add("targetGroup", f"Onbekende doelgroep {self.target_group[:50]!r}; kies uit "
                                   f"{', '.join(taxonomy.TARGET_GROUP_BY_CODE)} (code of naam), of laat leeg.")
            else:
                self.target_group = group
        else:
            self.target_group = None
        self.indicator = _clean(self.indicator)
        if not self.indicator or not _slug(self.indicator):
            add("indicator", "Beschrijf wat er geteld of gemeten is, bijvoorbeeld 'voelt zich ernstig eenzaam'.")
        elif len(self.indicator) > MAX_INDICATOR:
            add("indicator", f"Is te lang: hoogstens {MAX_INDICATOR} tekens.")
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)) or math.isnan(self.value):
            add("value", "Geef een getal.")
        elif not 0 <= self.value <= MAX_VALUE:
            add("value", f"Een waarde ligt tussen 0 en {MAX_VALUE:,}.".replace(",", "."))
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not FIRST_YEAR <= self.year <= today.year:
            add("year", f"Geef een jaartal van {FIRST_YEAR} tot en met {today.year}.")
        self.source = _clean(self.source)
        if not self.source or not _slug(self.source):
            add("source", "Noem de bron, bijvoorbeeld 'Bewonersenquête Goes 2025'.")
        elif len(self.source) > MAX_SOURCE:
            add("source", f"Is te lang: hoogstens {MAX_SOURCE} tekens.")
        if errors:
            summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
            raise ValidationError(f"Inventarisatiecijfer is ongeldig. {summary}", errors=errors)
        return self

    def props(self) -> dict[str, Any]:
        """As stored on the Need node."""
        return {"id": self.id, "area_code": self.area_code, "life_domain": self.life_domain,
                "target_group": self.target_group, "indicator": self.indicator, "value": self.value,
                "year": self.year, "source": self.source}
