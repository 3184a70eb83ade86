"""Query parameters and responses of /api/v1/services (lowerCamelCase, as the NL GOV rules ask)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from socialekaart.catalog.search import MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_RADIUS_M, SORTS
from socialekaart.places.codes import code_regex
from socialekaart.places.geocoding import POSTCODE_PATTERN
from socialekaart.shared import taxonomy
from web.api.fields import UtcTime, day

MAX_REPEATS = 20


def _terms(vocabulary: tuple[taxonomy.Term, ...], what: str) -> fields.List:
    """A repeatable taxonomy parameter: the code, label or a synonym of a term, exactly as its enum lists them."""
    names = sorted({name for term in vocabulary for name in (term.code, term.label, *term.synonyms)})
    return fields.List(fields.String(validate=validate.OneOf(names, error="Onbekende waarde; kies uit de codes "
                                                                          "of namen in de beschrijving."),
                                     metadata={"enum": names}),
                       validate=validate.Length(max=MAX_REPEATS),
                       metadata={"description": f"{what} (code, naam of synoniem), herhaalbaar: lifeDomain=geldzaken"
                                                "&lifeDomain=wonen."})


class OpenAt(fields.Field):
    """A moment with a zone (ISO 8601) or ``now``: one parameter for 'open then' and 'open now'."""

    def __init__(self, **kwargs) -> None:
        kwargs["metadata"] = {"type": "string", "anyOf": [{"format": "date-time"}, {"enum": [NOW]}],
                              **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value == NOW:
            return NOW
        return fields.AwareDateTime(default_timezone=None).deserialize(value, attr, data, **kwargs)


NOW = "now"


class ServiceQueryArgsSchema(ma.Schema):
    """One parameter per question, so every combination the description allows is a valid search:
    one area (a CBS code of any level), one place (a postcode), one moment (openAt, or now)."""

    class Meta:
        unknown = ma.RAISE

    q = fields.String(validate=validate.Length(max=MAX_QUERY_LENGTH),
                      metadata={"description": "De vraag in eigen woorden ('ik kan de huur niet betalen'). Gelezen "
                                               "met het lexicon van de regio: woorden en zinnen wijzen naar "
                                               "leefgebieden en doelgroepen, de overige woorden (zonder stopwoorden, "
                                               "ook stamvormen, delen van samenstellingen en met één tikfout) worden "
                                               "gezocht in naam, beschrijving en organisatie. Een voorziening past "
                                               "als één daarvan klopt; 'matchReasons' zegt waarom. Gaat de vraag "
                                               "over een crisis, dan staat 'crisis' in het antwoord."})
    lifeDomain = _terms(taxonomy.LIFE_DOMAINS, "Leefgebied")
    targetGroup = _terms(taxonomy.TARGET_GROUPS, "Doelgroep; voorzieningen voor iedereen tellen mee")
    rung = _terms(taxonomy.RUNGS, "Trede op de ladder")
    formal = fields.Boolean(metadata={"description": "true: alleen formele, false: alleen informele hulp."})
    age = fields.Integer(validate=validate.Range(0, 120))
    free = fields.Boolean(metadata={"description": "Alleen gratis (kosteloze) hulp."})
    crisis = fields.Boolean(metadata={"description": "Alleen 24-uurs crisishulp."})
    independentClientSupport = fields.Boolean(metadata={"description": "Onafhankelijke cliëntondersteuning."})
    openAt = OpenAt(metadata={"description": "Open op dit tijdstip (ISO 8601 met zone, zoals "
                                             "2026-03-02T10:00:00+01:00), of 'now': nu open."})
    postcode = fields.String(validate=[validate.Length(max=20), validate.Regexp(POSTCODE_PATTERN)], metadata={
        "description": "De plek: PC6 of PC4. Een onbekende postcode geeft 404; een postcode buiten de regio "
                       "geeft outsideRegion.", "pattern": POSTCODE_PATTERN})
    radius = fields.Integer(validate=validate.Range(1, MAX_RADIUS_M),
                            metadata={"description": "Straal in meter rond de postcode (zonder postcode telt hij "
                                                     "niet)."})
    area = fields.String(validate=validate.Regexp(code_regex("gemeente", "wijk", "buurt")), metadata={
        "description": "Eén gebied: de CBS-code van een gemeente, wijk of buurt (GM0664, WK066401, BU06640101). "
                       "Een onbekend gebied geeft 404."})
    sort = fields.String(load_default="licht", validate=validate.OneOf(SORTS),
                         metadata={"description": "licht (standaard: zo licht als mogelijk), distance (dichtstbij "
                                                  "eerst; zonder postcode is er geen afstand en geldt de "
                                                  "standaardvolgorde), relevance of name."})
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    pageSize = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE_SIZE))
    format = fields.String(validate=validate.OneOf(["json", "geojson"]))


class NamedSchema(ma.Schema):
    code = fields.String()
    name = fields.String()


class ServiceSchema(ma.Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    organization = fields.Dict()
    rung = fields.Dict()
    lifeDomains = fields.List(fields.Dict())
    targetGroups = fields.List(fields.Dict())
    ageMin = fields.Integer(allow_none=True)
    ageMax = fields.Integer(allow_none=True)
    cost = fields.String()
    free = fields.Boolean()
    costNote = fields.String(allow_none=True)
    openingHours = fields.String(allow_none=True)
    crisis = fields.Boolean()
    independentClientSupport = fields.Boolean()
    waitWeeks = fields.Integer(allow_none=True)
    capacityNote = fields.String(allow_none=True)
    contact = fields.Dict()
    confidential = fields.Boolean()
    address = fields.Dict(allow_none=True)
    position = fields.Dict(allow_none=True)
    area = fields.Dict()
    serves = fields.List(fields.String())
    lastVerified = day(allow_none=True, metadata={
        "description": "Wanneer de aanbieder de gegevens het laatst heeft gecontroleerd."})
    modified = UtcTime(allow_none=True, metadata={"description": "Laatst gewijzigd (UTC)."})
    _links = fields.Dict(data_key="_links")


class ServiceHitSchema(ServiceSchema):
    distance = fields.Integer(allow_none=True, metadata={
        "description": "Afstand in meter; 0 als de voorziening deze plek bedient via haar werkgebied."})
    officeDistance = fields.Integer(allow_none=True, metadata={"description": "Afstand tot de eigen locatie."})
    distanceTo = fields.String(allow_none=True, metadata={
        "description": "locatie, wijk (middelpunt van de wijk bij een vertrouwelijk adres) of werkgebied."})
    servesYourArea = fields.Boolean()
    matchedLifeDomains = fields.List(fields.String())
    relevance = fields.Float()
    matchReasons = fields.List(fields.String(), metadata={
        "description": "Waarom deze voorziening past, in gewone taal: \"past bij geldzaken, om 'huur'\", "
                       "\"naam bevat 'schuld'\", \"dag en nacht bereikbaar bij crisis\"."})


class NationalLineSchema(ma.Schema):
    id = fields.String()
    name = fields.String()
    phone = fields.String(metadata={"description": "Het nummer zoals u het belt."})
    phoneDisplay = fields.String()
    altPhone = fields.String(allow_none=True)
    altPhoneDisplay = fields.String(allow_none=True)
    chatUrl = fields.String(allow_none=True)
    website = fields.String()
    hours = fields.String()
    forWhat = fields.String(metadata={"description": "Waarvoor u deze lijn belt (B1)."})
    categories = fields.List(fields.String())
    free = fields.Boolean()
    costNote = fields.String(allow_none=True)


class CrisisSchema(ma.Schema):
    categories = fields.List(fields.String(), metadata={
        "description": "Soort crisis: zelfmoord, geweld-thuis, kindermishandeling, acuut-gevaar, geen-slaapplek."})
    categoryLabels = fields.List(fields.String())
    matchedPhrases = fields.List(fields.String(), metadata={
        "description": "De woorden of zinnen uit de crisislijst die in de vraag staan."})
    lines = fields.List(fields.Nested(NationalLineSchema), metadata={
        "description": "Landelijke hulplijnen voor deze crisis (telefoon, chat, waarvoor)."})
    linesCheckedOn = day(metadata={"description": "Wanneer de nummers het laatst zijn gecontroleerd."})
    advice = fields.List(fields.String(), metadata={"description": "Wat u nu kunt doen, per soort crisis, in "
                                                                   "gewone taal (ook als er geen landelijke lijn is)."})
    services = fields.List(fields.Nested(ServiceHitSchema), metadata={
        "description": "24-uurs crisisdiensten in de regio, dichtstbij eerst; de ladder geldt hier niet."})


class OutsideRegionSchema(ma.Schema):
    place = fields.String(allow_none=True, metadata={"description": "Woonplaats of gemeente van de postcode."})
    covers = fields.List(fields.String(), metadata={"description": "De gemeenten op deze kaart."})
    advice = fields.String(metadata={"description": "Waar u wel terecht kunt (Wmo-loket, sociaal wijkteam)."})
    lines = fields.List(fields.Nested(NationalLineSchema))


class UnderstoodSchema(ma.Schema):
    lifeDomains = fields.List(fields.String(), metadata={"description": "Herkende leefgebieden (codes)."})
    targetGroups = fields.List(fields.String(), metadata={"description": "Herkende doelgroepen (codes)."})
    words = fields.List(fields.String(), metadata={"description": "Woorden gezocht als tekst."})
    corrections = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "Getypt woord -> zo gelezen (tikfout, samenstelling)."})
    summary = fields.String()


class ServicePageSchema(ma.Schema):
    crisis = fields.Nested(CrisisSchema, allow_none=True, metadata={
        "description": "Alleen als de vraag over een crisis gaat (anders null): waarom, de landelijke "
                       "hulplijnen en de 24-uurs crisisdiensten van de regio. Staat vóór de resultaten; "
                       "ook zonder resultaten is er dan altijd een antwoord."})
    outsideRegion = fields.Nested(OutsideRegionSchema, allow_none=True, metadata={
        "description": "Alleen als de plek (postcode, lat/lon) buiten de gebieden op deze kaart ligt (anders "
                       "null): welk gebied de kaart dekt, waar u in het algemeen wel terecht kunt en de "
                       "landelijke hulplijnen."})
    understood = fields.Nested(UnderstoodSchema, allow_none=True, metadata={
        "description": "Hoe de vraag q is gelezen (null zonder q)."})
    total = fields.Integer()
    page = fields.Integer()
    pageSize = fields.Integer()
    pages = fields.Integer()
    origin = fields.Dict(allow_none=True)
    results = fields.List(fields.Nested(ServiceHitSchema))
    _links = fields.Dict(data_key="_links")
