"""Referrals, their events, the audit log, webhooks and the facts for network figures, in Cypher.

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
            {"referral": referral, "event": event, "audit": audit, "counter": EVENT_COUNTER})
        return rows[0]["seq"] if rows else None

    def transition(self, referral_id: str, *, expected_status: str, expected_version: int, changes: dict[str, Any],
                   event: dict[str, Any], audit: dict[str, Any],
                   forward: tuple[dict[str, Any], dict[str, Any]] | None = None) -> dict[str, Any] | None:
        """Check and write in one statement; None when the referral was not in the expected state.
        ``forward``: a new referral (and its first event) created in the same statement."""
        params: dict[str, Any] = {"id": referral_id, "expected": expected_status, "version": expected_version,
                                  "next": event["to_status"], "changes": changes, "event": event, "audit": audit,
                                  "counter": EVENT_COUNTER}
        match = "MATCH (r:Referral {id: $id}) "
        carry = "r"
        tail = ""
        returns = "r.version AS version, e.seq AS seq"
        if forward is not None:
            params["new"], params["new_event"] = forward
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
            "SET r.request_enc = null, r.contact_enc = null, r.client_ref_enc = null, r.client_ref_hash = null, "
            "r.consent_purpose_enc = null, r.anonymised_at = $now "
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

    # -- facts for the network figures (no personal data) ----------------------------------------
    def facts(self, *, since: str, until: str, gemeenten: list[str] | None = None,
              wijk: str | None = None) -> list[dict[str, Any]]:
        conditions = ["r.sent_at IS NOT NULL", "r.sent_at >= $since", "r.sent_at < $until"]
        if gemeenten is not None:
            conditions.append("r.gemeente_code IN $gemeenten")
        if wijk is not None:
            conditions.append("r.wijk_code = $wijk")
        rows = self.connection.read(
            f"MATCH (r:Referral) WHERE {' AND '.join(conditions)} "
            "OPTIONAL MATCH (fo:Organization {id: r.from_org_id}) OPTIONAL MATCH (ro:Organization {id: r.to_org_id}) "
            f"RETURN r {{{FACT_FIELDS}}} AS referral, fo.name AS from_org_name, ro.name AS to_org_name, "
            "fo.kind AS from_org_kind, ro.kind AS to_org_kind ORDER BY r.sent_at, r.id",
            {"since": since, "until": until, "gemeenten": gemeenten, "wijk": wijk})
        return [{**row["referral"], "from_org_name": row["from_org_name"], "to_org_name": row["to_org_name"],
                 "from_org_kind": row["from_org_kind"], "to_org_kind": row["to_org_kind"]} for row in rows]

    def partners(self, gemeenten: list[str] | None) -> list[dict[str, Any]]:
        """Organisations with a service located in, or serving, one of these gemeenten (all when None)."""
        if gemeenten is None:
            rows = self.connection.read("MATCH (o:Organization)-[:PROVIDES]->(:Service) "
                                        "RETURN DISTINCT o {.id, .name, .kind, .formal} AS organization")
        else:
            rows = self.connection.read(
                "MATCH (o:Organization)-[:PROVIDES]->(s:Service) WHERE s.gemeente_code IN $gemeenten "
                "OR any(c IN coalesce(s.serves, []) WHERE substring(c, 2, 4) IN $digits) "
                "RETURN DISTINCT o {.id, .name, .kind, .formal} AS organization",
                {"gemeenten": gemeenten, "digits": [g[2:6] for g in gemeenten]})
        return sorted((row["organization"] for row in rows), key=lambda o: (o.get("name") or "", o["id"]))

    def referred_organizations(self, *, since: str, until: str) -> set[str]:
        rows = self.connection.read("MATCH (r:Referral) WHERE r.sent_at >= $since AND r.sent_at < $until "
                                    "RETURN DISTINCT r.to_org_id AS id", {"since": since, "until": until})
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
