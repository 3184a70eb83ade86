"""Data migrations run by ``socialekaart db init`` after the schema: idempotent and batched, so an
older graph is brought up to date on every start and a current one costs one cheap read."""
from __future__ import annotations

import secrets

from graph.backends.connection import Connection
from graph.epoch_ms import TIMED, cypher_epoch_ms, ms_name
from graph.search_text import search_text_cypher
from socialekaart.shared.disclosure import KEY_BITS

BACKFILL_BATCH = 5_000  # one batch stays well inside the 10 s store timeout on a million referrals


def migrate(connection: Connection) -> dict[str, int]:
    """Every migration, in order; how many nodes each changed."""
    return {"referral epoch milliseconds": backfill_epoch_ms(connection),
            "referral record keys": backfill_record_keys(connection),
            "service search text": backfill_search_text(connection)}


def backfill_epoch_ms(connection: Connection, batch: int = BACKFILL_BATCH) -> int:
    """Give sent referrals written before ``sent_ms`` … existed their epoch milliseconds, in
    batches. Idempotent; returns the referrals updated. Only sent referrals count in the figures,
    and one condition keeps the scan cheap (each property read costs on a referral's ~45)."""
    missing = "r.sent_at IS NOT NULL AND r.sent_ms IS NULL"
    sets = ", ".join(f"r.{ms_name(f)} = {cypher_epoch_ms('r.' + f)}" for f in TIMED)
    updated = 0
    while True:
        rows = connection.write(f"MATCH (r:Referral) WHERE {missing} WITH r LIMIT $batch SET {sets} "
                                "RETURN count(r) AS n", {"batch": batch})
        done = rows[0]["n"] if rows else 0
        updated += done
        if done < batch:
            return updated


def backfill_record_keys(connection: Connection, batch: int = BACKFILL_BATCH) -> int:
    """Give every referral written before record keys existed its secret random ``ckey`` (the cell-key
    noise of the figures, socialekaart.shared.disclosure), in batches. The keys come from Python's
    ``secrets`` (Cypher's rand() is not meant to be secret). Idempotent; returns the referrals updated."""
    updated = 0
    while True:
        ids = [row["id"] for row in connection.read(
            "MATCH (r:Referral) WHERE r.ckey IS NULL RETURN r.id AS id LIMIT $batch", {"batch": batch})]
        if not ids:
            return updated
        keys = [{"id": referral_id, "ckey": secrets.randbits(KEY_BITS)} for referral_id in ids]
        rows = connection.write("UNWIND $keys AS k MATCH (r:Referral {id: k.id}) WHERE r.ckey IS NULL "
                                "SET r.ckey = k.ckey RETURN count(r) AS n", {"keys": keys})
        updated += rows[0]["n"] if rows else 0
        if len(ids) < batch:
            return updated


def backfill_search_text(connection: Connection, batch: int = BACKFILL_BATCH) -> int:
    """Give services saved before ``search_text`` existed their lower-case search text (what the
    inwoner's words are looked for in; graph/stores/search.py), in batches. Idempotent; returns the
    services updated. Staged services get it when they are written, so only Service is looked at."""
    updated = 0
    while True:
        rows = connection.write("MATCH (s:Service) WHERE s.search_text IS NULL WITH s LIMIT $batch "
                                f"SET s.search_text = {search_text_cypher()} RETURN count(s) AS n", {"batch": batch})
        done = rows[0]["n"] if rows else 0
        updated += done
        if done < batch:
            return updated
