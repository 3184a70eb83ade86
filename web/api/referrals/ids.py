"""The ``referral_id`` path converter: any path segment except the fixed names beside it under
/referrals (``export``), so ``GET /referrals/export`` is a 405 for the export, its ``Allow`` (also on
OPTIONS) names only POST, and it is never a look-up of a referral called "export"."""
from __future__ import annotations

from werkzeug.routing import BaseConverter

RESERVED = ("export",)


class ReferralIdConverter(BaseConverter):
    # A segment that is not exactly one of RESERVED (the lookahead stops at the end of the segment).
    regex = "(?!(?:" + "|".join(RESERVED) + ")(?![^/]))[^/]+"


def referral_id_schema(converter: ReferralIdConverter) -> dict:
    return {"type": "string", "not": {"enum": list(RESERVED)}}
