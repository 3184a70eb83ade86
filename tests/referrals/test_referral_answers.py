"""A transition answers with the referral as written without reading it again: the answer must be
exactly what reading it afterwards gives, for every kind of step (stamps, reasons, outcome, forward)."""
from __future__ import annotations

from tests.referrals.referral_helpers import consent_for, referral_body


def step_and_compare(rr, clock, actor, referral_id, target, **extra):
    clock.advance(hours=1)
    answered = rr.referrals.transition(actor, referral_id, target, **extra)
    assert answered == rr.referrals.get(actor, referral_id)
    return answered


def test_each_answer_is_what_a_fresh_read_gives(rr, actors, clock):
    sender, receiver = actors["swt"].principal, actors["welzijn"].principal
    first = rr.referrals.create(sender, referral_body())["id"]
    sent = step_and_compare(rr, clock, sender, first, "verzonden")
    assert sent["deadlines"]["receive_by"] and [e["to"] for e in sent["events"]] == ["concept", "verzonden"]
    step_and_compare(rr, clock, receiver, first, "ontvangen")
    step_and_compare(rr, clock, receiver, first, "geaccepteerd")
    step_and_compare(rr, clock, receiver, first, "gestart")
    done = step_and_compare(rr, clock, receiver, first, "afgerond", outcome="geholpen")
    assert done["outcome"] == "geholpen" and done["closed_at"] and done["version"] == 6

    declined = rr.referrals.create(sender, referral_body())["id"]
    step_and_compare(rr, clock, sender, declined, "verzonden")
    step_and_compare(rr, clock, receiver, declined, "ontvangen")
    answer = step_and_compare(rr, clock, receiver, declined, "afgewezen", reason="geen-capaciteit")
    assert answer["decline_reason"] == "geen-capaciteit"

    cancelled = rr.referrals.create(sender, referral_body())["id"]
    step_and_compare(rr, clock, sender, cancelled, "geannuleerd", reason="niet-meer-nodig")

    forwarded = rr.referrals.create(sender, referral_body())["id"]
    step_and_compare(rr, clock, sender, forwarded, "verzonden")
    step_and_compare(rr, clock, receiver, forwarded, "ontvangen")
    answer = step_and_compare(rr, clock, receiver, forwarded, "doorverwezen",
                              forward={"serviceId": "svc-maatje", "consent": consent_for("org-netwerk")})
    assert answer["forwarded_to"] and answer["events"][-1]["linked_referral_id"] == answer["forwarded_to"]
    # The receiver's answer leaves out what only the sender sees (its client reference, concept events).
    assert answer["client_ref"] is None and all(e["to"] != "concept" for e in answer["events"])


def test_create_and_send_is_one_write_with_the_same_history_as_two_steps(rr, actors, clock):
    sender, receiver = actors["swt"].principal, actors["welzijn"].principal
    in_two = rr.referrals.create(sender, referral_body())["id"]
    two = rr.referrals.transition(sender, in_two, "verzonden")
    one = rr.referrals.create(sender, referral_body(), send=True)
    assert one == rr.referrals.get(sender, one["id"])
    assert (one["status"], one["version"]) == (two["status"], two["version"]) == ("verzonden", 2)
    assert [(e["from"], e["to"], e["side"]) for e in one["events"]] == \
        [(e["from"], e["to"], e["side"]) for e in two["events"]] == [(None, "concept", "verzender"),
                                                                    ("concept", "verzonden", "verzender")]
    assert one["deadlines"]["receive_by"] and one["deadlines"]["accept_by"]
    seqs = [e["seq"] for e in one["events"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 2
    # The receiver sees it at once, without the concept step.
    seen = rr.referrals.get(receiver, one["id"])
    assert seen["status"] == "verzonden" and [e["to"] for e in seen["events"]] == ["verzonden"]
