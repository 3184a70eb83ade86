"""What the notifications store hands back (the reads of ports.py), as frozen dataclasses.

Writes still take the mappings the services build (``enqueue``, ``create_link``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class OutboxMail:
    """A mail in the outbox; ``status`` one of outbox.STATUSES."""
    id: str
    key: str
    kind: str
    account_id: str
    link: str
    created_at: str
    due_at: str
    attempts: int | None
    status: str
    sent_at: str | None
    error: str | None


@dataclass(frozen=True, kw_only=True)
class DueMail(OutboxMail):
    """A waiting mail due now, with its recipient as the account is now (None: the account is gone)."""
    email: str | None
    active: bool
    off: tuple[str, ...]  # the kinds the account turned off


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """An active account that may get mail."""
    id: str
    email: str | None
    off: tuple[str, ...]  # the kinds it turned off


@dataclass(frozen=True, kw_only=True)
class ReferralParties:
    """Who is on either side of a referral."""
    from_org_id: str
    to_org_id: str
    sender_account_id: str | None


@dataclass(frozen=True, kw_only=True)
class OverdueReferral(ReferralParties):
    """A referral past its receive or accept deadline."""
    id: str
    status: str
    receive_due_at: str | None
    accept_due_at: str | None


@dataclass(frozen=True, kw_only=True)
class StatusLink:
    """A status link for the inwoner (the token's hash stays in the store)."""
    id: str
    referral_id: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    created_by: str | None


@dataclass(frozen=True, kw_only=True)
class Contact:
    """An organisation's public name and phone, as on the sociale kaart."""
    name: str | None
    phone: str | None


@dataclass(frozen=True, kw_only=True)
class LinkedStatus(StatusLink):
    """A status link with its referral's status and both organisations to call."""
    status: str
    from_org: Contact
    to_org: Contact
