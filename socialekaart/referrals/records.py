"""What the referral store hands back (the reads of ports.ReferralRepository), as frozen dataclasses.

Sealed fields (``*_enc``) stay sealed here: the service opens them (crypto.FieldCipher) when it
builds the answer a party may see. A change is a new record (``dataclasses.replace``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class ServiceTarget:
    """The service a referral goes to, with what the referral copies from it."""
    id: str
    name: str
    organization_id: str
    org_name: str | None
    rung: str | None
    confidential: bool | None
    formal: bool | None
    wijk_code: str | None
    gemeente_code: str | None
    serves: tuple[str, ...]
    closed: bool  # the service or its organisation is closed: it takes no referrals


@dataclass(frozen=True, kw_only=True)
class ReferralSummary:
    """A row of the inbox: what a list of referrals shows, with the names of the parties."""
    id: str
    status: str
    version: int
    urgency: str | None
    life_domains: tuple[str, ...]
    from_org_id: str
    to_org_id: str
    to_service_id: str
    created_at: str | None
    updated_at: str | None
    sent_at: str | None
    receive_due_at: str | None
    accept_due_at: str | None
    expires_at: str | None
    client_ref_enc: str | None
    decline_reason: str | None
    cancel_reason: str | None
    outcome: str | None
    closed_at: str | None
    from_formal: bool | None
    to_formal: bool | None
    # Read with the referral; None where a read does not ask for them (expirable, stale_open).
    from_org_name: str | None
    to_service_name: str | None
    to_org_name: str | None


@dataclass(frozen=True, kw_only=True)
class Referral(ReferralSummary):
    """Every stored field of a referral."""
    sender_account_id: str | None
    to_rung: str | None
    wijk_code: str | None
    gemeente_code: str | None
    request_enc: str | None
    contact_enc: str | None
    client_ref_hash: str | None
    consent_purpose_enc: str | None
    consent_partner_id: str | None
    consent_date: str | None
    consent_method: str | None
    legal_basis: str | None
    legal_basis_reason_enc: str | None
    forwarded_from: str | None
    forwarded_to: str | None
    received_at: str | None
    accepted_at: str | None
    declined_at: str | None
    waitlisted_at: str | None
    started_at: str | None
    anonymised_at: str | None
    rereferred_from: str | None
    rereferred_to: str | None


@dataclass(frozen=True, kw_only=True)
class ReferralEvent:
    """One step in a referral's history; also a row of the event feed (``seq`` is its cursor)."""
    id: str
    seq: int | None
    version: int | None
    referral_id: str
    at: str
    from_status: str | None
    to_status: str
    side: str | None
    actor_account_id: str | None
    actor_org_id: str | None
    reason: str | None
    outcome: str | None
    linked_referral_id: str | None
    from_org_id: str | None
    to_org_id: str | None
    receiver_visible: bool | None


@dataclass(frozen=True, kw_only=True)
class Message:
    """A note between sender and receiver; its text sealed, gone (None) once anonymised."""
    id: str
    n: int | None  # its number on the referral, given by the store when written
    referral_id: str
    at: str
    side: str | None
    author_account_id: str | None
    author_org_id: str | None
    text_enc: str | None
    anonymised_at: str | None


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    """Who did or saw what, when; ``allowed`` False for a refused look."""
    id: str
    at: str
    account_id: str | None
    role: str | None
    organization_id: str | None
    action: str
    referral_id: str | None
    allowed: bool | None


# -- what the network figures read besides counts (ports.NetworkRepository) ------------------------

@dataclass(frozen=True, kw_only=True)
class NamedOrganization:
    """An organisation in a flow: its name and kind, to label it."""
    id: str
    name: str | None
    kind: str | None


@dataclass(frozen=True, kw_only=True)
class Partner(NamedOrganization):
    """An organisation with a service in (or serving) the area of the figures."""
    formal: bool | None


@dataclass(frozen=True, kw_only=True)
class OrganizationServices:
    """An organisation and how many of its services (``n``) are in one gemeente at one rung; one
    without services has one such row with gemeente and rung None and n 0 (organization_profiles)."""
    id: str
    name: str | None
    kind: str | None
    formal: bool | None
    gemeente: str | None
    rung: str | None
    n: int


# -- webhooks and key rotation (webhooks.WebhookRegistry, rotation.ResealStore) ----------------------

@dataclass(frozen=True, kw_only=True)
class WebhookSecret:
    """An organisation's sealed webhook secret (what the key rotation re-seals)."""
    organization_id: str
    secret_enc: str | None


@dataclass(frozen=True, kw_only=True)
class Webhook(WebhookSecret):
    """Where an organisation wants its webhooks, with the secret still sealed."""
    url: str


@dataclass(frozen=True, kw_only=True)
class SealedReferral:
    """A referral's sealed fields and what their look-up hash is made from: a row of the key rotation."""
    id: str
    from_org_id: str | None
    request_enc: str | None
    contact_enc: str | None
    client_ref_enc: str | None
    client_ref_hash: str | None
    consent_purpose_enc: str | None
    legal_basis_reason_enc: str | None


@dataclass(frozen=True, kw_only=True)
class SealedMessage:
    """A message's sealed text: a row of the key rotation."""
    id: str
    referral_id: str
    text_enc: str
