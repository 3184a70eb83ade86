"""The referral counts of the lokale inventarisatie, protected like the network figures
(``socialekaart.referrals.disclosure``: k = 5, complementary suppression) before anything shows them.

A coordinator can ask for any area it may see, with the areas one level down, so every area and its
parts are published in the end: the protection covers them all at once, per leefgebied. A referral
with two leefgebieden counts in both, so leefgebieden never add up and each is a table of its own.
The sums a reader can form, per leefgebied and per count (``SIGNALS``):

- an area is the sum of the areas in it (regio = its gemeenten, gemeente = its wijken) plus a cell
  ``wijk onbekend`` (``UNKNOWN``): the referrals whose wijk is not known count in the gemeente only.
  That cell is protected like any other (0-4 hidden and not to be worked out); it is not published
  on its own, but a reader can take it as the gemeente minus its wijken;
- within an area: referrals = to maatwerk + to the sociale basis + the rest (the other rungs),
  referrals = declined for capacity + declined outside the werkgebied + the rest, and to maatwerk =
  to maatwerk without lighter help nearby + the rest. The rests are never published.

Buurten are not counted (a referral counts in its wijk or gemeente): their counts are never shown.
Everything that publishes a referral count reads it through ``CoverageResult.published`` (or
``Coverage.published``), which protects a leefgebied on first use.
"""
from __future__ import annotations

from typing import Any

from socialekaart.coverage.compute import SIGNALS, CoverageResult, counted_area
from socialekaart.referrals.disclosure import Constraint, protect

UNKNOWN = "wijk-onbekend"
# Within an area: the count, its parts that are published and the name of the unpublished rest.
PARTS = (("referrals", ("to_maatwerk", "to_sociale_basis"), "other_rungs"),
         ("referrals", ("declined_capacity", "declined_outside_area"), "not_declined_so"),
         ("to_maatwerk", ("maatwerk_without_light_nearby",), "maatwerk_with_light"))
RESTS = tuple(rest for _, _, rest in PARTS)


def protect_domain(result: CoverageResult, life_domain: str) -> frozenset[tuple[Any, str]]:
    """The (area code, count name) cells of one leefgebied to hide; ((UNKNOWN, gemeente code), count name)
    for the referrals without a known wijk."""
    counted = [code for code in result.codes if counted_area(result.areas[code])]
    owners: dict[Any, dict[str, int]] = {code: _counts(result, code, life_domain) for code in counted}
    constraints: list[Constraint] = []
    for code in counted:
        parts = [child for child in result.children.get(code, ()) if child in owners]
        if not parts:
            continue
        unknown = (UNKNOWN, code)
        owners[unknown] = {name: owners[code][name] - sum(owners[child][name] for child in parts)
                           for name in owners[code]}
        constraints += [((code, name), [*((child, name) for child in parts), (unknown, name)])
                        for name in owners[code]]
    for owner in owners:
        constraints += [((owner, whole), [*((owner, part) for part in parts), (owner, rest)])
                        for whole, parts, rest in PARTS]
    values = {(owner, name): value for owner, counts in owners.items() for name, value in counts.items()}
    never_shown = {(owner, rest) for owner in owners for rest in RESTS}
    hidden = protect(values, constraints, also_hidden=never_shown)
    return frozenset((owner, name) for owner, name in hidden if name in SIGNALS)


def _counts(result: CoverageResult, code: str, life_domain: str) -> dict[str, int]:
    record = result.record(code, life_domain)
    counts = {name: record.signal(name) for name in SIGNALS}
    for whole, parts, rest in PARTS:
        counts[rest] = counts[whole] - sum(counts[part] for part in parts)
    return counts
