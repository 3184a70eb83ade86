"""Disclosure control across filters (issue 17): answers for different filters can be subtracted (Jan–Mar
less Jan–Feb, a gemeente less its wijk, with and without ``leefgebied``, regio less gemeente). The
cell-key noise (socialekaart/shared/disclosure.py) is what stops that; this attacks it.

The attacker is exact: every referral has one of a small, known set of *kinds* (month, area, leefgebieden,
partner, sender); the unknowns are how many referrals of each kind there are (whole numbers, 0 or
more). Every count published under every filter is the sum over the kinds it covers; a shown count p
tells him the true count lies in [p - MAX_NOISE, p + MAX_NOISE] (he knows the perturbation table's
bounds, not the record keys); a hidden count tells him nothing. For every published count (hidden or
shown) whose true value is 1-4 he asks two integer programmes (scipy/HiGHS): can it be 5 or more, can it
be 0? *Protected*: one of them can, so he cannot prove it lies in 1-4 (which also means it is not pinned
to its value). The second test shows the attacker works: without the noise he
recovers a hidden March count from Jan–Mar less Jan–Feb.

Counted here: the number of referrals of the total and of every group of every grouping, and the flows
matrix (the paths a group splits into work alike and would multiply the kinds)."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import socialekaart.referrals.figure_publication as publication
from socialekaart.referrals.disclosure import MAX_NOISE, THRESHOLD
from socialekaart.referrals.figure_publication import ADDITIVE, OTHER, published_from_rows
from socialekaart.referrals.figures import keys_of
from tests.unit.integer_attacker import solvable

NOW = datetime(2026, 4, 20, 10, 0, tzinfo=timezone.utc)
MONTHS = (1, 2, 3)
AREAS = (("GM0664", "WK066401"), ("GM0664", "WK066402"), ("GM0664", None), ("GM0687", None))
DOMAIN_SETS = ((), ("geldzaken",), ("woning",), ("geldzaken", "woning"))
KINDS = list(itertools.product(MONTHS, range(len(AREAS)), range(len(DOMAIN_SETS)), ("org-a", "org-b"),
                               ("org-s", "org-t"), ("maatwerk",)))
PERIODS = ((1, 2, 3), (1, 2), (2, 3), (3,))
SCOPES = (("regio", None), ("gemeente", "GM0664"), ("gemeente", "GM0687"), ("wijk", "WK066401"),
          ("wijk", "WK066402"))
LEEFGEBIEDEN = (None, "geldzaken", "woning")


def row_of(kind: tuple, day: int, ckey: int) -> dict:
    month, area, domains, to_org, from_org, rung = kind
    gemeente, wijk = AREAS[area]
    return {"sent_at": datetime(2026, month, day, 10, tzinfo=timezone.utc).isoformat(), "status": "verzonden",
            "ckey": ckey, "gemeente_code": gemeente, "wijk_code": wijk, "life_domains": list(DOMAIN_SETS[domains]),
            "to_org_id": to_org, "to_org_name": to_org.upper(), "from_org_id": from_org, "to_rung": rung,
            "from_formal": True, "to_formal": True, "kind": kind}


def in_filter(kind: tuple, period: tuple, scope: tuple, leefgebied: str | None) -> bool:
    month, area, domains, *_ = kind
    level, code = scope
    gemeente, wijk = AREAS[area]
    return (month in period and (level == "regio" or (gemeente if level == "gemeente" else wijk) == code)
            and (leefgebied is None or leefgebied in DOMAIN_SETS[domains]))


def published_cells(rows: list[dict]) -> list[tuple[np.ndarray, int | None, int]]:
    """Every count published under every filter: (the kinds it covers as a 0/1 vector, the published
    value or None, the true value)."""
    cells = []
    kind_rows = [row_of(kind, 2, 0) for kind in KINDS]  # a referral of each kind, for its group keys
    for period, scope, leefgebied in itertools.product(PERIODS, SCOPES, LEEFGEBIEDEN):
        inside = np.array([in_filter(kind, period, scope, leefgebied) for kind in KINDS])
        chosen = [row for row in rows if in_filter(row["kind"], period, scope, leefgebied)]
        if not chosen:
            continue  # the API answers an empty filter with zeros, all hidden: nothing to learn
        published = published_from_rows(chosen, now=NOW, closure_days=30)
        truth = [sum(1 for row in chosen if row["kind"] == kind) for kind in KINDS]

        def cell(covers: np.ndarray, value: int | None) -> None:
            cells.append((covers.astype(float), value, int(covers @ np.array(truth))))

        cell(inside, published["total"]["referrals"])
        for group_by, groups in published["groups"].items():
            named = {g["key"] for g in groups if g["key"] != OTHER}
            for group in groups:
                if group["key"] == OTHER:
                    assert group_by in ADDITIVE
                    covers = [not any(k in named for k, _ in keys_of(r, group_by)) for r in kind_rows]
                else:
                    covers = [any(k == group["key"] for k, _ in keys_of(r, group_by)) for r in kind_rows]
                cell(inside & np.array(covers), group["referrals"])
        flows = published["flows"]
        ids = [o["id"] for o in flows["organizations"]]
        for (i, sender), (j, receiver) in itertools.product(enumerate(ids), enumerate(ids)):
            covers = [kind[4] == sender and kind[3] == receiver for kind in KINDS]
            cell(inside & np.array(covers), flows["matrix"][i][j])
    return cells


def attack(cells: list[tuple[np.ndarray, int | None, int]], noise_bound: int) -> dict[tuple, str]:
    """The published counts with a true value of 1-4 that the attacker proves lie in 1-4 (no whole-number
    solution has it at 0 or at THRESHOLD or more), by the kinds they cover. Kinds no count tells apart are
    one unknown (the same integer programmes, smaller)."""
    shown = [(covers, value) for covers, value, _ in cells if value is not None]
    if not shown:
        return {}  # nothing shown: every count may be anything from 0 up
    every = np.array([covers for covers, _, _ in cells])
    classes = np.unique(every, axis=1)  # a column per group of kinds that every count treats alike
    matrix = np.array([classes[i] for i, (_, value, _) in enumerate(cells) if value is not None])
    low = np.array([value - noise_bound for _, value in shown], dtype=float)
    high = np.array([value + noise_bound for _, value in shown], dtype=float)

    def possible(covers: np.ndarray, least: float, most: float) -> bool:
        """Whether some whole-number solution puts this count in [least, most]."""
        return solvable(matrix, low, high, covers, least, most)

    leaks: dict[tuple, str] = {}
    seen: set[tuple] = set()
    for index, (covers, _, truth) in enumerate(cells):
        name = tuple(np.flatnonzero(covers))
        if not 1 <= truth < THRESHOLD or name in seen:
            continue
        seen.add(name)
        merged = classes[index]
        if possible(merged, THRESHOLD, np.inf) or possible(merged, 0, 0):
            continue
        leaks[name] = "1-4" if possible(merged, 1, THRESHOLD - 1) else "?"
    return leaks


@st.composite
def referrals(draw) -> list[dict]:
    chosen = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=40))
    return [row_of(kind, draw(st.integers(2, 27)), draw(st.integers(0, 2 ** 31 - 1))) for kind in chosen]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(referrals())
def test_no_small_count_follows_from_the_answers_of_all_filters_together(rows):
    cells = published_cells(rows)
    assert all(value >= THRESHOLD for _, value, _ in cells if value is not None)  # 0-4 never shown
    assert attack(cells, MAX_NOISE) == {}


def test_without_the_noise_jan_to_march_less_jan_to_february_gives_march_away(monkeypatch):
    """The attacker works: with the noise switched off (D = 0) the flows for Jan–Mar (13 from org-s to
    org-a) and Jan–Feb (10) pin March's hidden flow (3, null in March's own matrix); with the noise the
    same referrals give nothing away."""
    counts = {1: {("org-a", "org-s"): 5, ("org-b", "org-s"): 6, ("org-a", "org-t"): 6},
              2: {("org-a", "org-s"): 5, ("org-b", "org-s"): 6, ("org-a", "org-t"): 6},
              3: {("org-a", "org-s"): 3, ("org-b", "org-s"): 7, ("org-a", "org-t"): 6}}
    rows = [row_of((month, 2, 1, *pair, "maatwerk"), day, 7_919 * (1_000 * month + 10 * day + len(pair[1] + pair[0])))
            for month, pairs in counts.items() for pair, count in pairs.items() for day in range(2, 2 + count)]
    rows = [dict(row, ckey=row["ckey"] + 104_729 * i) for i, row in enumerate(rows)]  # every key its own
    march = np.array([kind[0] == 3 and kind[3:5] == ("org-a", "org-s") for kind in KINDS], dtype=float)
    name = tuple(np.flatnonzero(march))
    with_noise = published_cells(rows)
    assert attack(with_noise, MAX_NOISE) == {}
    monkeypatch.setattr(publication, "perturbed", lambda count, key_sum: count)
    without = published_cells(rows)
    assert {value for covers, value, _ in without if np.array_equal(covers, march)} == {None}  # hidden in March …
    assert attack(without, 0).get(name) == "1-4"  # … and proven small from the other answers (it is 3)
