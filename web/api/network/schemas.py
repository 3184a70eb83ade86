"""Query parameters and responses of /api/v1/network (coordinators; aggregates only)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from socialekaart.places.codes import area_kind_of, code_regex
from socialekaart.referrals.figures import GROUPINGS
from socialekaart.referrals.network import (
    DEFAULT_PERIOD_MONTHS,
    FIRST_MONTH_PATTERN,
    MAX_CLOSURE_DAYS,
    MAX_PERIOD_MONTHS,
    first_of_month,
)
from socialekaart.shared import taxonomy
from web.api.fields import UtcTime


class NetworkArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    # One parameter for the area: a wijk outside a given gemeente cannot be asked.
    area = fields.String(validate=validate.Regexp(code_regex("gemeente", "wijk"),
                                                  error="Geef een gemeentecode (GM0664) of wijkcode (WK066401)."),
                         metadata={"description": "Eén gemeente (GM0664) of wijk (WK066401) binnen uw gebied "
                                                  "(standaard: uw hele gebied)."})
    # 'from' is a Python keyword: the field is read as data_key.
    # Whole calendar months by construction (disclosure control): a first month and a number of months.
    since = fields.String(data_key="from", validate=validate.Regexp(
        FIRST_MONTH_PATTERN, error="Geef de eerste maand als JJJJ-MM, van 2000 tot en met 2099."),
        metadata={"description": "Eerste maand (JJJJ-MM, 2000 tot en met 2099); standaard zo dat de periode "
                                 "met deze maand eindigt.", "pattern": FIRST_MONTH_PATTERN})
    months = fields.Integer(load_default=DEFAULT_PERIOD_MONTHS, validate=validate.Range(1, MAX_PERIOD_MONTHS),
                            metadata={"description": "Aantal hele kalendermaanden vanaf from; standaard "
                                                     f"{DEFAULT_PERIOD_MONTHS}."})

    @ma.post_load
    def area_and_month(self, data, **kwargs):
        """The domain takes the area as a gemeente or a wijk, and the first month as its first day."""
        if "area" in data:
            area = data.pop("area")
            data["gemeente" if area_kind_of(area) == "gemeente" else "wijk"] = area
        if "since" in data:
            data["since"] = first_of_month(data["since"])
        return data


class FiguresArgsSchema(NetworkArgsSchema):
    groupBy = fields.String(load_default="total", validate=validate.OneOf(GROUPINGS),
                            metadata={"description": "total, gemeente, wijk, leefgebied, rung, partner of month."})
    closureDays = fields.Integer(load_default=30, validate=validate.Range(1, MAX_CLOSURE_DAYS),
                                 metadata={"description": "Termijn in dagen voor het sluiten van de cirkel."})


# The period the figures cover: from the first moment up to (not including) the end, in UTC.
PeriodSchema = ma.Schema.from_dict({"from": UtcTime(), "until": UtcTime()}, name="PeriodSchema")


class FiguresSchema(ma.Schema):
    scope = fields.Dict()
    period = fields.Nested(PeriodSchema)
    groupBy = fields.String()
    closureDays = fields.Integer()
    suppressionThreshold = fields.Integer(metadata={"description": "Aantallen onder dit getal (ook 0) zijn null, "
                                                                   "net als wat daaruit terug te rekenen is."})
    total = fields.Dict()
    groups = fields.List(fields.Dict())


class FlowsSchema(ma.Schema):
    scope = fields.Dict()
    period = fields.Nested(PeriodSchema)
    suppressionThreshold = fields.Integer()
    organizations = fields.List(fields.Dict())
    matrix = fields.List(fields.List(fields.Integer(allow_none=True)),
                         metadata={"description": "matrix[i][j]: doorverwijzingen van organisatie i naar j "
                                                  "(organizations[i] en organizations[j])."})
    matrixComplete = fields.Boolean(metadata={
        "description": "false: de matrix toont alleen de 60 organisaties met de meeste doorverwijzingen "
                       "(verzonden + ontvangen); graph.nodes bevat ze allemaal. Alleen organisaties met een "
                       "stroom van 5 of meer staan erin."})
    graph = fields.Dict()
    rarelyReferredTo = fields.List(fields.Dict(), metadata={
        "description": "Partners in uw gebied zonder eigen cijfer: minder dan 5 doorverwijzingen (ook 0), of "
                       "samengenomen onder 'overig'."})


class GraphArgsSchema(NetworkArgsSchema):
    leefgebied = fields.String(validate=validate.OneOf([d.code for d in taxonomy.LIFE_DOMAINS],
                                                       error="Kies een leefgebied uit de lijst."),
                               metadata={"description": "Alleen doorverwijzingen over dit leefgebied."})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]),
                           metadata={"description": "json (standaard) of csv: dezelfde cijfers als download "
                                                    "(';' tussen cellen, decimale komma, UTF-8 met BOM)."})


class GraphSchema(ma.Schema):
    scope = fields.Dict()
    period = fields.Nested(PeriodSchema)
    closureDays = fields.Integer()
    suppressionThreshold = fields.Integer(metadata={"description": "Aantallen onder dit getal (ook 0) zijn null, "
                                                                   "net als wat daaruit terug te rekenen is."})
    headline = fields.List(fields.Dict(), metadata={
        "description": "Per maand, dan 'overig' (samengenomen maanden) en 'totaal': aantal, aandeel naar de "
                       "sociale basis, formeel naar informeel, informeel naar formeel, cirkel rond (aandeel)."})
    nodes = fields.List(fields.Dict(), metadata={
        "description": "Organisaties met een stroom van 5 of meer: formeel of informeel, trede en gemeente (van "
                       "de meeste van hun diensten), bridge: getoonde stromen met formele én informele partners."})
    edges = fields.List(fields.Dict(), metadata={"description": "Getoonde stromen: from, to, count."})
    bridges = fields.List(fields.Dict())
    informalWithoutFormalLink = fields.List(fields.Dict(), metadata={
        "description": "Informele partners zonder getoonde stroom van of naar een formele partner."})
    rarelyReferredTo = fields.List(fields.Dict(), metadata={
        "description": "Per gemeente de partners zonder eigen cijfer: minder dan 5 doorverwijzingen (ook 0) of "
                       "onder 'overig'."})
    partners = fields.List(fields.Dict(), metadata={
        "description": "Per ontvangende partner: aantal, cirkel rond (aandeel) en mediane uren tot ontvangen, "
                       "geaccepteerd en gestart."})
