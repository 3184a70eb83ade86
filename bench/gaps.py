"""Gap analysis timed for ``make bench``: the whole loaded data set, then its largest gemeente."""
from __future__ import annotations

import statistics
import time
from collections import Counter

from socialekaart.accounts.service import Principal
from web.bootstrap import Runtime, build_coverage_service


def bench_gaps(runtime: Runtime, *, repeat: int = 1) -> dict:
    """Benchmark for ``make bench``: read everything and compute coverage and all gaps for whatever is
    loaded (the whole country in the national data set), as the API does without its cache; then the
    gaps of the largest gemeente. Budget: seconds for a region, under 60 s for the country."""
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
