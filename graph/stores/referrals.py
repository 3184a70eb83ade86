"""Referrals, their events, the audit log, webhooks and the counts for network figures, in Cypher.

``(Referral)-[:FROM]->(Organization)``, ``(Referral)-[:TO]->(Service)``,
``(Referral)-[:HAS_EVENT]->(ReferralEvent)``, ``(Referral)-[:FORWARDED_FROM]->(Referral)``,
``(Referral)-[:REREFERRED_FROM]->(Referral)`` (the sender referred again),
``(Referral)-[:HAS_MESSAGE]->(ReferralMessage)``, ``(Organization)-[:HAS_WEBHOOK]->(Webhook)``;
``AuditEntry`` nodes stand alone.

A transition is ONE statement that checks the expected status and version and writes the new
state, its event (numbered from a counter node, so the feed has a strict order) and its audit
entry together: of concurrent callers exactly one matches, the others get no row back. On Neo4j
the dummy ``SET`` first takes the node's write lock, so the check reads the committed state;
FalkorDB runs writes one at a time anyway. Values only as ``$parameters``.
"""
from __future__ import annotations

import contextvars
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

from graph.dialect import identifier
from graph.epoch_ms import TIMED, epoch_ms, ms_name, with_epoch_ms
from graph.stores.catalog import GraphStore
from graph.stores.rows import record_of
from socialekaart.referrals.figure_rules import (
    DURATIONS as FIGURE_DURATIONS,
)
from socialekaart.referrals.figure_rules import (
    FACTS,
    FORMAL_WHEN_UNKNOWN,
    STATE_VALUES,
    AllOf,
    AnyOf,
    AtOrBefore,
    Before,
    Condition,
    Equals,
    Moments,
    Present,
    Within,
)
from socialekaart.referrals.lifecycle import FINAL_STATES
from socialekaart.referrals.records import (
    AuditEntry,
    Message,
    NamedOrganization,
    OrganizationServices,
    Partner,
    Referral,
    ReferralEvent,
    ReferralSummary,
    SealedMessage,
    SealedReferral,
    ServiceTarget,
    Webhook,
    WebhookSecret,
)
from socialekaart.shared.clock import iso
from socialekaart.shared.disclosure import KEY_BITS

EVENT_COUNTER = "referral-event-seq"
SUMMARY_FIELDS = (".id, .status, .version, .urgency, .life_domains, .from_org_id, .to_org_id, .to_service_id, "
                  ".created_at, .updated_at, .sent_at, .receive_due_at, .accept_due_at, .expires_at, .client_ref_enc, "
                  ".decline_reason, .cancel_reason, .outcome, .closed_at, .from_formal, .to_formal")
SEALED_FIELDS = (".request_enc, .contact_enc, .client_ref_enc, .client_ref_hash, .consent_purpose_enc, "
                 ".legal_basis_reason_enc")
REFERRAL_FIELDS = (
    SUMMARY_FIELDS + ", .sender_account_id, .to_rung, .wijk_code, .gemeente_code, "
    ".request_enc, .contact_enc, .client_ref_hash, .consent_purpose_enc, .consent_partner_id, "
    ".consent_date, .consent_method, .legal_basis, .legal_basis_reason_enc, .forwarded_from, .forwarded_to, "
    ".received_at, .accepted_at, .declined_at, .waitlisted_at, .started_at, .anonymised_at, .rereferred_from, "
    ".rereferred_to")
FACT_FIELDS = (".id, .status, .from_org_id, .to_org_id, .to_rung, .from_formal, .to_formal, .life_domains, "
               ".wijk_code, .gemeente_code, .sent_at, .received_at, .accepted_at, .declined_at, .started_at, "
               ".closed_at, .decline_reason, .outcome, .receive_due_at, .accept_due_at")
EVENT_FIELDS = (".id, .seq, .version, .referral_id, .at, .from_status, .to_status, .side, .actor_account_id, "
                ".actor_org_id, .reason, .outcome, .linked_referral_id, .from_org_id, .to_org_id, .receiver_visible")
MESSAGE_FIELDS = ".id, .n, .referral_id, .at, .side, .author_account_id, .author_org_id, .text_enc, .anonymised_at"
AUDIT_FIELDS = ".id, .at, .account_id, .role, .organization_id, .action, .referral_id, .allowed"
NAMES = ("OPTIONAL MATCH (fo:Organization {id: r.from_org_id}) OPTIONAL MATCH (ts:Service {id: r.to_service_id}) "
         "OPTIONAL MATCH (ro:Organization {id: r.to_org_id}) ")
# A removed service leaves its name on the referral (graph/stores/catalog.py remove_service_statements).
NAME_COLUMNS = ("fo.name AS from_org_name, coalesce(ts.name, r.to_service_name) AS to_service_name, "
                "ro.name AS to_org_name")
SENT_OR_RECEIVED = {"received": "r.to_org_id = $org AND r.status <> 'concept'", "sent": "r.from_org_id = $org"}


# The keys a referral counts under, per grouping (a list: a referral with two leefgebieden counts in both).
GROUP_KEYS = {
    "total": "['alle']",
    "gemeente": "[coalesce(r.gemeente_code, 'onbekend')]",
    "wijk": "[coalesce(r.wijk_code, 'onbekend')]",
    "leefgebied": "CASE WHEN size(coalesce(r.life_domains, [])) = 0 THEN ['onbekend'] ELSE r.life_domains END",
    "rung": "[coalesce(r.to_rung, 'onbekend')]",
    "partner": "[coalesce(r.to_org_id, 'onbekend')]",
    # $months: [start ms, label] of each local month, in order; the last one started wins.
    "month": "[reduce(k = null, m IN $months | CASE WHEN m[0] <= r.sent_ms THEN m[1] ELSE k END)]",
}
CODE_VALUE = re.compile(r"^[a-z][a-z0-9-]*$")  # the only literals figure_cypher writes into Cypher


def figure_moments(moments: Moments) -> dict[str, Any]:
    """The parameters figure_cypher's conditions compare with: each moment as ISO text and as epoch
    milliseconds, and each span in milliseconds."""
    return {"now_iso": iso(moments.now), "now_ms": epoch_ms(iso(moments.now)),
            "matured_iso": iso(moments.matured), "matured_ms": epoch_ms(iso(moments.matured)),
            "closure_ms": moments.closure // timedelta(milliseconds=1)}


def figure_cypher(condition: Condition) -> str:
    """A figure condition as a Cypher expression on ``r``. Moments compare on the epoch milliseconds
    where a field has them (TIMED), else on the ISO text; both orders are the same."""
    def moment(field: str, name: str) -> tuple[str, str]:
        return (f"r.{ms_name(field)}", f"${name}_ms") if field in TIMED else (f"r.{field}", f"${name}_iso")

    match condition:
        case Present(field):
            return f"r.{identifier(field)} IS NOT NULL"
        case Equals(field, value):
            if not CODE_VALUE.match(value):
                raise ValueError(f"not a code value: {value!r}")
            return f"r.{identifier(field)} = '{value}'"
        case Before(field, name):
            left, right = moment(field, name)
            return f"{left} < {right}"
        case AtOrBefore(field, name):
            left, right = moment(field, name)
            return f"{left} <= {right}"
        case Within(start, end, span):
            return f"r.{ms_name(end)} - r.{ms_name(start)} <= ${span}_ms"
        case AllOf(parts):
            return "(" + " AND ".join(figure_cypher(part) for part in parts) + ")"
        case AnyOf(parts):
            return "(" + " OR ".join(figure_cypher(part) for part in parts) + ")"
    raise TypeError(f"unknown condition {condition!r}")


# Counted per combination of plain values (FalkorDB groups fast, but evaluates a count(CASE …) per
# column slowly); the domain adds the combinations up (socialekaart.referrals.figure_rules). Which
# facts and values are counted comes from there too, rendered as Cypher by figure_cypher.
STATES = ("RETURN grouping, key, "
          + ", ".join(f"r.{field} AS {name}" for name, field in STATE_VALUES.items()) + ", "
          + ", ".join(f"{figure_cypher(condition)} AS {name}" for name, condition in FACTS.items())
          + ", count(r) AS n, sum(r.ckey) AS ck")
KINDS = ("RETURN grouping, key, r.to_rung AS rung, "
         + ", ".join(f"coalesce(r.{field}, {str(FORMAL_WHEN_UNKNOWN).lower()}) AS {field}"
                     for field in ("from_formal", "to_formal"))
         + ", count(r) AS n, sum(r.ckey) AS ck")
# ck: the sum of the record keys of the referrals counted (the cell key, socialekaart.shared.disclosure).
# percentileDisc(p) is the nearest rank on both stores: the value at sorted index ceil(p * n) - 1. So 0.5
# gives the lower middle value, just over 0.5 the upper one (the same when n is odd; exact while
# n < 10^8), and 0.9 the p90, without sorting every row first (on Neo4j about twice as fast).
JUST_OVER_HALF = "0.500000001"
DURATIONS = ("UNWIND ["
             + ", ".join(f"['{kind}', r.{ms_name(field)} - r.sent_ms, r.ckey]"
                         for kind, field in FIGURE_DURATIONS.items())
             + "] AS d "
             "WITH grouping, key, d[0] AS kind, d[1] AS ms, d[2] AS ckey WHERE ms IS NOT NULL "
             "RETURN grouping, key, kind, count(ms) AS n, percentileDisc(ms, 0.5) AS low, "
             f"percentileDisc(ms, {JUST_OVER_HALF}) AS high, percentileDisc(ms, 0.9) AS p90, sum(ckey) AS ck")


# The inbox's "te laat" filter is the figures' definition of overdue (compares with $now_iso).
OVERDUE = figure_cypher(FACTS["overdue"])
# The inbox's orders. The deadline is the one the referral waits on now; without one it sorts last.
DEADLINE = ("CASE r.status WHEN 'verzonden' THEN r.receive_due_at WHEN 'ontvangen' THEN r.accept_due_at "
            "ELSE null END")
URGENCY_RANK = "CASE r.urgency WHEN 'spoed' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END"
INBOX_ORDER = {"nieuwste": "sent DESC", "oudste": "sent",
               "termijn": "CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, sent DESC",
               "urgentie": "rank, sent DESC"}


Record = TypeVar("Record")


def _referral(kind: type[Record], row: dict[str, Any]) -> Record:
    """A referral (or inbox row) from ``referral`` and the name columns (NAME_COLUMNS) of a row."""
    values = row["referral"]
    return record_of(kind, {**values, "life_domains": tuple(values.get("life_domains") or ()),
                          "from_org_name": row.get("from_org_name"), "to_service_name": row.get("to_service_name"),
                          "to_org_name": row.get("to_org_name")})


def with_record_key(referral: dict[str, Any]) -> dict[str, Any]:
    """A new referral with its secret record key (``ckey``): the cell-key noise of every count it is in
    (socialekaart.shared.disclosure). Random, never shown, kept through anonymisation."""
    return {**referral, "ckey": secrets.randbits(KEY_BITS)}


class ReferralStore:
    def __init__(self, store: GraphStore):
        self.connection = store.connection

    # -- targets ---------------------------------------------------------------------------------
    def service_target(self, service_id: str) -> ServiceTarget | None:
        rows = self.connection.read(
            "MATCH (s:Service {id: $id}) OPTIONAL MATCH (o:Organization {id: s.organization_id}) "
            "RETURN s {.id, .name, .organization_id, .org_name, .rung, .confidential, .formal, .wijk_code, "
            ".gemeente_code, .serves} AS service, coalesce(s.closed, false) OR coalesce(o.closed, false) AS closed, "
            "o.id IS NOT NULL AS has_organization", {"id": service_id})
        if not rows or not rows[0]["has_organization"]:
            return None
        service = rows[0]["service"]
        return record_of(ServiceTarget, {**service, "serves": tuple(service.get("serves") or ()),
                                       "closed": bool(rows[0]["closed"])})

    # -- writes ----------------------------------------------------------------------------------
    def create(self, referral: dict[str, Any], events: list[dict[str, Any]],
               audits: list[dict[str, Any]]) -> list[int] | None:
        """The referral, its events (version 1, 2, …) and audit entries in one statement."""
        rows = self.connection.write(
            "MATCH (o:Organization {id: $referral.from_org_id}) MATCH (s:Service {id: $referral.to_service_id}) "
            "MERGE (m:Meta {id: $counter}) ON CREATE SET m.seq = 0 "
            "SET m.seq = m.seq + size($events) "
            "CREATE (r:Referral) SET r += $referral, r.from_formal = coalesce(o.formal, true) "
            "CREATE (r)-[:FROM]->(o) CREATE (r)-[:TO]->(s) "
            "WITH r, m.seq - size($events) AS base "
            "UNWIND $audits AS audit CREATE (a:AuditEntry) SET a += audit "
            "WITH DISTINCT r, base "
            "UNWIND range(0, size($events) - 1) AS i "
            "CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent) SET e += $events[i], e.seq = base + i + 1, e.version = i + 1 "
            "RETURN e.seq AS seq ORDER BY seq",
            {"referral": with_record_key(with_epoch_ms(referral)), "events": events, "audits": audits,
             "counter": EVENT_COUNTER})
        return [row["seq"] for row in rows] if rows else None

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
            params["new"], params["new_event"] = with_record_key(with_epoch_ms(forward[0])), forward[1]
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

    def rerefer(self, original_id: str, *, expected_status: str, referral: dict[str, Any],
                events: list[dict[str, Any]], audits: list[dict[str, Any]]) -> list[int] | None:
        """The sender's new referral, linked to ``original_id`` (which points to it), in one statement;
        None when the original is no longer ``expected_status`` or was already referred again, or the
        organisation or service is gone. The original keeps its status and version."""
        rows = self.connection.write(
            "MATCH (old:Referral {id: $original}) "
            "SET old._lock = true SET old._lock = null "  # takes the write lock on Neo4j; no net change
            "WITH old WHERE old.status = $expected AND old.rereferred_to IS NULL AND old.anonymised_at IS NULL "
            "MATCH (o:Organization {id: $referral.from_org_id}) MATCH (s:Service {id: $referral.to_service_id}) "
            "MERGE (m:Meta {id: $counter}) ON CREATE SET m.seq = 0 "
            "SET m.seq = m.seq + size($events) "
            "SET old.rereferred_to = $referral.id "
            "CREATE (r:Referral) SET r += $referral, r.from_formal = coalesce(o.formal, true) "
            "CREATE (r)-[:FROM]->(o) CREATE (r)-[:TO]->(s) CREATE (r)-[:REREFERRED_FROM]->(old) "
            "WITH r, m.seq - size($events) AS base "
            "UNWIND $audits AS audit CREATE (a:AuditEntry) SET a += audit "
            "WITH DISTINCT r, base "
            "UNWIND range(0, size($events) - 1) AS i "
            "CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent) SET e += $events[i], e.seq = base + i + 1, e.version = i + 1 "
            "RETURN e.seq AS seq ORDER BY seq",
            {"original": original_id, "expected": expected_status,
             "referral": with_record_key(with_epoch_ms(referral)),
             "events": events, "audits": audits, "counter": EVENT_COUNTER})
        return [row["seq"] for row in rows] if rows else None

    def add_message(self, referral_id: str, message: dict[str, Any], audit: dict[str, Any], *,
                    closed: list[str]) -> bool:
        """The message and its audit entry, only while the referral is sent, not in one of ``closed``
        and not anonymised (checked in the same statement)."""
        rows = self.connection.write(
            "MATCH (r:Referral {id: $id}) "
            "SET r._lock = true SET r._lock = null "
            "WITH r WHERE r.status <> 'concept' AND NOT r.status IN $closed AND r.anonymised_at IS NULL "
            # Numbered per referral (under the referral's write lock), so the order never depends on the clock.
            "OPTIONAL MATCH (r)-[:HAS_MESSAGE]->(earlier:ReferralMessage) WITH r, count(earlier) AS n "
            "CREATE (r)-[:HAS_MESSAGE]->(m:ReferralMessage) SET m += $message, m.n = n + 1 "
            "CREATE (a:AuditEntry) SET a += $audit RETURN m.id AS id",
            {"id": referral_id, "message": message, "audit": audit, "closed": closed})
        return bool(rows)

    def messages_of(self, referral_id: str) -> list[Message]:
        rows = self.connection.read(
            f"MATCH (m:ReferralMessage {{referral_id: $id}}) RETURN m {{{MESSAGE_FIELDS}}} AS message "
            "ORDER BY m.n", {"id": referral_id})
        return [record_of(Message, row["message"]) for row in rows]

    def anonymise(self, cutoff: str, now: str, audit: dict[str, Any], *, also: list[str] | None = None) -> list[str]:
        """Closed before ``cutoff``, or one of ``also`` (just closed for the retention): sealed fields removed."""
        rows = self.connection.write(
            "MATCH (r:Referral) WHERE (r.status IN $final AND r.closed_at < $cutoff OR r.id IN $also) "
            "AND r.anonymised_at IS NULL "
            # One map for the whole node: FalkorDB removes the wrong properties when one query
            # clears several with separate `SET x = null` items (see graph/store.py).
            "SET r = r {.*, request_enc: null, contact_enc: null, client_ref_enc: null, client_ref_hash: null, "
            "consent_purpose_enc: null, legal_basis_reason_enc: null, anonymised_at: $now} "
            "CREATE (a:AuditEntry) SET a += $audit, a.id = $audit.id + '-' + r.id, a.referral_id = r.id "
            # The messages lose their text too; that there was a message, and when, stays.
            "WITH r OPTIONAL MATCH (r)-[:HAS_MESSAGE]->(m:ReferralMessage) WITH r, collect(m) AS messages "
            "FOREACH (x IN messages | SET x.text_enc = null, x.anonymised_at = $now) "
            "RETURN r.id AS id ORDER BY id",
            {"final": sorted(FINAL_STATES), "cutoff": cutoff, "now": now, "audit": audit, "also": also or []})
        return [row["id"] for row in rows]

    def audit(self, entries: list[dict[str, Any]]) -> None:
        if entries:
            self.connection.write("UNWIND $rows AS row CREATE (a:AuditEntry) SET a += row", {"rows": entries})

    # -- reads -----------------------------------------------------------------------------------
    def has_referrals(self) -> bool:
        return bool(self.connection.read("MATCH (r:Referral) RETURN r.id AS id LIMIT 1", {}))

    def get(self, referral_id: str) -> Referral | None:
        rows = self.connection.read(
            f"MATCH (r:Referral {{id: $id}}) {NAMES}RETURN r {{{REFERRAL_FIELDS}}} AS referral, {NAME_COLUMNS}",
            {"id": referral_id})
        return _referral(Referral, rows[0]) if rows else None

    def get_with_events(self, referral_id: str) -> tuple[Referral, list[ReferralEvent]] | None:
        """``get`` and ``events_of`` in one round trip."""
        rows = self.connection.read(
            f"MATCH (r:Referral {{id: $id}}) {NAMES}"
            "OPTIONAL MATCH (x:ReferralEvent {referral_id: r.id}) WITH r, fo, ts, ro, x ORDER BY x.seq "
            f"RETURN r {{{REFERRAL_FIELDS}}} AS referral, {NAME_COLUMNS}, collect(x {{{EVENT_FIELDS}}}) AS events",
            {"id": referral_id})
        if not rows:
            return None
        return _referral(Referral, rows[0]), [record_of(ReferralEvent, event) for event in rows[0]["events"]]

    def events_of(self, referral_id: str) -> list[ReferralEvent]:
        rows = self.connection.read(
            f"MATCH (e:ReferralEvent {{referral_id: $id}}) RETURN e {{{EVENT_FIELDS}}} AS event ORDER BY e.seq",
            {"id": referral_id})
        return [record_of(ReferralEvent, row["event"]) for row in rows]

    def page(self, organization_id: str, box: str, statuses: list[str], overdue_at: str | None, skip: int,
             limit: int, urgencies: list[str] | None = None,
             sort: str = "nieuwste") -> tuple[int, list[ReferralSummary]]:
        conditions = [SENT_OR_RECEIVED[box]]
        params: dict[str, Any] = {"org": organization_id, "skip": skip, "limit": limit}
        if statuses:
            conditions.append("r.status IN $statuses")
            params["statuses"] = statuses
        if urgencies:
            conditions.append("r.urgency IN $urgencies")
            params["urgencies"] = urgencies
        if overdue_at is not None:
            conditions.append(OVERDUE)
            params["now_iso"] = overdue_at
        where = " AND ".join(conditions)
        total = self.connection.read(f"MATCH (r:Referral) WHERE {where} RETURN count(r) AS total", params)[0]["total"]
        if not total or skip >= total:
            return total, []
        rows = self.connection.read(
            f"MATCH (r:Referral) WHERE {where} WITH r, coalesce(r.sent_at, r.created_at) AS sent, "
            f"{DEADLINE} AS deadline, {URGENCY_RANK} AS rank ORDER BY {INBOX_ORDER[sort]}, r.id "
            f"SKIP $skip LIMIT $limit {NAMES}RETURN r {{{SUMMARY_FIELDS}}} AS referral, {NAME_COLUMNS}", params)
        return total, [_referral(ReferralSummary, row) for row in rows]

    def box_counts(self, organization_id: str, now: str) -> dict[str, dict[str, int]]:
        """Per box: all referrals, the open ones and the overdue ones, in one query."""
        rows = self.connection.read(
            "MATCH (r:Referral) WHERE r.from_org_id = $org OR (r.to_org_id = $org AND r.status <> 'concept') "
            "WITH r, NOT r.status IN $final AS open, " + OVERDUE + " AS late "
            "RETURN r.from_org_id = $org AS sent, r.to_org_id = $org AND r.status <> 'concept' AS received, "
            "count(r) AS total, sum(CASE WHEN open THEN 1 ELSE 0 END) AS open, "
            "sum(CASE WHEN late THEN 1 ELSE 0 END) AS late",
            {"org": organization_id, "final": sorted(FINAL_STATES), "now_iso": now})
        counts = {box: {"total": 0, "open": 0, "overdue": 0} for box in ("received", "sent")}
        for row in rows:
            for box in ("received", "sent"):
                if row[box]:
                    found = counts[box]
                    found["total"] += int(row["total"])
                    found["open"] += int(row["open"])  # FalkorDB sums to a float
                    found["overdue"] += int(row["late"])
        return counts

    def feed(self, organization_id: str, since_seq: int, since_at: str | None, limit: int) -> list[ReferralEvent]:
        time_condition = "AND e.at > $at " if since_at else ""
        rows = self.connection.read(
            f"MATCH (e:ReferralEvent) WHERE e.seq > $since {time_condition}"
            "AND (e.from_org_id = $org OR (e.to_org_id = $org AND e.receiver_visible = true)) "
            f"RETURN e {{{EVENT_FIELDS}}} AS event ORDER BY e.seq LIMIT $limit",
            {"since": since_seq, "at": since_at, "org": organization_id, "limit": limit})
        return [record_of(ReferralEvent, row["event"]) for row in rows]

    def by_client_ref(self, organization_id: str, ref_hashes: list[str]) -> list[Referral]:
        rows = self.connection.read(
            f"MATCH (r:Referral) WHERE r.client_ref_hash IN $hashes AND r.from_org_id = $org WITH r "
            f"ORDER BY r.created_at, r.id {NAMES}RETURN r {{{REFERRAL_FIELDS}}} AS referral, {NAME_COLUMNS}",
            {"hashes": ref_hashes, "org": organization_id})
        return [_referral(Referral, row) for row in rows]

    def expirable(self, now: str) -> list[Referral]:
        rows = self.connection.read(
            f"MATCH (r:Referral) WHERE r.status IN ['verzonden', 'ontvangen'] AND r.expires_at < $now "
            f"RETURN r {{{REFERRAL_FIELDS}}} AS referral ORDER BY r.expires_at, r.id", {"now": now})
        return [_referral(Referral, row) for row in rows]

    def stale_open(self, statuses: list[str], cutoff: str) -> list[Referral]:
        """Open referrals not changed since ``cutoff``."""
        rows = self.connection.read(
            f"MATCH (r:Referral) WHERE r.status IN $statuses AND r.updated_at < $cutoff "
            f"RETURN r {{{REFERRAL_FIELDS}}} AS referral ORDER BY r.updated_at, r.id",
            {"statuses": statuses, "cutoff": cutoff})
        return [_referral(Referral, row) for row in rows]

    def organization_audit(self, organization_id: str, since: str, until: str, limit: int) -> list[AuditEntry]:
        """What the organisation's own accounts did and saw, newest first."""
        rows = self.connection.read(
            f"MATCH (a:AuditEntry) WHERE a.organization_id = $org AND a.at >= $since AND a.at <= $until "
            f"RETURN a {{{AUDIT_FIELDS}}} AS entry ORDER BY a.at DESC, a.id DESC LIMIT $limit",
            {"org": organization_id, "since": since, "until": until, "limit": limit})
        return [record_of(AuditEntry, row["entry"]) for row in rows]

    def prune_audit(self, before: str) -> int:
        rows = self.connection.write("MATCH (a:AuditEntry) WHERE a.at < $before DELETE a RETURN count(*) AS n",
                                     {"before": before})
        return int(rows[0]["n"]) if rows else 0

    def audit_entries(self, referral_id: str) -> list[AuditEntry]:
        rows = self.connection.read(f"MATCH (a:AuditEntry {{referral_id: $id}}) RETURN a {{{AUDIT_FIELDS}}} AS entry "
                                    "ORDER BY a.at, a.id", {"id": referral_id})
        return [record_of(AuditEntry, row["entry"]) for row in rows]

    # -- network figures: counted in the store (no personal data leaves it) ---------------------
    def figure_tallies(self, *, since: str, until: str, gemeenten: list[str] | None, wijk: str | None,
                       groupings: list[tuple[str, bool]], moments: Moments,
                       months: list[tuple[str, str]] | None = None,
                       leefgebied: str | None = None) -> list[list[dict[str, Any]]]:
        """For each (group_by, durations_only) in ``groupings``: per group of the referrals sent in
        [since, until), the counts the figures need and, per duration (hours from sending to
        received / accepted / started), the count and the sorted values at the middle ranks and the
        90th-percentile rank (nearest rank), in milliseconds. ``durations_only``: the counts are
        left at zero (the caller adds them up from other groups). ``months``: (start, label) of the
        local months, for ``group_by='month'``. ``leefgebied``: only referrals about that leefgebied.
        All queries run at once."""
        scope, params = self._figure_scope(since, until, gemeenten, wijk, leefgebied)
        params.update({**figure_moments(moments), "months": [[epoch_ms(at), label] for at, label in months or []]})
        # Three queries for all groupings (not three per grouping): one scan each, and on Neo4j a
        # first visit plans 3 queries instead of 21 (that planning took the network page past 10 s).
        every = [group_by for group_by, _ in groupings]
        counted = [group_by for group_by, durations_only in groupings if not durations_only]

        def grouped(names: list[str]) -> str:
            keys = " ".join(f"WHEN '{name}' THEN {GROUP_KEYS[name]}" for name in names)
            return (f"MATCH (r:Referral) WHERE {scope} UNWIND $groupings AS grouping "
                    f"WITH r, grouping, CASE grouping {keys} END AS keys UNWIND keys AS key WITH r, grouping, key ")

        queries = [(grouped(every) + DURATIONS, {**params, "groupings": every})]
        if counted:
            queries += [(grouped(counted) + STATES, {**params, "groupings": counted}),
                        (grouped(counted) + KINDS, {**params, "groupings": counted})]
        answers = self._read_together(queries)
        durations, states, kinds = answers[0], *(answers[1:] if counted else ([], []))

        def of(rows: list[dict[str, Any]], group_by: str) -> list[dict[str, Any]]:
            return [row for row in rows if row["grouping"] == group_by]

        return [self._tallies(group_by, of(states, group_by), of(kinds, group_by), of(durations, group_by))
                for group_by in every]

    def _tallies(self, group_by: str, states: list[dict[str, Any]], kinds: list[dict[str, Any]],
                 durations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_key: dict[str, dict[str, Any]] = {}

        def group(key: str) -> dict[str, Any]:
            return by_key.setdefault(key, {"key": key, "states": [], "kinds": [], "durations": {}})

        for row in states:
            group(row["key"])["states"].append(row)
        for row in kinds:
            group(row["key"])["kinds"].append(row)
        for row in durations:
            group(row["key"])["durations"][row["kind"]] = (row["n"], row["low"], row["high"], row["p90"], row["ck"])
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
                   wijk: str | None, leefgebied: str | None = None) -> list[dict[str, Any]]:
        """Per (from organisation, to organisation): the referrals in the period, and the first of
        them (by sent_at, id) as ``first`` with the sides' formality (``<sent_at><id>|<from><to>``,
        1 formal, 0 not), so an organisation's formality is read where it first appears; ``ck``: the
        sum of their record keys (cell-key noise)."""
        scope, params = self._figure_scope(since, until, gemeenten, wijk, leefgebied)
        return self.connection.read(
            f"MATCH (r:Referral) WHERE {scope} "
            "RETURN r.from_org_id AS from_org_id, r.to_org_id AS to_org_id, count(r) AS n, sum(r.ckey) AS ck, "
            "min(r.sent_at + r.id + '|' + CASE WHEN r.from_formal = true THEN '1' ELSE '0' END "
            "+ CASE WHEN r.to_formal = true THEN '1' ELSE '0' END) AS first "
            "ORDER BY from_org_id, to_org_id", params)

    def organizations_named(self, ids: list[str]) -> dict[str, NamedOrganization]:
        rows = self.connection.read("MATCH (o:Organization) WHERE o.id IN $ids RETURN o {.id, .name, .kind} AS o",
                                    {"ids": ids})
        return {row["o"]["id"]: record_of(NamedOrganization, row["o"]) for row in rows}

    def organization_profiles(self, ids: list[str]) -> list[OrganizationServices]:
        """Per organisation and (gemeente, rung) of the services it provides: how many services. A
        service's gemeente is where it is located, else each gemeente of the areas it serves; an
        organisation without services has one row with gemeente and rung null and n 0."""
        rows = self.connection.read(
            "MATCH (o:Organization) WHERE o.id IN $ids OPTIONAL MATCH (o)-[:PROVIDES]->(s:Service) "
            "WITH o, s, CASE WHEN s.gemeente_code IS NOT NULL THEN [s.gemeente_code] ELSE "
            "[c IN coalesce(s.serves, []) WHERE substring(c, 0, 2) IN ['GM', 'WK', 'BU'] | 'GM' + substring(c, 2, 4)] "
            "END AS places "
            "UNWIND CASE WHEN size(places) = 0 THEN [null] ELSE places END AS gemeente "
            "WITH DISTINCT o, s, gemeente "
            "RETURN o.id AS id, o.name AS name, o.kind AS kind, o.formal AS formal, gemeente, s.rung AS rung, "
            "count(s) AS n ORDER BY id, gemeente, rung", {"ids": ids})
        return [record_of(OrganizationServices, row) for row in rows]

    @staticmethod
    def _figure_scope(since: str, until: str, gemeenten: list[str] | None, wijk: str | None,
                      leefgebied: str | None = None) -> tuple[str, dict[str, Any]]:
        # A range on sent_ms only: `IS NOT NULL` would keep FalkorDB from using the index.
        conditions = ["r.sent_ms >= $since", "r.sent_ms < $until"]
        if gemeenten is not None:
            conditions.insert(0, "r.gemeente_code IN $gemeenten")
        if wijk is not None:
            conditions.append("r.wijk_code = $wijk")
        if leefgebied is not None:
            conditions.append("$leefgebied IN r.life_domains")
        params = {"since": epoch_ms(since), "until": epoch_ms(until), "gemeenten": gemeenten, "wijk": wijk,
                  "leefgebied": leefgebied}
        return " AND ".join(conditions), params

    def partners(self, gemeenten: list[str] | None) -> list[Partner]:
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
        return sorted((record_of(Partner, row) for row in rows), key=lambda o: (o.name or "", o.id))

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

    def area_populations(self, codes: list[str]) -> dict[str, int | None]:
        """Inhabitants (CBS kerncijfers) of the stored ones of these areas; None where not known."""
        rows = self.connection.read("MATCH (a:Area) WHERE a.code IN $codes RETURN a.code AS code, "
                                    "a.population AS population", {"codes": codes})
        return {row["code"]: row["population"] for row in rows}

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

    def webhooks_for(self, organization_ids: list[str]) -> list[Webhook]:
        rows = self.connection.read("MATCH (w:Webhook) WHERE w.organization_id IN $ids "
                                    "RETURN w {.organization_id, .url, .secret_enc} AS webhook",
                                    {"ids": organization_ids})
        return [record_of(Webhook, row["webhook"]) for row in rows]

    # -- key rotation ----------------------------------------------------------------------------
    def sealed_page(self, after_id: str, limit: int) -> list[SealedReferral]:
        """Referrals with their sealed fields, by id after ``after_id`` (a page of the rotation)."""
        rows = self.connection.read(
            "MATCH (r:Referral) WHERE r.id > $after RETURN r {.id, .from_org_id, " + SEALED_FIELDS + "} AS referral "
            "ORDER BY r.id LIMIT $limit", {"after": after_id, "limit": limit})
        return [record_of(SealedReferral, row["referral"]) for row in rows]

    def reseal(self, referral_id: str, before: SealedReferral, after: dict[str, Any]) -> bool:
        """Write the re-sealed fields only if they are still what was read (else someone changed them)."""
        conditions = " AND ".join(f"((r.{name} IS NULL AND $was_{name} IS NULL) OR r.{name} = $was_{name})"
                                  for name in after)
        params = {"id": referral_id, "after": after, **{f"was_{name}": getattr(before, name) for name in after}}
        rows = self.connection.write(f"MATCH (r:Referral {{id: $id}}) WHERE {conditions} SET r += $after "
                                     "RETURN r.id AS id", params)
        return bool(rows)

    def sealed_messages(self, after_id: str, limit: int) -> list[SealedMessage]:
        """Messages that still hold a sealed text, by id after ``after_id`` (a page of the rotation)."""
        rows = self.connection.read(
            "MATCH (m:ReferralMessage) WHERE m.id > $after AND m.text_enc IS NOT NULL "
            "RETURN m {.id, .referral_id, .text_enc} AS message ORDER BY m.id LIMIT $limit",
            {"after": after_id, "limit": limit})
        return [record_of(SealedMessage, row["message"]) for row in rows]

    def reseal_message(self, message_id: str, before: str, after: str) -> bool:
        rows = self.connection.write("MATCH (m:ReferralMessage {id: $id}) WHERE m.text_enc = $before "
                                     "SET m.text_enc = $after RETURN m.id AS id",
                                     {"id": message_id, "before": before, "after": after})
        return bool(rows)

    def webhook_secrets(self) -> list[WebhookSecret]:
        rows = self.connection.read("MATCH (w:Webhook) RETURN w {.organization_id, .secret_enc} AS webhook "
                                    "ORDER BY w.organization_id")
        return [record_of(WebhookSecret, row["webhook"]) for row in rows]

    def reseal_webhook(self, organization_id: str, before: str, after: str) -> bool:
        rows = self.connection.write("MATCH (w:Webhook {organization_id: $org}) WHERE w.secret_enc = $before "
                                     "SET w.secret_enc = $after RETURN w.organization_id AS id",
                                     {"org": organization_id, "before": before, "after": after})
        return bool(rows)

