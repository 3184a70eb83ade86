"""Composition of the lokale inventarisatie: the coverage service on the runtime's store, built
on first use (nothing connects at import) and shared by the API, the dashboard and the CLI."""
from __future__ import annotations

import threading

from flask import Flask

from graph.coverage import CoverageStore
from socialekaart.accounts import Clock, utcnow
from socialekaart.coverage_service import CoverageService
from socialekaart.gaps import Thresholds

from .runtime import Runtime

EXTENSION = "socialekaart.coverage"
# The dashboard's three requests (figures, gaps, map) share one computation for this long.
DEFAULT_CACHE_SECONDS = 30.0
_app_lock = threading.Lock()


def build_coverage_service(runtime: Runtime, *, cache_seconds: float = 0,
                           clock: Clock | None = None) -> CoverageService:
    settings = runtime.settings
    return CoverageService(CoverageStore(runtime.store), Thresholds.from_settings(settings),
                           referral_days=settings.coverage_referral_days, clock=clock or utcnow,
                           cache_seconds=cache_seconds)


def coverage_service(app: Flask) -> CoverageService:
    """The app's CoverageService. Tests may set ``SOCIALEKAART_COVERAGE_CACHE_SECONDS`` (0: always
    compute anew) and ``SOCIALEKAART_CLOCK`` in the app config."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        with _app_lock:
            found = app.extensions.get(EXTENSION)
            if found is None:
                found = build_coverage_service(
                    app.extensions["socialekaart"],
                    cache_seconds=app.config.get("SOCIALEKAART_COVERAGE_CACHE_SECONDS", DEFAULT_CACHE_SECONDS),
                    clock=app.config.get("SOCIALEKAART_CLOCK"))
                app.extensions[EXTENSION] = found
    return found


def bench_gaps(runtime: Runtime, *, repeat: int = 1) -> dict:
    """Benchmark for ``make bench``: read everything and compute coverage and all gaps for whatever is
    loaded (the whole country in the national data set), as the API does without its cache; then the
    gaps of the largest gemeente. Budget: seconds for a region, under 60 s for the country."""
    import statistics
    import time
    from collections import Counter

    from socialekaart.accounts import Principal

    service = build_coverage_service(runtime)
    seconds: list[float] = []
    analysis = None
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        analysis = service.analyse()
        seconds.append(time.perf_counter() - started)
    result = analysis.result
    gemeenten = [a for a in result.areas.values() if a.kind == "gemeente"]
    out = {"via": "bench_gaps(runtime)", "seconds": round(statistics.median(seconds), 3),
           "country_s": round(statistics.median(seconds), 3), "countryGaps": len(analysis.gaps),
           "computeSeconds": round(result.seconds, 3), "areas": dict(Counter(a.kind for a in result.areas.values())),
           "services": len(result.services), "records": result.record_count,
           "byIndicator": dict(Counter(g.indicator for g in analysis.gaps))}
    if gemeenten:
        largest = max(gemeenten, key=lambda a: (a.population or 0, a.code))
        started = time.perf_counter()
        _code, gaps, _analysis = service.gaps(Principal(account_id="bench", role="admin"), area=largest.code)
        out.update(gemeente=largest.code, gemeente_s=round(time.perf_counter() - started, 3), gemeenteGaps=len(gaps))
    return out
