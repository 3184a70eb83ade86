"""Disclosure control for published counts: the cell-key method, then threshold k = 5 with
complementary suppression.

**Cell key** (the method of ONS and the ABS TableBuilder): every referral has a secret random record
key (``ckey``, 31 bits, given when it is created and kept through anonymisation). A count comes with the
sum of the record keys of the referrals in it; that sum mod 2^31 is the *cell key*, and the cell key
picks the count's noise from a published perturbation table (``noise``: -2 … +2, zero stays zero, a
result is never negative). The same referrals always give the same noise, so asking again does not
average it away, and the difference of two answers (Jan–Mar less Jan–Feb, a gemeente less its wijk) is
off by up to twice MAX_NOISE instead of being an exact small count.

**Suppression** on the perturbed counts: a count is a *cell*; a published table says how cells add up
(a *constraint*: the parent is the sum of its children — a total over the groups of a grouping, a
group's referrals over its formal/informal pairs, …). A cell below the threshold, zero included, is
hidden. Hiding alone is not enough: with the parent and the other children shown, a hidden child
follows by subtraction. So ``protect`` hides more cells (complementary suppression, the smallest shown
cell next to the exposed one) until ``exposed`` — an attacker who knows every shown cell, every
constraint and that counts are never negative, and narrows each hidden cell to an interval by
propagating the sums — can pin no hidden cell to one value. The attacker is not told which hidden
cells are small: a hidden cell is anything from 0 up.
"""
from __future__ import annotations

import math
from collections import deque
from typing import Any, Iterable, Mapping, Sequence

THRESHOLD = 5
MAX_ROUNDS = 200
# The smallest area (CBS inwoners) with referral figures of its own: the coverage figures hide every
# referral count of a smaller area (socialekaart/coverage/disclosure.py), and the network figures refuse
# to be asked for one (socialekaart/referrals/network.py).
MIN_AREA_POPULATION = 1000
# The shortest period the coverage figures count referrals over (the setting COVERAGE_REFERRAL_DAYS; the
# caller cannot choose one): about the network figures' one calendar month.
MIN_PERIOD_DAYS = 30

# -- the cell key -----------------------------------------------------------------------------------
KEY_BITS = 31  # a record key is secrets.randbits(KEY_BITS); a cell key is a sum of them mod 2**KEY_BITS
KEY_MODULUS = 2 ** KEY_BITS
MAX_NOISE = 2  # |noise| <= MAX_NOISE: the bound the attack tests give the attacker
# The perturbation table (published, docs/privacy.md): the cell key scaled to 0..255 picks the noise;
# the upper end of each band (exclusive). About 10 % -2, 20 % -1, 40 % 0, 20 % +1, 10 % +2: no bias.
PERTURBATION = ((26, -2), (77, -1), (179, 0), (230, 1), (256, 2))


def cell_key(key_sum: int) -> int:
    """The cell key of a count: the sum of its referrals' record keys mod 2**KEY_BITS."""
    return int(key_sum) % KEY_MODULUS


def noise(count: int, key_sum: int) -> int:
    """The noise of a count from the perturbation table: 0 for a zero count."""
    if count <= 0:
        return 0
    position = cell_key(key_sum) * 256 // KEY_MODULUS
    return next(value for upper, value in PERTURBATION if position < upper)


def perturbed(count: int, key_sum: int) -> int:
    """The count as published before suppression: count + noise, never negative; zero stays zero."""
    return max(0, count + noise(count, key_sum))

Cell = Any  # any hashable name of a count
Constraint = tuple[Cell, Sequence[Cell]]  # parent = sum(children)


def bounds(shown: Mapping[Cell, int], hidden: Iterable[Cell],
           constraints: Sequence[Constraint]) -> dict[Cell, tuple[float, float]]:
    """What the attacker can know of each cell: [low, high], from the shown values and the sums
    (propagated until nothing narrows; only the sums around a narrowed cell are looked at again)."""
    known: dict[Cell, tuple[float, float]] = {cell: (value, value) for cell, value in shown.items()}
    for cell in hidden:
        known[cell] = (0, math.inf)
    around: dict[Cell, list[int]] = {}
    for index, (parent, children) in enumerate(constraints):
        for cell in (parent, *children):
            around.setdefault(cell, []).append(index)
    queue = deque(range(len(constraints)))
    waiting = set(queue)
    budget = MAX_ROUNDS * max(1, len(constraints))  # narrowing always ends; this only bounds a bug
    while queue and budget:
        budget -= 1
        index = queue.popleft()
        waiting.discard(index)
        parent, children = constraints[index]
        narrowed = []
        low_sum = sum(known[c][0] for c in children)
        unbounded = sum(1 for c in children if known[c][1] == math.inf)
        finite_high = sum(known[c][1] for c in children if known[c][1] != math.inf)
        if _narrow(known, parent, low_sum, math.inf if unbounded else finite_high):
            narrowed.append(parent)
        p_low, p_high = known[parent]
        for child in children:
            c_low, c_high = known[child]
            if c_high == math.inf:
                others_high = math.inf if unbounded > 1 else finite_high
            else:
                others_high = math.inf if unbounded else finite_high - c_high
            low = p_low - others_high if others_high != math.inf else 0
            high = p_high - (low_sum - c_low)
            if _narrow(known, child, low, high):
                narrowed.append(child)
        for cell in narrowed:
            for other in around[cell]:
                if other not in waiting:
                    waiting.add(other)
                    queue.append(other)
    return known


def _narrow(known: dict[Cell, tuple[float, float]], cell: Cell, low: float, high: float) -> bool:
    old_low, old_high = known[cell]
    new = (max(old_low, low), min(old_high, high))
    if new != (old_low, old_high):
        known[cell] = new
        return True
    return False


def exposed(shown: Mapping[Cell, int], hidden: Iterable[Cell], constraints: Sequence[Constraint]) -> set[Cell]:
    """The hidden cells the attacker can pin to one value."""
    hidden = set(hidden)
    # A sum of shown cells only tells what is already shown: leave it out of the propagation.
    relevant = [c for c in constraints if c[0] in hidden or any(child in hidden for child in c[1])]
    known = bounds(shown, hidden, relevant)
    return {cell for cell in hidden if known[cell][0] >= known[cell][1]}


def protect(values: Mapping[Cell, int], constraints: Sequence[Constraint], *,
            also_hidden: Iterable[Cell] = ()) -> set[Cell]:
    """The cells to hide: every cell under THRESHOLD (zero too), ``also_hidden``, and as few more as
    this greedy search finds so that no hidden cell can be worked out.

    First a cheap rule, one pass over the sums: no sum may hold exactly one hidden cell (that cell
    would be the sum minus the rest); then the exact attack (``exposed``) checks the result, and only
    what it still finds costs another round. The cost grows with the cells and sums, not the data."""
    hidden = {cell for cell, value in values.items() if value < THRESHOLD} | set(also_hidden)
    touching: dict[Cell, list[Constraint]] = {}
    for constraint in constraints:
        for cell in (constraint[0], *constraint[1]):
            touching.setdefault(cell, []).append(constraint)
    while True:
        _no_lone_hidden(values, constraints, hidden)
        shown = {cell: value for cell, value in values.items() if cell not in hidden}
        found = exposed(shown, hidden, constraints)
        if not found:
            return hidden
        added = {partner for cell in sorted(found, key=repr)
                 if (partner := _complement(cell, values, hidden, touching, shown)) is not None}
        if not added:  # cannot happen while a shown cell remains; hide all rather than publish a leak
            return set(values)
        hidden |= added


def _no_lone_hidden(values: Mapping[Cell, int], constraints: Sequence[Constraint], hidden: set[Cell]) -> None:
    """Hide the smallest shown child (else the sum) in every sum that gives a hidden cell away: one
    with exactly one hidden cell, or a shown sum whose hidden children add up to 0 (each is then 0).
    Hidden cells are counted per sum, so every sum is looked at about once."""
    around: dict[Cell, list[int]] = {}
    count = [0] * len(constraints)
    for index, (parent, children) in enumerate(constraints):
        for cell in (parent, *children):
            around.setdefault(cell, []).append(index)
            count[index] += cell in hidden

    def gives_away(index: int) -> bool:
        if count[index] == 1:
            return True
        parent, children = constraints[index]
        # A cell hidden here later is a shown one (>= THRESHOLD), so only sums that start at 0 matter.
        return count[index] > 1 and parent not in hidden and sum(values[c] for c in children if c in hidden) == 0

    waiting = deque(index for index in range(len(constraints)) if count[index] and gives_away(index))
    while waiting:
        index = waiting.popleft()
        if not gives_away(index):
            continue
        parent, children = constraints[index]
        candidates = [c for c in children if c not in hidden] or ([parent] if parent not in hidden else [])
        if not candidates:
            continue
        partner = min(candidates, key=lambda c: (values[c], repr(c)))
        hidden.add(partner)
        for other in around[partner]:
            count[other] += 1
            if count[other] == 1:
                waiting.append(other)


def _complement(cell: Cell, values: Mapping[Cell, int], hidden: set[Cell],
                touching: Mapping[Cell, list[Constraint]], shown: Mapping[Cell, int]) -> Cell | None:
    """The shown cell to hide next to an exposed one: the smallest child of a sum it is in, else the
    sum itself, else (exposed through a chain of sums) the smallest shown cell in any sum."""
    children = [c for parent, kids in touching.get(cell, []) for c in kids if c != cell and c not in hidden]
    if children:
        return min(children, key=lambda c: (values[c], repr(c)))
    parents = [parent for parent, _ in touching.get(cell, []) if parent != cell and parent not in hidden]
    if parents:
        return min(parents, key=lambda c: (values[c], repr(c)))
    linked = [c for c in touching if c in shown]
    return min(linked, key=lambda c: (values[c], repr(c))) if linked else None
