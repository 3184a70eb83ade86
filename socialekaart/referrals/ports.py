"""What the referral context needs from storage. graph/stores/referrals.py implements it."""
from __future__ import annotations

from typing import Any, Protocol

from socialekaart.referrals.figure_rules import Moments
from socialekaart.referrals.records import (
    AuditEntry,
    Message,
    NamedOrganization,
    OrganizationServices,
    Partner,
    Referral,
    ReferralEvent,
    ReferralSummary,
    ServiceTarget,
)


class ReferralRepository(Protocol):
    """Reads return the records of records.py; writes take the mappings the service builds."""

    def service_target(self, service_id: str) -> ServiceTarget | None: ...
    def create(self, referral: dict[str, Any], events: list[dict[str, Any]],
               audits: list[dict[str, Any]]) -> list[int] | None:
        """Write a new referral with its first events and audit entries in one transaction; the events'
        sequence numbers, or None when its organisation or service does not exist."""
    def transition(self, referral_id: str, *, expected_status: str, expected_version: int, changes: dict[str, Any],
                   event: dict[str, Any], audit: dict[str, Any],
                   forward: tuple[dict[str, Any], dict[str, Any]] | None = None) -> dict[str, Any] | None: ...
    def rerefer(self, original_id: str, *, expected_status: str, referral: dict[str, Any],
                events: list[dict[str, Any]], audits: list[dict[str, Any]]) -> list[int] | None:
        """The sender's new referral linked to a closed one, in one transaction; None when the original
        changed meanwhile (or was already referred again), or the organisation or service is gone."""
    def add_message(self, referral_id: str, message: dict[str, Any], audit: dict[str, Any], *,
                    closed: list[str]) -> bool:
        """Write a message and its audit entry if the referral is sent and not in ``closed``."""
    def messages_of(self, referral_id: str) -> list[Message]: ...
    def get(self, referral_id: str) -> Referral | None: ...
    def get_with_events(self, referral_id: str) -> tuple[Referral, list[ReferralEvent]] | None: ...
    def events_of(self, referral_id: str) -> list[ReferralEvent]: ...
    def page(self, organization_id: str, box: str, statuses: list[str], overdue_at: str | None, skip: int,
             limit: int, urgencies: list[str] | None = None,
             sort: str = "nieuwste") -> tuple[int, list[ReferralSummary]]: ...
    def box_counts(self, organization_id: str, now: str) -> dict[str, dict[str, int]]: ...
    def feed(self, organization_id: str, since_seq: int, since_at: str | None, limit: int) -> list[ReferralEvent]: ...
    def by_client_ref(self, organization_id: str, ref_hashes: list[str]) -> list[Referral]: ...
    def expirable(self, now: str) -> list[Referral]: ...
    def anonymise(self, cutoff: str, now: str, audit: dict[str, Any], *,
                  also: list[str] | None = None) -> list[str]: ...
    def stale_open(self, statuses: list[str], cutoff: str) -> list[Referral]: ...
    def audit(self, entries: list[dict[str, Any]]) -> None: ...
    def audit_entries(self, referral_id: str) -> list[AuditEntry]: ...
    def organization_audit(self, organization_id: str, since: str, until: str,
                           limit: int) -> list[AuditEntry]: ...
    def prune_audit(self, before: str) -> int: ...


class NetworkRepository(Protocol):
    """What the network figures read: counts per group, never single referrals (figure_rules)."""

    def figure_tallies(self, *, since: str, until: str, gemeenten: list[str] | None, wijk: str | None,
                       groupings: list[tuple[str, bool]], moments: Moments,
                       months: list[tuple[str, str]] | None = None,
                       leefgebied: str | None = None) -> list[list[dict[str, Any]]]: ...

    def flow_pairs(self, *, since: str, until: str, gemeenten: list[str] | None,
                   wijk: str | None, leefgebied: str | None = None) -> list[dict[str, Any]]: ...

    def organization_profiles(self, ids: list[str]) -> list[OrganizationServices]:
        """Per organisation (id, name, kind, formal) and (gemeente, rung) of its services: their number n."""

    def organizations_named(self, ids: list[str]) -> dict[str, NamedOrganization]: ...

    def partners(self, gemeenten: list[str] | None) -> list[Partner]:
        """Organisations with a service in, or serving, one of these gemeenten (all when None), by name."""

    def referred_organizations(self, *, since: str, until: str, among: list[str] | None = None) -> set[str]: ...

    def gemeenten_in(self, regio_codes: list[str]) -> list[str]: ...

    def area_populations(self, codes: list[str]) -> dict[str, int | None]:
        """Inhabitants of each stored area among ``codes`` (None: not known); an unknown code is left out."""
        ...
