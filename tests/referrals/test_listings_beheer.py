"""A beheerder edits only its own organisation's services, and doing so refreshes 'last verified'."""
from __future__ import annotations

import pytest

from tests.hsds_validation import assert_valid
from tests.referrals.referral_helpers import START


def test_beheerder_updates_own_service_and_last_verified(client, actors):
    h = actors["beheerder"].headers  # beheerder of org-welzijn
    response = client.patch("/api/v1/services/svc-schuld", json={
        "description": "Elke dinsdag inloop, ook zonder afspraak.", "openingHours": "di 09:00-12:00",
        "waitWeeks": 2, "phone": "0113 123456"}, headers=h)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["lastVerified"] == START.date().isoformat()
    assert body["description"].startswith("Elke dinsdag") and body["waitWeeks"] == 2
    assert body["contact"]["phone"] == "0113 123456" and "09:00" in body["openingHours"]
    public = client.get("/api/v1/services/svc-schuld").get_json()  # reading stays public
    assert public["lastVerified"] == START.date().isoformat() and public["address"]["street"] == "Markt 1"


def test_only_own_organisation_and_only_beheerder_or_admin(client, actors):
    for who, status in (("beheerder", 403), ("welzijn", 403), ("coordinator", 403)):
        response = client.post("/api/v1/services/svc-begeleiding/verification", headers=actors[who].headers)
        assert response.status_code == status, who
    assert client.post("/api/v1/services/svc-begeleiding/verification").status_code == 401
    admin = client.post("/api/v1/services/svc-begeleiding/verification", headers=actors["admin"].headers)
    assert admin.status_code == 200 and admin.get_json()["lastVerified"] == START.date().isoformat()
    assert client.post("/api/v1/services/svc-nope/verification", headers=actors["admin"].headers).status_code == 404


def test_bad_changes_write_nothing(client, actors):
    h = actors["beheerder"].headers
    before = client.get("/api/v1/services/svc-schuld").get_json()
    assert client.patch("/api/v1/services/svc-schuld", json={"phone": "bel maar"}, headers=h).status_code == 400
    assert client.patch("/api/v1/services/svc-schuld", json={"rung": "maatwerk"}, headers=h).status_code == 400
    assert client.patch("/api/v1/services/svc-schuld", json={"name": None}, headers=h).status_code == 400
    assert client.get("/api/v1/services/svc-schuld").get_json() == before


def test_a_hard_description_gets_readability_tips_not_a_refusal(client, actors):
    h = actors["beheerder"].headers
    plain = client.patch("/api/v1/services/svc-schuld", json={"description": "Kom langs. Wij helpen u met uw post."},
                         headers=h)
    assert plain.status_code == 200 and plain.get_json()["readabilityWarnings"] == []
    hard = ("Ondersteuning bij de aanvraag van een maatwerkvoorziening conform de beschikking, teneinde de "
            "zelfredzaamheid en participatiemogelijkheden van de betrokkene structureel te optimaliseren, "
            "waarbij de indicatiestelling door de gemeentelijke toegang plaatsvindt.")
    response = client.patch("/api/v1/services/svc-schuld", json={"description": hard}, headers=h)
    assert response.status_code == 200
    tips = response.get_json()["readabilityWarnings"]
    assert any("moeilijk te lezen" in t for t in tips) and any("beschikking" in t for t in tips)
    assert client.get("/api/v1/services/svc-schuld").get_json()["description"] == hard  # saved all the same


@pytest.mark.parametrize("field, value", [
    ("website", ""), ("email", ""), ("phone", " "), ("name", ""), ("description", ""),
    ("name", "Schuld\x07hulp"), ("name", "Schuldhulp\nGoes"), ("email", "info\x00@welzijn.nl"),
    ("website", "https://welzijn.example.nl/\x7f"), ("description", "Inloop\x1b[31m"), ("capacityNote", "vol\x85"),
])
def test_empty_texts_and_control_characters_are_refused_and_write_nothing(client, actors, field, value):
    """An empty string would reach /hsds as an invalid url or e-mail; null clears a field instead."""
    h = actors["beheerder"].headers
    before = client.get("/api/v1/services/svc-schuld").get_json()
    response = client.patch("/api/v1/services/svc-schuld", json={field: value, "waitWeeks": 3}, headers=h)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert field in {p["name"] for p in body["invalidParams"]}, body
    assert all(p["reason"] for p in body["invalidParams"])
    assert client.get("/api/v1/services/svc-schuld").get_json() == before


def test_cleared_contact_details_are_absent_from_hsds_and_a_multi_line_description_is_kept(client, actors):
    h = actors["beheerder"].headers
    response = client.patch("/api/v1/services/svc-schuld", json={
        "website": None, "email": None, "description": "Elke dinsdag inloop.\nOok zonder afspraak."}, headers=h)
    assert response.status_code == 200, response.get_json()
    body = client.get("/hsds/services/svc-schuld").get_json()
    assert_valid("service", body)
    assert "url" not in body and "email" not in body and body["contacts"] == []
    assert body["description"] == "Elke dinsdag inloop.\nOok zonder afspraak."
    assert "" not in [v for v in body.values() if isinstance(v, str)]
