"""The ``referral_id`` path converter: any path segment except the fixed names beside it under
/referrals (``export``), so ``GET /referrals/export`` is a 405 for the export and never a look-up of
a referral called "export"."""
from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

RESERVED = ("export",)


class ReferralIdConverter(BaseConverter):
    def to_python(self, value: str) -> str:
        if value in RESERVED:
            raise ValidationError()  # werkzeug then tries the next rule: /referrals/export
        return value


def referral_id_schema(converter: ReferralIdConverter) -> dict:
    return {"type": "string", "not": {"enum": list(RESERVED)}}
