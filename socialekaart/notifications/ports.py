"""What the notifications context needs from storage. graph/stores/notifications.py implements it."""
from __future__ import annotations

from typing import Any, Protocol

from socialekaart.catalog.records import StaleService
from socialekaart.notifications.records import (
    DueMail,
    LinkedStatus,
    OutboxMail,
    OverdueReferral,
    Recipient,
    ReferralParties,
    StatusLink,
)


class OutboxStore(Protocol):
    """Reads return the records of records.py; writes take the mappings the services build."""

    def enqueue(self, mails: list[dict[str, Any]]) -> int:
        """Add mails to the outbox; a mail whose ``key`` is there already is left alone (sent once).
        How many were new."""
    def known(self, abouts: list[str]) -> set[str]:
        """Which of these ``about`` values (kind and subject, e.g. 'te-laat:ref-1:niet-ontvangen')
        already have a mail, so a sweep skips them without looking up recipients again."""
    def due(self, now: str, limit: int) -> list[DueMail]:
        """Waiting mails due at ``now``, oldest first, each with its recipient's ``email``, ``active``
        and ``off`` (the kinds the account turned off) as they are now."""
    def claim(self, mail_id: str, due_at: str, until: str) -> bool:
        """Take a waiting mail for sending: move its ``due_at`` to ``until`` only if it is still
        ``due_at`` (another sender did not take it first)."""
    def mark_sent(self, mail_id: str, at: str) -> None: ...
    def mark_retry(self, mail_id: str, attempts: int, due_at: str, error: str) -> None: ...
    def mark_done(self, mail_id: str, status: str, at: str, error: str | None = None) -> None: ...
    def mails(self, statuses: list[str] | None = None) -> list[OutboxMail]: ...


class RecipientStore(Protocol):
    def organization_accounts(self, organization_id: str, role: str) -> list[Recipient]:
        """Active accounts with ``role`` in the organisation, by id."""
    def referral_parties(self, referral_id: str) -> ReferralParties | None:
        """Both organisations and the sending account of a referral; None when there is no such referral."""
    def overdue_referrals(self, now: str) -> list[OverdueReferral]:
        """Referrals past their receive or accept deadline, by id."""
    def stale_services(self, cutoff: str) -> list[StaleService]:
        """Services last verified before ``cutoff`` (ISO date) or never."""
    def preferences(self, account_id: str) -> list[str] | None:
        """The kinds the account turned off, or None when there is no such account."""
    def set_preferences(self, account_id: str, off: list[str]) -> bool: ...


class StatusLinkStore(Protocol):
    def create_link(self, link: dict[str, Any]) -> bool: ...
    def link_by_hash(self, token_hash: str) -> LinkedStatus | None:
        """The link with the referral's status and the receiving organisation's public name and phone."""
    def links_of(self, referral_id: str) -> list[StatusLink]: ...
    def revoke_link(self, link_id: str, referral_id: str, at: str) -> bool: ...
