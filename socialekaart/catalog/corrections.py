"""'Klopt er iets niet?': an inwoner tells us a service's information is wrong, without an account.

A correction is stored as one ``Correction`` node (status 'nieuw') for the beheerder of the
service's organisation. The text is checked here: control characters removed, the length
limited, an e-mail address optional but well-formed. Storing is one statement: all or nothing.

The beheerder settles it: 'verwerkt' after it saved the change through the listing's own edit
path (``ListingService.update``: validated and versioned), or 'afgewezen' with a reason. Settling
is one statement that also writes the audit entry, and only a correction still 'nieuw' is settled:
of two beheerders at once, one wins.
"""
from __future__ import annotations

import re
import secrets
import time
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, Protocol

from socialekaart.accounts.service import Principal, may_edit_service
from socialekaart.catalog.records import ServiceRecord
from socialekaart.shared.clock import Clock, iso, utcnow
from socialekaart.shared.errors import Conflict, Forbidden, NotFound, ValidationError
from socialekaart.shared.validation import ID_PATTERN, valid_email

MIN_TEXT = 5
MAX_TEXT = 1000
MAX_EMAIL = 254
STATUS_NEW = "nieuw"
STATUS_ACCEPTED = "verwerkt"
STATUS_REJECTED = "afgewezen"
STATUSES = ("nieuw", "in-behandeling", "verwerkt", "afgewezen")
MAX_REASON = 500
# Control characters (Cc) and format characters such as zero-width and bidi overrides (Cf), except
# the ordinary line breaks and tabs, which become spaces or stay as a line break.
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Correction:
    id: str
    service_id: str
    organization_id: str
    text: str
    email: str | None
    created_at: str  # ISO 8601, UTC
    status: str = STATUS_NEW
    reason: str | None = None  # why it was rejected
    settled_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "service_id": self.service_id, "organization_id": self.organization_id,
                "text": self.text, "email": self.email, "created_at": self.created_at, "status": self.status,
                "reason": self.reason, "settled_at": self.settled_at}


class CorrectionStore(Protocol):
    """What corrections need from storage (implemented by ``graph/stores/corrections.py``)."""

    def save_correction(self, correction: Correction) -> None: ...

    def corrections_for_organization(self, organization_id: str, *, status: str | None = None,
                                     limit: int = 100) -> list[Correction]: ...

    def correction(self, correction_id: str) -> Correction | None: ...

    def settle_correction(self, correction_id: str, *, status: str, reason: str | None, settled_at: str,
                          audit: dict[str, Any]) -> bool:
        """Set the status (and reason) of a correction still 'nieuw', with its audit entry, in one
        statement; False when it was not 'nieuw' any more."""


def clean_text(text: str | None) -> str:
    """Control and invisible format characters out, line breaks kept (at most one blank line), trimmed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch if ch == "\n" else " " if ch == "\t" else ch
                   for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    lines = [_SPACES.sub(" ", line).strip() for line in kept.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def check_correction(text: str | None, email: str | None) -> tuple[str, str | None]:
    """The cleaned text and e-mail address; ValidationError with all problems, per field, in plain Dutch."""
    problems: dict[str, list[str]] = {}
    cleaned = clean_text(text)
    if not cleaned:
        problems["tekst"] = ["Schrijf op wat er niet klopt."]
    elif len(cleaned) < MIN_TEXT:
        problems["tekst"] = [f"Schrijf iets meer: minstens {MIN_TEXT} tekens."]
    elif len(cleaned) > MAX_TEXT:
        problems["tekst"] = [f"Uw tekst is te lang: {len(cleaned)} tekens. Gebruik hoogstens {MAX_TEXT} tekens."]
    address = clean_text(email).replace("\n", "").replace(" ", "") or None
    if address and (len(address) > MAX_EMAIL or not valid_email(address)):
        problems["email"] = ["Dit e-mailadres klopt niet. Laat het leeg of schrijf het zo: naam@voorbeeld.nl."]
    if problems:
        first_field, messages = next(iter(problems.items()))
        raise ValidationError(messages[0], field=first_field, errors=problems)
    return cleaned, address


class CorrectionService:
    def __init__(self, store: CorrectionStore, find_service: Callable[[str], ServiceRecord], *,
                 clock: Clock | None = None, new_id: Callable[[], str] | None = None):
        self.store = store
        self.find_service = find_service
        self.clock = clock or utcnow
        self.new_id = new_id or (lambda: f"corr-{secrets.token_hex(8)}")

    def submit(self, service_id: str, text: str | None, email: str | None = None) -> Correction:
        """Check and store one correction for a service; NotFound for an unknown service."""
        if not service_id or not ID_PATTERN.match(service_id):
            raise NotFound("Deze hulp bestaat niet (meer).", field="service")
        cleaned, address = check_correction(text, email)
        service = self.find_service(service_id)
        organization_id = service.organization_id
        now: datetime = self.clock()
        correction = Correction(self.new_id(), service_id, organization_id, cleaned, address,
                                now.isoformat(timespec="seconds"))
        self.store.save_correction(correction)
        return correction

    def for_organization(self, organization_id: str, *, status: str | None = None) -> list[Correction]:
        if status is not None and status not in STATUSES:
            raise ValidationError(f"Kies een status uit: {', '.join(STATUSES)}.", field="status")
        return self.store.corrections_for_organization(organization_id, status=status)

    # -- the beheerder's side -------------------------------------------------------------------------
    def open_for(self, actor: Principal) -> list[Correction]:
        """The corrections of the actor's organisation that still wait for an answer, newest first."""
        actor.require("beheerder", action="correcties inzien")
        return self.store.corrections_for_organization(actor.organization_id or "", status=STATUS_NEW)

    def _open(self, actor: Principal, correction_id: str) -> Correction:
        actor.require("beheerder", "admin", action="een correctie afhandelen")
        found = self.store.correction(correction_id) if ID_PATTERN.match(correction_id or "") else None
        if found is None:
            raise NotFound("Deze correctie bestaat niet.", field="correction")
        if not may_edit_service(actor, found.organization_id):
            raise Forbidden("U handelt alleen correcties voor uw eigen organisatie af.")
        if found.status != STATUS_NEW:
            raise Conflict("Deze correctie is al afgehandeld.", field="correction")
        return found

    def check_open(self, actor: Principal, correction_id: str) -> Correction:
        """The correction, when the actor may still settle it (else NotFound, Forbidden or Conflict)."""
        return self._open(actor, correction_id)

    def accept(self, actor: Principal, correction_id: str) -> Correction:
        """Mark it 'verwerkt': call after the change was saved through ``ListingService.update``."""
        return self._settle(actor, self._open(actor, correction_id), STATUS_ACCEPTED, None)

    def reject(self, actor: Principal, correction_id: str, reason: str | None) -> Correction:
        found = self._open(actor, correction_id)
        cleaned = clean_text(reason)
        if not cleaned:
            raise ValidationError("Schrijf kort op waarom u de correctie afwijst.", field="reden")
        if len(cleaned) > MAX_REASON:
            raise ValidationError(f"Gebruik hoogstens {MAX_REASON} tekens.", field="reden")
        return self._settle(actor, found, STATUS_REJECTED, cleaned)

    def _settle(self, actor: Principal, found: Correction, status: str, reason: str | None) -> Correction:
        now = self.clock()
        audit = {"id": f"aud-{time.time_ns():020d}-{secrets.token_hex(4)}", "at": iso(now),
                 "account_id": actor.account_id, "role": actor.role, "organization_id": found.organization_id,
                 "action": f"correctie-{status}:{found.id}", "referral_id": None, "allowed": True}
        if not self.store.settle_correction(found.id, status=status, reason=reason, settled_at=iso(now), audit=audit):
            raise Conflict("Deze correctie is intussen al afgehandeld.", field="correction")
        return replace(found, status=status, reason=reason, settled_at=iso(now))
