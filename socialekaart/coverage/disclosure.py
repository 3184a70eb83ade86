"""Publishing the referral counts of the lokale inventarisatie: the method of the network figures
(``socialekaart.shared.disclosure``, docs/privacy.md §4a), applied to the area tree.

Every referral count per area × leefgebied (``compute.SIGNALS``) and every area's total (each referral
once) comes with the sum of the secret record keys (``ckey``) of its referrals; key sums add up along the
area tree as the counts do (mod 2^31). Then, as for the network figures:

- **noise**: each count is perturbed from its *own* key sum (``disclosure.perturbed``: −2 … +2, zero
  stays zero, never negative). A gemeente's published count is not the sum of its wijken's published
  counts, so "a gemeente less its shown wijken" is off by up to 2 × (wijken + 1) instead of exact;
- **threshold**: a count is hidden (``None``) when its perturbed *or* its true value is under
  THRESHOLD, zero included; and every count of an area with fewer than ``MIN_AREA_POPULATION``
  inwoners (or none known) is hidden: the smallest area with referral figures;
- a hidden 0 may follow from the sums (the cell-key method itself publishes zero as zero): the
  suppression below takes zeros as known, so it protects every other hidden count even from someone
  who has worked out where the zeros are;
- **complementary suppression** (``disclosure.protect``, with the true counts, which add up exactly)
  over the sums a reader can form from the answers (a coverage answer shows an area and the areas in
  it, and every area can be asked): per leefgebied and per count, a regio is the sum of its gemeenten,
  a gemeente the sum of its wijken plus the referrals whose wijk is not known (a cell that is never
  published, hidden from the start). Buurten hold no referrals (a referral knows the inwoner's wijk at
  most): their counts are 0 by definition and always hidden, and they are in no sum;
- an area whose number of referrals is hidden for a leefgebied is hidden whole for that leefgebied
  (every count), so no share or explanation rests on a hidden count.

The attack tests: ``tests/unit/test_coverage_disclosure.py``.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from socialekaart.shared.disclosure import MIN_AREA_POPULATION, THRESHOLD, Constraint, perturbed, protect

HIDDEN = -1  # in a published table: the count is not shown
REST = "rest"  # the cell of a gemeente's referrals without a known wijk (never published)
NO_REFERRALS = ("buurt",)  # area kinds no referral counts in (a referral's home is a wijk or a gemeente)
WITH_REST = ("gemeente",)  # area kinds that are a referral's home themselves when its wijk is unknown


def big_enough(population: int | None) -> bool:
    """Whether an area has enough inwoners (CBS) to show its referral counts at all."""
    return population is not None and population >= MIN_AREA_POPULATION


def publish_counts(counts: np.ndarray, keys: np.ndarray, *, codes: Sequence[str], parents: Mapping[str, str | None],
                   kinds: Mapping[str, str], populations: Mapping[str, int | None],
                   names: Sequence[str], wijk_only: Sequence[str] = ()) -> np.ndarray:
    """The published table: ``counts`` and ``keys`` are [area row (``codes``), leefgebied, count (``names``,
    the first the number of referrals)]; the answer has the perturbed count where it is shown and
    ``HIDDEN`` elsewhere. Each leefgebied is protected on its own (no published sum crosses them).
    ``wijk_only``: counts that only a referral from a known wijk is in (a gemeente's is exactly the sum of
    its wijken's, without a rest)."""
    published = np.full(counts.shape, HIDDEN, dtype=np.int64)
    row = {code: r for r, code in enumerate(codes)}
    counted = [code for code in codes if kinds[code] not in NO_REFERRALS]
    children: dict[str, list[str]] = {}
    for code in counted:
        parent = parents.get(code)
        if parent in row and kinds[parent] not in NO_REFERRALS:
            children.setdefault(parent, []).append(code)
    too_small = {code for code in counted if not big_enough(populations.get(code))}
    # No sum crosses two regio's: each tree is protected on its own (the cost grows with its size only).
    trees: dict[str, list[str]] = {}
    for code in counted:
        trees.setdefault(_root(code, parents, kinds, row), []).append(code)
    for column in range(counts.shape[1]):
        if not counts[:, column].any():
            continue  # no referrals for this leefgebied: every count 0, hidden
        for tree in trees.values():
            if not any(counts[row[code], column, 0] for code in tree):
                continue
            shown = _protect_column(counts[:, column], keys[:, column], row, tree, children, kinds, too_small,
                                    names, set(wijk_only))
            for (code, name), value in shown.items():
                published[row[code], column, names.index(name)] = value
    return published


def _root(code: str, parents: Mapping[str, str | None], kinds: Mapping[str, str], row: Mapping[str, int]) -> str:
    """The widest area with referral counts above (or equal to) this one."""
    seen = {code}
    while True:
        parent = parents.get(code)
        if parent is None or parent not in row or kinds[parent] in NO_REFERRALS or parent in seen:
            return code
        seen.add(parent)
        code = parent


def _protect_column(counts: np.ndarray, keys: np.ndarray, row: Mapping[str, int], counted: list[str],
                    children: Mapping[str, list[str]], kinds: Mapping[str, str], too_small: set[str],
                    names: Sequence[str], wijk_only: set[str]) -> dict[tuple[str, str], int]:
    """One leefgebied of one tree: the shown counts, (area, count name) -> perturbed value."""
    values: dict[Any, int] = {}
    noisy: dict[Any, int] = {}
    for code in counted:
        for n, name in enumerate(names):
            values[(code, name)] = int(counts[row[code], n])
            noisy[(code, name)] = perturbed(int(counts[row[code], n]), int(keys[row[code], n]))
    constraints: list[Constraint] = []
    rests: set[Any] = set()
    for parent in counted:
        kids = children.get(parent, [])
        for name in names if kids else ():
            parts: list[Any] = [(kid, name) for kid in kids]
            if kinds[parent] in WITH_REST and name not in wijk_only:
                rest = (REST, parent, name)
                values[rest] = values[(parent, name)] - sum(values[part] for part in parts)
                rests.add(rest)
                parts.append(rest)
            constraints.append(((parent, name), parts))
    small = {cell for cell, value in noisy.items() if min(value, values[cell]) < THRESHOLD or cell[0] in too_small}
    # A count of 0 is hidden, but the suppression takes it as known (the cell-key method publishes a zero
    # as zero): it leaves it out of the sums, so every other count is protected even from someone who
    # knows where the zeros are, and a zero elsewhere costs no shown count.
    zeros = {cell for cell, value in values.items() if value == 0}
    live = {cell: value for cell, value in values.items() if value}
    sums = [(parent, [c for c in parts if c in live]) for parent, parts in constraints if parent in live]
    referrals = names[0]

    def whole_areas(hidden: set[Any]) -> set[Any]:
        """An area whose number of referrals is hidden is hidden whole."""
        return {(code, name) for code in counted if (code, referrals) in hidden for name in names}

    start = (small | whole_areas(small | zeros) | rests) - zeros
    hidden = protect(live, sums, also_hidden=start)
    while not whole_areas(hidden | zeros) - zeros <= hidden:
        hidden = protect(live, sums, also_hidden=hidden | (whole_areas(hidden | zeros) - zeros))
    hidden |= zeros | small
    return {cell: value for cell, value in noisy.items() if cell not in hidden}


def publish_total(count: int, key_sum: int, population: int | None) -> int | None:
    """One area's number of referrals over every leefgebied (each referral once), as published: perturbed,
    or ``None`` under THRESHOLD (perturbed or true) or for an area too small. It is in no published sum
    (the areas' totals are only quoted one at a time, in a gap's explanation)."""
    shown = perturbed(count, key_sum)
    return shown if min(shown, count) >= THRESHOLD and big_enough(population) else None

