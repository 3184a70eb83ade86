"""The referral counts of the lokale inventarisatie, protected like the network figures
(``socialekaart.shared.disclosure``: k = 5, complementary suppression) before anything shows them.

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

from typing import Any, Mapping, Sequence

from socialekaart.shared.disclosure import Constraint, protect

UNKNOWN = "wijk-onbekend"
# Within an area: the count, its parts that are published and the name of the unpublished rest.
PARTS = (("referrals", ("to_maatwerk", "to_sociale_basis"), "other_rungs"),
         ("referrals", ("declined_capacity", "declined_outside_area"), "not_declined_so"),
         ("to_maatwerk", ("maatwerk_without_light_nearby",), "maatwerk_with_light"))
RESTS = tuple(rest for _, _, rest in PARTS)


def protect_table(counts: Mapping[str, Mapping[str, int]],
                  children: Mapping[str, Sequence[str]]) -> frozenset[tuple[Any, str]]:
    """The cells of one leefgebied to hide: (area code, count name), and ((UNKNOWN, gemeente code), count
    name) for the referrals without a known wijk. ``counts``: per counted area (regio, gemeente, wijk) its
    counts by name; ``children``: the areas in an area."""
    owners: dict[Any, dict[str, int]] = {code: dict(found) for code, found in counts.items()}
    for whole, parts, rest in PARTS:
        for found in owners.values():
            found[rest] = found[whole] - sum(found[part] for part in parts)
    names = list(next(iter(counts.values()), {}))
    constraints: list[Constraint] = []
    for code in counts:
        inside = [child for child in children.get(code, ()) if child in counts]
        if not inside:
            continue
        unknown = (UNKNOWN, code)
        owners[unknown] = {name: owners[code][name] - sum(owners[child][name] for child in inside)
                           for name in owners[code]}
        constraints += [((code, name), [*((child, name) for child in inside), (unknown, name)])
                        for name in owners[code]]
    for owner in owners:
        constraints += [((owner, whole), [*((owner, part) for part in parts), (owner, rest)])
                        for whole, parts, rest in PARTS]
    values = {(owner, name): value for owner, found in owners.items() for name, value in found.items()}
    never_shown = {(owner, rest) for owner in owners for rest in RESTS}
    hidden = protect(values, constraints, also_hidden=never_shown)
    return frozenset((owner, name) for owner, name in hidden if name in names)
