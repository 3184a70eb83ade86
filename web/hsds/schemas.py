"""Query parameters of the HSDS endpoints, with the HSDS names (snake_case) and Dutch messages.

Every parameter is checked; an unknown or repeated one is an error too. ``load_args`` raises
the domain ValidationError with a message per parameter, which web/problems.py answers with a
400 problem+json whose ``invalidParams`` name the parameters.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate
from werkzeug.datastructures import MultiDict

from socialekaart.catalog import hsds
from socialekaart.catalog.search import MAX_QUERY_LENGTH, MAX_RADIUS_M
from socialekaart.places.geocoding import POSTCODE_PATTERN
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.validation import ID_PATTERN

MAX_PAGE = 10_000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
# Our taxonomies by either id: the readable one (socialekaart-leefgebieden) or the HSDS UUID.
TAXONOMY_NAMES = [t["uri"].rpartition("#")[2] for t in hsds.TAXONOMIES]
TAXONOMY_IDS = [*TAXONOMY_NAMES, *(t["id"] for t in hsds.TAXONOMIES)]
ALL_TAXONOMY_IDS = [*TAXONOMY_IDS, hsds.OWN_ID_TAXONOMY["id"],
                    hsds.OWN_ID_TAXONOMY["uri"].rpartition("#")[2]]


def _integer(low: int, high: int, **kwargs) -> fields.Integer:
    return fields.Integer(strict=False, validate=validate.Range(low, high, error=f"Kies een geheel getal van "
                                                                                  f"{low} tot en met {high}."),
                          error_messages={"invalid": "Geen geheel getal."}, **kwargs)


def _boolean(**kwargs) -> fields.Boolean:
    return fields.Boolean(truthy={"true", "True", "TRUE", "1"}, falsy={"false", "False", "FALSE", "0"},
                          error_messages={"invalid": "Gebruik true of false."}, **kwargs)


def _text(limit: int, *also, **kwargs) -> fields.String:
    return fields.String(validate=[validate.Length(max=limit, error=f"Te lang: hoogstens {limit} tekens."), *also],
                         **kwargs)


def _is_term_id(value: str) -> bool:
    if hsds.parse_term_id(value) is None:
        raise ma.ValidationError(f"Onbekende term {value[:60]!r}. Termen heten zoals leefgebied-geldzaken, "
                                 "doelgroep-ouderen of trede-informeel (of hun UUID); zie /hsds/taxonomy_terms.")
    return True


class UtcDateTime(fields.Field):
    """An ISO 8601 moment ('2025-01-31T10:00:00+01:00', or a date); without a zone it is UTC.
    Loads as UTC ISO text (``stored_bound``), so the store compares it as text."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ma.ValidationError("Geen geldig tijdstip: gebruik ISO 8601, zoals 2025-01-31T10:00:00+01:00 "
                                     "of 2025-01-31.") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(timezone.utc)
        return stored_bound(moment)


def stored_bound(moment: datetime) -> str:
    """``moment`` as text that compares right against every stored ``modified``: those have milliseconds
    (``…:00.123+00:00``), older ones whole seconds (``…:00+00:00``, equal to ``.000``). Rounded up to the
    millisecond; a whole second is written without a fraction, since '+' sorts before '.'."""
    if moment.microsecond % 1000:
        moment += timedelta(microseconds=1000 - moment.microsecond % 1000)
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


class HsdsArgsSchema(ma.Schema):
    error_messages = {"unknown": "Onbekende parameter.", "type": "Verkeerd type invoer."}

    class Meta:
        unknown = ma.RAISE


class PageArgsSchema(HsdsArgsSchema):
    page = _integer(1, MAX_PAGE, load_default=1)
    per_page = _integer(1, MAX_PER_PAGE, load_default=DEFAULT_PER_PAGE)
    format = fields.String(validate=validate.OneOf(["json"], error="Alleen json wordt ondersteund."))


class SearchArgsSchema(PageArgsSchema):
    search = _text(MAX_QUERY_LENGTH)


class ServiceFilterArgsSchema(SearchArgsSchema):
    taxonomy_term_id = _text(100, _is_term_id)
    taxonomy_id = fields.String(validate=validate.OneOf(TAXONOMY_IDS, error="Onbekende taxonomie; kies uit "
                                                                            f"{', '.join(TAXONOMY_NAMES)} "
                                                                            "(of hun UUID)."))
    organization_id = fields.String(validate=validate.Regexp(ID_PATTERN, error="Geen geldig organisatie-id."))
    modified_after = UtcDateTime()
    postcode = _text(20, validate.Regexp(POSTCODE_PATTERN, error="Geen postcode: gebruik vier cijfers, eventueel "
                                                                "met twee letters, zoals 4461 of 4461 AB."))
    # Without a postcode, proximity has nothing to measure from and counts for nothing (documented).
    proximity = _integer(1, MAX_RADIUS_M)
    full = _boolean(load_default=False)


class ServiceListArgsSchema(ServiceFilterArgsSchema):
    # minimal=true goes before full=true (documented): a schema cannot say they exclude each other.
    minimal = _boolean(load_default=False)


class OrganizationListArgsSchema(SearchArgsSchema):
    full = _boolean(load_default=False)
    full_service = _boolean(load_default=False)


class OrganizationArgsSchema(HsdsArgsSchema):
    full_service = _boolean(load_default=False)


class TaxonomyTermArgsSchema(SearchArgsSchema):
    taxonomy_id = fields.String(validate=validate.OneOf(ALL_TAXONOMY_IDS, error="Onbekende taxonomie; kies uit "
                                                                                f"{', '.join(TAXONOMY_NAMES)} "
                                                                                "(of hun UUID)."))
    top_only = _boolean(load_default=False)
    parent_id = _text(100, _is_term_id)


def load_args(schema: ma.Schema, args: MultiDict) -> dict[str, Any]:
    """Checked parameters, or a ValidationError naming every bad one."""
    errors: dict[str, list[str]] = {key: ["Geef deze parameter één keer op."]
                                    for key in args if len(args.getlist(key)) > 1}
    data: dict[str, Any] = {}
    try:
        data = schema.load(args.to_dict(flat=True))
    except ma.ValidationError as exc:
        for name, messages in _flat(exc.messages).items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(f"Controleer deze invoer: {', '.join(sorted(errors))}.", errors=errors)
    return data


def _flat(messages: Any) -> dict[str, list[str]]:
    if not isinstance(messages, dict):
        return {"_schema": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}
    return {str(name): [str(m) for m in (value if isinstance(value, list) else [value])]
            for name, value in messages.items()}
