"""The OpenAPI declares what the server enforces, from the same constants: a value valid by the
description passes the server's own check, and one the server refuses breaks the description."""
from __future__ import annotations

import re

import pytest

from socialekaart.places.codes import area_kind_of
from socialekaart.places.geocoding import POSTCODE_PATTERN, normalise_postcode
from socialekaart.referrals.lifecycle import CLIENT_REF_PATTERN, LEGAL_BASES, URGENCIES, parse_new_referral
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.taxonomy import LIFE_DOMAINS, ORGANIZATION_KINDS, RUNGS, TARGET_GROUPS
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
    assert body["clientRef"]["pattern"].endswith(CLIENT_REF_PATTERN.pattern[1:])
    referral_id = SPEC["paths"]["/referrals/{referral_id}"]["parameters"][0]
    assert referral_id["name"] == "referral_id" and referral_id["schema"]["not"] == {"enum": ["export"]}


GOOD_REFERRAL = {"serviceId": "svc-schuld", "lifeDomains": ["geldzaken"], "requestText": "Hulp bij post.",
                 "clientRef": "K-1", "contact": {"phone": "0612345678"},
                 "consent": {"purpose": "Hulp", "partnerId": "org-welzijn", "method": "mondeling"}}


def _domain_accepts(change: dict) -> bool:
    from datetime import date
    try:
        parse_new_referral({**GOOD_REFERRAL, **change}, today=date(2026, 1, 12))
        return True
    except ValidationError:
        return False


@pytest.mark.parametrize("field, value", [
    ("clientRef", "K-1"), ("clientRef", "12345678"), ("clientRef", "123456789"), ("clientRef", "1234567"),
    ("clientRef", "1234567890"), ("clientRef", "SWT-12345678"),
    ("requestText", "Hulp"), ("requestText", "   "), ("requestText", "Hulp\x00"), ("requestText", " a "),
])
def test_referral_text_patterns_are_what_the_domain_accepts(field, value):
    pattern = SPEC["components"]["schemas"]["NewReferral"]["properties"][field]["pattern"]
    assert bool(re.search(pattern, value)) == _domain_accepts({field: value})


@pytest.mark.parametrize("reason", ["Acuut gevaar", "  123456789  ", " 1234567890 ", "Acuut\x00gevaar!", "x" * 10])
def test_the_legal_basis_reason_pattern_is_what_the_domain_accepts(reason):
    schema = SPEC["components"]["schemas"]["NewReferral"]["properties"]["legalBasisReason"]
    described = bool(re.search(schema["pattern"], reason)) and schema["minLength"] <= len(reason) <= schema["maxLength"]
    change = {"consent": None, "legalBasis": "meldcode", "legalBasisReason": reason}
    data = {k: v for k, v in {**GOOD_REFERRAL, **change}.items() if v is not None}
    from datetime import date
    try:
        parse_new_referral(data, today=date(2026, 1, 12))
        accepted = True
    except ValidationError:
        accepted = False
    assert described == accepted


def test_the_search_has_one_parameter_per_question():
    """One area, one place, one moment: no two parameters exclude each other (issue 18 §6)."""
    names = {p["name"] for p in SPEC["paths"]["/services"]["get"]["parameters"]}
    assert {"area", "postcode", "openAt"} <= names
    assert not names & {"gemeente", "wijk", "buurt", "lat", "lon", "openNow"}
    area = parameter("/services", "area")["pattern"]
    for code in ("GM0664", "WK066401", "BU06640101", "RG-zeeland", "wk066401"):
        assert bool(re.search(area, code)) == (area_kind_of(code) in ("gemeente", "wijk", "buurt"))
    assert parameter("/services", "postcode")["pattern"] == POSTCODE_PATTERN
    assert parameter("/services", "openAt")["anyOf"] == [{"format": "date-time"}, {"enum": ["now"]}]
    for name, vocabulary in (("lifeDomain", LIFE_DOMAINS), ("targetGroup", TARGET_GROUPS), ("rung", RUNGS)):
        listed = set(parameter("/services", name)["items"]["enum"])
        assert {t.code for t in vocabulary} | {t.label for t in vocabulary} <= listed


@pytest.mark.parametrize("address", ["sanne@welzijn.nl", "a@test.nl", "j3-2jy&24j@4fs4.example", "jg3exqn*@vb0.test",
                                     "a@b.TEST", "a@localhost", "a@x.onion", "a@x.nl.", "a?bcc=b@x.nl", "a;b@x.nl"])
def test_the_contact_email_pattern_refuses_what_valid_email_refuses(address):
    from socialekaart.shared.validation import valid_email
    pattern = SPEC["components"]["schemas"]["Contact"]["properties"]["email"]["pattern"]
    if valid_email(address):
        assert re.search(pattern, address)
    elif "@" in address and " " not in address:
        assert not re.search(pattern, address), address
