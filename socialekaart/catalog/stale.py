"""Which listings a coordinator should chase: not checked for longer than ``stale_after_days`` (or
never), per gemeente of the coordinator's areas. A service with a werkgebied counts in every
gemeente it serves there; one with an address in the gemeente it stands in."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

from socialekaart.accounts.service import Principal
from socialekaart.catalog.ports import StaleListingReads
from socialekaart.catalog.records import StaleService
from socialekaart.places.codes import area_kind_of
from socialekaart.shared.clock import Clock, local_date, utcnow
from socialekaart.shared.errors import Forbidden


class StaleListingReport:
    def __init__(self, reads: StaleListingReads, gemeenten_in: Callable[[str], list[tuple[str, str]]], *,
                 stale_after_days: int, clock: Clock = utcnow):
        self.reads = reads
        self.gemeenten_in = gemeenten_in  # regio code -> [(gemeente code, name)]; a gemeente code -> itself
        self.stale_after_days = stale_after_days
        self.clock = clock

    def per_gemeente(self, actor: Principal, gemeente: str | None = None) -> dict[str, Any]:
        actor.require("coordinator", "admin", action="verouderde voorzieningen bekijken")
        scope = dict(pair for code in (actor.areas if actor.role == "coordinator" else ("",))
                     for pair in self.gemeenten_in(code))
        if gemeente is not None:
            if gemeente not in scope:
                raise Forbidden(f"De gemeente {gemeente} valt niet onder uw gebied "
                                f"({', '.join(actor.areas) or 'alle gemeenten'}).")
            scope = {gemeente: scope[gemeente]}
        today = local_date(self.clock())
        cutoff = (today - timedelta(days=self.stale_after_days)).isoformat()
        groups: dict[str, list[StaleService]] = {code: [] for code in scope}
        for service in self.reads.stale_services(cutoff):
            where = {service.gemeente_code} | {_gemeente_of(c) for c in service.serves}
            for code in sorted(c for c in where if c in groups):
                groups[code].append(service)
        return {
            "staleAfterDays": self.stale_after_days, "verifiedBefore": cutoff,
            "gemeenten": [{"code": code, "name": scope[code],
                           "services": sorted(groups[code], key=lambda s: (s.last_verified or "", s.id))}
                          for code in sorted(scope, key=lambda c: (scope[c], c))],
        }


def _gemeente_of(code: str) -> str | None:
    """The gemeente a CBS code lies in: GM0664 for GM0664, WK066402 and BU06640201."""
    kind = area_kind_of(code)
    return "GM" + code[2:6] if kind in ("gemeente", "wijk", "buurt") else None
