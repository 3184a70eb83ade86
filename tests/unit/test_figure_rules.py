"""The one definition of the referral figures (socialekaart.referrals.figure_rules): evaluated in
Python here, rendered as the store's Cypher in graph.stores.referrals (the store tests compare both)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graph.stores.referrals import KINDS, OVERDUE, STATES, figure_cypher, figure_moments
from socialekaart.referrals.figure_rules import (
    FACTS,
    AllOf,
    Equals,
    Moments,
    count_kinds,
    count_states,
    empty_counts,
    holds,
    kind_row,
    state_row,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
MOMENTS = Moments(NOW, closure_days=30)


def referral(**fields):
    base = {"status": "verzonden", "sent_at": "2026-01-05T09:00:00.000+00:00", "to_rung": "informeel",
            "from_formal": True, "to_formal": False}
    return {**base, **fields}


def test_each_fact_by_hand():
    closed = referral(status="afgerond", outcome="geholpen", received_at="2026-01-05T10:00:00.000+00:00",
                      accepted_at="2026-01-06T09:00:00.000+00:00", closed_at="2026-02-03T09:00:00.000+00:00")
    assert [name for name, c in FACTS.items() if holds(c, closed, MOMENTS)] == \
        ["received", "accepted", "matured", "closed_in_time"]
    late = referral(status="afgerond", outcome="geholpen", closed_at="2026-02-05T09:00:01.000+00:00")
    assert not holds(FACTS["closed_in_time"], late, MOMENTS)  # 31 days and a second: not in time
    recent = referral(sent_at="2026-02-20T09:00:00.000+00:00")
    assert not holds(FACTS["matured"], recent, MOMENTS)
    waiting = referral(receive_due_at="2026-03-01T09:00:00.000+00:00")
    assert holds(FACTS["overdue"], waiting, MOMENTS)
    assert not holds(FACTS["overdue"], {**waiting, "status": "ontvangen"}, MOMENTS)  # waits for the accept deadline
    assert not holds(FACTS["overdue"], referral(), MOMENTS)  # no deadline: never overdue


def test_counting_rules_make_the_figures():
    rows = [referral(status="afgewezen", decline_reason="geen-capaciteit", received_at="2026-01-05T10:00:00.000+00:00"),
            referral(status="afgerond", outcome="geholpen", received_at="2026-01-05T10:00:00.000+00:00",
                     accepted_at="2026-01-06T09:00:00.000+00:00", closed_at="2026-01-20T09:00:00.000+00:00"),
            referral(status="verlopen", to_rung="maatwerk", to_formal=True),
            referral(receive_due_at="2026-02-01T09:00:00.000+00:00", from_formal=None)]
    counts = empty_counts()
    for row in rows:
        count_states(counts, state_row(row, MOMENTS))
        count_kinds(counts, kind_row(row))
    assert {k: counts[k] for k in ("referrals", "received", "accepted", "declined", "matured", "closed",
                                   "not_received", "not_accepted", "expired")} == \
        {"referrals": 4, "received": 2, "accepted": 1, "declined": 1, "matured": 4, "closed": 1,
         "not_received": 1, "not_accepted": 0, "expired": 1}
    assert counts["reasons"] == {"geen-capaciteit": 1} and counts["outcomes"] == {"geholpen": 1}
    assert counts["rungs"] == {"informeel": 3, "maatwerk": 1}
    # Formality not recorded counts as formal, as the store's coalesce does.
    assert counts["formality"] == {(True, False): 3, (True, True): 1}


def test_the_store_query_is_rendered_from_the_same_definitions():
    for name, condition in FACTS.items():
        assert f"{figure_cypher(condition)} AS {name}" in STATES
    assert "coalesce(r.from_formal, true)" in KINDS and "coalesce(r.to_formal, true)" in KINDS
    assert OVERDUE == figure_cypher(FACTS["overdue"])
    params = figure_moments(MOMENTS)
    assert params["closure_ms"] == 30 * 86_400_000 and params["now_iso"].startswith("2026-03-02T12:00")
    with pytest.raises(ValueError):
        figure_cypher(AllOf((Equals("status", "x' OR true OR 'y"),)))  # only code values become literals
