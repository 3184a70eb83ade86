"""The evaluation set on the demo region: the targets of issue 14 (`make eval` prints the figures)."""
from __future__ import annotations

from search_eval import TARGET_CRISIS_FIRST, TARGET_RECALL, evaluate, load_queries


def test_the_evaluation_set_is_whole():
    queries = load_queries()
    assert len(queries) == 259
    assert sum(q.crisis for q in queries) == 45


def test_search_meets_the_targets_on_the_demo_region(client):
    figures = evaluate(client)
    print("\n" + figures.report())
    assert figures.crisis_first_rate >= TARGET_CRISIS_FIRST, figures.crisis_missed
    assert not figures.false_alarms
    assert not figures.empty
    assert figures.overall_recall >= TARGET_RECALL


def test_the_figures_without_a_place(client):
    """The same set over the whole region (no postcode): printed for comparison; crisis and empties hold."""
    figures = evaluate(client, place=None)
    print("\n" + figures.report())
    assert figures.crisis_first_rate >= TARGET_CRISIS_FIRST and not figures.false_alarms and not figures.empty
