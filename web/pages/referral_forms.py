"""The refer form (/verwijzen/<service id>): what the professional filled in, as the fields the
domain takes for a new referral, and the domain's field errors mapped back onto the form.

The rules (what is required, lengths, consent) are the domain's (``socialekaart.referrals``); this
module only adds what belongs to the form: the explicit confirmation that the inwoner consented.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from socialekaart.referrals.lifecycle import CONSENT_METHODS, LEGAL_BASES, MAX_LIFE_DOMAINS, URGENCIES
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import ValidationError

# Generous bounds on what is read from the form; the domain gives the precise Dutch message.
MAX_INPUT = 5000

# Domain field (the API's name) -> the form field it belongs to.
FIELD_OF = {
    "lifeDomains": "leefgebied", "urgency": "urgentie", "requestText": "hulpvraag", "clientRef": "clientreferentie",
    "contact": "contact_telefoon", "contact.phone": "contact_telefoon", "contact.email": "contact_email",
    "contact.name": "contact_naam", "contact.reachable": "contact_bereikbaar",
    "consent": "grondslag", "consent.partnerId": "grondslag", "consent.purpose": "toestemming_doel",
    "consent.method": "toestemming_wijze",
    "legalBasis": "wettelijke_grondslag", "legalBasisReason": "grondslag_reden",
}
# Fields the error summary links to (each has an element with id "veld-<name>").
FORM_FIELDS = ("leefgebied", "urgentie", "hulpvraag", "contact_naam", "contact_telefoon", "contact_email",
               "contact_bereikbaar", "clientreferentie", "grondslag", "toestemming_doel",
               "toestemming_wijze", "toestemming_bevestigd", "wettelijke_grondslag", "grondslag_reden")
ACTIONS = ("concept", "versturen")


@dataclass(frozen=True)
class ReferForm:
    life_domains: tuple[str, ...] = ()
    urgency: str = "normaal"
    request_text: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_reachable: str = ""
    client_ref: str = ""
    basis: str = "toestemming"  # "toestemming" or "wettelijk"
    consent_purpose: str = ""
    consent_method: str = ""
    consent_confirmed: bool = False
    legal_basis: str = ""
    legal_basis_reason: str = ""
    action: str = "concept"

    @classmethod
    def blank(cls, life_domains: list[str], **values: Any) -> "ReferForm":
        known = tuple(code for code in life_domains if code in taxonomy.LIFE_DOMAIN_BY_CODE)[:MAX_LIFE_DOMAINS]
        return replace(cls(life_domains=known), **values)

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> "ReferForm":
        def text(name: str) -> str:
            return str(form.get(name, "") or "").strip()[:MAX_INPUT]

        getlist = getattr(form, "getlist", None)
        domains = getlist("leefgebied") if getlist else form.get("leefgebied") or []
        action = text("actie")
        return cls(life_domains=tuple(dict.fromkeys(str(d)[:60] for d in domains))[:20], urgency=text("urgentie"),
                   request_text=text("hulpvraag"), contact_name=text("contact_naam"),
                   contact_phone=text("contact_telefoon"), contact_email=text("contact_email"),
                   contact_reachable=text("contact_bereikbaar"), client_ref=text("clientreferentie"),
                   basis=text("grondslag"), consent_purpose=text("toestemming_doel"),
                   consent_method=text("toestemming_wijze"),
                   consent_confirmed=text("toestemming_bevestigd") == "ja", legal_basis=text("wettelijke_grondslag"),
                   legal_basis_reason=text("grondslag_reden"),
                   action=action if action in ACTIONS else "concept")

    def own_problems(self) -> dict[str, str]:
        """What the form asks beyond the domain: pick consent or a legal basis, and confirm the consent."""
        if self.basis not in ("toestemming", "wettelijk"):
            return {"grondslag": "Kies: de inwoner gaf toestemming, of er is een wettelijke grondslag."}
        if self.basis == "toestemming" and not self.consent_confirmed:
            return {"toestemming_bevestigd": "Bevestig dat de inwoner toestemming gaf voor dit doel en deze partner."}
        return {}

    def referral_data(self, service_id: str, partner_id: str) -> dict[str, Any]:
        """The fields of a new referral, as ``ReferralService.create`` takes them."""
        contact = {key: value for key, value in (("name", self.contact_name), ("phone", self.contact_phone),
                                                 ("email", self.contact_email),
                                                 ("reachable", self.contact_reachable)) if value}
        data: dict[str, Any] = {"serviceId": service_id, "lifeDomains": list(self.life_domains),
                                "urgency": self.urgency or "normaal", "requestText": self.request_text,
                                "clientRef": self.client_ref, "contact": contact}
        if self.basis == "toestemming":
            data["consent"] = {"purpose": self.consent_purpose, "partnerId": partner_id,
                               "method": self.consent_method}
        elif self.basis == "wettelijk":
            data["legalBasis"] = self.legal_basis
            data["legalBasisReason"] = self.legal_basis_reason
        return data


def form_problems(error: ValidationError) -> dict[str, str]:
    """The domain's field errors on the form's fields (one message per field); the rest under 'algemeen'."""
    problems: dict[str, str] = {}
    for name, messages in (error.errors or {}).items():
        key = FIELD_OF.get(name.removeprefix("forward."), "algemeen")
        text = " ".join(messages)
        problems[key] = f"{problems[key]} {text}" if key in problems else text
    if not problems:
        key = FIELD_OF.get((error.field or "").removeprefix("forward."), "algemeen")
        problems[key] = error.message
    return problems


def choices() -> dict[str, Any]:
    """What the form offers to choose from."""
    return {"life_domain_choices": [(t.code, t.label) for t in taxonomy.LIFE_DOMAINS],
            "urgencies": list(URGENCIES.items()), "consent_methods": list(CONSENT_METHODS.items()),
            "legal_bases": list(LEGAL_BASES.items()), "form_fields": FORM_FIELDS}
