"""The foundation's read path on the demo region: nearby services with distances, and /health."""
from __future__ import annotations


def test_health_answers_the_status_only(client):
    # Backend and counts only for an admin token: tests/referrals/test_privacy_http.py.
    response = client.get("/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_nearby_services_for_a_goes_postcode(client):
    response = client.get("/api/v1/services?postcode=4461AB&radius=5000&sort=distance&pageSize=100")
    assert response.status_code == 200
    assert response.headers["API-Version"] == "1.0.0"
    body = response.get_json()
    assert body["origin"]["postcode"] == "4461AB" and body["origin"]["precision"] == "pc6"
    assert body["total"] > 50 and int(response.headers["X-Total-Count"]) == body["total"]
    distances = [hit["distance"] for hit in body["results"]]
    assert distances == sorted(distances) and all(d <= 5000 for d in distances)
    assert {hit["area"]["gemeente"]["name"] for hit in body["results"] if hit["area"]["gemeente"]} <= \
        {"Goes", "Kapelle", "Noord-Beveland", "Borsele", "Reimerswaal"}
    located = [hit for hit in body["results"] if hit["distanceTo"] == "locatie"]
    assert located and all(hit["officeDistance"] == hit["distance"] for hit in located)


def test_pages_come_from_the_store(client):
    first = client.get("/api/v1/services?postcode=4461AB&radius=5000&pageSize=10&page=1").get_json()
    second = client.get("/api/v1/services?postcode=4461AB&radius=5000&pageSize=10&page=2").get_json()
    assert len(first["results"]) == len(second["results"]) == 10
    assert not {h["id"] for h in first["results"]} & {h["id"] for h in second["results"]}
    assert "next" in first["_links"] and "prev" in second["_links"]


def test_bad_postcode_is_a_problem_in_dutch(client):
    response = client.get("/api/v1/services?postcode=12")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and "postcode" in body["detail"]
    assert body["invalidParams"][0]["name"] == "postcode"


def test_unknown_parameter_is_named(client):
    body = client.get("/api/v1/services?lifedomain=geldzaken").get_json()
    assert body["status"] == 400
    assert {"name": "lifedomain", "reason": "Onbekende parameter."} in body["invalidParams"]


def test_unknown_service_is_404(client):
    response = client.get("/api/v1/services/bestaat-niet")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
