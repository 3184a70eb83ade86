"""Bulk writes of generated, historic referrals for the benchmark (``bench.generate``).

``graph.referrals.ReferralStore`` writes one referral or one transition per statement, as the
live service must. A data set of a million referrals with their histories needs batches: this
module writes many referrals, each with its events and audit entries, in one statement per
batch, in the same shape ``ReferralStore`` writes (same labels, relationships and properties),
and sets the event counter past the highest ``seq`` so live transitions continue the feed.
Only for generated data: it does not check transitions.
"""
from __future__ import annotations

from typing import Any

from graph.stores.catalog import GraphStore
from graph.stores.referrals import EVENT_COUNTER, with_epoch_ms

REFERRALS = (
    "UNWIND $rows AS row "
    "MATCH (o:Organization {id: row.referral.from_org_id}) MATCH (s:Service {id: row.referral.to_service_id}) "
    "CREATE (r:Referral) SET r += row.referral, r.from_formal = coalesce(o.formal, true) "
    "CREATE (r)-[:FROM]->(o) CREATE (r)-[:TO]->(s) "
    "WITH r, row UNWIND row.events AS event "
    "CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent) SET e += event "
    "RETURN count(e) AS events"
)
AUDITS = "UNWIND $rows AS row CREATE (a:AuditEntry) SET a += row RETURN count(a) AS audits"


def write_referral_batch(store: GraphStore, batch: list[dict[str, Any]]) -> int:
    """Write ``[{"referral": {...}, "events": [...], "audits": [...]}, ...]``; the events written."""
    rows = [{"referral": with_epoch_ms(item["referral"]), "events": item["events"]} for item in batch]
    written = store.connection.write(REFERRALS, {"rows": rows})
    audits = [audit for item in batch for audit in item.get("audits", ())]
    if audits:
        store.connection.write(AUDITS, {"rows": audits})
    return written[0]["events"] if written else 0


def set_event_counter(store: GraphStore, seq: int) -> None:
    """Let the feed's counter continue after the generated events."""
    store.connection.write("MERGE (m:Meta {id: $counter}) SET m.seq = CASE WHEN coalesce(m.seq, 0) > $seq "
                           "THEN m.seq ELSE $seq END", {"counter": EVENT_COUNTER, "seq": seq})
