"""The inbox (paginated in the store, filtered by status) and the pollable event feed per organisation."""
from __future__ import annotations

from datetime import timedelta

from tests.referrals.referral_helpers import START, referral_body


def send_many(rr, actors, clock, count):
    ids = []
    for _ in range(count):
        clock.advance(minutes=1)
        rid = rr.referrals.create(actors["swt"].principal, referral_body())["id"]
        rr.referrals.transition(actors["swt"].principal, rid, "verzonden")
        ids.append(rid)
    return ids


def test_inbox_is_paginated_newest_first_and_filters_by_status(client, actors, rr, clock):
    ids = send_many(rr, actors, clock, 5)
    rr.referrals.transition(actors["welzijn"].principal, ids[0], "ontvangen")
    h = actors["welzijn"].headers
    first = client.get("/api/v1/referrals?box=received&pageSize=2", headers=h)
    body = first.get_json()
    assert first.headers["X-Total-Count"] == "5" and body["pages"] == 3
    assert [r["id"] for r in body["results"]] == [ids[4], ids[3]]
    assert "next" in body["_links"] and "prev" not in body["_links"]
    last = client.get(body["_links"]["last"]["href"], headers=h).get_json()
    assert [r["id"] for r in last["results"]] == [ids[0]]
    received = client.get("/api/v1/referrals?box=received&status=ontvangen", headers=h).get_json()
    assert [r["id"] for r in received["results"]] == [ids[0]] and received["results"][0]["status"] == "ontvangen"
    both = client.get("/api/v1/referrals?box=received&status=ontvangen&status=verzonden", headers=h).get_json()
    assert both["total"] == 5
    bad = client.get("/api/v1/referrals?box=alles", headers=h)
    assert bad.status_code == 400 and bad.get_json()["invalidParams"][0]["name"] == "box"
    concepts = client.get("/api/v1/referrals?box=received&status=concept", headers=h)
    assert concepts.status_code == 200 and concepts.get_json()["total"] == 0 and concepts.get_json()["results"] == []
    mixed = client.get("/api/v1/referrals?box=received&status=concept&status=ontvangen", headers=h).get_json()
    assert [r["id"] for r in mixed["results"]] == [ids[0]]
    summary = body["results"][0]
    assert "requestText" not in summary and "contact" not in summary  # the list shows no content


def test_feed_pages_with_a_cursor_and_accepts_a_time(client, actors, rr, clock):
    ids = send_many(rr, actors, clock, 3)
    h = actors["welzijn"].headers
    first = client.get("/api/v1/referral-events?since=0&limit=2", headers=h).get_json()
    assert [e["referralId"] for e in first["events"]] == ids[:2] and first["more"]
    rest = client.get(f"/api/v1/referral-events?since={first['cursor']}&limit=2", headers=h).get_json()
    assert [e["referralId"] for e in rest["events"]] == ids[2:] and not rest["more"]
    quiet = client.get(f"/api/v1/referral-events?since={rest['cursor']}", headers=h).get_json()
    assert quiet == {"events": [], "cursor": rest["cursor"], "more": False}
    rr.referrals.transition(actors["welzijn"].principal, ids[1], "ontvangen")
    news = client.get(f"/api/v1/referral-events?since={rest['cursor']}", headers=h).get_json()["events"]
    assert [(e["referralId"], e["toStatus"]) for e in news] == [(ids[1], "ontvangen")]

    after = (START + timedelta(minutes=2, seconds=30)).isoformat().replace("+00:00", "Z")
    timed = client.get(f"/api/v1/referral-events?since={after}", headers=h).get_json()["events"]
    assert [e["referralId"] for e in timed] == [ids[2], ids[1]]
    for bad in ("gisteren", "2026-01-12T10:00:00"):
        response = client.get(f"/api/v1/referral-events?since={bad}", headers=h)
        assert response.status_code == 400 and response.get_json()["invalidParams"][0]["name"] == "since"
