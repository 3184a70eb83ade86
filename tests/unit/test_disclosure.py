"""Disclosure control of the network figures, attacked: for generated sets of referrals, take the
answers of every grouping the API offers for one filter, write down every sum a reader can form
(the total over the groups of each grouping, per count; within a group the referrals over the
formal/informal pairs and the declines over their reasons; a duration's count is the count it
times) and narrow every hidden count by interval propagation. Every count is perturbed by the cell-key
method first, so a shown count tells the attacker only that the true count lies within MAX_NOISE of it
(he knows the perturbation table's bounds, not the record keys). No hidden count may come out as one
value, zero included. The attacker here is written from the published answer alone, apart from
socialekaart/referrals/disclosure.py. Answers for different filters together, and the coverage per area:
tests/unit/test_disclosure_across_filters.py."""
from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialekaart.referrals.disclosure import MAX_NOISE, THRESHOLD, exposed, noise, perturbed, protect
from socialekaart.referrals.figure_publication import ADDITIVE, published_from_rows
from socialekaart.referrals.figures import GROUPINGS, group_figures, grouped_figures
from socialekaart.referrals.lifecycle import DECLINE_REASONS
from socialekaart.shared import taxonomy

NOW = datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
PAIRS = ("formalToInformal", "informalToFormal", "formalToFormal", "informalToInformal")
NOT_COUNTS = {"acceptanceRate", "socialeBasisShare", "maatwerkShare", "suppressed", "median", "p90", "days", "rate"}


# -- the attacker ---------------------------------------------------------------------------------
def flat(figures: dict, prefix: str = "") -> dict[str, int | None]:
    """The counts of one group's answer by path (shares, medians and flags left out)."""
    found: dict[str, int | None] = {}
    for name, value in figures.items():
        if name in NOT_COUNTS or name in ("key", "label"):
            continue
        if isinstance(value, dict):
            found.update(flat(value, f"{prefix}{name}."))
        else:
            found[f"{prefix}{name}"] = value
    return found


def equations(answers: dict[str, dict], flows: dict | None = None) -> tuple[dict, list]:
    """Every published count (None when hidden) and every sum between them, from the answers alone."""
    cells: dict[tuple, int | None] = {}
    sums: list[tuple[tuple, list[tuple]]] = []
    paths: dict[str, None] = {}
    for group_by, answer in answers.items():
        total = flat(answer["total"])
        paths.update(dict.fromkeys(total))
        cells.update({("total", p): v for p, v in total.items()})
        for group in answer["groups"]:
            paths.update(dict.fromkeys(flat(group)))
            cells.update({(group_by, group["key"], p): v for p, v in flat(group).items()})
    every = [("total",)] + [(gb, g["key"]) for gb, a in answers.items() for g in a["groups"]]
    for owner in every:
        def cell(path, owner=owner):
            return (*owner, path)
        for path in paths:
            cells.setdefault(cell(path), None)  # a group shown as suppressed: all its counts hidden
        if len(paths) == 1:  # every group suppressed whole: only the numbers of referrals
            continue
        sums.append((cell("referrals"), [cell(f"formalInformal.{p}") for p in PAIRS]))
        sums.append((cell("declined"), [cell(f"declineReasons.{c}") for c in DECLINE_REASONS]))
        sums.append((cell("hoursToReceived.count"), [cell("received")]))
        sums.append((cell("hoursToAccepted.count"), [cell("accepted")]))
    if flows is not None:  # a named partner's referrals: its column in the matrix plus what is not shown
        ids = [o["id"] for o in flows["organizations"]]
        named = {g["key"] for g in answers["partner"]["groups"]}
        for j, partner in enumerate(ids):
            if partner in named:
                column = []
                for i, sender in enumerate(ids):
                    cells[("flow", sender, partner)] = flows["matrix"][i][j]
                    column.append(("flow", sender, partner))
                cells[("rest", partner)] = None
                sums.append((("partner", partner, "referrals"), column + [("rest", partner)]))
    for group_by, answer in answers.items():
        if group_by in ADDITIVE:
            for path in paths:
                sums.append((("total", path), [(group_by, g["key"], path) for g in answer["groups"]]))
    return cells, sums


def pinned(cells: dict, sums: list, noise_bound: int = 0) -> dict[tuple, float]:
    """Hidden counts the attacker narrows to a single value, with that value. ``noise_bound``: a shown
    count is the true count give or take this much (the cell-key noise)."""
    low = {c: (max(0, v - noise_bound) if v is not None else 0) for c, v in cells.items()}
    high = {c: (v + noise_bound if v is not None else math.inf) for c, v in cells.items()}
    for _ in range(500):
        before = (dict(low), dict(high))
        for parent, children in sums:
            lows, highs = sum(low[c] for c in children), sum(high[c] for c in children)
            low[parent], high[parent] = max(low[parent], lows), min(high[parent], highs)
            for child in children:
                rest_high = sum(high[c] for c in children if c != child)
                if rest_high != math.inf:
                    low[child] = max(low[child], low[parent] - rest_high)
                high[child] = min(high[child], high[parent] - (lows - low[child]))
        if (low, high) == before:
            break
    return {c: low[c] for c, v in cells.items() if v is None and low[c] >= high[c]}


# -- the data -------------------------------------------------------------------------------------
RUNGS = [r.code for r in taxonomy.RUNGS]
STATUSES = ["verzonden", "ontvangen", "geaccepteerd", "afgewezen", "afgerond", "verlopen", "geannuleerd"]


@st.composite
def referral(draw) -> dict:
    sent = START + timedelta(days=draw(st.integers(0, 50)), hours=draw(st.integers(0, 8)))
    status = draw(st.sampled_from(STATUSES))
    received = status not in ("verzonden",) and draw(st.booleans()) or status in ("geaccepteerd", "afgerond")
    org = draw(st.sampled_from(["org-a", "org-b", "org-c"]))
    row = {"sent_at": sent.isoformat(), "status": status, "ckey": draw(st.integers(0, 2 ** 31 - 1)), "gemeente_code": draw(st.sampled_from(["GM0664", "GM0687"])),
           "wijk_code": draw(st.sampled_from(["WK066401", "WK066402", None])),
           "to_rung": draw(st.sampled_from(RUNGS)), "to_org_id": org, "to_org_name": org.upper(),
           "from_org_id": draw(st.sampled_from(["org-s", "org-t", "org-a"])),
           "from_formal": draw(st.booleans()), "to_formal": draw(st.booleans()),
           "life_domains": draw(st.lists(st.sampled_from(["geldzaken", "wonen", "zelfzorg"]), max_size=2, unique=True)),
           "receive_due_at": (sent + timedelta(days=2)).isoformat(), "accept_due_at": (sent + timedelta(days=5)).isoformat()}
    if received:
        row["received_at"] = (sent + timedelta(hours=draw(st.integers(1, 30)))).isoformat()
    if status in ("geaccepteerd", "afgerond"):
        row["accepted_at"] = (sent + timedelta(hours=draw(st.integers(31, 90)))).isoformat()
    if status == "afgewezen":
        row["decline_reason"] = draw(st.sampled_from(sorted(DECLINE_REASONS)))
    if status == "afgerond":
        row["outcome"] = draw(st.sampled_from(["geholpen", "deels", "niet-geholpen"]))
        row["started_at"] = (sent + timedelta(hours=100)).isoformat()
        row["closed_at"] = (sent + timedelta(days=draw(st.integers(5, 40)))).isoformat()
    return row


def answers_of(published: dict) -> dict[str, dict]:
    return {group_by: {"total": published["total"], "groups": [] if group_by == "total"
                       else published["groups"][group_by]} for group_by in GROUPINGS}


# -- the tests ------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(referral(), min_size=1, max_size=40))
def test_no_hidden_count_can_be_worked_out_from_all_groupings_together(rows):
    published = published_from_rows(rows, now=NOW, closure_days=30)
    cells, sums = equations(answers_of(published), published["flows"])
    assert pinned(cells, sums, MAX_NOISE) == {}
    shown = [v for v in cells.values() if v is not None]
    assert all(v >= THRESHOLD for v in shown)  # zero and 1-4 look the same: hidden


@settings(max_examples=60, deadline=None)
@given(st.lists(referral(), min_size=1, max_size=40))
def test_small_groups_are_not_named_and_shares_rest_on_shown_counts(rows):
    published = published_from_rows(rows, now=NOW, closure_days=30)
    for group_by, groups in published["groups"].items():
        for group in groups:
            assert group["key"] == "overig" or group["referrals"] is not None and group["referrals"] >= THRESHOLD
    for figures in [published["total"], *(g for gs in published["groups"].values() for g in gs)]:
        if figures.get("suppressed"):
            continue
        if figures["acceptanceRate"] is not None:
            assert figures["accepted"] is not None and figures["declined"] is not None
        if figures["loopClosure"]["rate"] is not None:
            assert figures["loopClosure"]["closed"] is not None and figures["loopClosure"]["eligible"] is not None


def test_the_finding_total_8_and_one_gemeente_of_7_no_longer_gives_the_other_as_1():
    rows = [{"sent_at": (START + timedelta(days=i)).isoformat(), "status": "verzonden", "gemeente_code": "GM0664",
             "to_org_id": "org-a", "to_rung": "maatwerk"} for i in range(7)]
    rows = [dict(row, from_org_id="org-swt", ckey=1_000_003 * (i + 1)) for i, row in enumerate(rows)]
    rows.append({**rows[0], "gemeente_code": "GM0687", "to_org_id": "org-ggz", "to_org_name": "GGZ"})
    # Before: the total and the gemeente of 7 were shown, so the other was 8 - 7 = 1.
    old_total = group_figures(rows, now=NOW, closure_days=30)["referrals"]
    old = {g["key"]: g["referrals"] for g in grouped_figures(rows, group_by="gemeente", now=NOW, closure_days=30)}
    assert (old_total, old) == (8, {"GM0664": 7, "GM0687": None})
    published = published_from_rows(rows, now=NOW, closure_days=30)
    assert [g["key"] for g in published["groups"]["gemeente"]] == ["overig"]
    assert [g["key"] for g in published["groups"]["partner"]] == ["overig"]  # the ggz partner is not named
    cells, sums = equations(answers_of(published), published["flows"])
    assert pinned(cells, sums, MAX_NOISE) == {}
    assert "org-ggz" not in json.dumps(published["flows"])


def test_the_attacker_does_find_a_lone_hidden_cell():
    """The attacker works: on the old rule (hide 1-4 alone) it recovers the hidden gemeente."""
    answers = {"gemeente": {"total": {"referrals": 8}, "groups": [{"key": "GM0664", "referrals": 7},
                                                                  {"key": "GM0687", "referrals": None}]}}
    cells, sums = equations(answers)
    assert pinned(cells, sums) == {("gemeente", "GM0687", "referrals"): 1}


@pytest.mark.parametrize("values, sums", [
    ({"t": 9, "a": 7, "b": 2}, [("t", ["a", "b"])]),
    ({"t": 12, "a": 6, "b": 6, "c": 0}, [("t", ["a", "b", "c"])]),
    ({"t": 20, "a": 10, "b": 8, "c": 2, "x": 10, "y": 10, "xa": 8, "xb": 2}, [("t", ["a", "b", "c"]), ("t", ["x", "y"]),
                                                                           ("x", ["xa", "xb"])]),
])
def test_protect_leaves_nothing_to_work_out(values, sums):
    hidden = protect(values, sums)
    assert {c for c, v in values.items() if v < THRESHOLD} <= hidden
    assert exposed({c: v for c, v in values.items() if c not in hidden}, hidden, sums) == set()


@given(st.integers(0, 500), st.integers(0, 2 ** 40))
def test_the_noise_is_small_deterministic_and_keeps_zero_and_sign(count, key_sum):
    assert abs(noise(count, key_sum)) <= MAX_NOISE
    assert noise(count, key_sum) == noise(count, key_sum + 2 ** 31)  # the cell key is the sum mod 2**31
    assert perturbed(count, key_sum) >= 0
    assert perturbed(0, key_sum) == 0


def test_the_noise_follows_the_published_table_and_uses_every_value():
    """Cell keys spread over 0..2**31 give each noise about as often as the table says (10/20/40/20/10 %)."""
    found = [noise(7, key * (2 ** 31 // 1000)) for key in range(1000)]
    shares = {value: found.count(value) / len(found) for value in range(-MAX_NOISE, MAX_NOISE + 1)}
    assert shares == pytest.approx({-2: 0.10, -1: 0.20, 0: 0.40, 1: 0.20, 2: 0.10}, abs=0.01)
