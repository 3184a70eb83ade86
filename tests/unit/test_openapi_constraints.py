"""The OpenAPI declares what the server enforces, from the same constants: a value valid by the
description passes the server's own check, and one the server refuses breaks the description."""
from __future__ import annotations

import re

import pytest

from socialekaart.places.codes import area_kind_of
from socialekaart.places.geocoding import POSTCODE_PATTERN, normalise_postcode
from socialekaart.referrals.lifecycle import CLIENT_REF_PATTERN, LEGAL_BASES, URGENCIES
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.taxonomy import LIFE_DOMAINS, ORGANIZATION_KINDS
from tools.spectral.dump_openapi import openapi_document

SPEC = openapi_document()


def parameter(path: str, name: str) -> dict:
    item = SPEC["paths"][path]
    found = [p for p in item.get("parameters", []) + item["get"].get("parameters", []) if p["name"] == name]
    return found[0]["schema"]


@pytest.mark.parametrize("text", ["4461AB", "4461 ab", " 4461 ", "4461", "0461AB", "4461SA", "4461 SD", "446",
                                  "4461ABC", "ABCD", "4461-AB", "4461 sb", "9999zz"])
def test_the_postcode_pattern_is_what_normalise_postcode_accepts(text):
    try:
        normalise_postcode(text)
        accepted = True
    except ValidationError:
        accepted = False
    assert bool(re.fullmatch(POSTCODE_PATTERN, text)) == accepted
    assert parameter("/geocode", "postcode")["pattern"] == POSTCODE_PATTERN


@pytest.mark.parametrize("code", ["GM0664", "WK066401", "BU06640101", "RG-zeeland", "GM664", "text", "wk066401"])
def test_the_area_code_pattern_is_what_the_server_accepts(code):
    pattern = parameter("/areas/{code}", "code")["pattern"]
    assert bool(re.search(pattern, code)) == (area_kind_of(code) is not None)


def test_enums_and_patterns_come_from_the_domain():
    assert parameter("/organizations", "kind")["enum"] == [t.code for t in ORGANIZATION_KINDS]
    body = SPEC["components"]["schemas"]["NewReferral"]["properties"]
    assert body["lifeDomains"]["items"]["enum"] == [t.code for t in LIFE_DOMAINS]
    assert body["urgency"]["enum"] == list(URGENCIES) and body["legalBasis"]["enum"] == list(LEGAL_BASES)
    assert body["clientRef"]["pattern"] == CLIENT_REF_PATTERN.pattern
    referral_id = SPEC["paths"]["/referrals/{referral_id}"]["parameters"][0]
    assert referral_id["name"] == "referral_id" and referral_id["schema"]["not"] == {"enum": ["export"]}
