"""'Klopt er iets niet?': the correction form on its own page, for anyone without an account.
CSRF-safe with the session cookie, rate-limited per client address, checked by the domain and stored as
one Correction node for the organisation's beheerder."""
from __future__ import annotations

import re

import pytest

from web import create_app

FORM_FIELDS = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def corrections_app(demo_runtime):
    """A fresh app (its own limiter counts) on the demo region, with a small limit to test it."""
    return create_app({"SETTINGS": demo_runtime.settings, "RUNTIME": demo_runtime, "TESTING": True,
                       "SOCIALEKAART_RATE_LIMIT_CORRECTIONS": "5 per minute"})


@pytest.fixture
def service(demo_runtime):
    return next(s for s in demo_runtime.demo_region.services if not s.confidential and s.rung == "informeel")


def open_form(client, service_id: str, *, first: bool = True) -> str:
    response = client.get(f"/hulp/{service_id}/klopt-er-iets-niet")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Klopt er iets niet?" in html and 'method="post"' in html
    if first:  # the form's CSRF token lives in the session cookie, set by this page (not the service page)
        assert "sessie=" in response.headers.get("Set-Cookie", "")
    return FORM_FIELDS.search(html).group(1)


def stored(demo_runtime, service) -> list:
    return [c for c in demo_runtime.corrections().for_organization(service.organization_id)
            if c.service_id == service.id]


def test_a_correction_is_stored_for_the_beheerder_and_thanked_for(corrections_app, demo_runtime, service):
    client = corrections_app.test_client()
    token = open_form(client, service.id)
    before = len(stored(demo_runtime, service))
    response = client.post(f"/hulp/{service.id}/klopt-er-iets-niet", data={
        "csrf_token": token, "tekst": "  Het telefoonnummer\x00 is nu\u200b 0113 123456.\r\n\r\n\r\n\r\nGroet  ",
        "email": " inwoner@voorbeeld.nl "})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/hulp/{service.id}/bedankt")
    thanks = client.get(response.headers["Location"])
    text = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and "Bedankt voor uw bericht" in text and service.name in text
    found = stored(demo_runtime, service)
    assert len(found) == before + 1
    newest = found[0]
    assert newest.text == "Het telefoonnummer is nu 0113 123456.\n\nGroet"  # control characters out
    assert newest.email == "inwoner@voorbeeld.nl" and newest.status == "nieuw"
    assert newest.organization_id == service.organization_id and newest.created_at.startswith("20")


def test_bad_input_gets_clear_dutch_errors_and_nothing_is_stored(corrections_app, demo_runtime, service):
    client = corrections_app.test_client()
    token = open_form(client, service.id)
    before = len(stored(demo_runtime, service))
    url = f"/hulp/{service.id}/klopt-er-iets-niet"
    for data, message in (({"tekst": "   \x07  "}, "Schrijf op wat er niet klopt."),
                          ({"tekst": "kort"}, "Schrijf iets meer"),
                          ({"tekst": "x" * 1001}, "Uw tekst is te lang: 1001 tekens"),
                          ({"tekst": "Het adres klopt niet.", "email": "geen-adres"}, "Dit e-mailadres klopt niet")):
        response = client.post(url, data={"csrf_token": token, **data})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html
        assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert len(stored(demo_runtime, service)) == before


def test_without_the_csrf_token_nothing_is_stored(corrections_app, demo_runtime, service):
    client = corrections_app.test_client()
    before = len(stored(demo_runtime, service))
    response = client.post(f"/hulp/{service.id}/klopt-er-iets-niet", data={"tekst": "Het adres klopt niet."})
    assert response.status_code == 400 and "Het formulier is verlopen" in response.get_data(as_text=True)
    open_form(client, service.id, first=False)
    response = client.post(f"/hulp/{service.id}/klopt-er-iets-niet",
                           data={"csrf_token": "geraden", "tekst": "Het adres klopt niet."})
    assert response.status_code == 400
    assert len(stored(demo_runtime, service)) == before


def test_corrections_are_rate_limited_per_client(corrections_app, service):
    client = corrections_app.test_client()
    token = open_form(client, service.id)
    url = f"/hulp/{service.id}/klopt-er-iets-niet"
    statuses = [client.post(url, data={"csrf_token": token, "tekst": "kort"}).status_code for _ in range(5)]
    assert statuses == [400] * 5
    blocked = client.post(url, data={"csrf_token": token, "tekst": "Het adres klopt niet."})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "te veel verzoeken" in blocked.get_data(as_text=True)
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_unknown_service_and_thanks_without_sending(client):
    assert client.get("/hulp/bestaat-niet/klopt-er-iets-niet").status_code == 404
    assert client.post("/hulp/bestaat-niet/klopt-er-iets-niet", data={"tekst": "x"}).status_code == 404
    response = client.get("/hulp/demo-svc-gm0664-0020/bedankt")
    assert response.status_code == 302 and response.headers["Location"].endswith("/hulp/demo-svc-gm0664-0020")
