"""Query parameters and responses of /api/v1/coverage and /api/v1/gaps (coordinators; aggregates only)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from socialekaart.coverage.compute import REACH_GROUPS, RUNG_CODES
from socialekaart.coverage.gaps import INDICATORS
from socialekaart.places.codes import code_regex
from socialekaart.shared.taxonomy import LIFE_DOMAINS
from web.api.fields import day

MAX_REPEATS = 20
AREA = fields.String(validate=validate.Regexp(code_regex("regio", "gemeente", "wijk", "buurt")),
                     metadata={"description": "CBS-code van een regio, gemeente, wijk of buurt binnen uw gebied "
                                              "(standaard: uw eigen gebied)."})
# The enum names the codes; the server also takes a label or synonym in any case (taxonomy.resolve).
LIFE_DOMAIN = fields.List(fields.String(validate=validate.Length(max=60),
                                        metadata={"enum": [term.code for term in LIFE_DOMAINS]}),
                          validate=validate.Length(max=MAX_REPEATS),
                          metadata={"description": "Leefgebied (code of naam), herhaalbaar; standaard alle."})


class CoverageArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    area = AREA
    lifeDomain = LIFE_DOMAIN
    format = fields.String(validate=validate.OneOf(["json", "csv", "geojson"]),
                           metadata={"description": "json (standaard), csv (download) of geojson (de gebieden "
                                                    "in het gebied, voor een kaart: per gebied en leefgebied een "
                                                    "feature, met één leefgebied per gebied één)."})


class GapsArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    area = AREA
    lifeDomain = LIFE_DOMAIN
    indicator = fields.List(fields.String(validate=validate.OneOf(list(INDICATORS))),
                            validate=validate.Length(max=MAX_REPEATS),
                            metadata={"description": f"Alleen deze indicatoren: {', '.join(INDICATORS)}."})
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    pageSize = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    format = fields.String(validate=validate.OneOf(["json", "csv"]),
                           metadata={"description": "json (standaard) of csv (alle knelpunten, als download)."})


class ReportArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    area = AREA
    lifeDomain = LIFE_DOMAIN
    format = fields.String(validate=validate.OneOf(["html", "pdf"]),
                           metadata={"description": "html (standaard, afdrukbaar) of pdf (op de server gemaakt, "
                                                    "als download)."})


class AreaRefSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    displayName = fields.String()
    kind = fields.String()
    parentCode = fields.String(allow_none=True)
    population = fields.Integer(allow_none=True)


class CountsSchema(ma.Schema):
    formal = fields.Integer()
    informal = fields.Integer()


class SupplySchema(ma.Schema):
    byRung = fields.Dict(keys=fields.String(validate=validate.OneOf(RUNG_CODES)), values=fields.Nested(CountsSchema),
                         metadata={"description": "Per trede: formeel en informeel apart."})
    formal = fields.Integer()
    informal = fields.Integer()
    socialeBasis = fields.Integer(metadata={"description": "Eigen kracht, informeel en voorliggend samen."})
    total = fields.Integer()
    socialeBasisPer1000 = fields.Float(allow_none=True, metadata={"description": "Per 1.000 inwoners (bij "
                                                                                 "opvoeding: kinderen 0-14)."})
    socialeBasisPer1000Robust = fields.Float(allow_none=True, metadata={
        "description": "Robuust per 1.000: kleine gebieden naar het cijfer van hun buurgebieden getrokken (empirisch "
                       "Bayes). Kaartkleuren, grafieken en knelpunten gebruiken dit cijfer."})


class ReachSchema(ma.Schema):
    meanDistanceM = fields.Integer(allow_none=True, metadata={"description": "Gemiddelde afstand tot de dichtstbij"
                                                                            "zijnde passende voorziening."})
    shareBeyond = fields.Float(allow_none=True, metadata={"description": "Aandeel inwoners verder dan de drempel."})
    inwonersBeyond = fields.Integer()
    inwoners = fields.Integer()


class CapacitySchema(ma.Schema):
    servicesWithWait = fields.Integer()
    meanWaitWeeks = fields.Float(allow_none=True)
    maxWaitWeeks = fields.Integer(allow_none=True)


class NeedFigureSchema(ma.Schema):
    indicator = fields.String()
    value = fields.Raw(metadata={"type": "number", "description": "Zoals ingelezen: een geheel getal of een "
                                                                   "kommagetal."})
    year = fields.Integer()
    source = fields.String()
    targetGroup = fields.String(allow_none=True)


REFERRAL_COUNT = ("Doorverwijzingen van het afgelopen jaar, met ruis (cell-key-methode, -2 … +2); null als het "
                  "verborgen is: onder 5 (ook 0), in een gebied met minder dan 1.000 inwoners, of verborgen zodat "
                  "geen verborgen aantal terug te rekenen is (docs/privacy.md §4a).")


class NeedSchema(ma.Schema):
    figures = fields.List(fields.Nested(NeedFigureSchema))
    referrals = fields.Integer(allow_none=True, metadata={"description": REFERRAL_COUNT})
    declinedCapacity = fields.Integer(allow_none=True)
    declinedOutsideArea = fields.Integer(allow_none=True)
    toMaatwerk = fields.Integer(allow_none=True)
    toSocialeBasis = fields.Integer(allow_none=True)
    maatwerkWithoutLightNearby = fields.Integer(allow_none=True)


class CoverageRecordSchema(ma.Schema):
    areaCode = fields.String()
    areaName = fields.String()
    displayName = fields.String()
    areaKind = fields.String()
    parentCode = fields.String(allow_none=True)
    lifeDomain = fields.String()
    population = fields.Integer(allow_none=True)
    relevantPopulation = fields.Integer(allow_none=True)
    ageGroups = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    supply = fields.Nested(SupplySchema)
    reach = fields.Dict(keys=fields.String(validate=validate.OneOf(REACH_GROUPS)), values=fields.Nested(ReachSchema),
                        metadata={"description": "Per trede en voor de sociale basis samen."})
    capacity = fields.Nested(CapacitySchema)
    need = fields.Nested(NeedSchema)
    gaps = fields.Integer(metadata={"description": "Knelpunten in dit gebied (en de gebieden erin) voor dit "
                                                   "leefgebied."})


class ChildCoverageSchema(ma.Schema):
    area = fields.Nested(AreaRefSchema)
    records = fields.List(fields.Nested(CoverageRecordSchema))


class LifeDomainRefSchema(ma.Schema):
    code = fields.String()
    label = fields.String()


class CoverageSchema(ma.Schema):
    area = fields.Nested(AreaRefSchema)
    path = fields.List(fields.Nested(AreaRefSchema), metadata={"description": "De gebieden erboven, voor een "
                                                                              "kruimelpad."})
    lifeDomains = fields.List(fields.Nested(LifeDomainRefSchema))
    computedOn = day()
    referralsSince = fields.String()
    thresholds = fields.Dict()
    suppressionThreshold = fields.Integer(metadata={"description": "Aantallen doorverwijzingen onder dit getal (ook "
                                                                   "0) zijn null, en zo nodig meer; getoonde "
                                                                   "aantallen hebben ruis (docs/privacy.md §4a)."})
    medians = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), metadata={
        "description": "Per leefgebied de ene mediaan: van de robuuste cijfers per 1.000 (sociale basis) van de wijken "
                       "in de regio. Kaartkleuren, grafieken en knelpunten vergelijken daarmee."})
    summary = fields.List(fields.Nested(CoverageRecordSchema), metadata={"description": "Het gebied zelf."})
    children = fields.List(fields.Nested(ChildCoverageSchema), metadata={"description": "De gebieden erin."})


class GapSchema(ma.Schema):
    rank = fields.Integer()
    indicator = fields.String()
    indicatorLabel = fields.String()
    areaCode = fields.String()
    areaName = fields.String()
    areaKind = fields.String()
    gemeenteCode = fields.String(allow_none=True)
    lifeDomain = fields.String(allow_none=True)
    lifeDomainLabel = fields.String(allow_none=True)
    organizationId = fields.String(allow_none=True)
    severity = fields.Float(metadata={"description": "Ernst van 0 tot 1; de lijst is daarop gesorteerd."})
    affected = fields.Integer(allow_none=True, metadata={"description": "Getroffen inwoners, doorverwijzingen of "
                                                                        "voorzieningen."})
    explanation = fields.String(metadata={"description": "Eén regel uitleg in gewone taal."})
    figures = fields.Dict()


class GapsSchema(ma.Schema):
    area = fields.Nested(AreaRefSchema)
    total = fields.Integer()
    page = fields.Integer()
    pageSize = fields.Integer()
    thresholds = fields.Dict()
    items = fields.List(fields.Nested(GapSchema))
