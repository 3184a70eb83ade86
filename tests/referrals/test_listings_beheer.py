"""A beheerder edits only its own organisation's services, and doing so refreshes 'last verified'."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

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
    assert client.patch("/api/v1/services/svc-schuld", json={"rung": "zwaar"}, headers=h).status_code == 400
    assert client.patch("/api/v1/services/svc-schuld", json={"organizationId": "org-swt"}, headers=h).status_code == 400
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


# -- every field of the CSV template; adding and removing ------------------------------------------

NEW_LISTING = {
    "name": "Taalcafé", "description": "Oefenen met Nederlands praten.", "rung": "informeel",
    "lifeDomains": ["sociaal-netwerk", "werk-opleiding"], "targetGroups": ["nieuwkomers"], "ageMin": 16, "ageMax": 99,
    "cost": "eigen-bijdrage", "costNote": "€ 1 voor koffie", "phone": "0113 999999", "email": "taal@welzijn.example.nl",
    "website": "https://welzijn.example.nl/taal", "openingHours": "wo 14:00-16:00", "waitWeeks": 0,
    "capacityNote": "Twaalf plaatsen", "crisis": False, "independentClientSupport": False, "confidential": False,
    "serves": ["WK066402"], "location": {"street": "Markt 1", "postcode": "4461AB", "city": "Goes"},
}


def test_a_beheerder_adds_a_listing_with_every_field_and_it_is_found(client, actors):
    h = actors["beheerder"].headers
    made = client.post("/api/v1/organizations/org-welzijn/services", json=NEW_LISTING, headers=h)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert made.headers["Location"] == f"/api/v1/services/{body['id']}" and made.headers["ETag"] == '"1"'
    read = client.get(made.headers["Location"]).get_json()
    assert read["name"] == "Taalcafé" and read["rung"]["code"] == "informeel"
    assert [d["code"] for d in read["lifeDomains"]] == ["sociaal-netwerk", "werk-opleiding"]
    assert [t["code"] for t in read["targetGroups"]] == ["nieuwkomers"]
    assert (read["ageMin"], read["ageMax"], read["cost"], read["costNote"]) == (16, 99, "eigen-bijdrage", "€ 1 voor koffie")
    assert read["contact"]["email"] == "taal@welzijn.example.nl" and "14:00" in read["openingHours"]
    assert read["waitWeeks"] == 0 and read["capacityNote"] == "Twaalf plaatsen" and read["serves"] == ["WK066402"]
    assert read["address"]["street"] == "Markt 1" and read["address"]["postcode"] == "4461 AB"
    assert read["area"]["buurt"]["code"] == "BU06640101" and read["lastVerified"] == START.date().isoformat()
    assert read["organization"]["id"] == "org-welzijn"
    found = client.get("/api/v1/services?area=BU06640101&targetGroup=nieuwkomers&pageSize=50").get_json()
    assert body["id"] in [hit["id"] for hit in found["results"]]
    assert_valid("service", client.get(f"/hsds/services/{body['id']}").get_json())


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"), ({"rung": "zwaar"}, "rung"), ({"lifeDomains": []}, "lifeDomains"),
    ({"ageMin": 40, "ageMax": 20}, "ageMin"), ({"serves": ["WK999999"], "location": None}, "serves"),
    ({"serves": [], "location": None}, "location"), ({"location": {"street": "Markt 1"}}, "location.postcode"),
    ({"location": {"postcode": "0000AA"}}, "location.postcode"), ({"location": {"lat": 51.5}}, "location.lon"),
    ({"phone": "bel maar"}, "phone"), ({"openingHours": "soms"}, "openingHours"), ({"color": "rood"}, "color"),
])
def test_a_new_listing_gets_the_import_rules_and_bad_input_writes_nothing(client, actors, changes, field):
    h = actors["beheerder"].headers
    before = len(client.get("/api/v1/organizations/org-welzijn").get_json()["services"])
    response = client.post("/api/v1/organizations/org-welzijn/services", json={**NEW_LISTING, **changes}, headers=h)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    names = {p["name"] for p in response.get_json().get("invalidParams", [])}
    assert any(name.startswith(field) for name in names), response.get_json()
    assert len(client.get("/api/v1/organizations/org-welzijn").get_json()["services"]) == before


def test_only_the_own_organisation_gets_new_listings(client, actors):
    for who, status in (("beheerder", 403), ("welzijn", 403)):
        response = client.post("/api/v1/organizations/org-zorg/services", json=NEW_LISTING, headers=actors[who].headers)
        assert response.status_code == status, who
    assert client.post("/api/v1/organizations/org-welzijn/services", json=NEW_LISTING).status_code == 401
    admin = client.post("/api/v1/organizations/org-zorg/services", json=NEW_LISTING, headers=actors["admin"].headers)
    assert admin.status_code == 201 and admin.get_json()["organization"]["id"] == "org-zorg"


def test_every_field_can_be_edited_and_cleared(client, actors):
    h = actors["beheerder"].headers
    changes = {**NEW_LISTING, "name": "Schuldhulp spreekuur", "rung": "licht", "confidential": True,
               "crisis": True, "independentClientSupport": True, "location": {"lat": 51.5005, "lon": 3.92}}
    response = client.patch("/api/v1/services/svc-schuld", json=changes, headers=h)
    assert response.status_code == 200, response.get_json()
    body = client.get("/api/v1/services/svc-schuld").get_json()
    assert body["rung"]["code"] == "licht" and body["crisis"] and body["independentClientSupport"]
    assert body["confidential"] and body["address"] is None  # a confidential address is never shown
    assert body["area"]["wijk"]["code"] == "WK066402"
    cleared = client.patch("/api/v1/services/svc-schuld", json={
        "targetGroups": None, "ageMin": None, "ageMax": None, "location": None, "serves": ["GM0664"],
        "confidential": False}, headers=h)
    assert cleared.status_code == 200, cleared.get_json()
    body = cleared.get_json()
    assert body["targetGroups"] == [] and body["ageMin"] is None and body["address"] is None
    assert body["serves"] == ["GM0664"] and body["position"] is None


def test_removing_a_listing_keeps_referrals_to_it_working_and_is_audited(client, actors, rr):
    from tests.referrals.referral_helpers import referral_body

    sent = client.post("/api/v1/referrals", json=referral_body(), headers=actors["swt"].headers)
    assert sent.status_code == 201, sent.get_json()
    referral_id = sent.get_json()["id"]
    assert client.post(f"/api/v1/referrals/{referral_id}/transitions", json={"to": "verzonden"},
                       headers=actors["swt"].headers).status_code == 200
    h = actors["beheerder"].headers
    old_tag = client.get("/api/v1/services/svc-schuld").headers["ETag"]
    client.patch("/api/v1/services/svc-schuld", json={"waitWeeks": 3}, headers=h)
    assert client.delete("/api/v1/services/svc-schuld", headers={**h, "If-Match": old_tag}).status_code == 412
    assert client.delete("/api/v1/services/svc-begeleiding", headers=h).status_code == 403
    tag = client.get("/api/v1/services/svc-schuld").headers["ETag"]
    assert client.delete("/api/v1/services/svc-schuld", headers={**h, "If-Match": tag}).status_code == 204
    assert client.get("/api/v1/services/svc-schuld").status_code == 404
    assert client.get("/hsds/services/svc-schuld").status_code == 404
    assert "svc-schuld" not in [hit["id"] for hit in client.get(
        "/api/v1/services?q=schuldhulp").get_json()["results"]]
    assert client.delete("/api/v1/services/svc-schuld", headers=h).status_code == 404
    # The referral still opens, for both sides, and still says what it was for; its steps still work.
    for side in ("swt", "welzijn"):
        seen = client.get(f"/api/v1/referrals/{referral_id}", headers=actors[side].headers)
        assert seen.status_code == 200, (side, seen.get_json())
        assert seen.get_json()["receiver"]["serviceName"] == "Schuldhulp spreekuur"
    moved = client.post(f"/api/v1/referrals/{referral_id}/transitions", json={"to": "ontvangen"},
                        headers=actors["welzijn"].headers)
    assert moved.status_code == 200 and moved.get_json()["status"] == "ontvangen", moved.get_json()
    log = client.get("/api/v1/audit", headers=h).get_json()["entries"]
    assert "voorziening-verwijderd:svc-schuld" in [entry["action"] for entry in log]


# -- optimistic concurrency: ETag / If-Match ---------------------------------------------------------

def test_an_edit_with_the_current_etag_saves_and_answers_the_next_etag(client, actors):
    h = actors["beheerder"].headers
    read = client.get("/api/v1/services/svc-schuld")
    tag = read.headers["ETag"]
    assert tag.startswith('"') and tag.strip('"').isdigit()
    response = client.patch("/api/v1/services/svc-schuld", json={"waitWeeks": 4}, headers={**h, "If-Match": tag})
    assert response.status_code == 200, response.get_json()
    assert int(response.headers["ETag"].strip('"')) == int(tag.strip('"')) + 1
    assert client.get("/api/v1/services/svc-schuld").headers["ETag"] == response.headers["ETag"]
    verified = client.post("/api/v1/services/svc-schuld/verification",
                           headers={**h, "If-Match": response.headers["ETag"]})
    assert verified.status_code == 200 and verified.get_json()["lastVerified"] == START.date().isoformat()


def test_an_edit_of_an_older_version_gets_412_with_the_current_listing_and_writes_nothing(client, actors):
    h = actors["beheerder"].headers
    old_tag = client.get("/api/v1/services/svc-schuld").headers["ETag"]
    first = client.patch("/api/v1/services/svc-schuld", json={"phone": "0113 111111"},
                         headers={**h, "If-Match": old_tag})
    assert first.status_code == 200
    before = client.get("/api/v1/services/svc-schuld").get_json()
    late = client.patch("/api/v1/services/svc-schuld", json={"phone": "0113 222222"},
                        headers={**h, "If-Match": old_tag})
    assert late.status_code == 412 and late.mimetype == "application/problem+json"
    body = late.get_json()
    assert body["title"] == "Versie verouderd" and "intussen door iemand anders gewijzigd" in body["detail"]
    assert body["current"]["contact"]["phone"] == "0113 111111"
    assert late.headers["ETag"] == first.headers["ETag"] == f'"{body["currentVersion"]}"'
    assert client.get("/api/v1/services/svc-schuld").get_json() == before
    stale_check = client.post("/api/v1/services/svc-schuld/verification", headers={**h, "If-Match": old_tag})
    assert stale_check.status_code == 412
    nonsense = client.patch("/api/v1/services/svc-schuld", json={"waitWeeks": 9},
                            headers={**h, "If-Match": '"abc"'})
    assert nonsense.status_code == 412
    assert client.get("/api/v1/services/svc-schuld").get_json() == before


def test_a_write_keeps_its_modification_moment_to_the_millisecond(client, actors, runtime, monkeypatch):
    """HSDS last_modified carries the real milliseconds of the save; the version/ETag logic is unchanged."""
    h = actors["beheerder"].headers
    moment = datetime(2026, 1, 12, 9, 30, 15, 123456, tzinfo=timezone.utc)
    monkeypatch.setattr(runtime.catalog, "clock", lambda: moment)
    tag = client.get("/api/v1/services/svc-schuld").headers["ETag"]
    first = client.patch("/api/v1/services/svc-schuld", json={"waitWeeks": 5}, headers={**h, "If-Match": tag})
    assert first.status_code == 200, first.get_json()
    assert int(first.headers["ETag"].strip('"')) == int(tag.strip('"')) + 1
    assert client.get("/hsds/services/svc-schuld").get_json()["last_modified"] == "2026-01-12T09:30:15.123Z"

    monkeypatch.setattr(runtime.catalog, "clock", lambda: moment + timedelta(milliseconds=7))
    second = client.patch("/api/v1/services/svc-schuld", json={"waitWeeks": 6},
                          headers={**h, "If-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert int(second.headers["ETag"].strip('"')) == int(first.headers["ETag"].strip('"')) + 1
    body = client.get("/hsds/services/svc-schuld").get_json()
    assert body["last_modified"] == "2026-01-12T09:30:15.130Z"
    assert_valid("service", body)
    # modified_after to the millisecond: the save at .130 is on or after .130, not after .131
    ids = {s["id"] for s in client.get("/hsds/services?modified_after=2026-01-12T09:30:15.130Z&per_page=100")
           .get_json()["contents"]}
    assert body["id"] in ids
    later = client.get("/hsds/services?modified_after=2026-01-12T09:30:15.131Z&per_page=100").get_json()
    assert body["id"] not in {s["id"] for s in later["contents"]}
    # the older version is still refused
    stale = client.patch("/api/v1/services/svc-schuld", json={"waitWeeks": 7}, headers={**h, "If-Match": tag})
    assert stale.status_code == 412 and client.get("/api/v1/services/svc-schuld").get_json()["waitWeeks"] == 6


def test_without_if_match_or_with_a_star_old_clients_still_write(client, actors):
    h = actors["beheerder"].headers
    assert client.patch("/api/v1/services/svc-schuld", json={"waitWeeks": 1}, headers=h).status_code == 200
    star = client.patch("/api/v1/services/svc-schuld", json={"waitWeeks": 2}, headers={**h, "If-Match": "*"})
    assert star.status_code == 200 and star.get_json()["waitWeeks"] == 2


def test_the_version_is_checked_inside_the_write_itself(runtime):
    """The store refuses a unit whose expected version is not the stored one, even when the caller's
    own check passed (the moment between check and write)."""
    from dataclasses import replace

    from socialekaart.catalog.importing import service_from_snapshot
    from socialekaart.shared.errors import PreconditionFailed

    stored = runtime.snapshots.service("svc-schuld")
    version = runtime.catalog.service("svc-schuld").version
    runtime.catalog.save(services=[replace(service_from_snapshot(stored), wait_weeks=5)])  # someone else
    with pytest.raises(PreconditionFailed):
        runtime.catalog.save(services=[replace(service_from_snapshot(stored), wait_weeks=7)],
                             expected_versions={"svc-schuld": version})
    after = runtime.catalog.service("svc-schuld")
    assert after.wait_weeks == 5 and after.version == version + 1
    runtime.catalog.save(services=[replace(service_from_snapshot(stored), wait_weeks=7)],
                         expected_versions={"svc-schuld": version + 1})
    assert runtime.catalog.service("svc-schuld").wait_weeks == 7


def test_of_many_concurrent_edits_of_one_version_exactly_one_wins(runtime, rr, actors):
    from tests.referrals.test_referral_concurrency import race

    listings = runtime.listings(clock=rr.clock)
    beheerder = actors["beheerder"].principal
    version = runtime.catalog.service("svc-schuld").version
    outcomes = race([lambda weeks=weeks: listings.update(beheerder, "svc-schuld", {"waitWeeks": weeks},
                                                         expected_version=version) for weeks in range(8)])
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 1 and kinds.count("conflict") == 7, outcomes
    winner = next(result for kind, result in outcomes if kind == "ok")
    stored = runtime.catalog.service("svc-schuld")
    assert stored.version == version + 1 and stored.wait_weeks == winner.wait_weeks


# -- stale listings for the coordinator ------------------------------------------------------------

def _stale_ids(client, actor, **params) -> dict[str, list[str]]:
    response = client.get("/api/v1/stale-services", query_string=params, headers=actor.headers)
    assert response.status_code == 200, response.get_json()
    return {g["code"]: [s["id"] for s in g["services"]] for g in response.get_json()["gemeenten"]}


def test_a_coordinator_sees_stale_listings_per_gemeente_of_its_area(client, actors, clock, runtime):
    goes = _stale_ids(client, actors["coordinator"])
    assert set(goes) == {"GM0664"}  # never verified: all of Goes, nothing of Middelburg
    assert set(goes["GM0664"]) == {"svc-swt", "svc-schuld", "svc-maatje", "svc-begeleiding", "svc-opvang", "svc-ggz"}
    assert _stale_ids(client, actors["regio"]) == {**goes, "GM0687": ["svc-mid"]}

    checked = client.post("/api/v1/services/svc-schuld/verification", headers=actors["beheerder"].headers)
    assert checked.status_code == 200
    assert "svc-schuld" not in _stale_ids(client, actors["coordinator"])["GM0664"]
    body = client.get("/api/v1/stale-services", headers=actors["coordinator"].headers).get_json()
    assert body["staleAfterDays"] == 365 and body["gemeenten"][0]["name"] == "Goes"
    clock.advance(days=364)
    assert "svc-schuld" not in _stale_ids(client, actors["coordinator"], gemeente="GM0664")["GM0664"]
    clock.advance(days=2)  # 366 days: stale. (The API token lasts a year too: ask the report itself.)
    later = runtime.stale_listings(clock=clock).per_gemeente(actors["coordinator"].principal, "GM0664")
    assert "svc-schuld" in [s.id for s in later["gemeenten"][0]["services"]]


def test_stale_listings_only_for_coordinators_within_their_area(client, actors):
    h = actors["coordinator"].headers
    outside = client.get("/api/v1/stale-services?gemeente=GM0687", headers=h)
    assert outside.status_code == 403 and outside.mimetype == "application/problem+json"
    assert client.get("/api/v1/stale-services?gemeente=Goes", headers=h).status_code == 400
    assert client.get("/api/v1/stale-services", headers=actors["beheerder"].headers).status_code == 403
    assert client.get("/api/v1/stale-services").status_code == 401
    assert _stale_ids(client, actors["admin"]).keys() == {"GM0664", "GM0687"}
