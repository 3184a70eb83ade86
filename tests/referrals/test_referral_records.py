"""The referral store's reads hand back the domain's records (socialekaart/referrals/records.py),
not loose dicts, and a Referral holds every property the store keeps on a referral. Both stores."""
from __future__ import annotations

import dataclasses

from socialekaart.referrals.records import AuditEntry, Message, Referral, ReferralEvent, ReferralSummary, ServiceTarget
from tests.referrals.referral_helpers import referral_body

FAR_FUTURE = "2099-01-01T00:00:00.000+00:00"


def test_every_read_of_the_port_returns_records(rr, actors):
    store, swt, welzijn = rr.referral_store, actors["swt"].principal, actors["welzijn"].principal
    rid = rr.referrals.create(swt, referral_body(), send=True)["id"]
    rr.referrals.transition(welzijn, rid, "ontvangen")
    rr.referrals.post_message(welzijn, rid, "Intake staat op dinsdag.")

    target = store.service_target("svc-schuld")
    assert isinstance(target, ServiceTarget)
    assert (target.id, target.organization_id, target.closed) == ("svc-schuld", "org-welzijn", False)
    assert isinstance(target.serves, tuple) and store.service_target("svc-bestaat-niet") is None

    referral = store.get(rid)
    assert type(referral) is Referral
    assert (referral.status, referral.version, referral.from_org_id, referral.to_org_id) == \
        ("ontvangen", 3, "org-swt", "org-welzijn")
    assert referral.life_domains == ("geldzaken",) and referral.to_org_name and referral.from_org_name
    # Sealed fields stay sealed in the record: the service opens them.
    assert referral.request_enc and referral.request_enc.startswith("v1.") and "Sanne" not in referral.contact_enc
    assert store.get("ref-bestaat-niet") is None

    found = store.get_with_events(rid)
    assert found is not None and found[0] == referral
    assert all(type(e) is ReferralEvent for e in found[1]) and found[1] == store.events_of(rid)
    assert [(e.from_status, e.to_status, e.version) for e in found[1]] == [
        (None, "concept", 1), ("concept", "verzonden", 2), ("verzonden", "ontvangen", 3)]

    total, rows = store.page("org-welzijn", "received", [], None, 0, 10)
    assert total == 1 and [type(r) for r in rows] == [ReferralSummary] and rows[0].id == rid
    assert rows[0].to_service_name == referral.to_service_name

    feed = store.feed("org-welzijn", 0, None, 10)
    assert all(type(e) is ReferralEvent for e in feed) and [e.to_status for e in feed] == ["verzonden", "ontvangen"]

    hashes = rr.cipher.blind_indexes("SWT-2026-0042", "org-swt")
    assert store.by_client_ref("org-swt", hashes) == [referral]
    assert [type(r) for r in store.expirable(FAR_FUTURE)] == [Referral]
    assert [r.id for r in store.stale_open(["ontvangen"], FAR_FUTURE)] == [rid]

    [message] = store.messages_of(rid)
    assert type(message) is Message and (message.n, message.side, message.author_org_id) == \
        (1, "ontvanger", "org-welzijn")
    assert message.text_enc and message.anonymised_at is None

    entries = store.audit_entries(rid)
    assert entries and all(type(a) is AuditEntry for a in entries)
    assert [a.action for a in entries][:2] == ["aanmaken", "status:verzonden"]
    mine = store.organization_audit("org-welzijn", "2000-01-01T00:00:00.000+00:00", FAR_FUTURE, 50)
    assert mine and all(type(a) is AuditEntry and a.organization_id == "org-welzijn" for a in mine)


def test_a_referral_record_holds_every_stored_property(rr, actors, runtime):
    """What the store keeps on a Referral node is all in the record (bar the epoch-millisecond copies
    the figures compare on, and the secret record key they sum), so no stored field is lost on the way
    to the domain."""
    rid = rr.referrals.create(actors["swt"].principal, referral_body(), send=True)["id"]
    [node] = runtime.store.connection.read("MATCH (r:Referral {id: $id}) RETURN properties(r) AS r", {"id": rid})
    # The record key (``ckey``) stays in the store: only the figure queries read it, summed.
    stored = {name for name in node["r"] if not name.endswith("_ms") and name != "ckey"}
    fields = {field.name for field in dataclasses.fields(Referral)}
    assert stored <= fields, stored - fields
    record = rr.referral_store.get(rid)
    for name in stored - {"life_domains"}:
        assert getattr(record, name) == node["r"][name], name
    assert list(record.life_domains) == node["r"]["life_domains"]
