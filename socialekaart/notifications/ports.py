"""What the notifications context needs from storage. graph/stores/notifications.py implements it."""
from __future__ import annotations

from typing import Any, Protocol

from socialekaart.catalog.records import StaleService


class OutboxStore(Protocol):
    def enqueue(self, mails: list[dict[str, Any]]) -> int:
        """Add mails to the outbox; a mail whose ``key`` is there already is left alone (sent once).
        How many were new."""
    def known(self, abouts: list[str]) -> set[str]:
        """Which of these ``about`` values (kind and subject, e.g. 'te-laat:ref-1:niet-ontvangen')
        already have a mail, so a sweep skips them without looking up recipients again."""
    def due(self, now: str, limit: int) -> list[dict[str, Any]]:
        """Waiting mails due at ``now``, oldest first, each with its recipient's ``email``, ``active``
        and ``off`` (the kinds the account turned off) as they are now."""
    def claim(self, mail_id: str, due_at: str, until: str) -> bool:
        """Take a waiting mail for sending: move its ``due_at`` to ``until`` only if it is still
        ``due_at`` (another sender did not take it first)."""
    def mark_sent(self, mail_id: str, at: str) -> None: ...
    def mark_retry(self, mail_id: str, attempts: int, due_at: str, error: str) -> None: ...
    def mark_done(self, mail_id: str, status: str, at: str, error: str | None = None) -> None: ...
    def mails(self, statuses: list[str] | None = None) -> list[dict[str, Any]]: ...


class RecipientStore(Protocol):
    def organization_accounts(self, organization_id: str, role: str) -> list[dict[str, Any]]:
        """Active accounts with ``role`` in the organisation: id, email, off."""
    def referral_parties(self, referral_id: str) -> dict[str, Any] | None:
        """from_org_id, to_org_id and sender_account_id of a referral."""
    def overdue_referrals(self, now: str) -> list[dict[str, Any]]:
        """Referrals past their receive or accept deadline: id, status, from_org_id, to_org_id,
        sender_account_id, receive_due_at, accept_due_at."""
    def stale_services(self, cutoff: str) -> list[StaleService]:
        """Services last verified before ``cutoff`` (ISO date) or never."""
    def preferences(self, account_id: str) -> list[str] | None:
        """The kinds the account turned off, or None when there is no such account."""
    def set_preferences(self, account_id: str, off: list[str]) -> bool: ...


class StatusLinkStore(Protocol):
    def create_link(self, link: dict[str, Any]) -> bool: ...
    def link_by_hash(self, token_hash: str) -> dict[str, Any] | None:
        """The link with the referral's status and the receiving organisation's public name and phone."""
    def links_of(self, referral_id: str) -> list[dict[str, Any]]: ...
    def revoke_link(self, link_id: str, referral_id: str, at: str) -> bool: ...
