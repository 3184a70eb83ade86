"""The notifications context in Cypher: the outbox (``OutboxMail`` nodes), who gets mail (accounts,
referral parties, overdue referrals, stale listings), preferences (``Account.notify_off``, the kinds
turned off) and status links (``(Referral)-[:HAS_STATUS_LINK]->(StatusLink)``, only the token's hash).
Values only as ``$parameters``; one code path for both stores."""
from __future__ import annotations

from typing import Any

from graph.stores.catalog import GraphStore
from graph.stores.listings import StaleListingStore
from graph.stores.rows import record_of
from socialekaart.catalog.records import StaleService
from socialekaart.notifications.records import (
    Contact,
    DueMail,
    LinkedStatus,
    OutboxMail,
    OverdueReferral,
    Recipient,
    ReferralParties,
    StatusLink,
)

MAIL_FIELDS = ".id, .key, .kind, .account_id, .link, .created_at, .due_at, .attempts, .status, .sent_at, .error"
LINK_FIELDS = ".id, .referral_id, .created_at, .expires_at, .revoked_at, .created_by"


class NotificationStore:
    """Implements OutboxStore, RecipientStore and StatusLinkStore (socialekaart/notifications/ports.py)."""

    def __init__(self, store: GraphStore):
        self.connection = store.connection
        self.listings = StaleListingStore(store)

    # -- the outbox -------------------------------------------------------------------------------
    def enqueue(self, mails: list[dict[str, Any]]) -> int:
        # MERGE on the unique key: a mail already there (sent or not) is not made again. A new node
        # has the id given here; an old one keeps its own, which is how the new ones are counted.
        rows = self.connection.write(
            "UNWIND $mails AS m MERGE (x:OutboxMail {key: m.key}) "
            "ON CREATE SET x.id = m.id, x.about = m.about, x.kind = m.kind, x.account_id = m.account_id, "
            "x.link = m.link, x.created_at = m.created_at, x.due_at = m.due_at, x.attempts = m.attempts, "
            "x.status = m.status "
            "RETURN sum(CASE WHEN x.id = m.id THEN 1 ELSE 0 END) AS added", {"mails": mails})
        return int(rows[0]["added"]) if rows else 0

    def known(self, abouts: list[str]) -> set[str]:
        if not abouts:
            return set()
        rows = self.connection.read("MATCH (m:OutboxMail) WHERE m.about IN $abouts RETURN DISTINCT m.about AS about",
                                    {"abouts": abouts})
        return {row["about"] for row in rows}

    def due(self, now: str, limit: int) -> list[DueMail]:
        rows = self.connection.read(
            f"MATCH (m:OutboxMail {{status: 'wachtend'}}) WHERE m.due_at <= $now "
            f"OPTIONAL MATCH (a:Account {{id: m.account_id}}) "
            f"RETURN m {{{MAIL_FIELDS}}} AS mail, a.email AS email, a.active AS active, a.notify_off AS off "
            f"ORDER BY m.due_at, m.id LIMIT $limit", {"now": now, "limit": limit})
        return [record_of(DueMail, {**row["mail"], "email": row.get("email"), "active": row.get("active") is True,
                                  "off": tuple(row.get("off") or ())}) for row in rows]

    def claim(self, mail_id: str, due_at: str, until: str) -> bool:
        rows = self.connection.write("MATCH (m:OutboxMail {id: $id}) WHERE m.status = 'wachtend' AND m.due_at = $due "
                                     "SET m.due_at = $until RETURN m.id AS id",
                                     {"id": mail_id, "due": due_at, "until": until})
        return bool(rows)

    def mark_sent(self, mail_id: str, at: str) -> None:
        self.connection.write("MATCH (m:OutboxMail {id: $id}) SET m.status = 'verzonden', m.sent_at = $at, "
                              "m.attempts = coalesce(m.attempts, 0) + 1", {"id": mail_id, "at": at})

    def mark_retry(self, mail_id: str, attempts: int, due_at: str, error: str) -> None:
        self.connection.write("MATCH (m:OutboxMail {id: $id}) SET m.attempts = $attempts, m.due_at = $due, "
                              "m.error = $error", {"id": mail_id, "attempts": attempts, "due": due_at, "error": error})

    def mark_done(self, mail_id: str, status: str, at: str, error: str | None = None) -> None:
        self.connection.write("MATCH (m:OutboxMail {id: $id}) SET m.status = $status, m.done_at = $at, "
                              "m.error = $error", {"id": mail_id, "status": status, "at": at, "error": error})

    def mails(self, statuses: list[str] | None = None) -> list[OutboxMail]:
        rows = self.connection.read(
            f"MATCH (m:OutboxMail) WHERE $statuses IS NULL OR m.status IN $statuses "
            f"RETURN m {{{MAIL_FIELDS}}} AS mail ORDER BY m.created_at, m.id", {"statuses": statuses})
        return [record_of(OutboxMail, row["mail"]) for row in rows]

    # -- recipients -------------------------------------------------------------------------------
    def organization_accounts(self, organization_id: str, role: str) -> list[Recipient]:
        rows = self.connection.read(
            "MATCH (a:Account {organization_id: $org}) WHERE a.role = $role AND a.active = true "
            "RETURN a.id AS id, a.email AS email, a.notify_off AS off ORDER BY a.id",
            {"org": organization_id, "role": role})
        return [Recipient(id=row["id"], email=row["email"], off=tuple(row.get("off") or ())) for row in rows]

    def referral_parties(self, referral_id: str) -> ReferralParties | None:
        rows = self.connection.read(
            "MATCH (r:Referral {id: $id}) RETURN r.from_org_id AS from_org_id, r.to_org_id AS to_org_id, "
            "r.sender_account_id AS sender_account_id", {"id": referral_id})
        return record_of(ReferralParties, rows[0]) if rows else None

    def overdue_referrals(self, now: str) -> list[OverdueReferral]:
        rows = self.connection.read(
            "MATCH (r:Referral) WHERE r.status IN ['verzonden', 'ontvangen'] "
            "AND ((r.status = 'verzonden' AND r.receive_due_at < $now) "
            "OR (r.status = 'ontvangen' AND r.accept_due_at < $now)) "
            "RETURN r {.id, .status, .from_org_id, .to_org_id, .sender_account_id, .receive_due_at, "
            ".accept_due_at} AS referral ORDER BY r.id", {"now": now})
        return [record_of(OverdueReferral, row["referral"]) for row in rows]

    def stale_services(self, cutoff: str) -> list[StaleService]:
        return self.listings.stale_services(cutoff)

    def preferences(self, account_id: str) -> list[str] | None:
        rows = self.connection.read("MATCH (a:Account {id: $id}) RETURN a.notify_off AS off", {"id": account_id})
        return list(rows[0].get("off") or []) if rows else None

    def set_preferences(self, account_id: str, off: list[str]) -> bool:
        rows = self.connection.write("MATCH (a:Account {id: $id}) SET a.notify_off = $off RETURN a.id AS id",
                                     {"id": account_id, "off": off})
        return bool(rows)

    # -- status links -----------------------------------------------------------------------------
    def create_link(self, link: dict[str, Any]) -> bool:
        rows = self.connection.write(
            "MATCH (r:Referral {id: $link.referral_id}) CREATE (r)-[:HAS_STATUS_LINK]->(l:StatusLink) "
            "SET l += $link RETURN l.id AS id", {"link": {k: v for k, v in link.items() if v is not None}})
        return bool(rows)

    def link_by_hash(self, token_hash: str) -> LinkedStatus | None:
        rows = self.connection.read(
            f"MATCH (l:StatusLink {{hash: $hash}}) MATCH (r:Referral {{id: l.referral_id}}) "
            f"OPTIONAL MATCH (f:Organization {{id: r.from_org_id}}) "
            f"OPTIONAL MATCH (t:Organization {{id: r.to_org_id}}) "
            f"RETURN l {{{LINK_FIELDS}}} AS link, r.status AS status, f.name AS from_name, f.phone AS from_phone, "
            f"t.name AS to_name, t.phone AS to_phone", {"hash": token_hash})
        if not rows:
            return None
        row = rows[0]
        return record_of(LinkedStatus, {**row["link"], "status": row["status"],
                                      "from_org": Contact(name=row.get("from_name"), phone=row.get("from_phone")),
                                      "to_org": Contact(name=row.get("to_name"), phone=row.get("to_phone"))})

    def links_of(self, referral_id: str) -> list[StatusLink]:
        rows = self.connection.read(f"MATCH (l:StatusLink {{referral_id: $id}}) RETURN l {{{LINK_FIELDS}}} AS link "
                                    f"ORDER BY l.created_at, l.id", {"id": referral_id})
        return [record_of(StatusLink, row["link"]) for row in rows]

    def revoke_link(self, link_id: str, referral_id: str, at: str) -> bool:
        rows = self.connection.write(
            "MATCH (l:StatusLink {id: $id}) WHERE l.referral_id = $rid "
            "SET l.revoked_at = coalesce(l.revoked_at, $at) RETURN l.id AS id",
            {"id": link_id, "rid": referral_id, "at": at})
        return bool(rows)
