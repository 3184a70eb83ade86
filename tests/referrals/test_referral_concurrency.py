"""Many people act on one referral at the same moment: exactly one wins, the rest get a Conflict
naming the state the winner left, and the event log stays one consistent chain."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from socialekaart.referrals.lifecycle import InvalidTransition
from socialekaart.shared.errors import Conflict
from tests.referrals.referral_helpers import referral_body

THREADS = 24


def race(attempts):
    """Run the attempts together (released by one barrier); return the outcomes in order."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list = [None] * len(attempts)

    def run(index, attempt):
        barrier.wait()
        try:
            outcomes[index] = ("ok", attempt())
        except Conflict as exc:
            outcomes[index] = ("conflict", exc)
        except Exception as exc:  # anything else is a bug: keep it to fail the test
            outcomes[index] = ("error", exc)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def received_referral(rr, actors) -> str:
    service = rr.referrals
    created = service.create(actors["swt"].principal, referral_body())
    service.transition(actors["swt"].principal, created["id"], "verzonden")
    service.transition(actors["welzijn"].principal, created["id"], "ontvangen")
    return created["id"]


@pytest.mark.parametrize("round_", range(3))
def test_exactly_one_of_many_concurrent_actions_wins(rr, actors, round_):
    service = rr.referrals
    referral_id = received_referral(rr, actors)
    receiver, sender = actors["welzijn"].principal, actors["swt"].principal
    attempts = []
    for i in range(THREADS):
        # Everyone saw version 3 ('ontvangen') and acts on it: accept, decline or (the sender) cancel.
        if i % 3 == 0:
            attempts.append(lambda: service.transition(receiver, referral_id, "geaccepteerd", expected_version=3))
        elif i % 3 == 1:
            attempts.append(lambda: service.transition(receiver, referral_id, "afgewezen", reason="geen-capaciteit",
                                                       expected_version=3))
        else:
            attempts.append(lambda: service.transition(sender, referral_id, "geannuleerd", expected_version=3))
    outcomes = race(attempts)

    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds == {"ok": 1, "conflict": THREADS - 1}, outcomes
    winner = next(value for kind, value in outcomes if kind == "ok")
    for kind, error in outcomes:
        if kind == "conflict":
            assert isinstance(error, InvalidTransition) and error.current == winner["status"]
            assert f"'{winner['status']}'" in error.message

    final = service.get(sender, referral_id)
    assert final["status"] == winner["status"] and final["version"] == 4
    events = rr.referral_store.events_of(referral_id)
    chain = [(e.from_status, e.to_status) for e in events]
    assert chain == [(None, "concept"), ("concept", "verzonden"), ("verzonden", "ontvangen"),
                     ("ontvangen", winner["status"])]
    assert [e.version for e in events] == [1, 2, 3, 4]
    cursors = [e.seq for e in events]
    assert cursors == sorted(cursors) and len(set(cursors)) == 4
    changes = [a for a in rr.referral_store.audit_entries(referral_id) if a.action.startswith("status:")]
    assert len(changes) == 3  # verzonden, ontvangen and the one winner: no audit entry for a loser


def test_the_store_check_and_write_lets_exactly_one_through(rr, actors):
    """Straight at the store, past the service's own look: all callers expect 'ontvangen' v3 at once."""
    referral_id = received_referral(rr, actors)
    store = rr.referral_store
    targets = ["geaccepteerd", "afgewezen", "geannuleerd", "doorverwezen"]

    def attempt(i):
        target = targets[i % len(targets)]
        event = {"id": f"evt-race-{i}", "referral_id": referral_id, "at": "2026-01-12T10:00:00.000+00:00",
                 "from_status": "ontvangen", "to_status": target, "from_org_id": "org-swt",
                 "to_org_id": "org-welzijn", "receiver_visible": True}
        audit = {"id": f"aud-race-{i}", "referral_id": referral_id, "action": f"status:{target}"}
        return lambda: store.transition(referral_id, expected_status="ontvangen", expected_version=3,
                                        changes={"updated_at": event["at"]}, event=event, audit=audit)

    outcomes = race([attempt(i) for i in range(THREADS)])
    won = [value for kind, value in outcomes if kind == "ok" and value is not None]
    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS and len(won) == 1
    events = store.events_of(referral_id)
    assert len(events) == 4 and events[-1].version == won[0]["version"] == 4
    assert store.get(referral_id).status == events[-1].to_status
    assert len([a for a in store.audit_entries(referral_id) if a.id.startswith("aud-race-")]) == 1


def test_many_accepting_at_once_without_a_version_one_wins(rr, actors):
    service = rr.referrals
    referral_id = received_referral(rr, actors)
    receiver = actors["welzijn"].principal
    outcomes = race([lambda: service.transition(receiver, referral_id, "geaccepteerd") for _ in range(THREADS)])
    assert Counter(kind for kind, _ in outcomes) == {"ok": 1, "conflict": THREADS - 1}
    assert all(error.current == "geaccepteerd" for kind, error in outcomes if kind == "conflict")
    accepted = [e for e in rr.referral_store.events_of(referral_id) if e.to_status == "geaccepteerd"]
    assert len(accepted) == 1


def test_concurrent_transitions_on_different_referrals_all_succeed_with_unique_cursors(rr, actors):
    service = rr.referrals
    ids = [received_referral(rr, actors) for _ in range(8)]
    receiver = actors["welzijn"].principal
    outcomes = race([lambda rid=rid: service.transition(receiver, rid, "geaccepteerd") for rid in ids])
    assert [kind for kind, _ in outcomes] == ["ok"] * 8
    cursors = [e.seq for rid in ids for e in rr.referral_store.events_of(rid)]
    assert len(cursors) == len(set(cursors)) == 8 * 4
