"""The status link for the inwoner (opt-in by the professional who sends the referral).

- The token is 256 random bits (``secrets``), shown once; only its SHA-256 is stored, so a copy of
  the database gives no working links.
- It expires after ``days`` (SOCIALEKAART_STATUS_LINK_DAYS) and the sending professional's
  organisation can revoke it at any time. An unknown, expired or revoked link all get the same
  answer, so trying links tells nothing.
- The page shows only the status, in B1, and whom to call: the organisation that has the referral
  now (the receiver while it handles it, the sender when it came back), its public name and phone
  as on the sociale kaart. Never a person's name, the hulpvraag, the client reference or the service.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from socialekaart.accounts.service import Principal
from socialekaart.notifications.ports import StatusLinkStore
from socialekaart.notifications.records import StatusLink
from socialekaart.referrals.lifecycle import RECEIVER
from socialekaart.referrals.service import ReferralService
from socialekaart.shared.clock import Clock, iso, parse_iso, utcnow
from socialekaart.shared.errors import Forbidden, NotFound

TOKEN_BYTES = 32
MAX_TOKEN = 100
GONE = "Deze link werkt niet (meer). Vraag de medewerker die u heeft aangemeld om hulp."

# Status -> (what it means, in B1; who to call: the receiving or the sending organisation).
STATUS_TEXT = {
    "concept": ("Uw aanmelding is nog niet verstuurd.", "verzender"),
    "verzonden": ("Uw aanmelding is verstuurd. De organisatie heeft haar nog niet bekeken.", "ontvanger"),
    "ontvangen": ("De organisatie heeft uw aanmelding ontvangen. Zij kijken of zij u kunnen helpen.", "ontvanger"),
    "geaccepteerd": ("De organisatie gaat u helpen. Zij nemen contact met u op.", "ontvanger"),
    "wachtlijst": ("U staat op de wachtlijst. De organisatie neemt contact met u op als er plek is.", "ontvanger"),
    "gestart": ("De hulp is begonnen.", "ontvanger"),
    "afgerond": ("De hulp is klaar.", "ontvanger"),
    "afgewezen": ("De organisatie kan u niet helpen. Bel degene die u heeft aangemeld. Samen zoekt u verder.",
                  "verzender"),
    "geannuleerd": ("De aanmelding is gestopt.", "verzender"),
    "verlopen": ("Er is niet op tijd gereageerd op uw aanmelding. Bel degene die u heeft aangemeld.", "verzender"),
    "doorverwezen": ("U bent doorgestuurd naar een andere organisatie. Bel degene die u heeft aangemeld als u "
                     "vragen heeft.", "verzender"),
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class StatusLinkService:
    def __init__(self, store: StatusLinkStore, referrals: ReferralService, *, days: int = 90,
                 clock: Clock = utcnow):
        self.store = store
        self.referrals = referrals
        self.days = days
        self.clock = clock

    def create(self, actor: Principal, referral_id: str) -> dict[str, Any]:
        """A new link for a referral the actor's organisation sent; the token is in the answer only."""
        self._own(actor, referral_id)
        now = self.clock()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = StatusLink(id=f"sl-{secrets.token_hex(8)}", referral_id=referral_id, created_at=iso(now),
                          expires_at=iso(now + timedelta(days=self.days)), revoked_at=None,
                          created_by=actor.account_id)
        if not self.store.create_link({**asdict(link), "hash": hash_token(token)}):
            raise NotFound(f"Er is geen doorverwijzing {referral_id!r} voor uw organisatie.")
        return {**_public(link), "token": token}

    def links(self, actor: Principal, referral_id: str) -> list[dict[str, Any]]:
        self._own(actor, referral_id)
        now = iso(self.clock())
        return [{**_public(link), "active": _active(link, now)} for link in self.store.links_of(referral_id)]

    def revoke(self, actor: Principal, referral_id: str, link_id: str) -> None:
        self._own(actor, referral_id)
        if not self.store.revoke_link(str(link_id)[:40], referral_id, iso(self.clock())):
            raise NotFound(f"Er is geen statuslink {str(link_id)[:40]!r} bij deze doorverwijzing.")

    def status(self, token: str) -> dict[str, Any]:
        """What the public page shows, or NotFound (the same for unknown, expired and revoked)."""
        if not isinstance(token, str) or not 20 <= len(token) <= MAX_TOKEN:
            raise NotFound(GONE)
        found = self.store.link_by_hash(hash_token(token))
        if found is None or not _active(found, iso(self.clock())):
            raise NotFound(GONE)
        text, who = STATUS_TEXT.get(found.status, ("De status is niet bekend.", "verzender"))
        org = found.to_org if who == "ontvanger" else found.from_org
        return {"status": found.status, "text": text, "call": {"organization": org.name, "phone": org.phone},
                "expires_at": found.expires_at}

    def _own(self, actor: Principal, referral_id: str) -> None:
        """Only the sending organisation makes and revokes links (ReferralService checks it sees it)."""
        view = self.referrals.get(actor, referral_id)
        if view["side"] == RECEIVER:
            raise Forbidden("Alleen de verwijzende organisatie kan een statuslink voor de inwoner maken of intrekken.")


def _active(link: StatusLink, now: str) -> bool:
    return not link.revoked_at and parse_iso(link.expires_at) > parse_iso(now)


def _public(link: StatusLink) -> dict[str, Any]:
    return {"id": link.id, "referral_id": link.referral_id, "created_at": link.created_at,
            "expires_at": link.expires_at, "revoked_at": link.revoked_at}
