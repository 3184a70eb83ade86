"""The dashboard page, its data and its downloads, on the hand-built region: signed in on the pages
(session cookie), coordinators and admins only, and working under the strict Content-Security-Policy."""
from __future__ import annotations

import csv
import io
import re

import pytest

from web.pages.session import session_values

# Hand-computed numbers: without the cell-key noise (conftest.no_noise).
pytestmark = pytest.mark.usefixtures("without_noise")


def signed_in(api, scenario, who: str):
    with api.session_transaction() as session:
        session.clear()
        session.update(session_values(scenario.actors[who].principal))
    return api


def test_sign_in_is_asked_first(api):
    response = api.get("/inventarisatie?gebied=GM0001")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/aanmelden?volgende=/inventarisatie")
    data = api.get("/inventarisatie/gegevens")
    assert data.status_code == 401 and data.mimetype == "application/problem+json"
    assert api.get("/inventarisatie/download/cijfers.csv").status_code == 302


def test_a_professional_may_not(api, scenario):
    signed_in(api, scenario, "swt")
    page = api.get("/inventarisatie")
    assert page.status_code == 403 and "Geen toegang" in page.get_data(as_text=True)
    data = api.get("/inventarisatie/gegevens")
    assert data.status_code == 403 and "coördinator" in data.get_json()["detail"]


def test_the_page_for_a_coordinator_works_under_a_strict_csp(api, scenario):
    signed_in(api, scenario, "coordinator")
    response = api.get("/inventarisatie?gebied=WK000102&leefgebied=geldzaken")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html and "Lokale inventarisatie" in html
    assert 'data-start-area="WK000102"' in html and '<option value="geldzaken" selected>' in html
    assert 'href="/inventarisatie/download/cijfers.csv?gebied=WK000102&amp;leefgebied=geldzaken"' in html
    assert "style=" not in html and not re.search(r"<[^>]*\son[a-z]+=", html)  # no inline styles or handlers
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert api.get(asset).status_code == 200, asset
    for control in re.findall(r'<(?:select|input)[^>]*id="([^"]+)"', html):  # every control has a label
        assert f'for="{control}"' in html, control
    unknown = api.get("/inventarisatie?gebied=<script>&leefgebied=zwemmen").get_data(as_text=True)
    assert 'data-start-area=""' in unknown and '<option value="sociaal-netwerk" selected>' in unknown


def test_the_data_for_the_page(api, scenario):
    signed_in(api, scenario, "coordinator")
    body = api.get("/inventarisatie/gegevens?leefgebied=sociaal-netwerk").get_json()
    assert body["coverage"]["area"]["code"] == "GM0001"  # the coordinator's own gemeente
    assert [c["area"]["code"] for c in body["coverage"]["children"]] == ["WK000101", "WK000102"]
    assert [f["id"] for f in body["map"]["features"]] == ["WK000101", "WK000102"]
    assert body["map"]["features"][0]["properties"]["shareBeyondReach"] == 0.6
    assert [g["indicator"] for g in body["gaps"]["items"]] == ["ver-weg"]  # 'too few' was chance (small_areas)
    medians = body["coverage"]["medians"]
    assert set(medians) == {"sociaal-netwerk"} and medians["sociaal-netwerk"] > 0  # the one median, from the server
    everything = api.get("/inventarisatie/gegevens?leefgebied=sociaal-netwerk&alleenLeefgebied=0").get_json()
    assert everything["gaps"]["total"] == 30 and len(everything["gaps"]["items"]) == 10
    assert api.get("/inventarisatie/gegevens?gebied=GM0002").status_code == 403


@pytest.mark.parametrize("name, mimetype, check", [
    ("cijfers.csv", "text/csv", lambda text: len(list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))) == 2 * 14),
    ("knelpunten.csv", "text/csv", lambda text: text.count("\r\n") == 1 + 14),  # 12 + capaciteit + maatwerk
    ("kaart.geojson", "application/geo+json", lambda text: '"type":"FeatureCollection"' in text),
    ("rapport.html", "text/html", lambda text: "Lokale inventarisatie Wijk Zuid (Eerstedorp)" in text),
])
def test_downloads(api, scenario, name, mimetype, check):
    signed_in(api, scenario, "coordinator")
    response = api.get(f"/inventarisatie/download/{name}?gebied=WK000102&leefgebied=geldzaken")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert check(response.get_data(as_text=True))
    assert api.get(f"/inventarisatie/download/{name}?gebied=GM0002").status_code == 403
