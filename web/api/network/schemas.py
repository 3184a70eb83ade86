"""Query parameters and responses of /api/v1/network (coordinators; aggregates only)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from socialekaart.places.codes import area_kind_of, code_regex
from socialekaart.referrals.figures import (
    DEFAULT_PERIOD_MONTHS,
    FIRST_DAY,
    GROUPINGS,
    LAST_DAY,
    MAX_CLOSURE_DAYS,
    MAX_PERIOD_MONTHS,
)
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
    since = fields.Date(data_key="from", validate=validate.Range(
        min=FIRST_DAY, max=LAST_DAY, error=f"Kies een begindatum van {FIRST_DAY.year} tot en met {LAST_DAY.year}."),
        metadata={"description": f"Eerste dag (JJJJ-MM-DD, {FIRST_DAY.year} tot en met {LAST_DAY.year}); standaard "
                                 "zo dat de periode vandaag eindigt.", "pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"})
    months = fields.Integer(load_default=DEFAULT_PERIOD_MONTHS, validate=validate.Range(1, MAX_PERIOD_MONTHS),
                            metadata={"description": "Lengte van de periode in kalendermaanden vanaf from (de dag "
                                                     f"ervoor telt als laatste mee); standaard "
                                                     f"{DEFAULT_PERIOD_MONTHS}."})


    @ma.post_load
    def area_kind(self, data, **kwargs):
        """The domain takes the area as a gemeente or a wijk."""
        if "area" in data:
            area = data.pop("area")
            data["gemeente" if area_kind_of(area) == "gemeente" else "wijk"] = area
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
    suppressionThreshold = fields.Integer(metadata={"description": "Aantallen van 1 tot dit getal zijn null."})
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
                       "(verzonden + ontvangen); graph.nodes bevat ze allemaal."})
    graph = fields.Dict()
    neverReferredTo = fields.List(fields.Dict())
