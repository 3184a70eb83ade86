"""The referral service: create, move through the lifecycle, read, list, feed, export, expire, anonymise.

- Only a ``professional`` acts on referrals, for its own organisation. A referral is visible to
  its sender and its receiver only (a receiver sees it once it is sent); to anyone else it
  does not exist (404).
- Each transition is one check-and-write in the store (expected status and version), with its
  immutable event and audit entry in the same write: of two people acting at once exactly one
  wins, the other gets a Conflict naming the current state.
- The hulpvraag, contact details, client reference and consent purpose are sealed with the
  field cipher; the client reference is found back through a keyed hash.
- Every read and change is written to the audit log.
"""
from __future__ import annotations

import builtins
import logging
import secrets
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable

from socialekaart.accounts.service import Principal
from socialekaart.referrals.crypto import FieldCipher
from socialekaart.referrals.lifecycle import (
    FINAL_STATES,
    MILESTONES,
    OPEN_STATES,
    RECEIVER,
    RECEIVER_LOSES_CLIENT_DATA,
    SENDER,
    STATE_LABELS,
    STATES,
    SYSTEM,
    URGENCIES,
    InvalidTransition,
    NewReferral,
    Transition,
    check_message_text,
    check_step_details,
    consent_covers,
    message_refusal,
    next_states,
    parse_new_referral,
    receiver_only_status,
    refuse_confidential,
    rerefer_refusal,
    side_label,
    transition_for,
)
from socialekaart.referrals.ports import ReferralRepository
from socialekaart.referrals.records import AuditEntry, Message, Referral, ReferralEvent, ReferralSummary, ServiceTarget
from socialekaart.shared.clock import Clock, iso, local_date, parse_iso, utcnow
from socialekaart.shared.errors import Conflict, Forbidden, NotFound, ValidationError
from socialekaart.shared.paging import page_count, skip_for
from socialekaart.shared.workdays import add_working_days

log = logging.getLogger(__name__)
MAX_PAGE_SIZE = 100
MAX_FEED = 500
MAX_AUDIT_PAGE = 1000
BOXES = ("received", "sent")
SORTS = ("nieuwste", "oudste", "termijn", "urgentie")


@dataclass(frozen=True)
class ReferralPage:
    total: int
    page: int
    page_size: int
    items: list[dict[str, Any]]

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(10)}"


def overdue_kind(status: str | None, receive_due_at: str | None, accept_due_at: str | None,
                 now: str) -> str | None:
    """'niet-ontvangen' or 'niet-geaccepteerd' when a referral in ``status`` is past that deadline, else None."""
    if status == "verzonden" and (receive_due_at or "9") < now:
        return "niet-ontvangen"
    if status == "ontvangen" and (accept_due_at or "9") < now:
        return "niet-geaccepteerd"
    return None


class ReferralService:
    def __init__(self, store: ReferralRepository, cipher: FieldCipher, *, clock: Clock = utcnow,
                 receive_days: int = 2, accept_days: int = 5, expire_days: int = 20,
                 notify: Callable[[list[dict[str, Any]]], None] | None = None):
        self.store = store
        self.cipher = cipher
        self.clock = clock
        self.receive_days = receive_days
        self.accept_days = accept_days
        self.expire_days = expire_days
        self.notify = notify

    # -- creating ---------------------------------------------------------------------------------
    def create(self, actor: Principal, data: dict[str, Any], *, send: bool = False) -> dict[str, Any]:
        """A new referral in 'concept', from the actor's organisation; with ``send`` it is sent at once,
        in the same write (its history shows both steps). Consent is required now: contact details are
        not stored without it."""
        actor.require("professional", action="doorverwijzen")
        now = self.clock()
        new = parse_new_referral(data, today=local_date(now))
        target = self._target(new.service_id)
        self._check_consent_partner(new, target)
        referral = self._referral_props(new_id("ref"), actor, new, target, now, status="concept")
        events = [self._event(referral, None, "concept", actor, SENDER, now)]
        audits = [self._audit_row(actor, "aanmaken", referral["id"], now)]
        if new.legal_basis:  # no consent: the organisation's audit shows on which basis (the reason is sealed)
            audits.append(self._audit_row(actor, f"grondslag:{new.legal_basis}", referral["id"], now))
        if send:
            referral.update(self._sent_stamps(now), status="verzonden", version=2)
            events.append(self._event(referral, "concept", "verzonden", actor, SENDER, now))
            audits.append(self._audit_row(actor, "status:verzonden", referral["id"], now))
        seqs = self.store.create(referral, events, audits)
        if seqs is None:
            raise NotFound("De verwijzende organisatie of de voorziening bestaat niet (meer).", field="serviceId")
        self._notify([{**event, "seq": seq} for event, seq in zip(events, seqs)])
        return self._view(*self._load(referral["id"]), {SENDER})

    def _target(self, service_id: str, field: str = "serviceId") -> ServiceTarget:
        target = self.store.service_target(service_id)
        if target is None:
            raise NotFound(f"Er is geen voorziening met id {service_id!r}.", field=field)
        refuse_confidential(target.name, target.confidential)
        if target.closed:
            raise Conflict(f"'{target.name}' is gesloten of neemt geen doorverwijzingen aan. Kies een andere "
                           "voorziening.", field=field)
        return target

    @staticmethod
    def _check_consent_partner(new: NewReferral, target: ServiceTarget) -> None:
        if new.consent is not None and new.consent.partner_id != target.organization_id:
            raise ValidationError(
                f"De toestemming geldt voor een andere partner ({new.consent.partner_id}) dan de organisatie van "
                f"deze voorziening ({target.organization_id}). Vraag toestemming voor deze partner.",
                field="consent.partnerId")

    def _referral_props(self, referral_id: str, actor: Principal, new: NewReferral, target: ServiceTarget,
                        now: datetime, *, status: str, forwarded_from: str | None = None) -> dict[str, Any]:
        seal = self.cipher.seal
        wijk, gemeente = area_of(new, target)
        props: dict[str, Any] = {
            "id": referral_id, "status": status, "version": 1, "created_at": iso(now), "updated_at": iso(now),
            # from_formal is copied from the sending organisation by the store, in the same write.
            "from_org_id": actor.organization_id, "sender_account_id": actor.account_id,
            "to_service_id": target.id, "to_org_id": target.organization_id, "to_rung": target.rung,
            "to_formal": bool(target.formal), "life_domains": list(new.life_domains),
            "urgency": new.urgency, "wijk_code": wijk, "gemeente_code": gemeente,
            "request_enc": seal(new.request_text, f"{referral_id}/request"),
            "contact_enc": self.cipher.seal_json(new.contact, f"{referral_id}/contact"),
            "client_ref_enc": seal(new.client_ref, f"{referral_id}/client-ref"),
            "client_ref_hash": self.cipher.blind_index(new.client_ref, actor.organization_id or ""),
            "consent_purpose_enc": seal(new.consent.purpose, f"{referral_id}/consent-purpose") if new.consent else None,
            "consent_partner_id": new.consent.partner_id if new.consent else None,
            "consent_date": new.consent.given_on.isoformat() if new.consent else None,
            "consent_method": new.consent.method if new.consent else None,
            "legal_basis": new.legal_basis, "forwarded_from": forwarded_from,
            "legal_basis_reason_enc": seal(new.legal_basis_reason, f"{referral_id}/legal-basis-reason")
            if new.legal_basis_reason else None,
        }
        if status == "verzonden":
            props.update(self._sent_stamps(now))
        return props

    def _sent_stamps(self, now: datetime) -> dict[str, str]:
        return {"sent_at": iso(now), "receive_due_at": iso(add_working_days(now, self.receive_days)),
                "accept_due_at": iso(add_working_days(now, self.accept_days)),
                "expires_at": iso(add_working_days(now, self.expire_days))}

    # -- the lifecycle ----------------------------------------------------------------------------
    def transition(self, actor: Principal, referral_id: str, target: str, *, reason: str | None = None,
                   outcome: str | None = None, forward: dict[str, Any] | None = None,
                   expected_version: int | None = None) -> dict[str, Any]:
        """Move the referral to ``target``. With ``expected_version`` (the version the caller saw) the
        step is refused when anyone changed the referral since, even to a state that allows it."""
        actor.require("professional", action="de status van een doorverwijzing wijzigen")
        referral, events = self._visible(actor, referral_id, "wijzigen")
        sides = self._sides(actor, referral)
        if expected_version is not None and expected_version != referral.version:
            raise _changed_meanwhile(referral)
        step = transition_for(referral.status, target)
        if step.side not in sides:
            raise Forbidden(f"Alleen {side_label(step.side)} kan deze doorverwijzing op '{target}' zetten.")
        check_step_details(step, reason=reason, outcome=outcome, has_forward=forward is not None)
        written, changes, event = self._apply(actor, referral, step, reason=reason, outcome=outcome, forward=forward)
        # The answer without reading again: the write matched the version read above, so nothing
        # changed in between, and its event has the highest seq.
        version = written["version"]
        after = replace(referral, **changes, status=step.target, version=version)
        events = [*events, ReferralEvent(**event, seq=written["seq"], version=version)]
        return self._view(after, events, sides)

    def _apply(self, actor: Principal, referral: Referral, step: Transition, *, reason: str | None = None,
               outcome: str | None = None, forward: dict[str, Any] | None = None
               ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """Write the step; the store's answer (new version, seq), the changes and the event written."""
        now = self.clock()
        changes: dict[str, Any] = {"updated_at": iso(now)}
        if step.target in MILESTONES:
            changes[MILESTONES[step.target]] = iso(now)
        if step.target == "verzonden":
            changes.update(self._sent_stamps(now))
        if step.target in FINAL_STATES:
            changes["closed_at"] = iso(now)
        if step.target == "afgewezen":
            changes["decline_reason"] = reason
        if step.target == "geannuleerd":
            changes["cancel_reason"] = reason
        if step.target == "afgerond":
            changes["outcome"] = outcome
        pass_on = None
        if forward is not None:
            pass_on = self._forward_props(actor, referral, forward, now)
            changes["forwarded_to"] = pass_on[0]["id"]
        parties = {"id": referral.id, "from_org_id": referral.from_org_id, "to_org_id": referral.to_org_id}
        event = self._event(parties, referral.status, step.target, actor, step.side, now,
                            reason=reason, outcome=outcome, linked=changes.get("forwarded_to"))
        audit = self._audit_row(actor, f"status:{step.target}", referral.id, now)
        result = self.store.transition(referral.id, expected_status=referral.status,
                                       expected_version=referral.version, changes=changes, event=event,
                                       audit=audit, forward=pass_on)
        if result is None:
            raise _changed_meanwhile(self.store.get(referral.id) or referral)
        published = [{**event, "seq": result["seq"]}]
        if pass_on is not None:
            published.append({**pass_on[1], "seq": result["forward_seq"]})
        self._notify(published)
        return result, changes, event

    def _forward_props(self, actor: Principal, referral: Referral, forward: dict[str, Any],
                       now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
        """The new, linked referral from the receiver to another service, sent at once. What is not
        given comes from the original; consent must be given anew, for the new partner."""
        rid = referral.id
        if not isinstance(forward, dict):
            raise ValidationError("Geef de nieuwe doorverwijzing op.", field="forward")
        defaults = {"lifeDomains": list(referral.life_domains), "urgency": referral.urgency,
                    "requestText": self.cipher.open(referral.request_enc, f"{rid}/request"),
                    "contact": self.cipher.open_json(referral.contact_enc, f"{rid}/contact"),
                    "clientRef": rid, "wijkCode": None}
        try:
            new = parse_new_referral(forward, today=local_date(now), defaults=defaults)
        except ValidationError as exc:
            raise ValidationError(exc.message, errors={f"forward.{k}": v for k, v in exc.errors.items()}) from None
        target = self._target(new.service_id, "forward.serviceId")
        if target.id == referral.to_service_id:
            raise ValidationError("Verwijs door naar een andere voorziening dan deze.", field="forward.serviceId")
        self._check_consent_partner(new, target)
        props = self._referral_props(new_id("ref"), actor, new, target, now, status="verzonden", forwarded_from=rid)
        if not new.wijk_code:
            props["wijk_code"], props["gemeente_code"] = referral.wijk_code, referral.gemeente_code
        event = self._event(props, None, "verzonden", actor, SENDER, now, linked=rid)
        return props, event

    # -- opnieuw verwijzen (the sender, after a decline, expiry or 'niet geholpen') --------------------
    def rerefer(self, actor: Principal, referral_id: str, data: dict[str, Any], *,
                expected_version: int | None = None) -> dict[str, Any]:
        """A new referral from the sender, linked to this closed one and sent at once. What is not given
        comes from the original (hulpvraag, leefgebieden, urgency, contact, client reference); its consent
        only when it covers the new partner, otherwise consent (or a legal basis) must be given anew.
        The original keeps its status and points to the new one."""
        actor.require("professional", action="opnieuw verwijzen")
        referral, _ = self._visible(actor, referral_id, "opnieuw-verwijzen")
        sides = self._sides(actor, referral)
        refusal = rerefer_refusal(referral, sides)
        if refusal is not None:
            raise (Forbidden(refusal) if SENDER not in sides else
                   InvalidTransition(refusal, current=referral.status, allowed=[]))
        if expected_version is not None and expected_version != referral.version:
            raise _changed_meanwhile(referral)
        if not isinstance(data, dict):
            raise ValidationError("Geef de nieuwe doorverwijzing op.", field="serviceId")
        now = self.clock()
        rid = referral.id
        consent = self._consent_of(referral)
        defaults: dict[str, Any] = {
            "lifeDomains": list(referral.life_domains), "urgency": referral.urgency,
            "requestText": self.cipher.open(referral.request_enc, f"{rid}/request"),
            "contact": self.cipher.open_json(referral.contact_enc, f"{rid}/contact"),
            "clientRef": self.cipher.open(referral.client_ref_enc, f"{rid}/client-ref"),
            "wijkCode": referral.wijk_code}
        carried = consent is not None and data.get("consent") is None and data.get("legalBasis") is None
        if carried:
            assert consent is not None
            defaults["consent"] = {"purpose": consent["purpose"], "partnerId": consent["partner_id"],
                                   "method": consent["method"]}
        new = parse_new_referral(data, today=local_date(now), defaults=defaults)
        if carried and new.consent is not None and consent and consent.get("date"):
            # a carried consent keeps the day the inwoner gave it, not the day of the new referral
            new = replace(new, consent=replace(new.consent, given_on=date.fromisoformat(consent["date"])))
        target = self._target(new.service_id)
        if carried and not consent_covers(consent, target.organization_id):
            partner = consent["partner_id"] if consent else ""
            if partner == referral.to_org_id and referral.to_org_name:
                partner = referral.to_org_name
            raise ValidationError(
                f"De toestemming van de inwoner gold voor {partner}, niet voor "
                f"{target.org_name or target.organization_id}. Vraag de inwoner opnieuw om toestemming "
                "voor deze partner (of leg een wettelijke grondslag vast).",
                errors={"consent": ["Vraag de inwoner opnieuw om toestemming voor deze partner."]})
        self._check_consent_partner(new, target)
        props = self._referral_props(new_id("ref"), actor, new, target, now, status="verzonden")
        props["rereferred_from"] = rid
        props["version"] = 2
        events = [self._event(props, None, "concept", actor, SENDER, now, linked=rid),
                  self._event(props, "concept", "verzonden", actor, SENDER, now, linked=rid)]
        audits = [self._audit_row(actor, "opnieuw-verwijzen", rid, now),
                  self._audit_row(actor, "aanmaken", props["id"], now),
                  self._audit_row(actor, "status:verzonden", props["id"], now)]
        if new.legal_basis:
            audits.append(self._audit_row(actor, f"grondslag:{new.legal_basis}", props["id"], now))
        seqs = self.store.rerefer(rid, expected_status=referral.status, referral=props, events=events,
                                  audits=audits)
        if seqs is None:
            current = self.store.get(rid)
            if current is None or current.rereferred_to or current.status != referral.status:
                raise _changed_meanwhile(current or referral)
            raise NotFound("De verwijzende organisatie of de voorziening bestaat niet (meer).", field="serviceId")
        self._notify([{**event, "seq": seq} for event, seq in zip(events, seqs)])
        return self._view(*self._load(props["id"]), {SENDER})

    def _consent_of(self, referral: Referral) -> dict[str, Any] | None:
        if not referral.consent_method:
            return None
        return {"purpose": self.cipher.open(referral.consent_purpose_enc, f"{referral.id}/consent-purpose"),
                "partner_id": referral.consent_partner_id, "date": referral.consent_date,
                "method": referral.consent_method}

    # -- messages between sender and receiver (terugrapportage) ------------------------------------
    def post_message(self, actor: Principal, referral_id: str, text: Any) -> dict[str, Any]:
        """A short note from one side to the other, sealed like the other personal fields and audited.
        The store checks the status in the same write: a referral declined meanwhile takes no message."""
        actor.require("professional", action="een bericht sturen")
        referral, _ = self._visible(actor, referral_id, "bericht")
        sides = self._sides(actor, referral)
        refusal = message_refusal(referral, sides)
        if refusal is not None:
            raise InvalidTransition(refusal, current=referral.status, allowed=[])
        body = check_message_text(text)
        now = self.clock()
        rid = referral.id
        mid = new_id("msg")
        message: dict[str, Any] = {
            "id": mid, "referral_id": rid, "at": iso(now), "side": SENDER if SENDER in sides else RECEIVER,
            "author_account_id": actor.account_id, "author_org_id": actor.organization_id,
            "text_enc": self.cipher.seal(body, f"{rid}/message/{mid}")}
        written = self.store.add_message(rid, message, self._audit_row(actor, "bericht", rid, now),
                                         closed=sorted(RECEIVER_LOSES_CLIENT_DATA))
        if not written:
            current = self.store.get(rid) or referral
            raise InvalidTransition(message_refusal(current, sides) or "De doorverwijzing is intussen gewijzigd.",
                                    current=current.status, allowed=[])
        return self._message_view(Message(**message, n=None, anonymised_at=None))  # n: the store numbers it

    def messages(self, actor: Principal, referral_id: str) -> builtins.list[dict[str, Any]]:
        """The messages on a referral, oldest first. The receiver of a cancelled, declined or expired
        referral no longer reads them (need-to-know)."""
        actor.require("professional", action="berichten lezen")
        referral, _ = self._visible(actor, referral_id, "berichten")
        sides = self._sides(actor, referral)
        if receiver_only_status(referral.status, sides):
            self.store.audit([self._audit_row(actor, "berichten", referral_id, self.clock(), allowed=False)])
            raise Forbidden("Deze doorverwijzing is gesloten zonder hulp van uw organisatie: u ziet de berichten "
                            "niet meer, alleen de status en de reden.")
        self.store.audit([self._audit_row(actor, "berichten", referral_id, self.clock())])
        return [self._message_view(m) for m in self.store.messages_of(referral.id)]

    def _message_view(self, m: Message) -> dict[str, Any]:
        return {"id": m.id, "referral_id": m.referral_id, "at": m.at, "side": m.side,
                "author_account_id": m.author_account_id, "author_org_id": m.author_org_id,
                "text": self.cipher.open(m.text_enc, f"{m.referral_id}/message/{m.id}"),
                "anonymised": bool(m.anonymised_at)}

    def expire_overdue(self) -> list[str]:
        """Move referrals past their deadline (not accepted in time) to 'verlopen'. Each one is its own
        check-and-write, so a referral accepted at the same moment is left alone."""
        system = Principal.system()
        expired: list[str] = []
        for referral in self.store.expirable(iso(self.clock())):
            step = transition_for(referral.status, "verlopen")
            try:
                self._apply(system, referral, step)
            except Conflict:
                continue  # changed meanwhile: someone acted in time after all
            expired.append(referral.id)
        return expired

    # -- reading ----------------------------------------------------------------------------------
    def get(self, actor: Principal, referral_id: str) -> dict[str, Any]:
        actor.require("professional", action="doorverwijzingen inzien")
        referral, events = self._visible(actor, referral_id, "inzien")
        self.store.audit([self._audit_row(actor, "inzien", referral_id, self.clock())])
        return self._view(referral, events, self._sides(actor, referral))

    def list(self, actor: Principal, *, box: str = "received", statuses: Iterable[str] = (), overdue: bool = False,
             page: int = 1, page_size: int = 20, urgencies: Iterable[str] = (),
             sort: str = "nieuwste") -> ReferralPage:
        actor.require("professional", action="doorverwijzingen inzien")
        if box not in BOXES:
            raise ValidationError("box is 'received' (ontvangen) of 'sent' (verstuurd).", field="box")
        statuses = list(dict.fromkeys(statuses))
        unknown = [s for s in statuses if s not in STATES]
        if unknown:
            raise ValidationError(f"Onbekende status {unknown[0][:30]!r}; kies uit {', '.join(STATES)}.",
                                  field="status")
        # status=concept in the received box is a valid question with no answers: the store never shows a
        # receiver a concept.
        urgencies = list(dict.fromkeys(urgencies))
        if any(u not in URGENCIES for u in urgencies):
            raise ValidationError(f"Kies de urgentie uit {', '.join(URGENCIES)}.", field="urgency")
        if sort not in SORTS:
            raise ValidationError(f"Sorteer op {', '.join(SORTS)}.", field="sort")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValidationError(f"pageSize ligt tussen 1 en {MAX_PAGE_SIZE}.", field="pageSize")
        if not 1 <= page <= 10_000:
            raise ValidationError("page ligt tussen 1 en 10000.", field="page")
        now = self.clock()
        total, rows = self.store.page(actor.organization_id or "", box, statuses, iso(now) if overdue else None,
                                      skip_for(page, page_size), page_size, urgencies=urgencies, sort=sort)
        side = RECEIVER if box == "received" else SENDER
        items = [self._summary(row, iso(now), {side}) for row in rows]
        if items:
            self.store.audit([self._audit_row(actor, "lijst", item["id"], now) for item in items])
        return ReferralPage(total, page, page_size, items)

    def counts(self, actor: Principal) -> dict[str, dict[str, int]]:
        """Per box ('received', 'sent'): how many referrals, how many open, how many overdue."""
        actor.require("professional", action="doorverwijzingen inzien")
        return self.store.box_counts(actor.organization_id or "", iso(self.clock()))

    def events(self, actor: Principal, *, since: str | int | None = None, limit: int = 100) -> dict[str, Any]:
        """Events of the referrals the actor's organisation sent or received, oldest first, after
        ``since``: the cursor (``seq``) of the last event seen, or an ISO time."""
        actor.require("professional", action="de gebeurtenissen van doorverwijzingen volgen")
        if not 1 <= limit <= MAX_FEED:
            raise ValidationError(f"limit ligt tussen 1 en {MAX_FEED}.", field="limit")
        since_seq, since_at = 0, None
        if isinstance(since, int) or (isinstance(since, str) and since.isdigit()):
            since_seq = int(since)
        elif since:
            try:
                moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
            except ValueError:
                raise ValidationError("since is een cursor (een getal) of een tijdstip in ISO 8601, zoals "
                                      "2026-05-01T09:00:00Z.", field="since") from None
            if moment.tzinfo is None:
                raise ValidationError("Geef bij since een tijdzone op, zoals 2026-05-01T09:00:00Z.", field="since")
            since_at = iso(moment)
        rows = self.store.feed(actor.organization_id or "", since_seq, since_at, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        now = self.clock()
        if rows:
            ids = list(dict.fromkeys(row.referral_id for row in rows))
            self.store.audit([self._audit_row(actor, "gebeurtenissen", rid, now) for rid in ids])
        cursor = rows[-1].seq if rows else since_seq
        return {"events": [event_view(row) for row in rows], "cursor": cursor, "more": more}

    def export(self, actor: Principal, client_ref: str, *, forwarded: bool = False) -> builtins.list[dict[str, Any]]:
        """Everything the actor's organisation sent for one client reference (inzageverzoek); with
        ``forwarded`` also the referrals the receivers passed on from those (at any depth), as the
        organisations that hold them see them: for the operator answering an inzageverzoek."""
        actor.require("professional", action="doorverwijzingen exporteren")
        if not isinstance(client_ref, str) or not client_ref.strip() or len(client_ref) > 64:
            raise ValidationError("Geef de cliëntreferentie op (hoogstens 64 tekens).", field="clientRef")
        # Every configured key: after a rotation, referrals written under an older key are found too.
        ref_hashes = self.cipher.blind_indexes(client_ref, actor.organization_id or "")
        rows = self.store.by_client_ref(actor.organization_id or "", ref_hashes)
        onward = self._forwarded_from(rows) if forwarded else []
        now = self.clock()
        if rows or onward:
            self.store.audit([self._audit_row(actor, "exporteren", row.id, now) for row in rows + onward])
        own = [self._view(row, self.store.events_of(row.id), {SENDER}) for row in rows]
        return own + [self._view(row, self.store.events_of(row.id), {SENDER, RECEIVER}) for row in onward]

    def _forwarded_from(self, rows: builtins.list[Referral]) -> builtins.list[Referral]:
        found: builtins.list[Referral] = []
        seen = {row.id for row in rows}
        queue = [link for row in rows for link in (row.forwarded_to, row.rereferred_to)]
        while queue:
            rid = queue.pop(0)
            if not rid or rid in seen:
                continue
            seen.add(rid)
            row = self.store.get(rid)
            if row is not None:
                found.append(row)
                queue.extend((row.forwarded_to, row.rereferred_to))
        return found

    def audit_trail(self, actor: Principal, referral_id: str) -> builtins.list[AuditEntry]:
        actor.require("admin", "system", action="het auditlog inzien")
        return self.store.audit_entries(referral_id)

    def organization_audit(self, actor: Principal, *, since: datetime | None = None, until: datetime | None = None,
                           limit: int = 200) -> builtins.list[AuditEntry]:
        """Who of the actor's organisation saw or changed which referral, when (newest first): for the
        organisation's beheerder. Reading it is audited too."""
        actor.require("beheerder", action="het auditlog van uw organisatie inzien")
        if not actor.organization_id:
            raise Forbidden("Dit account hoort bij geen organisatie: er is geen auditlog om in te zien.")
        if not 1 <= limit <= MAX_AUDIT_PAGE:
            raise ValidationError(f"limit ligt tussen 1 en {MAX_AUDIT_PAGE}.", field="limit")
        now = self.clock()
        until = until or now
        since = since or until - timedelta(days=31)
        # since after until is an empty period: nothing in it (a schema cannot order two parameters)
        entries = [] if since > until else self.store.organization_audit(actor.organization_id, iso(since),
                                                                         iso(until), limit)
        self.store.audit([self._audit_row(actor, "auditlog-inzien", None, now)])
        return entries

    def prune_audit(self, *, older_than: timedelta | None = None, months: int | None = None) -> int:
        """Delete audit entries older than the retention; one new entry records the pruning."""
        now = self.clock()
        if months is not None and months >= 1:
            cutoff = months_before(now, months)
        elif older_than is not None and older_than > timedelta(0):
            cutoff = now - older_than
        else:
            raise ValidationError("Geef een bewaartermijn op, zoals 24m.", field="olderThan")
        removed = self.store.prune_audit(iso(cutoff))
        self.store.audit([self._audit_row(Principal.system(), "auditlog-opschonen", None, now)])
        return removed

    # -- privacy ----------------------------------------------------------------------------------
    def anonymise(self, *, older_than: timedelta | None = None, months: int | None = None) -> builtins.list[str]:
        """Remove contact details, free text, client reference and consent purpose from referrals
        closed before the cut-off. Status, dates, reasons and outcomes stay, so the figures do too."""
        now = self.clock()
        if months is not None:
            if months < 1:
                raise ValidationError("De bewaartermijn is minstens één maand.", field="olderThan")
            cutoff = months_before(now, months)
        elif older_than is not None and older_than > timedelta(0):
            cutoff = now - older_than
        else:
            raise ValidationError("Geef een bewaartermijn op, zoals 24m.", field="olderThan")
        system = Principal.system()
        stale = self._close_stale(cutoff)
        return self.store.anonymise(iso(cutoff), iso(now), self._audit_row(system, "anonimiseren", None, now),
                                    also=stale)

    def _close_stale(self, cutoff: datetime) -> builtins.list[str]:
        """Open referrals nobody touched within the retention are closed as 'verlopen' (by the system),
        so their personal data does not outlive it. Each is its own check-and-write. A concept stays a
        concept (only anonymised): closed, it would show to the receiver it was never sent to."""
        system = Principal.system()
        closed: builtins.list[str] = []
        for referral in self.store.stale_open(sorted(OPEN_STATES), iso(cutoff)):
            if referral.status == "concept":
                closed.append(referral.id)
                continue
            try:
                self._apply(system, referral, Transition(referral.status, "verlopen", SYSTEM))
            except Conflict:
                continue  # someone acted on it meanwhile: it is not stale
            closed.append(referral.id)
        return closed

    # -- helpers ----------------------------------------------------------------------------------
    def _visible(self, actor: Principal, referral_id: str,
                 action: str) -> tuple[Referral, builtins.list[ReferralEvent]]:
        """The referral and its events, if the actor's organisation is a party to it; to anyone else
        it does not exist."""
        found = self.store.get_with_events(referral_id) if isinstance(referral_id, str) and len(referral_id) <= 64 \
            else None
        referral = found[0] if found else None
        if found is not None and self._sides(actor, found[0]):
            return found
        if referral is not None:
            self.store.audit([self._audit_row(actor, action, referral_id, self.clock(), allowed=False)])
        raise NotFound(f"Er is geen doorverwijzing {str(referral_id)[:64]!r} voor uw organisatie.")

    @staticmethod
    def _sides(actor: Principal, referral: ReferralSummary) -> set[str]:
        if actor.is_system:
            return {SYSTEM}
        sides = set()
        if actor.organization_id and actor.organization_id == referral.from_org_id:
            sides.add(SENDER)
        if actor.organization_id and actor.organization_id == referral.to_org_id \
                and referral.status != "concept":
            sides.add(RECEIVER)
        return sides

    def _load(self, referral_id: str) -> tuple[Referral, builtins.list[ReferralEvent]]:
        found = self.store.get_with_events(referral_id)
        if found is None:
            raise NotFound(f"Er is geen doorverwijzing {referral_id!r}.")
        return found

    def _event(self, referral: dict[str, Any], source: str | None, target: str, actor: Principal, side: str,
               now: datetime, *, reason: str | None = None, outcome: str | None = None,
               linked: str | None = None) -> dict[str, Any]:
        return {"id": new_id("evt"), "referral_id": referral["id"], "at": iso(now), "from_status": source,
                "to_status": target, "actor_account_id": actor.account_id, "actor_org_id": actor.organization_id,
                "side": side, "reason": reason, "outcome": outcome, "linked_referral_id": linked,
                "from_org_id": referral["from_org_id"], "to_org_id": referral["to_org_id"],
                # Before it is sent, a referral (and its history) is the sender's alone.
                "receiver_visible": not (target == "concept" or source == "concept" and target == "geannuleerd")}

    @staticmethod
    def _audit_row(actor: Principal, action: str, referral_id: str | None, now: datetime, *,
                   allowed: bool = True) -> dict[str, Any]:
        # Ids sort in the order they were made (in this process), for entries within one millisecond.
        return {"id": f"aud-{time.time_ns():020d}-{secrets.token_hex(4)}", "at": iso(now),
                "account_id": actor.account_id, "role": actor.role, "organization_id": actor.organization_id,
                "action": action, "referral_id": referral_id, "allowed": allowed}

    def _notify(self, events: builtins.list[dict[str, Any]]) -> None:
        if self.notify is None:
            return
        try:
            self.notify(events)
        except Exception:  # a webhook problem never fails the change that caused it
            log.exception("could not queue webhook deliveries")

    def _summary(self, r: ReferralSummary, now: str, sides: set[str]) -> dict[str, Any]:
        summary = {
            "id": r.id, "status": r.status, "status_label": STATE_LABELS[r.status],
            "version": r.version, "urgency": r.urgency, "life_domains": list(r.life_domains),
            "from": {"organization_id": r.from_org_id, "organization_name": r.from_org_name},
            "to": {"service_id": r.to_service_id, "service_name": r.to_service_name,
                   "organization_id": r.to_org_id, "organization_name": r.to_org_name},
            "created_at": r.created_at, "updated_at": r.updated_at, "sent_at": r.sent_at,
            "overdue": overdue_kind(r.status, r.receive_due_at, r.accept_due_at, now),
            "side": sorted(sides)[0] if len(sides) == 1 else "beide",
            # For the inbox: what the row needs to be told apart and acted on.
            "client_ref": self._client_ref(r, sides), "deadline": current_deadline(r),
            "days_overdue": days_overdue(r, now), "outcome": r.outcome,
            "decline_reason": r.decline_reason, "cancel_reason": r.cancel_reason,
            "from_formal": r.from_formal, "to_formal": r.to_formal,
        }
        if receiver_only_status(r.status, sides):
            summary.update(urgency=None, life_domains=[])
        return summary

    def _client_ref(self, r: ReferralSummary, sides: set[str]) -> str | None:
        # The client reference is the sender's own; the receiver does not need it.
        if SENDER not in sides or not r.client_ref_enc:
            return None
        return self.cipher.open(r.client_ref_enc, f"{r.id}/client-ref")

    def _view(self, r: Referral, events: builtins.list[ReferralEvent], sides: set[str]) -> dict[str, Any]:
        """The referral as these sides may see it, its sealed fields opened: the service's answer."""
        rid = r.id
        now = iso(self.clock())
        view = self._summary(r, now, sides)
        view.update({
            "received_at": r.received_at, "accepted_at": r.accepted_at,
            "declined_at": r.declined_at, "waitlisted_at": r.waitlisted_at,
            "started_at": r.started_at, "closed_at": r.closed_at,
            "decline_reason": r.decline_reason, "outcome": r.outcome,
            "cancel_reason": r.cancel_reason,
            "deadlines": {"receive_by": r.receive_due_at, "accept_by": r.accept_due_at,
                          "expires_at": r.expires_at},
            "wijk_code": r.wijk_code, "gemeente_code": r.gemeente_code,
            "request_text": self.cipher.open(r.request_enc, f"{rid}/request"),
            "contact": self.cipher.open_json(r.contact_enc, f"{rid}/contact"),
            "consent": self._consent_of(r),
            "legal_basis": r.legal_basis,
            "legal_basis_reason": self.cipher.open(r.legal_basis_reason_enc, f"{rid}/legal-basis-reason"),
            "forwarded_from": r.forwarded_from, "forwarded_to": r.forwarded_to,
            "anonymised_at": r.anonymised_at, "client_data_withheld": False,
            "allowed_next": sorted({t for side in sides for t in next_states(r.status, side)},
                                   key=STATES.index),
            "events": [event_view(e) for e in events if SENDER in sides or e.receiver_visible],
            # The chain of re-referrals is the sender's: a receiver need not know who else was asked.
            "rereferred_from": r.rereferred_from if SENDER in sides else None,
            "rereferred_to": r.rereferred_to if SENDER in sides else None,
            "can_rerefer": SYSTEM not in sides and rerefer_refusal(r, sides) is None,
            "can_message": SYSTEM not in sides and message_refusal(r, sides) is None,
        })
        if receiver_only_status(r.status, sides):
            view.update({name: None for name in CLIENT_DATA_FIELDS}, client_data_withheld=True, messages=[])
        else:
            view["messages"] = [self._message_view(m) for m in self.store.messages_of(rid)]
        return view


def current_deadline(referral: ReferralSummary) -> str | None:
    """The deadline the referral is waiting on now: to be received, or to be accepted."""
    return {"verzonden": referral.receive_due_at, "ontvangen": referral.accept_due_at}.get(referral.status)


def days_overdue(referral: ReferralSummary, now: str) -> int | None:
    """Whole days past the current deadline (0 on the first day), or None when not overdue."""
    if overdue_kind(referral.status, referral.receive_due_at, referral.accept_due_at, now) is None:
        return None
    deadline = current_deadline(referral)
    assert deadline is not None  # overdue means past this deadline
    return (parse_iso(now) - parse_iso(deadline)).days


# What the receiver no longer sees after cancel, decline or expiry (lifecycle.RECEIVER_LOSES_CLIENT_DATA).
CLIENT_DATA_FIELDS = ("request_text", "contact", "client_ref", "consent", "legal_basis", "wijk_code",
                      "gemeente_code", "urgency", "legal_basis_reason")


def _changed_meanwhile(current: Referral) -> InvalidTransition:
    return InvalidTransition(f"Deze doorverwijzing is intussen door iemand anders gewijzigd: de huidige status is "
                             f"'{current.status}'. Bekijk haar opnieuw voordat u verdergaat.",
                             current=current.status, allowed=next_states(current.status))


def event_view(e: ReferralEvent) -> dict[str, Any]:
    return {"id": e.id, "seq": e.seq, "referral_id": e.referral_id, "at": e.at,
            "from": e.from_status, "to": e.to_status, "side": e.side,
            "actor_account_id": e.actor_account_id, "actor_org_id": e.actor_org_id,
            "reason": e.reason, "outcome": e.outcome, "linked_referral_id": e.linked_referral_id}


def area_of(new: NewReferral, target: ServiceTarget) -> tuple[str | None, str | None]:
    """The wijk and gemeente a referral counts for: where the inwoner lives when given, else where
    the service is, else its werkgebied when that lies in one gemeente."""
    if new.wijk_code:
        return new.wijk_code, f"GM{new.wijk_code[2:6]}"
    if target.gemeente_code:
        return target.wijk_code, target.gemeente_code
    serves = [c for c in target.serves if len(c) >= 6]
    gemeenten = {c[2:6] for c in serves}
    if len(gemeenten) != 1:
        return None, None
    wijken = [c for c in serves if c.startswith("WK")]
    return (wijken[0] if len(serves) == 1 and wijken else None), f"GM{gemeenten.pop()}"


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (clamped to the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
