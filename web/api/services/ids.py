"""The ``service_id`` path converter: any path segment except the fixed names beside it under
/services (``stale``), so ``PATCH /services/stale`` is a 405 with ``Allow: GET`` and never an edit of
a service called "stale" (as web/api/referrals/ids.py does for /referrals/export)."""
from __future__ import annotations

from werkzeug.routing import BaseConverter

RESERVED = ("stale",)


class ServiceIdConverter(BaseConverter):
    # A segment that is not exactly one of RESERVED (the lookahead stops at the end of the segment).
    regex = "(?!(?:" + "|".join(RESERVED) + ")(?![^/]))[^/]+"


def service_id_schema(converter: ServiceIdConverter) -> dict:
    return {"type": "string", "not": {"enum": list(RESERVED)}}
