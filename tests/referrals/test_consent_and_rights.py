"""Consent and rights (privacy finding 9): a legal basis needs a reason and shows in the
organisation's audit; only RFC-valid e-mail addresses (no ``?bcc=``, no quotes)."""
from __future__ import annotations

from datetime import date

import pytest

from socialekaart.referrals.lifecycle import parse_new_referral
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.validation import valid_email
from tests.referrals.referral_helpers import referral_body
from tests.referrals.test_referral_privacy import raw_referrals

REASON = "Acuut gevaar: de inwoner is niet aanspreekbaar en heeft direct hulp nodig."


@pytest.mark.parametrize("address", [
    "a@b.nl?bcc=c.nl", "sanne@voorbeeld.nl?bcc=x@y.nl", '"sanne"@voorbeeld.nl', '"a b"@voorbeeld.nl',
    "sanne@[127.0.0.1]", "sanne@voorbeeld", "sanne..de@voorbeeld.nl", "sanne@voorbeeld.nl,x@y.nl",
    "sanne@voorbeeld.nl&cc=x", "<sanne@voorbeeld.nl>", "sanne @voorbeeld.nl", "", "@voorbeeld.nl",
])
def test_only_rfc_valid_addresses_pass(address):
    assert not valid_email(address)


@pytest.mark.parametrize("address", ["sanne@voorbeeld.nl", "s.de-vries+werk@gemeente.example.nl",
                                     "info@zorg-en-welzijn.nl"])
def test_ordinary_addresses_pass(address):
    assert valid_email(address)


def test_a_referral_with_a_mailto_trick_is_refused_and_nothing_is_written(client, actors, runtime):
    body = referral_body(contact={"name": "Sanne", "email": "sanne@voorbeeld.nl?bcc=lek@elders.nl"})
    response = client.post("/api/v1/referrals", json=body, headers=actors["swt"].headers)
    assert response.status_code == 400
    assert "contact.email" in problem_fields(response)
    assert raw_referrals(runtime) == []


def problem_fields(response) -> dict[str, str]:
    return {p["name"]: p["reason"] for p in response.get_json()["invalidParams"]}


def legal_body(**changes):
    body = referral_body(consent=None, legalBasis="vitaal-belang", legalBasisReason=REASON)
    body.pop("consent")
    body.update(changes)
    return body


@pytest.mark.parametrize("reason", [None, "", "   ", "omdat"])
def test_a_legal_basis_without_a_reason_is_refused(reason):
    data = legal_body(legalBasisReason=reason)
    with pytest.raises(ValidationError) as raised:
        parse_new_referral(data, today=date(2026, 3, 2))
    assert "legalBasisReason" in raised.value.errors


def test_a_reason_without_a_legal_basis_is_refused():
    with pytest.raises(ValidationError) as raised:
        parse_new_referral(referral_body(legalBasisReason=REASON), today=date(2026, 3, 2))
    assert "legalBasisReason" in raised.value.errors


def test_a_legal_basis_without_reason_writes_nothing_over_the_api(client, actors, runtime):
    body = legal_body()
    body.pop("legalBasisReason")
    response = client.post("/api/v1/referrals", json=body, headers=actors["swt"].headers)
    assert response.status_code == 400 and "legalBasisReason" in problem_fields(response)
    assert "toestemming" in problem_fields(response)["legalBasisReason"]
    assert raw_referrals(runtime) == []


def test_the_reason_is_sealed_shown_to_both_sides_and_the_basis_is_in_the_audit(client, actors, runtime, rr):
    swt = actors["swt"]
    created = client.post("/api/v1/referrals", json=legal_body(), headers=swt.headers)
    assert created.status_code == 201, created.get_json()
    referral = created.get_json()
    assert referral["legalBasis"] == "vitaal-belang" and referral["legalBasisReason"] == REASON
    [node] = raw_referrals(runtime)
    assert node["legal_basis_reason_enc"].startswith("v1.") and REASON not in str(node)
    trail = rr.referrals.audit_trail(actors["admin"].principal, referral["id"])
    basis = [a for a in trail if a.action == "grondslag:vitaal-belang"]
    assert len(basis) == 1 and basis[0].organization_id == "org-swt"
    assert basis[0].account_id == swt.principal.account_id


def test_the_inzage_export_covers_the_referrals_passed_on_and_who_holds_them(client, actors, rr, runtime,
                                                                           monkeypatch):
    import json

    from click.testing import CliRunner

    from tests.conftest import set_store_env
    from tests.referrals.referral_helpers import SECRET_KEY, consent_for
    from web.cli import main

    swt, welzijn = actors["swt"].headers, actors["welzijn"].headers
    rid = client.post("/api/v1/referrals", json=referral_body(clientRef="K-9"), headers=swt).get_json()["id"]
    for who, target in ((swt, "verzonden"), (welzijn, "ontvangen")):
        client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": target}, headers=who)
    forward = {"serviceId": "svc-maatje", "consent": consent_for("org-netwerk"), "clientRef": "WZ-77",
               "requestText": "Zoekt een maatje om de post samen door te nemen."}
    passed_on = client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "doorverwezen", "forward": forward},
                            headers=welzijn).get_json()["forwardedTo"]
    # The API export stays what the organisation itself sent …
    own = client.post("/api/v1/referrals/export", json={"clientRef": "K-9"}, headers=swt).get_json()
    assert [r["id"] for r in own["referrals"]] == [rid]
    # … the inzage export for the inwoner follows the referral to every organisation that holds it.
    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)
    result = CliRunner().invoke(main, ["referrals", "export", "--organization", "org-swt", "--client-ref", "K-9"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    assert [r["id"] for r in exported["referrals"]] == [rid, passed_on] and exported["count"] == 2
    onward = exported["referrals"][1]
    assert onward["forwardedFrom"] == rid and onward["sender"]["organizationId"] == "org-welzijn"
    assert onward["receiver"]["organizationId"] == "org-netwerk"
    assert onward["requestText"] == forward["requestText"] and onward["contact"]["name"] == "Sanne"
    trail = rr.referrals.audit_trail(actors["admin"].principal, passed_on)
    assert trail[-1].action == "exporteren" and trail[-1].organization_id == "org-swt"
