"""Request and response bodies of /api/v1/referrals and /api/v1/referral-events (lowerCamelCase).

The schemas check types and sizes; the domain (``socialekaart.referrals``) checks the rules and
answers in Dutch, listing every problem at once.
"""
from __future__ import annotations

import marshmallow as ma
from email_validator import SPECIAL_USE_DOMAIN_NAMES
from marshmallow import fields, validate

from socialekaart.referrals.lifecycle import (
    CLIENT_REF_PATTERN,
    CONSENT_FIELDS,
    CONSENT_METHODS,
    LEGAL_BASES,
    MAX_CONTACT_NAME,
    MAX_LIFE_DOMAINS,
    MAX_MESSAGE,
    MAX_PURPOSE,
    MAX_REACHABLE,
    MAX_REQUEST_TEXT,
    MIN_LEGAL_BASIS_REASON,
    REACH_FIELDS,
    REQUIRED_FIELDS,
    STATES,
    URGENCIES,
    WIJK_PATTERN,
)
from socialekaart.referrals.service import BOXES, MAX_FEED, MAX_PAGE_SIZE
from socialekaart.shared.taxonomy import LIFE_DOMAINS
from socialekaart.shared.validation import ID_PATTERN, PHONE_PATTERN
from web.api.fields import UtcTime, day

ID = fields.String(validate=validate.Length(max=128))
# Generous bounds here; the domain gives the precise Dutch message (e.g. the 1000-character hulpvraag).
TEXT_BOUND = 20 * MAX_REQUEST_TEXT
NO_BSN = r"^(?!\d{8,9}$)"  # the domain refuses a clientRef of 8 or 9 digits: it looks like a BSN
# What valid_email refuses beyond RFC 5322: characters a mailto link would carry on, and the special-use
# domains (.test, .localhost, ...) that email-validator refuses; any case.
SPECIAL_USE = "|".join("".join(f"[{c.lower()}{c.upper()}]" for c in name) for name in SPECIAL_USE_DOMAIN_NAMES)
EMAIL_SAFE = rf'^(?!.*@(?:[^@]*\.)?(?:{SPECIAL_USE})\.?$)[^?&"<>,;]*(?<!\.)$'
# The domain strips text and refuses a NUL: some non-space text without NUL; a reason of at least
# MIN_LEGAL_BASIS_REASON characters once stripped.
NO_NUL_TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"
REASON_TEXT = r"^\s*[^\s\x00][^\x00]{%d,}[^\s\x00]\s*$" % (MIN_LEGAL_BASIS_REASON - 2)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class ContactSchema(Strict):
    name = fields.String(validate=validate.Length(max=MAX_CONTACT_NAME),
                         metadata={"description": "Roepnaam, als de ontvanger die nodig heeft."})
    phone = fields.String(validate=validate.Length(max=30), metadata={"pattern": PHONE_PATTERN.pattern})
    email = fields.String(validate=validate.Length(max=320),
                          metadata={"format": "email", "pattern": EMAIL_SAFE,
                                    "description": "Een geldig e-mailadres (RFC 5322), zonder ?, &, ',', ';', "
                                                   "aanhalingstekens of <>."})
    reachable = fields.String(validate=validate.Length(max=MAX_REACHABLE),
                              metadata={"description": "Wanneer en hoe de inwoner bereikbaar is."})


class ConsentSchema(Strict):
    """Dat de inwoner toestemming gaf, waarvoor en hoe. Geen datum: de toestemming geldt vanaf de dag
    van de verwijzing, die de server vastlegt (het antwoord geeft haar als consent.date)."""

    purpose = fields.String(validate=validate.Length(max=MAX_PURPOSE),
                            metadata={"description": "Waarvoor de inwoner toestemming gaf.", "pattern": r"\S"})
    partnerId = fields.String(validate=validate.Length(max=128),
                              metadata={"description": "De ontvangende organisatie waarvoor de toestemming geldt.",
                                        "pattern": ID_PATTERN.pattern})
    method = fields.String(metadata={"description": f"Hoe gegeven: {', '.join(CONSENT_METHODS)}.",
                                     "enum": list(CONSENT_METHODS)})


class NewReferralSchema(Strict):
    serviceId = fields.String(validate=validate.Length(max=128), metadata={"pattern": ID_PATTERN.pattern})
    lifeDomains = fields.List(fields.String(validate=validate.Length(max=60),
                                            metadata={"enum": [term.code for term in LIFE_DOMAINS]}),
                              validate=validate.Length(max=20),
                              metadata={"minItems": 1, "maxItems": MAX_LIFE_DOMAINS, "uniqueItems": True})
    urgency = fields.String(metadata={"description": f"{', '.join(URGENCIES)} (standaard normaal).",
                                      "enum": list(URGENCIES)})
    requestText = fields.String(validate=validate.Length(max=TEXT_BOUND),
                                metadata={"description": f"De hulpvraag, hoogstens {MAX_REQUEST_TEXT} tekens. "
                                                         "Alleen wat de ontvanger nodig heeft.",
                                          "maxLength": MAX_REQUEST_TEXT, "pattern": NO_NUL_TEXT})
    clientRef = fields.String(validate=validate.Length(max=200),
                              metadata={"description": "Uw eigen cliëntreferentie (geen naam, geen BSN: niet 8 of "
                                                       "9 cijfers).",
                                        "pattern": NO_BSN + CLIENT_REF_PATTERN.pattern[1:]})
    contact = fields.Nested(ContactSchema)
    consent = fields.Nested(ConsentSchema, metadata={
        "description": "Verplicht, tenzij legalBasis is gegeven (niet allebei); partnerId is de ontvangende "
                       "organisatie."})
    legalBasis = fields.String(metadata={"description": "In plaats van toestemming (consent en legalBasis sluiten "
                                                        f"elkaar uit): {', '.join(LEGAL_BASES)}.",
                                         "enum": list(LEGAL_BASES)})
    legalBasisReason = fields.String(validate=validate.Length(max=TEXT_BOUND),
                                     metadata={"description": "Verplicht bij legalBasis: waarom geen toestemming "
                                                              "(komt in de audit van uw organisatie).",
                                               "minLength": MIN_LEGAL_BASIS_REASON, "maxLength": MAX_PURPOSE,
                                               "pattern": REASON_TEXT})
    wijkCode = fields.String(validate=validate.Length(max=8),
                             metadata={"description": "CBS-wijk waar de inwoner woont (voor de cijfers).",
                                       "pattern": WIJK_PATTERN.pattern})


# What POST /referrals must hold, in the description only: the domain checks it and answers in Dutch with
# every problem at once (required=True in marshmallow would answer in English, and NewReferralSchema is
# also the optional `forward` of a transition, where what is left out comes from the original).
NEW_REFERRAL_RULES = {
    "required": list(REQUIRED_FIELDS),
    "properties": {"contact": {"anyOf": [{"required": [name]} for name in REACH_FIELDS]},
                   "consent": {"required": list(CONSENT_FIELDS)}},
    "oneOf": [{"required": ["consent"], "not": {"anyOf": [{"required": ["legalBasis"]},
                                                          {"required": ["legalBasisReason"]}]}},
              {"required": ["legalBasis", "legalBasisReason"], "not": {"required": ["consent"]}}],
}
NEW_REFERRAL_BODY = {"content": {"application/json": {"schema": {
    "allOf": [{"$ref": "#/components/schemas/NewReferral"}, NEW_REFERRAL_RULES]}}}}


class TransitionSchema(Strict):
    to = fields.String(required=True, validate=validate.OneOf(STATES),
                       metadata={"description": "De nieuwe status."})
    reason = fields.String(validate=validate.Length(max=60),
                           metadata={"description": "Reden bij afgewezen (verplicht) of geannuleerd."})
    outcome = fields.String(validate=validate.Length(max=60),
                            metadata={"description": "Uitkomst bij afgerond: geholpen, deels, niet-geholpen."})
    version = fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "De versie die u zag. Is de doorverwijzing sindsdien gewijzigd, dan volgt 409 en "
                       "verandert er niets."})
    forward = fields.Nested(NewReferralSchema, metadata={
        "description": "Bij doorverwezen: de nieuwe doorverwijzing. Wat u weglaat komt van deze; toestemming "
                       "voor de nieuwe partner is verplicht."})


class ReReferralSchema(NewReferralSchema):
    version = fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "De versie van de oorspronkelijke doorverwijzing die u zag. Is die sindsdien gewijzigd, "
                       "dan volgt 409 en verandert er niets."})


# Only serviceId is needed: the rest comes from the original; its consent only when it covers the new partner.
RE_REFERRAL_BODY = {"content": {"application/json": {"schema": {
    "allOf": [{"$ref": "#/components/schemas/NewReferral"},
              {"type": "object", "required": ["serviceId"], "properties": {"version": {
                  "type": "integer", "minimum": 1,
                  "description": ReReferralSchema._declared_fields["version"].metadata["description"]}}}]}}}}


class NewMessageSchema(Strict):
    # The domain checks empty and too long, in Dutch; the bound here only stops very large bodies.
    text = fields.String(validate=validate.Length(max=20 * MAX_MESSAGE), metadata={
        "description": f"Een kort bericht aan de andere organisatie, hoogstens {MAX_MESSAGE} tekens. Geen BSN.",
        "maxLength": MAX_MESSAGE, "pattern": r"\S"})


NEW_MESSAGE_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "required": ["text"], "additionalProperties": False,
    "properties": {"text": {"type": "string", **NewMessageSchema._declared_fields["text"].metadata}}}}}}


class ReferralListArgsSchema(Strict):
    box = fields.String(load_default="received", validate=validate.OneOf(BOXES),
                        metadata={"description": "received: ontvangen door uw organisatie; sent: door u verstuurd."})
    status = fields.List(fields.String(validate=validate.OneOf(STATES)), validate=validate.Length(max=len(STATES)),
                         metadata={"description": "Alleen deze status(sen), herhaalbaar. Een concept staat "
                                                  "nooit bij de ontvanger: met box=received geeft concept niets."})
    overdue = fields.Boolean(load_default=False, metadata={"description": "Alleen te laat ontvangen/geaccepteerd."})
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    pageSize = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE_SIZE))


class FeedArgsSchema(Strict):
    since = fields.String(validate=validate.Length(max=40), metadata={
        "description": "De cursor van de laatste gebeurtenis die u kreeg (0 of leeg voor alles), of een tijdstip "
                       "(ISO 8601 met zone).",
        "oneOf": [{"type": "string", "pattern": r"^[0-9]{0,18}$"}, {"type": "string", "format": "date-time"}]})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_FEED))


class AuditArgsSchema(Strict):
    since = fields.AwareDateTime(metadata={"description": "Vanaf (ISO 8601 met zone); standaard 31 dagen terug."})
    until = fields.AwareDateTime(metadata={"description": "Tot (ISO 8601 met zone); standaard nu. Ligt since "
                                                          "erna, dan is de periode leeg en de lijst ook."})
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))


class AuditEntrySchema(ma.Schema):
    at = fields.String()
    accountId = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    action = fields.String(metadata={"description": "inzien, lijst, aanmaken, status:…, exporteren, grondslag:…, "
                                                    "bericht, berichten, opnieuw-verwijzen"})
    referralId = fields.String(allow_none=True)
    allowed = fields.Boolean()


class AuditLogSchema(ma.Schema):
    organizationId = fields.String()
    entries = fields.List(fields.Nested(AuditEntrySchema))


class ExportSchema(Strict):
    clientRef = fields.String(required=True, validate=validate.Length(min=1, max=64),
                              metadata={"pattern": r"\S"})  # the domain refuses a blank reference


class DeadlinesSchema(ma.Schema):
    receiveBy = UtcTime()
    acceptBy = UtcTime()
    expiresAt = UtcTime()


class GivenConsentSchema(ma.Schema):
    purpose = fields.String()
    partnerId = fields.String()
    date = day()
    method = fields.String()


class PartySchema(ma.Schema):
    organizationId = fields.String()
    organizationName = fields.String(allow_none=True)
    serviceId = fields.String()
    serviceName = fields.String(allow_none=True)


class EventSchema(ma.Schema):
    id = fields.String()
    cursor = fields.Integer(allow_none=True)
    referralId = fields.String()
    at = UtcTime()
    fromStatus = fields.String(allow_none=True)
    toStatus = fields.String()
    side = fields.String(metadata={"description": "verzender, ontvanger of systeem."})
    actor = fields.Dict()
    reason = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    linkedReferralId = fields.String(allow_none=True)


class MessageSchema(ma.Schema):
    id = fields.String()
    referralId = fields.String()
    at = UtcTime()
    side = fields.String(metadata={"description": "verzender of ontvanger: wie het bericht schreef."})
    author = fields.Dict(metadata={"description": "accountId en organizationId van de schrijver."})
    text = fields.String(allow_none=True, metadata={"description": "null na het anonimiseren."})
    anonymised = fields.Boolean()


class MessageListSchema(ma.Schema):
    referralId = fields.String()
    messages = fields.List(fields.Nested(MessageSchema))


class ReferralSummarySchema(ma.Schema):
    id = fields.String()
    status = fields.String()
    statusLabel = fields.String()
    version = fields.Integer()
    urgency = fields.String(allow_none=True)
    lifeDomains = fields.List(fields.String())
    sender = fields.Nested(PartySchema)
    receiver = fields.Nested(PartySchema)
    createdAt = UtcTime(allow_none=True)
    updatedAt = UtcTime(allow_none=True)
    sentAt = UtcTime(allow_none=True)
    overdue = fields.String(allow_none=True, metadata={"description": "niet-ontvangen of niet-geaccepteerd."})
    yourSide = fields.String(metadata={"description": "verzender, ontvanger of beide."})
    _links = fields.Dict(data_key="_links")


class ReferralSchema(ReferralSummarySchema):
    receivedAt = UtcTime(allow_none=True)
    acceptedAt = UtcTime(allow_none=True)
    declinedAt = UtcTime(allow_none=True)
    waitlistedAt = UtcTime(allow_none=True)
    startedAt = UtcTime(allow_none=True)
    closedAt = UtcTime(allow_none=True)
    declineReason = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    cancelReason = fields.String(allow_none=True)
    deadlines = fields.Nested(DeadlinesSchema)
    wijkCode = fields.String(allow_none=True)
    gemeenteCode = fields.String(allow_none=True)
    requestText = fields.String(allow_none=True)
    contact = fields.Dict(allow_none=True)
    clientRef = fields.String(allow_none=True, metadata={"description": "Alleen voor de verzender."})
    consent = fields.Nested(GivenConsentSchema, allow_none=True)
    legalBasis = fields.String(allow_none=True)
    legalBasisReason = fields.String(allow_none=True)
    forwardedFrom = fields.String(allow_none=True)
    forwardedTo = fields.String(allow_none=True)
    anonymisedAt = UtcTime(allow_none=True)
    clientDataWithheld = fields.Boolean(metadata={"description": "Gesloten zonder hulp van de ontvanger "
                                                                 "(geannuleerd, afgewezen, verlopen): de ontvanger "
                                                                 "ziet alleen status en reden."})
    allowedNext = fields.List(fields.String(),
                              metadata={"description": "Statussen waar u deze nu naartoe kunt zetten."})
    events = fields.List(fields.Nested(EventSchema))
    messages = fields.List(fields.Nested(MessageSchema), metadata={
        "description": "Berichten tussen verzender en ontvanger, oudste eerst; leeg voor een ontvanger die "
                       "alleen status en reden ziet."})
    reReferredFrom = fields.String(allow_none=True, metadata={
        "description": "Alleen voor de verzender: de doorverwijzing waarvan dit een nieuwe poging is."})
    reReferredTo = fields.String(allow_none=True, metadata={
        "description": "Alleen voor de verzender: de nieuwe doorverwijzing na afwijzen, verlopen of niet geholpen."})
    canReRefer = fields.Boolean(metadata={"description": "U kunt nu opnieuw verwijzen."})
    canMessage = fields.Boolean(metadata={"description": "U kunt nu een bericht sturen."})


class ReferralPageSchema(ma.Schema):
    total = fields.Integer()
    page = fields.Integer()
    pageSize = fields.Integer()
    pages = fields.Integer()
    results = fields.List(fields.Nested(ReferralSummarySchema))
    _links = fields.Dict(data_key="_links")


class FeedSchema(ma.Schema):
    events = fields.List(fields.Nested(EventSchema))
    cursor = fields.Integer(metadata={"description": "Geef dit de volgende keer mee als since."})
    more = fields.Boolean(metadata={"description": "Er staan meer gebeurtenissen klaar."})


class ExportResultSchema(ma.Schema):
    count = fields.Integer()
    referrals = fields.List(fields.Nested(ReferralSchema))


class MeSchema(ma.Schema):
    accountId = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    organizationId = fields.String(allow_none=True)
    areas = fields.List(fields.String())
