"""Referrals, their events, the audit log, webhooks and the counts for network figures, in Cypher.

``(Referral)-[:FROM]->(Organization)``, ``(Referral)-[:TO]->(Service)``,
``(Referral)-[:HAS_EVENT]->(ReferralEvent)``, ``(Referral)-[:FORWARDED_FROM]->(Referral)``,
``(Organization)-[:HAS_WEBHOOK]->(Webhook)``; ``AuditEntry`` nodes stand alone.

A transition is ONE statement that checks the expected status and version and writes the new
state, its event (numbered from a counter node, so the feed has a strict order) and its audit
entry together: of concurrent callers exactly one matches, the others get no row back. On Neo4j
the dummy ``SET`` first takes the node's write lock, so the check reads the committed state;
FalkorDB runs writes one at a time anyway. Values only as ``$parameters``.
"""
from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

from socialekaart.referrals import FINAL_STATES

from .store import GraphStore

EVENT_COUNTER = "referral-event-seq"
SUMMARY_FIELDS = (".id, .status, .version, .urgency, .life_domains, .from_org_id, .to_org_id, .to_service_id, "
                  ".created_at, .updated_at, .sent_at, .receive_due_at, .accept_due_at")
REFERRAL_FIELDS = (
    SUMMARY_FIELDS + ", .sender_account_id, .from_formal, .to_rung, .to_formal, .wijk_code, .gemeente_code, "
    ".request_enc, .contact_enc, .client_ref_enc, .client_ref_hash, .consent_purpose_enc, .consent_partner_id, "
    ".consent_date, .consent_method, .legal_basis, .forwarded_from, .forwarded_to, .expires_at, .received_at, "
    ".accepted_at, .declined_at, .waitlisted_at, .started_at, .closed_at, .decline_reason, .cancel_reason, "
    ".outcome, .anonymised_at")
FACT_FIELDS = (".id, .status, .from_org_id, .to_org_id, .to_rung, .from_formal, .to_formal, .life_domains, "
               ".wijk_code, .gemeente_code, .sent_at, .received_at, .accepted_at, .declined_at, .started_at, "
               ".closed_at, .decline_reason, .outcome, .receive_due_at, .accept_due_at")
EVENT_FIELDS = (".id, .seq, .version, .referral_id, .at, .from_status, .to_status, .side, .actor_account_id, "
                ".actor_org_id, .reason, .outcome, .linked_referral_id, .from_org_id, .to_org_id, .receiver_visible")
AUDIT_FIELDS = ".id, .at, .account_id, .role, .organization_id, .action, .referral_id, .allowed"
NAMES = ("OPTIONAL MATCH (fo:Organization {id: r.from_org_id}) OPTIONAL MATCH (ts:Service {id: r.to_service_id}) "
         "OPTIONAL MATCH (ro:Organization {id: r.to_org_id}) ")
NAME_COLUMNS = "fo.name AS from_org_name, ts.name AS to_service_name, ro.name AS to_org_name"
SENT_OR_RECEIVED = {"received": "r.to_org_id = $org AND r.status <> 'concept'", "sent": "r.from_org_id = $org"}
OVERDUE = ("((r.status = 'verzonden' AND r.receive_due_at < $now) OR "
           "(r.status = 'ontvangen' AND r.accept_due_at < $now))")


# The moments the network figures measure, also stored as epoch milliseconds (``sent_ms`` …): FalkorDB
# cannot parse our ISO strings, and a numeric range index answers both bounds of a period.
TIMED = ("sent_at", "received_at", "accepted_at", "started_at", "closed_at")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
BACKFILL_BATCH = 5_000  # one batch stays well inside the 10 s store timeout on a million referrals


def ms_name(field: str) -> str:
    return field.removesuffix("_at") + "_ms"


def epoch_ms(text: str) -> int:
    return (datetime.fromisoformat(text) - EPOCH) // timedelta(milliseconds=1)


def with_epoch_ms(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` plus ``<moment>_ms`` for each timed moment it sets (null for one it clears)."""
    extra = {ms_name(f): (epoch_ms(props[f]) if props[f] else None) for f in TIMED if f in props}
    return {**props, **extra} if extra else props


def _cypher_epoch_ms(text: str) -> str:
    """Cypher for the epoch milliseconds of an ISO string as ``iso()`` writes it
    (``2026-01-05T09:00:00.000+00:00``), by days-from-civil arithmetic: no datetime parsing needed."""
    def part(start: int, length: int) -> str:
        return f"toInteger(substring({text}, {start}, {length}))"
    year, month, day = part(0, 4), part(5, 2), part(8, 2)
    y = f"({year} - CASE WHEN {month} <= 2 THEN 1 ELSE 0 END)"
    doy = f"((153 * ({month} + CASE WHEN {month} > 2 THEN -3 ELSE 9 END) + 2) / 5 + {day} - 1)"
    yoe = f"({y} % 400)"
    days = f"(({y} / 400) * 146097 + {yoe} * 365 + {yoe} / 4 - {yoe} / 100 + {doy} - 719468)"
    clock = f"(({part(11, 2)} * 60 + {part(14, 2)}) * 60 + {part(17, 2)}) * 1000 + {part(20, 3)}"
    offset = (f"CASE WHEN size({text}) >= 29 THEN (CASE WHEN substring({text}, 23, 1) = '-' THEN -1 ELSE 1 END) "
              f"* ({part(24, 2)} * 60 + {part(27, 2)}) * 60000 ELSE 0 END")
    return f"CASE WHEN {text} IS NULL THEN null ELSE {days} * 86400000 + {clock} - {offset} END"


def backfill_epoch_ms(connection, batch: int = BACKFILL_BATCH) -> int:
    """Give sent referrals written before ``sent_ms`` … existed their epoch milliseconds, in
    batches. Idempotent; returns the referrals updated. Only sent referrals count in the figures,
    and one condition keeps the scan cheap (each property read costs on a referral's ~45)."""
    missing = "r.sent_at IS NOT NULL AND r.sent_ms IS NULL"
    sets = ", ".join(f"r.{ms_name(f)} = {_cypher_epoch_ms('r.' + f)}" for f in TIMED)
    updated = 0
    while True:
        rows = connection.write(f"MATCH (r:Referral) WHERE {missing} WITH r LIMIT $batch SET {sets} "
                                "RETURN count(r) AS n", {"batch": batch})
        done = rows[0]["n"] if rows else 0
        updated += done
        if done < batch:
            return updated


GROUP_KEYS = {
    "total": "WITH r, 'alle' AS key",
    "gemeente": "WITH r, coalesce(r.gemeente_code, 'onbekend') AS key",
    "wijk": "WITH r, coalesce(r.wijk_code, 'onbekend') AS key",
    # A referral with two leefgebieden counts in both.
    "leefgebied": "UNWIND CASE WHEN size(coalesce(r.life_domains, [])) = 0 THEN ['onbekend'] "
                  "ELSE r.life_domains END AS key",
    "rung": "WITH r, coalesce(r.to_rung, 'onbekend') AS key",
    "partner": "WITH r, coalesce(r.to_org_id, 'onbekend') AS key",
    # $months: [start ms, label] of each local month, in order; the last one started wins.
    "month": "WITH r, reduce(k = null, m IN $months | CASE WHEN m[0] <= r.sent_ms THEN m[1] ELSE k END) AS key",
}
# Counted per combination of plain values (FalkorDB groups fast, but evaluates a count(CASE …) per
# column slowly); the sums per group are made in Python (_count_states).
STATES = ("RETURN key, r.status AS status, r.decline_reason AS reason, r.outcome AS outcome, "
          "r.received_at IS NOT NULL AS received, r.accepted_at IS NOT NULL AS accepted, "
          "r.sent_ms <= $matured AS matured, r.closed_ms - r.sent_ms <= $closure AS closed_in_time, "
          "CASE r.status WHEN 'verzonden' THEN r.receive_due_at ELSE r.accept_due_at END < $now AS overdue, "
          "count(r) AS n")
KINDS = ("RETURN key, r.to_rung AS rung, coalesce(r.from_formal, false) AS from_formal, "
         "coalesce(r.to_formal, false) AS to_formal, count(r) AS n")
DURATIONS = ("UNWIND [['received', r.received_ms - r.sent_ms], ['accepted', r.accepted_ms - r.sent_ms], "
             "['started', r.started_ms - r.sent_ms]] AS d "
             "WITH key, d[0] AS kind, d[1] AS ms WHERE ms IS NOT NULL "
             "WITH key, kind, ms ORDER BY ms "
             "WITH key, kind, collect(ms) AS sorted "
             "RETURN key, kind, size(sorted) AS n, sorted[(size(sorted) - 1) / 2] AS low, "
             "sorted[size(sorted) / 2] AS high, sorted[toInteger(ceil(0.9 * size(sorted))) - 1] AS p90")


def _empty_tally(key: str) -> dict[str, Any]:
    return {"key": key, "referrals": 0, "received": 0, "accepted": 0, "declined": 0, "matured": 0, "closed": 0,
            "not_received": 0, "not_accepted": 0, "expired": 0, "reasons": {}, "outcomes": {}, "rungs": {},
            "formality": {}, "durations": {}}


def _count_states(tally: dict[str, Any], row: dict[str, Any]) -> None:
    """Add one combination of (status, reason, outcome, flags) with its count to a group's tally."""
    n, status = row["n"], row["status"]
    tally["referrals"] += n
    tally["received"] += n if row["received"] else 0
    tally["accepted"] += n if row["accepted"] else 0
    if row["matured"] is True:
        tally["matured"] += n
        if status == "afgerond" and row["outcome"] and row["closed_in_time"] is True:
            tally["closed"] += n
    if status == "afgewezen":
        tally["declined"] += n
        tally["reasons"][row["reason"]] = tally["reasons"].get(row["reason"], 0) + n
    elif status == "afgerond":
        tally["outcomes"][row["outcome"]] = tally["outcomes"].get(row["outcome"], 0) + n
    elif status == "verlopen":
        tally["expired"] += n
    elif status in ("verzonden", "ontvangen") and row["overdue"] is True:
        tally["not_received" if status == "verzonden" else "not_accepted"] += n


def _with_names(row: dict[str, Any]) -> dict[str, Any]:
    return {**row["referral"], "from_org_name": row.get("from_org_name"),
            "to_service_name": row.get("to_service_name"), "to_org_name": row.get("to_org_name")}


class ReferralStore:
    def __init__(self, store: GraphStore):
        self.connection = store.connection

    # -- targets ---------------------------------------------------------------------------------
    def service_target(self, service_id: str) -> dict[str, Any] | None:
        rows = self.connection.read(
            "MATCH (s:Service {id: $id}) OPTIONAL MATCH (o:Organization {id: s.organization_id}) "
            "RETURN s {.id, .name, .organization_id, .org_name, .rung, .confidential, .formal, .wijk_code, "
            ".gemeente_code, .serves} AS service, coalesce(s.closed, false) OR coalesce(o.closed, false) AS closed, "
            "o.id IS NOT NULL AS has_organization", {"id": service_id})
        if not rows or not rows[0]["has_organization"]:
            return None
        return {**rows[0]["service"], "closed": bool(rows[0]["closed"])}

    # -- writes ----------------------------------------------------------------------------------
    def create(self, referral: dict[str, Any], event: dict[str, Any], audit: dict[str, Any]) -> int | None:
        rows = self.connection.write(
            "MATCH (o:Organization {id: $referral.from_org_id}) MATCH (s:Service {id: $referral.to_service_id}) "
            "MERGE (m:Meta {id: $counter}) ON CREATE SET m.seq = 0 "
            "SET m.seq = m.seq + 1 "
            "CREATE (r:Referral) SET r += $referral, r.from_formal = coalesce(o.formal, true) "
            "CREATE (r)-[:FROM]->(o) CREATE (r)-[:TO]->(s) "
            "CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent) SET e += $event, e.seq = m.seq, e.version = r.version "
            "CREATE (a:AuditEntry) SET a += $audit "
            "RETURN e.seq AS seq",
            {"referral": with_epoch_ms(referral), "event": event, "audit": audit, "counter": EVENT_COUNTER})
        return rows[0]["seq"] if rows else None

    def transition(self, referral_id: str, *, expected_status: str, expected_version: int, changes: dict[str, Any],
                   event: dict[str, Any], audit: dict[str, Any],
                   forward: tuple[dict[str, Any], dict[str, Any]] | None = None) -> dict[str, Any] | None:
        """Check and write in one statement; None when the referral was not in the expected state.
        ``forward``: a new referral (and its first event) created in the same statement."""
        params: dict[str, Any] = {"id": referral_id, "expected": expected_status, "version": expected_version,
                                  "next": event["to_status"], "changes": with_epoch_ms(changes), "event": event,
                                  "audit": audit, "counter": EVENT_COUNTER}
        match = "MATCH (r:Referral {id: $id}) "
        carry = "r"
        tail = ""
        returns = "r.version AS version, e.seq AS seq"
        if forward is not None:
            params["new"], params["new_event"] = with_epoch_ms(forward[0]), forward[1]
            # Everything the new referral needs is matched before anything is written.
            match += "MATCH (nfo:Organization {id: $new.from_org_id}) MATCH (nts:Service {id: $new.to_service_id}) "
            carry = "r, nfo, nts"
            tail = ("SET m.seq = m.seq + 1 "
                    "CREATE (n:Referral) SET n += $new, n.from_formal = coalesce(nfo.formal, true) "
                    "CREATE (n)-[:FROM]->(nfo) CREATE (n)-[:TO]->(nts) CREATE (n)-[:FORWARDED_FROM]->(r) "
                    "CREATE (n)-[:HAS_EVENT]->(ne:ReferralEvent) SET ne += $new_event, ne.seq = m.seq, "
                    "ne.version = n.version ")
            returns += ", ne.seq AS forward_seq, n.id AS forwarded_to"
        rows = self.connection.write(
            match
            + "SET r._lock = true SET r._lock = null "  # takes the write lock on Neo4j; no net change
            + f"WITH {carry} WHERE r.status = $expected AND r.version = $version "
            "MERGE (m:Meta {id: $counter}) ON CREATE SET m.seq = 0 "
            "SET m.seq = m.seq + 1 "
            "SET r += $changes, r.status = $next, r.version = r.version + 1 "
            "CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent) SET e += $event, e.seq = m.seq, e.version = r.version "
            "CREATE (a:AuditEntry) SET a += $audit "
            + tail + "RETURN " + returns, params)
        return rows[0] if rows else None

    def anonymise(self, cutoff: str, now: str, audit: dict[str, Any]) -> list[str]:
        rows = self.connection.write(
            "MATCH (r:Referral) WHERE r.status IN $final AND r.closed_at < $cutoff AND r.anonymised_at IS NULL "
            # One map for the whole node: FalkorDB removes the wrong properties when one query
            # clears several with separate `SET x = null` items (see graph/store.py).
            "SET r = r {.*, request_enc: null, contact_enc: null, client_ref_enc: null, client_ref_hash: null, "
            "consent_purpose_enc: null, anonymised_at: $now} "
            "CREATE (a:AuditEntry) SET a += $audit, a.id = $audit.id + '-' + r.id, a.referral_id = r.id "
            "RETURN r.id AS id ORDER BY id",
            {"final": sorted(FINAL_STATES), "cutoff": cutoff, "now": now, "audit": audit})
        return [row["id"] for row in rows]

    def audit(self, entries: list[dict[str, Any]]) -> None:
        if entries:
            self.connection.write("UNWIND $rows AS row CREATE (a:AuditEntry) SET a += row", {"rows": entries})

    # -- reads -----------------------------------------------------------------------------------
    def get(self, referral_id: str) -> dict[str, Any] | None:
        rows = self.connection.read(
            f"MATCH (r:Referral {{id: $id}}) {NAMES}RETURN r {{{REFERRAL_FIELDS}}} AS referral, {NAME_COLUMNS}",
            {"id": referral_id})
        return _with_names(rows[0]) if rows else None

    def get_with_events(self, referral_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """``get`` and ``events_of`` in one round trip."""
        rows = self.connection.read(
            f"MATCH (r:Referral {{id: $id}}) {NAMES}"
            "OPTIONAL MATCH (x:ReferralEvent {referral_id: r.id}) WITH r, fo, ts, ro, x ORDER BY x.seq "
            f"RETURN r {{{REFERRAL_FIELDS}}} AS referral, {NAME_COLUMNS}, collect(x {{{EVENT_FIELDS}}}) AS events",
            {"id": referral_id})
        return (_with_names(rows[0]), rows[0]["events"]) if rows else None

    def events_of(self, referral_id: str) -> list[dict[str, Any]]:
        rows = self.connection.read(
            f"MATCH (e:ReferralEvent {{referral_id: $id}}) RETURN e {{{EVENT_FIELDS}}} AS event ORDER BY e.seq",
            {"id": referral_id})
        return [row["event"] for row in rows]

    def page(self, organization_id: str, box: str, statuses: list[str], overdue_at: str | None, skip: int,
             limit: int) -> tuple[int, list[dict[str, Any]]]:
        conditions = [SENT_OR_RECEIVED[box]]
        params: dict[str, Any] = {"org": organization_id, "skip": skip, "limit": limit}
        if statuses:
            conditions.append("r.status IN $statuses")
            params["statuses"] = statuses
        if overdue_at is not None:
            conditions.append(OVERDUE)
            params["now"] = overdue_at
        where = " AND ".join(conditions)
        total = self.connection.read(f"MATCH (r:Referral) WHERE {where} RETURN count(r) AS total", params)[0]["total"]
        if not total or skip >= total:
            return total, []
        rows = self.connection.read(
            f"MATCH (r:Referral) WHERE {where} WITH r ORDER BY coalesce(r.sent_at, r.created_at) DESC, r.id "
            f"SKIP $skip LIMIT $limit {NAMES}RETURN r {{{SUMMARY_FIELDS}}} AS referral, {NAME_COLUMNS}", params)
        return total, [_with_names(row) for row in rows]

    def feed(self, organization_id: str, since_seq: int, since_at: str | None, limit: int) -> list[dict[str, Any]]:
        time_condition = "AND e.at > $at " if since_at else ""
        rows = self.connection.read(
            f"MATCH (e:ReferralEvent) WHERE e.seq > $since {time_condition}"
            "AND (e.from_org_id = $org OR (e.to_org_id = $org AND e.receiver_visible = true)) "
            f"RETURN e {{{EVENT_FIELDS}}} AS event ORDER BY e.seq LIMIT $limit",
            {"since": since_seq, "at": since_at, "org": organization_id, "limit": limit})
        return [row["event"] for row in rows]

    def by_client_ref(self, organization_id: str, ref_hash: str) -> list[dict[str, Any]]:
        rows = self.connection.read(
            f"MATCH (r:Referral {{client_ref_hash: $hash}}) WHERE r.from_org_id = $org WITH r "
            f"ORDER BY r.created_at, r.id {NAMES}RETURN r {{{REFERRAL_FIELDS}}} AS referral, {NAME_COLUMNS}",
            {"hash": ref_hash, "org": organization_id})
        return [_with_names(row) for row in rows]

    def expirable(self, now: str) -> list[dict[str, Any]]:
        rows = self.connection.read(
            f"MATCH (r:Referral) WHERE r.status IN ['verzonden', 'ontvangen'] AND r.expires_at < $now "
            f"RETURN r {{{REFERRAL_FIELDS}}} AS referral ORDER BY r.expires_at, r.id", {"now": now})
        return [row["referral"] for row in rows]

    def audit_entries(self, referral_id: str) -> list[dict[str, Any]]:
        rows = self.connection.read(f"MATCH (a:AuditEntry {{referral_id: $id}}) RETURN a {{{AUDIT_FIELDS}}} AS entry "
                                    "ORDER BY a.at, a.id", {"id": referral_id})
        return [row["entry"] for row in rows]

    # -- network figures: counted in the store (no personal data leaves it) ---------------------
    def figure_tallies(self, *, since: str, until: str, gemeenten: list[str] | None, wijk: str | None,
                       groupings: list[tuple[str, bool]], now: str, matured_before: str, closure_days: int,
                       months: list[tuple[str, str]] | None = None) -> list[list[dict[str, Any]]]:
        """For each (group_by, durations_only) in ``groupings``: per group of the referrals sent in
        [since, until), the counts the figures need and, per duration (hours from sending to
        received / accepted / started), the count and the sorted values at the middle ranks and the
        90th-percentile rank (nearest rank), in milliseconds. ``durations_only``: the counts are
        left at zero (the caller adds them up from other groups). ``months``: (start, label) of the
        local months, for ``group_by='month'``. All queries run at once."""
        scope, params = self._figure_scope(since, until, gemeenten, wijk)
        params.update({"now": now, "matured": epoch_ms(matured_before), "closure": closure_days * 86_400_000,
                       "months": [[epoch_ms(at), label] for at, label in months or []]})
        queries: list[tuple[str, dict[str, Any]]] = []
        for group_by, durations_only in groupings:
            grouped = f"MATCH (r:Referral) WHERE {scope} {GROUP_KEYS[group_by]} "
            queries.append((grouped + DURATIONS, params))
            if not durations_only:
                queries += [(grouped + STATES, params), (grouped + KINDS, params)]
        answers = iter(self._read_together(queries))
        results = []
        for group_by, durations_only in groupings:
            durations = next(answers)
            states, kinds = ([], []) if durations_only else (next(answers), next(answers))
            results.append(self._tallies(group_by, states, kinds, durations))
        return results

    def _tallies(self, group_by: str, states: list[dict[str, Any]], kinds: list[dict[str, Any]],
                 durations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_key: dict[str, dict[str, Any]] = {}
        for row in states:
            _count_states(by_key.setdefault(row["key"], _empty_tally(row["key"])), row)
        for row in kinds:
            tally = by_key[row["key"]]
            tally["rungs"][row["rung"]] = tally["rungs"].get(row["rung"], 0) + row["n"]
            pair = (row["from_formal"] is True, row["to_formal"] is True)
            tally["formality"][pair] = tally["formality"].get(pair, 0) + row["n"]
        for row in durations:
            by_key.setdefault(row["key"], _empty_tally(row["key"]))["durations"][row["kind"]] = (
                row["n"], row["low"], row["high"], row["p90"])
        if group_by == "partner" and by_key:
            names = self.connection.read("MATCH (o:Organization) WHERE o.id IN $ids RETURN o.id AS id, o.name AS name",
                                         {"ids": list(by_key)})
            for row in names:
                by_key[row["id"]]["name"] = row["name"]
        return [by_key[key] for key in sorted(by_key)]

    def _read_together(self, queries: list[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        """Several reads at once: the store runs reads side by side. Each runs in a copy of the
        caller's context, so a web request's statement budget holds for all of them."""
        if len(queries) == 1:
            return [self.connection.read(*queries[0])]
        with ThreadPoolExecutor(max_workers=len(queries)) as pool:
            futures = [pool.submit(contextvars.copy_context().run, self.connection.read, query, params)
                       for query, params in queries]
            return [future.result() for future in futures]

    def flow_pairs(self, *, since: str, until: str, gemeenten: list[str] | None,
                   wijk: str | None) -> list[dict[str, Any]]:
        """Per (from organisation, to organisation): the referrals in the period, and the first of
        them (by sent_at, id) as ``first`` with the sides' formality (``<sent_at><id>|<from><to>``,
        1 formal, 0 not), so an organisation's formality is read where it first appears."""
        scope, params = self._figure_scope(since, until, gemeenten, wijk)
        return self.connection.read(
            f"MATCH (r:Referral) WHERE {scope} "
            "RETURN r.from_org_id AS from_org_id, r.to_org_id AS to_org_id, count(r) AS n, "
            "min(r.sent_at + r.id + '|' + CASE WHEN r.from_formal = true THEN '1' ELSE '0' END "
            "+ CASE WHEN r.to_formal = true THEN '1' ELSE '0' END) AS first "
            "ORDER BY from_org_id, to_org_id", params)

    def organizations_named(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.connection.read("MATCH (o:Organization) WHERE o.id IN $ids RETURN o {.id, .name, .kind} AS o",
                                    {"ids": ids})
        return {row["o"]["id"]: row["o"] for row in rows}

    @staticmethod
    def _figure_scope(since: str, until: str, gemeenten: list[str] | None,
                      wijk: str | None) -> tuple[str, dict[str, Any]]:
        # A range on sent_ms only: `IS NOT NULL` would keep FalkorDB from using the index.
        conditions = ["r.sent_ms >= $since", "r.sent_ms < $until"]
        if gemeenten is not None:
            conditions.insert(0, "r.gemeente_code IN $gemeenten")
        if wijk is not None:
            conditions.append("r.wijk_code = $wijk")
        params = {"since": epoch_ms(since), "until": epoch_ms(until), "gemeenten": gemeenten, "wijk": wijk}
        return " AND ".join(conditions), params

    def partners(self, gemeenten: list[str] | None) -> list[dict[str, Any]]:
        """Organisations with a service located in, or serving, one of these gemeenten (all when None)."""
        if gemeenten is None:
            rows = self.connection.read(
                "MATCH (o:Organization)-[:PROVIDES]->(:Service) "
                "RETURN DISTINCT o.id AS id, o.name AS name, o.kind AS kind, o.formal AS formal")
        else:
            # Two index-backed halves: located there, or serving one of its areas (SERVES).
            rows = self.connection.read(
                "MATCH (s:Service) WHERE s.gemeente_code IN $gemeenten MATCH (o:Organization)-[:PROVIDES]->(s) "
                "RETURN o.id AS id, o.name AS name, o.kind AS kind, o.formal AS formal "
                "UNION MATCH (a:Area) WHERE substring(a.code, 2, 4) IN $digits "
                "MATCH (a)<-[:SERVES]-(s:Service)<-[:PROVIDES]-(o:Organization) "
                "RETURN o.id AS id, o.name AS name, o.kind AS kind, o.formal AS formal",
                {"gemeenten": gemeenten, "digits": [g[2:6] for g in gemeenten]})
        return sorted(rows, key=lambda o: (o.get("name") or "", o["id"]))

    def referred_organizations(self, *, since: str, until: str, among: list[str] | None = None) -> set[str]:
        """The organisations referred to in the period (anywhere); only those ``among`` when given."""
        params = {"since": epoch_ms(since), "until": epoch_ms(until), "ids": among}
        if among is None:
            rows = self.connection.read("MATCH (r:Referral) WHERE r.sent_ms >= $since AND r.sent_ms < $until "
                                        "RETURN DISTINCT r.to_org_id AS id", params)
        else:
            rows = self.connection.read("MATCH (r:Referral) WHERE r.to_org_id IN $ids AND r.sent_ms >= $since "
                                        "AND r.sent_ms < $until RETURN DISTINCT r.to_org_id AS id", params)
        return {row["id"] for row in rows}

    def gemeenten_in(self, regio_codes: list[str]) -> list[str]:
        rows = self.connection.read("MATCH (g:Gemeente)-[:IN]->(r:Regio) WHERE r.code IN $codes "
                                    "RETURN g.code AS code ORDER BY code", {"codes": regio_codes})
        return [row["code"] for row in rows]

    # -- webhooks --------------------------------------------------------------------------------
    def set_webhook(self, organization_id: str, url: str, secret_enc: str, at: str) -> bool:
        rows = self.connection.write(
            "MATCH (o:Organization {id: $org}) MERGE (o)-[:HAS_WEBHOOK]->(w:Webhook {organization_id: $org}) "
            "SET w.url = $url, w.secret_enc = $secret, w.updated_at = $at RETURN w.organization_id AS id",
            {"org": organization_id, "url": url, "secret": secret_enc, "at": at})
        return bool(rows)

    def remove_webhook(self, organization_id: str) -> bool:
        rows = self.connection.write("MATCH (w:Webhook {organization_id: $org}) DETACH DELETE w RETURN count(*) AS n",
                                     {"org": organization_id})
        return bool(rows and rows[0]["n"])

    def webhooks_for(self, organization_ids: list[str]) -> list[dict[str, Any]]:
        rows = self.connection.read("MATCH (w:Webhook) WHERE w.organization_id IN $ids "
                                    "RETURN w {.organization_id, .url, .secret_enc} AS webhook",
                                    {"ids": organization_ids})
        return [row["webhook"] for row in rows]
