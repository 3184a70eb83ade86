"""The lokale inventarisatie as a service: read what the computation needs, compute coverage and
gaps, and show a coordinator only the areas it is responsible for. Also stores inventarisatie
figures (needs).

Coordinators see aggregates only: the figures per area, never a referral. An admin sees every
area; a coordinator its gemeenten, or the gemeenten of its regio, and the wijken and buurten
inside them.
"""
from __future__ import annotations

import contextvars
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable

from socialekaart.accounts.service import Principal
from socialekaart.coverage.compute import (
    AreaInput,
    CoverageResult,
    compute_coverage,
)
from socialekaart.coverage.gaps import INDICATORS, Gap, Thresholds, find_gaps, regional_medians
from socialekaart.coverage.needs import Need
from socialekaart.coverage.ports import CoverageRepository
from socialekaart.places.codes import area_kind_of
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import Clock, iso, local_date, utcnow
from socialekaart.shared.errors import Forbidden, NotFound, ValidationError

ROLES = ("coordinator", "admin")


@dataclass(frozen=True)
class Analysis:
    result: CoverageResult
    gaps: list[Gap]
    thresholds: Thresholds
    today: date
    referrals_since: str
    seconds: float  # reading and computing together
    medians: dict[tuple[str, str], float] = field(default_factory=dict)  # (regio, leefgebied): the one median

    def median(self, area_code: str, life_domain: str) -> float | None:
        """The one median for an area's regio and a leefgebied: what every figure is compared with."""
        return self.medians.get((self.result.regio_of(area_code), life_domain))


@dataclass(frozen=True)
class AreaView:
    """Coverage of one area and the areas one level down, for the leefgebieden asked for."""
    analysis: Analysis
    area: AreaInput
    path: list[AreaInput]  # from the widest area the actor may see down to (not including) this one
    children: list[AreaInput]
    life_domains: tuple[str, ...]

    @property
    def result(self) -> CoverageResult:
        return self.analysis.result


class CoverageService:
    def __init__(self, store: CoverageRepository, thresholds: Thresholds = Thresholds(), *,
                 referral_days: int = 365, clock: Clock = utcnow, cache_seconds: float = 0):
        self.store = store
        self.thresholds = thresholds
        self.referral_days = referral_days
        self.clock = clock
        # A dashboard asks for coverage, gaps and a map at once: they share one computation for
        # this long. Writes through this service clear it; other processes' writes show after it.
        self.cache_seconds = cache_seconds
        self._cached: tuple[float, Analysis] | None = None
        self._lock = threading.Lock()

    # -- the whole computation -------------------------------------------------------------------
    def analysis(self) -> Analysis:
        """The current analysis, computed again when older than ``cache_seconds``."""
        with self._lock:
            if self._cached is not None and time.monotonic() - self._cached[0] < self.cache_seconds:
                return self._cached[1]
            found = self.analyse()
            self._cached = (time.monotonic(), found) if self.cache_seconds > 0 else None
            return found

    def forget(self) -> None:
        with self._lock:
            self._cached = None

    def analyse(self) -> Analysis:
        """Read everything and compute coverage and gaps now."""
        started = time.perf_counter()
        now = self.clock()
        since = iso(now - timedelta(days=self.referral_days))
        rows = self._read(since)
        result = compute_coverage(rows["areas"], rows["services"], rows["needs"], rows["signals"],
                                  self.thresholds.coverage_params)
        today = local_date(now)
        gaps = find_gaps(result, self.thresholds, today=today)
        return Analysis(result, gaps, self.thresholds, today, since, time.perf_counter() - started,
                        medians=regional_medians(result, self.thresholds))

    def _read(self, since: str) -> dict[str, Any]:
        """The four reads at once: the store counts the referrals while this process reads the
        services. Each in a copy of this context, so a web request's store budget holds."""
        reads = {"areas": self.store.areas, "services": self.store.services, "needs": self.store.needs,
                 "signals": lambda: self.store.referral_signals(since)}
        with ThreadPoolExecutor(max_workers=len(reads)) as pool:
            futures = {name: pool.submit(contextvars.copy_context().run, read) for name, read in reads.items()}
            return {name: future.result() for name, future in futures.items()}

    # -- what an actor may see ---------------------------------------------------------------------
    def default_area(self, actor: Principal, analysis: Analysis) -> str:
        actor.require(*ROLES, action="de lokale inventarisatie inzien")
        if actor.role == "admin":
            regios = sorted(c for c, a in analysis.result.areas.items() if a.kind == "regio")
            gemeenten = sorted(c for c, a in analysis.result.areas.items() if a.kind == "gemeente")
            if regios or gemeenten:
                return (regios or gemeenten)[0]
            raise NotFound("Er zijn nog geen gebieden geladen.", field="area")
        known = [code for code in actor.areas if code in analysis.result.areas]
        if not known:
            raise NotFound(f"Uw gebied ({', '.join(actor.areas) or 'geen'}) is niet bekend in de sociale kaart.",
                           field="area")
        return known[0]

    def check_area(self, actor: Principal, analysis: Analysis, code: str | None) -> str:
        """The area code to show (the actor's own when none is given); raises when the actor may not."""
        actor.require(*ROLES, action="de lokale inventarisatie inzien")
        if code is None:
            return self.default_area(actor, analysis)
        if area_kind_of(code) is None:
            raise ValidationError(f"{code[:30]!r} is geen gebiedscode; gebruik een regio-, gemeente-, wijk- of "
                                  "buurtcode (RG-zeeland, GM0664, WK066401, BU06640101).", field="area")
        if code not in analysis.result.areas:
            raise NotFound(f"Het gebied {code} is niet bekend.", field="area")
        if actor.role != "admin" and not any(analysis.result.within(code, own) for own in actor.areas):
            raise Forbidden(f"U bent coördinator voor {', '.join(actor.areas) or 'geen gebied'}; {code} valt daar "
                            "niet onder.", field="area")
        return code

    def visible_top(self, actor: Principal, analysis: Analysis, code: str) -> str:
        """The widest area above (or equal to) ``code`` the actor may see."""
        chain = [code, *analysis.result.ancestors(code)]
        if actor.role == "admin":
            return chain[-1]
        allowed = [c for c in chain if any(analysis.result.within(c, own) for own in actor.areas)]
        return allowed[-1]

    # -- reading ---------------------------------------------------------------------------------
    def area_view(self, actor: Principal, *, area: str | None = None, life_domains: Iterable[str] = (),
                  analysis: Analysis | None = None) -> AreaView:
        analysis = analysis or self.analysis()
        code = self.check_area(actor, analysis, area)
        domains = resolve_life_domains(life_domains)
        result = analysis.result
        top = self.visible_top(actor, analysis, code)
        chain = [code, *result.ancestors(code)]
        path = [result.areas[c] for c in reversed(chain[1:chain.index(top) + 1])]
        children = [result.areas[c] for c in result.children.get(code, ())]
        return AreaView(analysis, result.areas[code], path, children, domains)

    def gaps(self, actor: Principal, *, area: str | None = None, life_domains: Iterable[str] = (),
             indicators: Iterable[str] = (), analysis: Analysis | None = None) -> tuple[str, list[Gap], Analysis]:
        """The ranked gaps in (and under) the area, optionally for some leefgebieden and indicators."""
        analysis = analysis or self.analysis()
        code = self.check_area(actor, analysis, area)
        domains = set(resolve_life_domains(life_domains)) if life_domains else None
        wanted = set(indicators)
        unknown = wanted - set(INDICATORS)
        if unknown:
            raise ValidationError(f"Onbekende indicator {sorted(unknown)[0][:40]!r}; kies uit "
                                  f"{', '.join(INDICATORS)}.", field="indicator")
        found = [g for g in analysis.gaps if analysis.result.within(g.area_code, code)
                 and (domains is None or g.life_domain in domains) and (not wanted or g.indicator in wanted)]
        return code, found, analysis

    def geometries(self, codes: Iterable[str]) -> dict[str, str | None]:
        return self.store.area_geometries(codes)

    # -- inventarisatie figures --------------------------------------------------------------------
    def known_areas(self) -> set[str]:
        return self.store.area_codes()

    def stored_needs(self, ids: Iterable[str]) -> dict[str, Need]:
        return self.store.stored_needs(ids)

    def save_needs(self, needs: list[Need]) -> int:
        """Validate all, then write all in one unit (nothing when one is wrong)."""
        today = local_date(self.clock())
        for need in needs:
            need.validate(today=today)
        known = self.store.area_codes()
        missing = sorted({n.area_code for n in needs} - known)
        if missing:
            raise ValidationError(f"Het gebied {missing[0]} is niet bekend; importeer eerst de CBS-gebieden.",
                                  field="area")
        if needs:
            self.store.save_needs([n.props() for n in needs])
            self.forget()
        return len(needs)


def resolve_life_domains(values: Iterable[str]) -> tuple[str, ...]:
    """Codes for the given codes or labels, in the taxonomy's order; all leefgebieden when none given."""
    codes: list[str] = []
    for value in values:
        code = taxonomy.resolve("lifeDomain", value)
        if code is None:
            raise ValidationError(f"Onbekend leefgebied {value[:50]!r}; kies uit "
                                  f"{', '.join(taxonomy.LIFE_DOMAIN_BY_CODE)}.", field="lifeDomain")
        codes.append(code)
    if not codes:
        return tuple(taxonomy.LIFE_DOMAIN_BY_CODE)
    return tuple(c for c in taxonomy.LIFE_DOMAIN_BY_CODE if c in codes)
