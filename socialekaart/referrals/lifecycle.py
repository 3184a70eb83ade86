"""Doorverwijzingen: the lifecycle, who may do what, and what a referral must hold.

``concept → verzonden → ontvangen → geaccepteerd | afgewezen(reden) → wachtlijst → gestart →
afgerond(uitkomst)``, with the side exits ``geannuleerd`` (by the sender), ``verlopen`` (the
deadline passed; the system) and ``doorverwezen`` (the receiver passes it on: a new, linked
referral). A transition is allowed for one side only: the sender (the organisation that sent
it) or the receiver (the organisation of the service it was sent to).

Plain rules, no Flask and no store: the service layer is in ``referral_service``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from socialekaart.places.codes import CBS_CODE_PATTERNS
from socialekaart.referrals.records import Referral
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import Conflict, Forbidden, ValidationError
from socialekaart.shared.validation import ID_PATTERN, PHONE_PATTERN, valid_email

STATES = ("concept", "verzonden", "ontvangen", "geaccepteerd", "afgewezen", "wachtlijst", "gestart",
          "afgerond", "geannuleerd", "verlopen", "doorverwezen")
STATE_LABELS = {"concept": "Concept", "verzonden": "Verzonden", "ontvangen": "Ontvangen",
                "geaccepteerd": "Geaccepteerd", "afgewezen": "Afgewezen", "wachtlijst": "Op de wachtlijst",
                "gestart": "Gestart", "afgerond": "Afgerond", "geannuleerd": "Geannuleerd",
                "verlopen": "Verlopen", "doorverwezen": "Doorverwezen"}
FINAL_STATES = frozenset({"afgewezen", "afgerond", "geannuleerd", "verlopen", "doorverwezen"})
OPEN_STATES = tuple(s for s in STATES if s not in FINAL_STATES)

SENDER, RECEIVER, SYSTEM = "verzender", "ontvanger", "systeem"

# Need-to-know: once a referral is cancelled (also when consent is withdrawn), declined or expired the
# receiver gives no help, so from that moment it sees status and reason only, never the client's data.
# The sender keeps it (inzage, a new referral) until anonymisation.
RECEIVER_LOSES_CLIENT_DATA = frozenset({"geannuleerd", "afgewezen", "verlopen"})


def receiver_only_status(status: str, sides: set[str]) -> bool:
    """Whether this party may see only the status and reason of a referral in ``status``."""
    return RECEIVER in sides and SENDER not in sides and status in RECEIVER_LOSES_CLIENT_DATA


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    side: str  # SENDER, RECEIVER or SYSTEM
    needs: str | None = None  # "reason", "outcome" or "forward"


TRANSITIONS: tuple[Transition, ...] = (
    Transition("concept", "verzonden", SENDER),
    Transition("concept", "geannuleerd", SENDER),
    Transition("verzonden", "ontvangen", RECEIVER),
    Transition("verzonden", "geannuleerd", SENDER),
    Transition("verzonden", "verlopen", SYSTEM),
    Transition("ontvangen", "geaccepteerd", RECEIVER),
    Transition("ontvangen", "afgewezen", RECEIVER, "reason"),
    Transition("ontvangen", "doorverwezen", RECEIVER, "forward"),
    Transition("ontvangen", "geannuleerd", SENDER),
    Transition("ontvangen", "verlopen", SYSTEM),
    Transition("geaccepteerd", "wachtlijst", RECEIVER),
    Transition("geaccepteerd", "gestart", RECEIVER),
    Transition("geaccepteerd", "doorverwezen", RECEIVER, "forward"),
    Transition("geaccepteerd", "geannuleerd", SENDER),
    Transition("wachtlijst", "gestart", RECEIVER),
    Transition("wachtlijst", "doorverwezen", RECEIVER, "forward"),
    Transition("wachtlijst", "geannuleerd", SENDER),
    Transition("gestart", "afgerond", RECEIVER, "outcome"),
    Transition("gestart", "doorverwezen", RECEIVER, "forward"),
)
TRANSITION_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}

DECLINE_REASONS = {"geen-capaciteit": "Geen capaciteit", "buiten-doelgroep": "Buiten de doelgroep",
                   "buiten-werkgebied": "Buiten het werkgebied", "niet-bereikbaar": "Inwoner niet bereikbaar",
                   "inwoner-wil-niet": "Inwoner wil niet"}
OUTCOMES = {"geholpen": "Geholpen", "deels": "Deels geholpen", "niet-geholpen": "Niet geholpen"}
CANCEL_REASONS = {"niet-meer-nodig": "Niet meer nodig", "inwoner-wil-niet": "Inwoner wil niet",
                  "verkeerde-partner": "Verkeerde partner gekozen", "anders": "Andere reden"}
URGENCIES = {"normaal": "Normaal", "urgent": "Urgent (binnen een week)", "spoed": "Spoed (vandaag)"}
CONSENT_METHODS = {"mondeling": "Mondeling", "schriftelijk": "Schriftelijk", "digitaal": "Digitaal"}
# A recorded legal basis instead of consent (AVG art. 6 and 9; the Meldcode).
LEGAL_BASES = {"vitaal-belang": "Vitaal belang: acuut gevaar voor de inwoner of anderen",
               "wettelijke-taak": "Wettelijke taak (Wmo 2015, Jeugdwet, Participatiewet)",
               "meldcode": "Meldcode huiselijk geweld en kindermishandeling"}

MAX_REQUEST_TEXT = 1000
MAX_PURPOSE = 300
MIN_LEGAL_BASIS_REASON = 10
MAX_CONTACT_NAME = 100
MAX_REACHABLE = 200
MAX_LIFE_DOMAINS = 5
CLIENT_REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
WIJK_PATTERN = CBS_CODE_PATTERNS["wijk"]
CONTACT_FIELDS = ("name", "phone", "email", "reachable")
# What a new referral must hold; the API description marks these required (web/api/referrals/schemas.py).
REQUIRED_FIELDS = ("serviceId", "lifeDomains", "requestText", "clientRef", "contact")
REACH_FIELDS = ("phone", "email")  # at least one of them
# All of them. No date: the consent counts from the day the referral is made, which the service records
# itself (a date the sender types can be old or wrong, and "within a year" is no rule a schema can state).
CONSENT_FIELDS = ("purpose", "partnerId", "method")


class InvalidTransition(Conflict):
    """The referral is not in a state that allows this step; the message names the current state."""

    def __init__(self, message: str, *, current: str, allowed: list[str]):
        super().__init__(message)
        self.current = current
        self.extensions = {"currentStatus": current, "allowedStatuses": allowed}


def transition_for(current: str, target: str) -> Transition:
    """The transition from ``current`` to ``target``, or InvalidTransition naming the current state."""
    if target not in STATES:
        raise ValidationError(f"Onbekende status {target[:30]!r}; kies uit {', '.join(STATES)}.", field="to")
    found = TRANSITION_BY_PAIR.get((current, target))
    if found is None:
        allowed = next_states(current)
        options = f"Vanuit '{current}' kan alleen: {', '.join(allowed)}." if allowed else \
            f"'{current}' is een eindstatus: er kan niets meer veranderen."
        raise InvalidTransition(f"Deze doorverwijzing kan niet naar '{target}': de huidige status is "
                                f"'{current}'. {options}", current=current, allowed=allowed)
    return found


def next_states(current: str, side: str | None = None) -> list[str]:
    return [t.target for t in TRANSITIONS if t.source == current and (side is None or t.side == side)]


def side_label(side: str) -> str:
    return {SENDER: "de verwijzende organisatie", RECEIVER: "de ontvangende organisatie",
            SYSTEM: "het systeem (bij het verlopen van de termijn)"}[side]


# -- what a new referral holds ---------------------------------------------------------------------
@dataclass(frozen=True)
class Consent:
    purpose: str
    partner_id: str  # the receiving organisation the inwoner agreed to
    given_on: date
    method: str


@dataclass(frozen=True)
class NewReferral:
    service_id: str
    life_domains: tuple[str, ...]
    urgency: str
    request_text: str  # the hulpvraag, in a few sentences
    client_ref: str  # the sender's own pseudonymous reference; never a name or BSN
    contact: dict[str, str] = field(default_factory=dict)
    consent: Consent | None = None
    legal_basis: str | None = None
    legal_basis_reason: str | None = None  # why consent was not asked: required with a legal basis
    wijk_code: str | None = None  # where the inwoner lives (for the figures), if known


def parse_new_referral(data: dict[str, Any], *, today: date, defaults: dict[str, Any] | None = None) -> NewReferral:
    """Check a referral as given through the API (lowerCamelCase keys) and return it, or raise one
    ValidationError listing every problem. ``defaults`` fill fields left out (used when passing a
    referral on: the text, leefgebieden and contact come from the original)."""
    data = {**(defaults or {}), **{k: v for k, v in data.items() if v is not None}}
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    service_id = data.get("serviceId")
    if not isinstance(service_id, str) or not ID_PATTERN.match(service_id):
        add("serviceId", "Kies de voorziening waarnaar u verwijst.")
    domains = data.get("lifeDomains") or []
    if not isinstance(domains, (list, tuple)) or not domains:
        add("lifeDomains", "Noem minstens één leefgebied.")
        domains = []
    elif len(domains) > MAX_LIFE_DOMAINS:
        add("lifeDomains", f"Noem hoogstens {MAX_LIFE_DOMAINS} leefgebieden.")
    codes: list[str] = []
    for value in domains:
        code = taxonomy.resolve("lifeDomain", str(value)) if isinstance(value, str) else None
        if code is None:
            add("lifeDomains", f"Onbekend leefgebied {str(value)[:40]!r}.")
        elif code not in codes:
            codes.append(code)
    urgency = data.get("urgency") or "normaal"
    if urgency not in URGENCIES:
        add("urgency", f"Kies de urgentie uit {', '.join(URGENCIES)}.")
    text = data.get("requestText")
    if not isinstance(text, str) or not text.strip():
        add("requestText", "Beschrijf de hulpvraag in een paar zinnen.")
        text = ""
    elif len(text) > MAX_REQUEST_TEXT:
        add("requestText", f"De hulpvraag is te lang: hoogstens {MAX_REQUEST_TEXT} tekens "
                           f"(nu {len(text)}). Noem alleen wat de ontvanger nodig heeft.")
    elif "\x00" in text:
        add("requestText", "Bevat een ongeldig teken.")
    client_ref = data.get("clientRef")
    if not isinstance(client_ref, str) or not CLIENT_REF_PATTERN.match(client_ref):
        add("clientRef", "Geef uw eigen cliëntreferentie (letters, cijfers, '.', '_', '/' of '-', hoogstens "
                         "64 tekens). Gebruik geen naam of BSN.")
    elif re.fullmatch(r"\d{8,9}", client_ref):
        add("clientRef", "Dit lijkt een BSN. Gebruik uw eigen cliëntnummer, geen BSN.")
    contact = _contact(data.get("contact"), add)
    consent, legal_basis = _consent(data.get("consent"), data.get("legalBasis"), today, add)
    legal_basis_reason = _legal_basis_reason(legal_basis, data.get("legalBasisReason"), add)
    wijk = data.get("wijkCode")
    if wijk is not None and (not isinstance(wijk, str) or not WIJK_PATTERN.match(wijk)):
        add("wijkCode", "Geef een CBS-wijkcode zoals WK066401.")
    if problems:
        summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in problems.items())
        raise ValidationError(f"De doorverwijzing is niet compleet. {summary}", errors=problems)
    assert isinstance(service_id, str) and isinstance(client_ref, str)  # else a problem was raised above
    return NewReferral(service_id=service_id, life_domains=tuple(codes), urgency=urgency, request_text=text.strip(),
                       client_ref=client_ref, contact=contact, consent=consent, legal_basis=legal_basis,
                       legal_basis_reason=legal_basis_reason, wijk_code=wijk)


def _contact(value: Any, add) -> dict[str, str]:
    if value is None:
        add("contact", "Geef een telefoonnummer of e-mailadres waarop de ontvanger de inwoner kan bereiken.")
        return {}
    if not isinstance(value, dict):
        add("contact", "Verkeerd formaat.")
        return {}
    unknown = sorted(set(value) - set(CONTACT_FIELDS))
    if unknown:
        add("contact", f"Alleen naam, telefoon, e-mail en bereikbaarheid zijn toegestaan; niet: {', '.join(unknown)}.")
    contact = {k: str(value[k]).strip() for k in CONTACT_FIELDS if isinstance(value.get(k), str) and value[k].strip()}
    if not any(name in contact for name in REACH_FIELDS):
        add("contact", "Geef een telefoonnummer of e-mailadres waarop de ontvanger de inwoner kan bereiken.")
    if "phone" in contact and not PHONE_PATTERN.match(contact["phone"]):
        add("contact.phone", "Geen geldig telefoonnummer.")
    if "email" in contact and not valid_email(contact["email"]):
        add("contact.email", "Geen geldig e-mailadres.")
    if len(contact.get("name", "")) > MAX_CONTACT_NAME:
        add("contact.name", f"Hoogstens {MAX_CONTACT_NAME} tekens.")
    if len(contact.get("reachable", "")) > MAX_REACHABLE:
        add("contact.reachable", f"Hoogstens {MAX_REACHABLE} tekens.")
    return contact


def _consent(value: Any, legal_basis: Any, today: date, add) -> tuple[Consent | None, str | None]:
    if value is None and legal_basis is None:
        add("consent", "Leg eerst de toestemming van de inwoner vast (doel, ontvangende partner en hoe die "
                       "gegeven is), of een wettelijke grondslag.")
        return None, None
    if value is not None and legal_basis is not None:
        add("consent", "Geef toestemming óf een wettelijke grondslag, niet allebei.")
        return None, None
    if legal_basis is not None:
        if legal_basis not in LEGAL_BASES:
            add("legalBasis", f"Kies een grondslag uit {', '.join(LEGAL_BASES)}.")
            return None, None
        return None, legal_basis
    if not isinstance(value, dict):
        add("consent", "Verkeerd formaat.")
        return None, None
    purpose, partner, method = (value.get(k) for k in CONSENT_FIELDS)
    if not isinstance(purpose, str) or not purpose.strip():
        add("consent.purpose", "Noem het doel waarvoor de inwoner toestemming gaf.")
    elif len(purpose) > MAX_PURPOSE:
        add("consent.purpose", f"Hoogstens {MAX_PURPOSE} tekens.")
    if not isinstance(partner, str) or not ID_PATTERN.match(partner):
        add("consent.partnerId", "Noem de organisatie waarvoor de inwoner toestemming gaf.")
    if "date" in value:
        add("consent.date", "Geef geen datum: de toestemming geldt vanaf de dag van de verwijzing; die legt de "
                            "sociale kaart zelf vast.")
    if method not in CONSENT_METHODS:
        add("consent.method", f"Hoe is de toestemming gegeven? Kies uit {', '.join(CONSENT_METHODS)}.")
    if not (isinstance(purpose, str) and purpose.strip() and isinstance(partner, str)
            and isinstance(method, str) and method):
        return None, None
    return Consent(purpose.strip(), partner, today, method), None


def _legal_basis_reason(legal_basis: str | None, value: Any, add) -> str | None:
    """A legal basis replaces consent only with a reason: why asking was not possible or not needed."""
    given = value.strip() if isinstance(value, str) else ""
    if legal_basis is None:
        if given:
            add("legalBasisReason", "Een reden hoort alleen bij een wettelijke grondslag.")
        return None
    if len(given) < MIN_LEGAL_BASIS_REASON:
        add("legalBasisReason", "Leg uit waarom u geen toestemming vraagt (minstens "
                                f"{MIN_LEGAL_BASIS_REASON} tekens); dit komt in de audit van uw organisatie.")
    elif len(given) > MAX_PURPOSE:
        add("legalBasisReason", f"Hoogstens {MAX_PURPOSE} tekens.")
    elif "\x00" in given:
        add("legalBasisReason", "Bevat een ongeldig teken.")
    else:
        return given
    return None


def check_step_details(step: Transition, *, reason: str | None, outcome: str | None, has_forward: bool) -> None:
    """A decline needs a reason, a close an outcome, a pass-on a new referral; nothing else takes them."""
    if step.needs == "reason":
        if reason not in DECLINE_REASONS:
            raise ValidationError(f"Geef een reden om af te wijzen: {', '.join(DECLINE_REASONS)}.", field="reason")
    elif step.target == "geannuleerd":
        if reason is not None and reason not in CANCEL_REASONS:
            raise ValidationError(f"Kies een reden om te annuleren uit {', '.join(CANCEL_REASONS)}.", field="reason")
    elif reason is not None:
        raise ValidationError(f"Bij '{step.target}' hoort geen reden.", field="reason")
    if step.needs == "outcome":
        if outcome not in OUTCOMES:
            raise ValidationError(f"Geef de uitkomst: {', '.join(OUTCOMES)}.", field="outcome")
    elif outcome is not None:
        raise ValidationError("Een uitkomst hoort alleen bij 'afgerond'.", field="outcome")
    if step.needs == "forward" and not has_forward:
        raise ValidationError("Geef de nieuwe doorverwijzing op (voorziening en toestemming).", field="forward")
    if step.needs != "forward" and has_forward:
        raise ValidationError("Een nieuwe doorverwijzing hoort alleen bij 'doorverwezen'.", field="forward")


# What a transition stamps on the referral, for the lifecycle and the figures.
MILESTONES = {"verzonden": "sent_at", "ontvangen": "received_at", "geaccepteerd": "accepted_at",
              "afgewezen": "declined_at", "wachtlijst": "waitlisted_at", "gestart": "started_at"}


def refuse_confidential(name: str, confidential: bool | None) -> None:
    """A service with a secret address (``confidential``) takes no referrals through the sociale kaart:
    its address would travel with the referral. Say whom to call instead."""
    if confidential:
        raise Forbidden(f"Naar '{name}' kunt u niet via de sociale kaart verwijzen: deze voorziening "
                        "heeft een geheim adres. Neem telefonisch contact op (bij huiselijk geweld: Veilig "
                        "Thuis, 0800-2000).")


# -- re-referral by the sender (opnieuw verwijzen) -----------------------------------------------
# After a decline, an expiry or a close without help the sender may refer the inwoner again: a new
# referral linked to this one. The original keeps its status (its figures and need-to-know stay).
REREFER_STATES = frozenset({"afgewezen", "verlopen"})
REREFER_OUTCOMES = frozenset({"niet-geholpen"})


def rerefer_refusal(referral: Referral, sides: set[str]) -> str | None:
    """Why this party may not refer this referral again now (a Dutch sentence), or None when it may."""
    if SENDER not in sides:
        return "Alleen de verwijzende organisatie kan opnieuw verwijzen."
    if referral.rereferred_to:
        return "Deze doorverwijzing is al opnieuw verwezen; ga verder vanuit de nieuwe doorverwijzing."
    if referral.anonymised_at:
        return "De gegevens van deze doorverwijzing zijn na de bewaartermijn verwijderd: maak een nieuwe."
    status = referral.status
    if status in REREFER_STATES or status == "afgerond" and referral.outcome in REREFER_OUTCOMES:
        return None
    return (f"Opnieuw verwijzen kan na afwijzen, verlopen of afronden met 'niet geholpen'; de status is nu "
            f"'{STATE_LABELS.get(str(status), status)}'.")


def consent_covers(consent: dict[str, Any] | None, partner_id: str) -> bool:
    """Whether recorded consent also covers this receiving organisation (consent is per partner)."""
    return bool(consent) and consent.get("partner_id") == partner_id  # type: ignore[union-attr]


# -- messages between sender and receiver (terugrapportage) ---------------------------------------
MAX_MESSAGE = 500


def check_message_text(text: Any) -> str:
    """A short note: not empty, at most MAX_MESSAGE characters, no control characters but new lines."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("Schrijf een kort bericht.", field="text")
    text = text.strip()
    if len(text) > MAX_MESSAGE:
        raise ValidationError(f"Het bericht is te lang: hoogstens {MAX_MESSAGE} tekens (nu {len(text)}).",
                              field="text")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise ValidationError("Het bericht bevat een ongeldig teken.", field="text")
    return text


def message_refusal(referral: Referral, sides: set[str]) -> str | None:
    """Why this party may not write a message on this referral now, or None when it may. Only between
    a sender and a receiver: not on a concept, and not once the receiver has lost the client's data."""
    status = referral.status
    if not sides & {SENDER, RECEIVER}:
        return "Alleen de verwijzende en de ontvangende organisatie kunnen berichten sturen."
    if status == "concept":
        return "Een concept is nog niet verstuurd: er is nog geen ontvanger om een bericht aan te sturen."
    if referral.anonymised_at:
        return "De gegevens van deze doorverwijzing zijn na de bewaartermijn verwijderd."
    if status in RECEIVER_LOSES_CLIENT_DATA:
        return (f"Deze doorverwijzing is {STATE_LABELS[str(status)].lower()}: de ontvanger ziet geen gegevens en "
                "geen berichten meer, dus er kan geen bericht meer bij.")
    return None
