"""Disclosure control of the lokale inventarisatie's referral counts (issue 17, finding 1): the coverage
answers publish per area × leefgebied six referral counts for a regio, its gemeenten and their wijken,
and each gemeente's total in the "nooit verwezen" gaps. Before, each count of 1-4 was hidden on its
own, so a gemeente less its shown wijken gave a hidden wijk. Now (socialekaart/coverage/disclosure.py)
every count is perturbed by the cell-key method from its own key sum, hidden when perturbed or true is
under 5 (0 too), and complementary suppression runs over the area tree.

The attacker is exact, as in test_disclosure_across_filters.py: every referral is one of a small,
known set of *kinds* (place, leefgebieden, outcome); the unknowns are how many of each there are (whole
numbers, 0 or more). Every published count is the sum over the kinds it covers: a shown count p tells
him the true count lies in [p - MAX_NOISE, p + MAX_NOISE] and is at least THRESHOLD (a smaller one is
never shown); a hidden one tells him nothing. He knows every published coverage number for the regio,
each gemeente and each wijk, for every leefgebied filter (an answer for one leefgebied shows the same
numbers as the answer for all), and so every sum between them and every "part of" between the counts
of one area (declined and to maatwerk are parts of the referrals, …). For every hidden count he asks
integer programmes (scipy/HiGHS) whether it can be anything other than its true value: if it cannot,
it is *pinned*, a leak. A hidden 0 may be pinned: the cell-key method publishes zero as zero, and the
suppression takes zeros as known (socialekaart/coverage/disclosure.py); every count of 1 or more is asked. For a hidden count of 1-4 he also asks whether it can be 0 or THRESHOLD or
more; if neither, he has proven it small, a leak too. The last test shows the attacker works: against
the old publication he pins a hidden wijk."""
from __future__ import annotations

import itertools
from typing import Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialekaart.coverage.compute import (
    DOMAIN_INDEX,
    LIFE_DOMAIN_CODES,
    SIGNALS,
    SOCIALE_BASIS,
    AreaInput,
    CoverageResult,
    ReferralInput,
    compute_coverage,
)
from socialekaart.shared.disclosure import MAX_NOISE, THRESHOLD, perturbed
from tests.unit.integer_attacker import solvable

AREAS = [
    AreaInput("RG-x", "regio", "Regio X"),
    AreaInput("GM0001", "gemeente", "Eerstedorp", "RG-x", 3700, lat=52.0, lon=5.0),
    AreaInput("WK000101", "wijk", "Wijk 01 Noord", "GM0001", 1500, lat=52.01, lon=5.0),
    AreaInput("WK000102", "wijk", "Wijk 02 Zuid", "GM0001", 1200, lat=51.99, lon=5.0),
    AreaInput("WK000103", "wijk", "Wijk 03 Oost", "GM0001", 1000, lat=52.0, lon=5.02),
    AreaInput("GM0002", "gemeente", "Tweedorp", "RG-x", 1500, lat=52.1, lon=5.1),
]
CODES = [a.code for a in AREAS]
# The inwoner's place as a referral gives it: a wijk, a gemeente without a known wijk.
PLACES = (("WK000101", "GM0001"), ("WK000102", "GM0001"), ("WK000103", "GM0001"), (None, "GM0001"),
          (None, "GM0002"))
DOMAINS = ("geldzaken", "woning")
DOMAIN_SETS = (("geldzaken",), ("woning",), ("geldzaken", "woning"))
# (status, decline reason, rung of the service referred to)
OUTCOMES = (("geaccepteerd", None, "maatwerk"), ("afgewezen", "geen-capaciteit", "maatwerk"),
            ("afgewezen", "buiten-werkgebied", "informeel"), ("geaccepteerd", None, "informeel"),
            ("geaccepteerd", None, "licht"))
KINDS = list(itertools.product(range(len(PLACES)), range(len(DOMAIN_SETS)), range(len(OUTCOMES))))


def referral(kind: tuple[int, int, int], ckey: int) -> ReferralInput:
    place, domains, outcome = kind
    status, reason, rung = OUTCOMES[outcome]
    wijk, gemeente = PLACES[place]
    return ReferralInput(life_domains=DOMAIN_SETS[domains], to_org_id="org-a", to_rung=rung, status=status,
                         decline_reason=reason, wijk_code=wijk, gemeente_code=gemeente, ckey=ckey)


def within(place: int, code: str) -> bool:
    wijk, gemeente = PLACES[place]
    return code in (wijk, gemeente) or code == "RG-x"


def counted(kind: tuple[int, int, int], code: str, domain: str | None, signal: str) -> bool:
    """Whether a referral of this kind is in this count (``domain`` None: the area's total)."""
    place, domains, outcome = kind
    status, reason, rung = OUTCOMES[outcome]
    if not within(place, code) or (domain is not None and domain not in DOMAIN_SETS[domains]):
        return False
    # No service at all: for every wijk no light help is near, so its maatwerk is "without light nearby".
    return {"referrals": True, "declined_capacity": reason == "geen-capaciteit",
            "declined_outside_area": reason == "buiten-werkgebied", "to_maatwerk": rung == "maatwerk",
            "to_sociale_basis": rung in SOCIALE_BASIS,
            "maatwerk_without_light_nearby": rung == "maatwerk" and PLACES[place][0] is not None}[signal]


Cell = tuple[np.ndarray, "int | None", int]  # (the kinds it covers, the published value or None, the true value)


def published_cells(rows: list[ReferralInput], kinds: list[tuple[int, int, int]],
                    shown: Callable[[CoverageResult, str, str, str], int | None] | None = None) -> list[Cell]:
    """Every referral count the coverage answers publish, for these referrals (``kinds[i]`` the kind of
    ``rows[i]``); ``shown`` how a count is published (default: as the service publishes it)."""
    result = compute_coverage(AREAS, [], (), rows)
    truth = np.array([sum(1 for k in kinds if k == kind) for kind in KINDS])
    cells: list[Cell] = []
    for code, domain, signal in itertools.product(CODES, DOMAINS, SIGNALS):
        covers = np.array([counted(kind, code, domain, signal) for kind in KINDS], dtype=float)
        value = shown(result, code, domain, signal) if shown else result.record(code, domain).shown(signal)
        cells.append((covers, value, int(covers @ truth)))
    for code in ("GM0001", "GM0002"):  # quoted in "nooit verwezen"
        covers = np.array([counted(kind, code, None, "referrals") for kind in KINDS], dtype=float)
        cells.append((covers, result.shown_total(code), int(covers @ truth)))
    return cells


def attack(cells: list[Cell], noise_bound: int, *, shown_means_big: bool = True) -> dict[tuple, str]:
    """The hidden counts the attacker pins to one value ("pinned") or proves to lie in 1-4 ("1-4"), by the
    kinds they cover. Kinds no count tells apart are one unknown (the same programmes, smaller)."""
    every = np.array([covers for covers, _, _ in cells])
    classes, inverse = np.unique(every, axis=1, return_inverse=True)
    shown = [(classes[i], value) for i, (_, value, _) in enumerate(cells) if value is not None]
    if not shown:
        return {}  # nothing shown: every count may be anything from 0 up
    matrix = np.array([covers for covers, _ in shown])
    floor = THRESHOLD if shown_means_big else 0
    low = np.array([max(value - noise_bound, floor) for _, value in shown], dtype=float)
    high = np.array([value + noise_bound for _, value in shown], dtype=float)

    def possible(covers: np.ndarray, least: float, most: float) -> bool:
        """Whether some whole-number solution puts this count in [least, most]."""
        return solvable(matrix, low, high, covers, least, most)

    assert len(inverse.shape) == 1  # one class per kind
    leaks: dict[tuple, str] = {}
    seen: set[tuple] = set()
    for index, (covers, value, truth) in enumerate(cells):
        name = tuple(np.flatnonzero(covers))
        if value is not None or name in seen or truth == 0:
            continue  # shown, already asked, or 0 (hidden, but it may follow from the sums: as in the cell-key method)
        seen.add(name)
        merged = classes[index]
        if not (possible(merged, truth + 1, np.inf) or possible(merged, 0, truth - 1)):
            leaks[name] = f"pinned at {truth}"
        elif 1 <= truth < THRESHOLD and not (possible(merged, THRESHOLD, np.inf) or possible(merged, 0, 0)):
            leaks[name] = "1-4"
    return leaks


@st.composite
def referrals(draw) -> tuple[list[ReferralInput], list[tuple[int, int, int]]]:
    # Some kinds many times (so counts of 5 and more are shown and sums can be formed), some a few times.
    common = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6, unique=True))
    kinds = [kind for kind in common for _ in range(draw(st.integers(3, 9)))]
    kinds += draw(st.lists(st.sampled_from(KINDS), max_size=12))
    keys = draw(st.lists(st.integers(0, 2 ** 31 - 1), min_size=len(kinds), max_size=len(kinds)))
    return [referral(kind, key) for kind, key in zip(kinds, keys)], kinds


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(referrals())
def test_no_hidden_coverage_count_follows_from_every_published_coverage_number(drawn):
    rows, kinds = drawn
    cells = published_cells(rows, kinds)
    assert all(value >= THRESHOLD for _, value, _ in cells if value is not None)  # 0-4 never shown
    assert attack(cells, MAX_NOISE) == {}


# Eerstedorp's geldzaken referrals: Noord 7, Zuid 6, Oost 3 (all accepted, to maatwerk).
EXAMPLE = [(0, 0, 0)] * 7 + [(1, 0, 0)] * 6 + [(2, 0, 0)] * 3


def example_rows() -> list[ReferralInput]:
    return [referral(kind, 104_729 * (i + 1) + 7_919 * i * i) for i, kind in enumerate(EXAMPLE)]


def old_publication(result: CoverageResult, code: str, domain: str, signal: str) -> int | None:
    """As the coverage answers published before: the true count, 1-4 hidden on its own (0 shown)."""
    count = result.record(code, domain).signal(signal)
    return None if 0 < count < THRESHOLD else count


def test_before_a_gemeente_less_its_shown_wijken_gave_a_hidden_wijk_away():
    """The attacker works: against the old publication (1-4 hidden on its own, no noise) Eerstedorp's 16
    geldzaken referrals to maatwerk without light help nearby (only a referral from a known wijk is in
    that count) less Noord's 7 and Zuid's 6 pin Oost's hidden 3, and with them Oost's hidden number of
    referrals. Published now, the same referrals give nothing away."""
    cells = published_cells(example_rows(), EXAMPLE, old_publication)
    oost = tuple(np.flatnonzero([counted(kind, "WK000103", "geldzaken", "referrals") for kind in KINDS]))
    assert [value for covers, value, _ in cells if tuple(np.flatnonzero(covers)) == oost] == [None]
    assert attack(cells, 0, shown_means_big=False).get(oost) == "pinned at 3"
    now = published_cells(example_rows(), EXAMPLE)
    assert attack(now, MAX_NOISE) == {}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(referrals())
def test_key_sums_add_up_along_the_area_tree_and_each_count_has_the_noise_of_its_own(drawn):
    """A parent's key sum is its children's added up (mod 2^31), as its count is; a shown count is its true
    count perturbed by its *own* key sum, not the sum of its children's published counts."""
    rows, _kinds = drawn
    result = compute_coverage(AREAS, [], (), rows)
    keys, index = result.signal_keys, result.index
    for column in range(keys.shape[1]):
        regio = sum(int(keys[index[gm], column, 0]) for gm in ("GM0001", "GM0002")) % 2 ** 31
        assert int(keys[index["RG-x"], column, 0]) == regio
        without_wijk = sum(r.ckey for r in rows if r.wijk_code is None and r.gemeente_code == "GM0001"
                           and LIFE_DOMAIN_CODES[column] in r.life_domains)
        wijken = sum(int(keys[index[wk], column, 0]) for wk in ("WK000101", "WK000102", "WK000103"))
        assert int(keys[index["GM0001"], column, 0]) == (wijken + without_wijk) % 2 ** 31
    for code, domain, signal in itertools.product(CODES, DOMAINS, SIGNALS):
        record = result.record(code, domain)
        key_sum = int(keys[index[code], DOMAIN_INDEX[domain], SIGNALS.index(signal)])
        assert record.shown(signal) in (None, perturbed(record.signal(signal), key_sum))
