"""Which events become which e-mails, and for whom. Each mail is an outbox entry with a key, so the
same event, the same overdue deadline or the same stale period never gives a second mail.

- new referral (sent, also a forwarded one): the receiving organisation's professionals;
- accepted, declined, closed (afgerond, verlopen, doorverwezen): the professional who sent it (or,
  when that account is gone or disabled, the sending organisation's professionals);
- overdue (not received, or not accepted, in time): both sides, once per deadline (``sweep_overdue``);
- a listing not verified for ``stale_after_days``: the organisation's beheerders, once per such
  period (``sweep_stale``).
Preferences (kinds an account turned off) are honoured when the mail is sent (``outbox``).
"""
from __future__ import annotations

import logging
import secrets
from datetime import date, timedelta
from typing import Any, Callable, Iterable

from socialekaart.accounts.service import Principal
from socialekaart.notifications.messages import KINDS
from socialekaart.notifications.ports import OutboxStore, RecipientStore
from socialekaart.notifications.records import Recipient
from socialekaart.referrals.service import overdue_kind
from socialekaart.shared.clock import Clock, iso, local_date, utcnow
from socialekaart.shared.errors import NotFound, ValidationError

log = logging.getLogger(__name__)
# The event's new status -> the kind of mail to the sender.
TO_SENDER = {"geaccepteerd": "geaccepteerd", "afgewezen": "afgewezen", "afgerond": "gesloten",
             "verlopen": "gesloten", "doorverwezen": "gesloten"}
NEVER_VERIFIED_FROM = date(2000, 1, 1)  # periods of a never verified listing count from here


def referral_link(referral_id: str) -> str:
    return f"/verwijzingen/{referral_id}"


class NotificationService:
    def __init__(self, outbox: OutboxStore, recipients: RecipientStore, *, clock: Clock = utcnow,
                 stale_after_days: int = 365, wake: Callable[[], None] | None = None):
        self.outbox = outbox
        self.recipients = recipients
        self.clock = clock
        self.stale_after_days = stale_after_days
        self.wake = wake  # tells the sender there is mail (the worker), if any

    # -- from referral events (ReferralService's observer) ----------------------------------------
    def on_events(self, events: list[dict[str, Any]]) -> int:
        mails: list[dict[str, Any]] = []
        for event in events:
            rid, target = event["referral_id"], event.get("to_status")
            if target == "verzonden" and event.get("receiver_visible", True):
                to = self.recipients.organization_accounts(event["to_org_id"], "professional")
                mails += self._mails("nieuw", f"{event['id']}", referral_link(rid), to)
            elif target in TO_SENDER:
                to = self._sender_accounts(rid)
                mails += self._mails(TO_SENDER[target], f"{event['id']}", referral_link(rid), to)
        return self._enqueue(mails)

    def _sender_accounts(self, referral_id: str) -> list[Recipient]:
        parties = self.recipients.referral_parties(referral_id)
        if parties is None:
            return []
        accounts = self.recipients.organization_accounts(parties.from_org_id, "professional")
        own = [a for a in accounts if a.id == parties.sender_account_id]
        return own or accounts

    # -- sweeps (the worker runs them; also ``socialekaart notifications send``) ------------------
    def sweep_overdue(self) -> int:
        now = iso(self.clock())
        mails: list[dict[str, Any]] = []
        overdue = [(r, f"{r.id}:{kind}") for r in self.recipients.overdue_referrals(now)
                   if (kind := overdue_kind(r.status, r.receive_due_at, r.accept_due_at, now)) is not None]
        done = self.outbox.known([f"te-laat:{about}" for _, about in overdue])
        for referral, about in overdue:
            if f"te-laat:{about}" in done:
                continue
            to = self._sender_accounts(referral.id)
            to += self.recipients.organization_accounts(referral.to_org_id, "professional")
            mails += self._mails("te-laat", about, referral_link(referral.id), to)
        return self._enqueue(mails)

    def sweep_stale(self) -> int:
        today = local_date(self.clock())
        cutoff = (today - timedelta(days=self.stale_after_days)).isoformat()
        mails: list[dict[str, Any]] = []
        beheerders: dict[str, list[Recipient]] = {}
        stale = [(s, f"{s.id}:{self._stale_period(s.last_verified, today)}")
                 for s in self.recipients.stale_services(cutoff) if s.organization_id]
        done = self.outbox.known([f"verouderd:{about}" for _, about in stale])
        for service, about in stale:
            if f"verouderd:{about}" in done:
                continue
            org = service.organization_id
            assert org is not None
            if org not in beheerders:
                beheerders[org] = self.recipients.organization_accounts(org, "beheerder")
            mails += self._mails("verouderd", about, f"/organisatie/voorzieningen/{service.id}", beheerders[org])
        return self._enqueue(mails)

    def _stale_period(self, last_verified: str | None, today: date) -> int:
        """Which staleness period the listing is in: 1 from ``stale_after_days`` after its last check,
        2 from twice that, and so on; one reminder each."""
        since = date.fromisoformat(last_verified[:10]) if last_verified else NEVER_VERIFIED_FROM
        return (today - since).days // self.stale_after_days

    # -- preferences ------------------------------------------------------------------------------
    def preferences(self, actor: Principal) -> dict[str, bool]:
        """Per kind whether the account gets it (on unless turned off)."""
        off = self.recipients.preferences(actor.account_id)
        if off is None:
            raise NotFound("Uw account bestaat niet (meer).")
        return {kind: kind not in off for kind in KINDS}

    def set_preferences(self, actor: Principal, wanted: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(wanted) - set(KINDS))
        if unknown:
            raise ValidationError(f"Onbekende soort melding: {', '.join(unknown)[:100]}. Kies uit "
                                  f"{', '.join(KINDS)}.", field="preferences")
        if not all(isinstance(value, bool) for value in wanted.values()):
            raise ValidationError("Zet elke melding aan (true) of uit (false).", field="preferences")
        current = self.preferences(actor)
        current.update(wanted)
        if not self.recipients.set_preferences(actor.account_id, sorted(k for k, on in current.items() if not on)):
            raise NotFound("Uw account bestaat niet (meer).")
        return current

    # -- helpers ----------------------------------------------------------------------------------
    def _mails(self, kind: str, about: str, link: str, accounts: Iterable[Recipient]) -> list[dict[str, Any]]:
        now = iso(self.clock())
        seen: set[str] = set()
        mails = []
        for account in accounts:
            if account.id in seen:
                continue
            seen.add(account.id)
            mails.append({"id": f"mail-{secrets.token_hex(10)}", "key": f"{kind}:{about}:{account.id}",
                          "about": f"{kind}:{about}", "kind": kind, "account_id": account.id, "link": link,
                          "created_at": now, "due_at": now, "attempts": 0, "status": "wachtend"})
        return mails

    def _enqueue(self, mails: list[dict[str, Any]]) -> int:
        if not mails:
            return 0
        added = self.outbox.enqueue(mails)
        if added and self.wake is not None:
            self.wake()
        return added
