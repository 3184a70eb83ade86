"""Lokale inventarisatie, part 2: gaps. Where supply is thin compared with need, as a ranked list
with one plain Dutch line each.

Indicators, per wijk × leefgebied (a gemeente without wijken counts as one wijk) unless noted.
Wijken with fewer than ``gap_min_population`` inwoners get none of the first three.

- ``geen-basisaanbod``: no sociale-basis service (eigen kracht, informeel, voorliggend) for the
  leefgebied counts for the wijk. Severity 1.
- ``ver-weg``: the wijk has sociale-basis help for the leefgebied, but at least
  ``reach_share_threshold`` of the inwoners live farther than ``reach_threshold_m`` from it.
  Severity: that share. (Without any, ``geen-basisaanbod`` says it already.)
- ``weinig-aanbod``: the robust sociale-basis rate per 1,000 (relevant) inwoners (shrunk toward
  the sibling areas, ``small_areas``) below ``supply_below_median_factor`` × the median of the
  robust rates of the wijken in the same regio (only when the wijk has some; none is
  ``geen-basisaanbod``). Severity: 1 − value / median.
- ``geen-capaciteit`` and ``buiten-werkgebied``: at least ``capacity_declines_min`` referrals
  declined for that reason. Severity: declined / referrals.
- ``vooral-maatwerk``: at least ``maatwerk_min_referrals`` referrals, and at least
  ``maatwerk_share_threshold`` of them to maatwerk. Severity: that share.
- ``nooit-verwezen`` (per gemeente × organisation): an organisation with services in or for a
  gemeente that received no referral, where the gemeente had at least
  ``never_referred_min_referrals``. Severity 0.5: a sign to look into, not a measured shortfall.
- ``niet-gecontroleerd`` (per gemeente): services counting for the gemeente not verified for
  more than ``stale_after_days`` (or never). Severity: their share.

Ranked by severity, then by how many are affected (inwoners, referrals or services), then by
indicator, area and leefgebied: the same data always gives the same order. The referral indicators
rest only on the published referral counts (``Coverage.shown``, ``CoverageResult.shown_total``:
perturbed by the cell-key method, hidden ones None; socialekaart/coverage/disclosure.py): a gap, its
severity, its rank and its text come from numbers that are shown anyway, never from a true count.
Their thresholds apply to the published count, so a hidden count makes no gap.
"""
from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from socialekaart.coverage.compute import (
    BASIS_GROUP,
    RELEVANT_AGES,
    RELEVANT_POPULATION_LABELS,
    AreaInput,
    Coverage,
    CoverageParams,
    CoverageResult,
)
from socialekaart.shared import taxonomy

SMALL_COUNT = 5  # referral counts below this are not shown
INDICATORS: dict[str, str] = {
    "geen-basisaanbod": "Geen informeel of voorliggend aanbod",
    "ver-weg": "Informeel of voorliggend aanbod ver weg",
    "weinig-aanbod": "Weinig aanbod per 1.000 inwoners",
    "geen-capaciteit": "Afgewezen: geen capaciteit",
    "buiten-werkgebied": "Afgewezen: buiten het werkgebied",
    "vooral-maatwerk": "Bijna alles naar maatwerk",
    "nooit-verwezen": "Partner nooit verwezen",
    "niet-gecontroleerd": "Gegevens niet gecontroleerd",
}
INDICATOR_ORDER = {code: number for number, code in enumerate(INDICATORS)}
NEVER_REFERRED_SEVERITY = 0.5


@dataclass(frozen=True)
class Thresholds:
    reach_threshold_m: int = 1500
    reach_share_threshold: float = 0.5
    supply_below_median_factor: float = 0.5
    stale_after_days: int = 365
    maatwerk_share_threshold: float = 0.8
    maatwerk_min_referrals: int = 10
    capacity_declines_min: int = 5
    never_referred_min_referrals: int = 20
    gap_min_population: int = 100

    @classmethod
    def from_settings(cls, settings: Any) -> "Thresholds":
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})

    @property
    def coverage_params(self) -> CoverageParams:
        return CoverageParams(reach_threshold_m=self.reach_threshold_m,
                              reach_share_threshold=self.reach_share_threshold)


@dataclass(frozen=True)
class Gap:
    indicator: str
    area_code: str
    area_name: str  # as people read it: "Wijk Goes (Goes)"
    area_kind: str
    gemeente_code: str | None
    life_domain: str | None
    severity: float  # 0-1, see the module documentation
    affected: int  # inwoners, referrals or services, depending on the indicator
    explanation: str
    figures: dict[str, Any] = field(default_factory=dict)
    organization_id: str | None = None

    @property
    def sort_key(self) -> tuple:
        return (-self.severity, -self.affected, INDICATOR_ORDER[self.indicator], self.area_code,
                self.life_domain or "", self.organization_id or "")


# -- plain Dutch numbers ----------------------------------------------------------------------------

def nl_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def nl_decimal(number: float, places: int = 1) -> str:
    return f"{number:,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(share: float) -> int:
    """A share as a whole percentage, halves rounded up: 0.625 -> 63."""
    return math.floor(share * 100 + 0.5)


def distance_text(metres: float) -> str:
    if metres < 1000:
        return f"{nl_int(round(metres))} m"
    km = metres / 1000
    return f"{nl_int(int(km))} km" if km == int(km) else f"{nl_decimal(km)} km"


def count_text(number: int) -> str:
    return f"minder dan {SMALL_COUNT}" if 0 < number < SMALL_COUNT else nl_int(number)


def period_text(days: int) -> str:
    if days % 365 == 0:
        return f"{days // 365 * 12} maanden"
    return f"{nl_int(days)} dagen"


def domain_text(code: str) -> str:
    label = taxonomy.LIFE_DOMAIN_BY_CODE[code].label
    return label[0].lower() + label[1:]


def plain_name(area: AreaInput) -> str:
    """'Wijk 01 Goes' -> 'Goes', 'Middelburg (Z.)' -> 'Middelburg'."""
    name = re.sub(r"^(wijk|buurt)\s+\d+\s+", "", area.name, flags=re.IGNORECASE)
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip() or area.code


def display_name(result: CoverageResult, code: str) -> str:
    """'Wijk Goes (Goes)', 'Gemeente Middelburg', 'Regio Zeeland'."""
    area = result.areas[code]
    name = f"{area.kind.capitalize()} {plain_name(area)}"
    if area.kind in ("wijk", "buurt"):
        gemeente = result.gemeente_of(code)
        if gemeente is not None:
            name += f" ({plain_name(gemeente)})"
    return name


# -- the indicators -------------------------------------------------------------------------------------

def gap_areas(result: CoverageResult) -> list[str]:
    """The wijken, plus gemeenten without wijken."""
    codes = [c for c, a in result.areas.items() if a.kind == "wijk"]
    codes += [c for c, a in result.areas.items() if a.kind == "gemeente"
              and not any(result.areas[k].kind == "wijk" for k in result.children.get(c, ()))]
    return sorted(codes)


def regional_medians(result: CoverageResult, thresholds: Thresholds) -> dict[tuple[str, str], float]:
    """Per (regio, leefgebied): the median of the robust sociale-basis supply per 1,000 of the gap areas:
    the one median that every page, report and export quotes and colours by."""
    values: dict[tuple[str, str], list[float]] = {}
    for code in gap_areas(result):
        area = result.areas[code]
        if (area.population or 0) < thresholds.gap_min_population:
            continue
        regio = result.regio_of(code)
        for domain in taxonomy.LIFE_DOMAIN_BY_CODE:
            per_1000 = result.record(code, domain).per_1000_robust
            if per_1000 is not None:
                values.setdefault((regio, domain), []).append(per_1000)
    return {key: statistics.median(found) for key, found in values.items()}


def find_gaps(result: CoverageResult, thresholds: Thresholds, *, today: date) -> list[Gap]:
    gaps: list[Gap] = []
    medians = regional_medians(result, thresholds)
    for code in gap_areas(result):
        gemeente = result.gemeente_of(code)
        regio = result.regio_of(code)
        populated = (result.areas[code].population or 0) >= thresholds.gap_min_population
        for domain in taxonomy.LIFE_DOMAIN_BY_CODE:
            record = result.record(code, domain)
            context = _Context(result, thresholds, code, gemeente.code if gemeente else None, domain, record)
            if populated:
                gaps += context.supply_gaps(medians.get((regio, domain)))
            gaps += context.referral_gaps()
    gemeenten_of = _gemeenten_of(result)
    gaps += _never_referred(result, thresholds, gemeenten_of)
    gaps += _stale(result, thresholds, today, gemeenten_of)
    return sorted(gaps, key=lambda g: g.sort_key)


@dataclass
class _Context:
    result: CoverageResult
    thresholds: Thresholds
    code: str
    gemeente_code: str | None
    domain: str
    record: Coverage

    def gap(self, indicator: str, severity: float, affected: int, explanation: str, **figures: Any) -> Gap:
        return Gap(indicator=indicator, area_code=self.code, area_name=display_name(self.result, self.code),
                   area_kind=self.result.areas[self.code].kind, gemeente_code=self.gemeente_code,
                   life_domain=self.domain, severity=severity, affected=affected, explanation=explanation,
                   figures=figures)

    @property
    def where(self) -> str:
        return display_name(self.result, self.code)

    def supply_gaps(self, median: float | None) -> list[Gap]:
        record, t = self.record, self.thresholds
        found: list[Gap] = []
        population = record.population or 0
        domain = domain_text(self.domain)
        if record.sociale_basis == 0:
            heavier = record.rung_total("licht") + record.rung_total("maatwerk")
            rest = (f"alleen {nl_int(heavier)} {'voorziening' if heavier == 1 else 'voorzieningen'} met lichte "
                    "ondersteuning of maatwerk") if heavier else "ook geen ander aanbod"
            found.append(self.gap("geen-basisaanbod", 1.0, population,
                                  f"{self.where}: geen informeel of voorliggend aanbod voor {domain}; {rest} "
                                  f"({nl_int(population)} inwoners).",
                                  socialeBasis=0, lichtOfMaatwerk=heavier, population=population))
        reach = record.reach_of(BASIS_GROUP)
        if record.sociale_basis > 0 and reach.share_beyond is not None \
                and reach.share_beyond >= t.reach_share_threshold:
            found.append(self.gap("ver-weg", reach.share_beyond, reach.inwoners_beyond,
                                  f"{self.where}: geen informeel of voorliggend aanbod voor {domain} binnen "
                                  f"{distance_text(t.reach_threshold_m)} voor {percent(reach.share_beyond)}% van de "
                                  f"inwoners ({nl_int(reach.inwoners_beyond)} van {nl_int(reach.inwoners)}).",
                                  shareBeyond=reach.share_beyond, inwonersBeyond=reach.inwoners_beyond,
                                  inwoners=reach.inwoners, thresholdM=t.reach_threshold_m))
        per_1000 = record.per_1000_robust
        if record.sociale_basis > 0 and per_1000 is not None and median \
                and per_1000 < t.supply_below_median_factor * median:
            people = RELEVANT_POPULATION_LABELS.get(self.domain, "inwoners")
            found.append(self.gap("weinig-aanbod", 1 - per_1000 / median, record.relevant_population or 0,
                                  f"{self.where}: {nl_decimal(per_1000, 2)} informele of voorliggende voorzieningen "
                                  f"voor {domain} per 1.000 {people} ({nl_int(record.relevant_population or 0)} "
                                  f"{people}); de mediaan van de wijken in de regio is {nl_decimal(median, 2)}.",
                                  per1000=per_1000, median=median, socialeBasis=record.sociale_basis,
                                  relevantPopulation=record.relevant_population,
                                  relevantAges=list(RELEVANT_AGES.get(self.domain, ()))))
        return found

    def referral_gaps(self) -> list[Gap]:
        """Only from the published counts (``Coverage.shown``: perturbed, a hidden one None): whether a gap
        is there, its severity, its place in the ranking and its text rest on nothing that is not shown.
        Perturbed counts need not add up, so a share is at most 1."""
        record, t = self.record, self.thresholds
        found: list[Gap] = []
        referrals = record.shown("referrals")
        if not referrals:
            return found
        domain = domain_text(self.domain)
        of_all = f"van de {count_text(referrals)} doorverwijzingen voor {domain}"
        capacity = record.shown("declined_capacity")
        if capacity is not None and capacity >= t.capacity_declines_min:
            wait = record.mean_wait_weeks
            wait_text = f"; gemiddelde wachttijd {nl_decimal(wait)} weken" if wait is not None else ""
            found.append(self.gap("geen-capaciteit", min(1.0, capacity / referrals), capacity,
                                  f"{self.where}: {count_text(capacity)} {of_all} zijn afgewezen "
                                  f"wegens geen capaciteit{wait_text}.",
                                  declined=capacity, referrals=referrals, meanWaitWeeks=wait))
        outside = record.shown("declined_outside_area")
        if outside is not None and outside >= t.capacity_declines_min:
            found.append(self.gap("buiten-werkgebied", min(1.0, outside / referrals), outside,
                                  f"{self.where}: {count_text(outside)} {of_all} zijn afgewezen "
                                  "omdat de inwoner buiten het werkgebied woont.",
                                  declined=outside, referrals=referrals))
        maatwerk = record.shown("to_maatwerk")
        share = min(1.0, maatwerk / referrals) if maatwerk is not None else 0.0
        if maatwerk is not None and referrals >= t.maatwerk_min_referrals and share >= t.maatwerk_share_threshold:
            without = record.shown("maatwerk_without_light_nearby")
            clause = f"; {count_text(without)} daarvan zonder lichter aanbod dichtbij" if without else ""
            found.append(self.gap("vooral-maatwerk", share, maatwerk,
                                  f"{self.where}: {count_text(maatwerk)} {of_all} ({percent(share)}%) "
                                  f"gingen naar maatwerk{clause}.",
                                  toMaatwerk=maatwerk, referrals=referrals, withoutLightNearby=without))
        return found


def _gemeenten_of(result: CoverageResult) -> dict[str, tuple[str, ...]]:
    """Per service id: the gemeenten it counts for (worked out once per set of areas)."""
    seen: dict[frozenset[str], tuple[str, ...]] = {}
    found: dict[str, tuple[str, ...]] = {}
    for service_id, counted in result.service_areas.items():
        if counted not in seen:
            seen[counted] = tuple(sorted(c for c in counted if result.areas[c].kind == "gemeente"))
        found[service_id] = seen[counted]
    return found


def _never_referred(result: CoverageResult, thresholds: Thresholds,
                    gemeenten_of: dict[str, tuple[str, ...]]) -> list[Gap]:
    organizations: dict[str, dict[str, Any]] = {}
    for service in result.services:
        org = organizations.setdefault(service.organization_id, {"name": service.organization_name,
                                                                 "formal": service.formal, "gemeenten": set(),
                                                                 "services": 0})
        org["services"] += 1
        org["gemeenten"].update(gemeenten_of[service.id])
    gaps: list[Gap] = []
    for org_id, org in organizations.items():
        if result.referrals_to_org.get(org_id, 0):
            continue
        for gemeente in sorted(org["gemeenten"]):
            total = result.shown_total(gemeente)  # published: perturbed, or None
            if total is None or total < thresholds.never_referred_min_referrals:
                continue
            kind = "formele" if org["formal"] else "informele"
            where = display_name(result, gemeente)
            gaps.append(Gap(
                indicator="nooit-verwezen", area_code=gemeente, area_name=where, area_kind="gemeente",
                gemeente_code=gemeente, life_domain=None, severity=NEVER_REFERRED_SEVERITY, affected=org["services"],
                explanation=f"{where}: {org['name']} ({kind} organisatie) kreeg geen enkele doorverwijzing, terwijl "
                            f"er in {plain_name(result.areas[gemeente])} {count_text(total)} doorverwijzingen waren.",
                figures={"organizationName": org["name"], "formal": org["formal"], "services": org["services"],
                         "referralsInGemeente": total},
                organization_id=org_id))
    return gaps


def _stale(result: CoverageResult, thresholds: Thresholds, today: date,
           gemeenten_of: dict[str, tuple[str, ...]]) -> list[Gap]:
    per_gemeente: dict[str, list[tuple[date | None, str, str]]] = {}
    for service in result.services:
        for code in gemeenten_of[service.id]:
            per_gemeente.setdefault(code, []).append((service.last_verified, service.id, service.name))
    gaps: list[Gap] = []
    for gemeente, services in sorted(per_gemeente.items()):
        stale = sorted((s for s in services if s[0] is None or (today - s[0]).days > thresholds.stale_after_days),
                       key=lambda s: (s[0] or date.min, s[1]))
        if not stale:
            continue
        where = display_name(result, gemeente)
        share = len(stale) / len(services)
        gaps.append(Gap(
            indicator="niet-gecontroleerd", area_code=gemeente, area_name=where, area_kind="gemeente",
            gemeente_code=gemeente, life_domain=None, severity=share, affected=len(stale),
            explanation=f"{where}: {nl_int(len(stale))} van de {nl_int(len(services))} voorzieningen "
                        f"({percent(share)}%) zijn langer dan {period_text(thresholds.stale_after_days)} niet "
                        "gecontroleerd.",
            figures={"stale": len(stale), "services": len(services), "staleAfterDays": thresholds.stale_after_days,
                     "oldest": [{"id": s[1], "name": s[2], "lastVerified": s[0].isoformat() if s[0] else None}
                                for s in stale[:20]]}))
    return gaps
