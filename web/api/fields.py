"""Marshmallow fields the API shares: times answered in UTC with ``Z`` and documented with a format
(NL GOV API Design Rules /core/date-time)."""
from __future__ import annotations

from marshmallow import fields

from socialekaart.shared.clock import zulu


class UtcTime(fields.String):
    """A stored UTC time (``2026-01-12T09:00:00.000+00:00``), answered as ``2026-01-12T09:00:00.000Z``."""

    def __init__(self, **kwargs) -> None:
        kwargs["metadata"] = {"format": "date-time", **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else zulu(str(value))


def day(**kwargs) -> fields.String:
    """A calendar day (JJJJ-MM-DD) kept as text, documented as ``format: date``."""
    kwargs["metadata"] = {"format": "date", **kwargs.get("metadata", {})}
    return fields.String(**kwargs)


class StrictBoolean(fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes 0, 1, "yes" and "true", which the
    OpenAPI (type: boolean) says are not booleans."""

    default_error_messages = {"invalid": "Moet true of false zijn."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value
