"""Issue 14, the public map from a hands-on test: the empty search, 'nu open', the radius on the map,
share and print, 'gebruik mijn locatie', the crisis banner, the answer outside the region, the national
lines in the footer and plain words. The Flask test client on the demo region, no JavaScript."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from socialekaart.catalog import crisis as crisis_help
from tests.pages.test_pages import GELDZORGEN, Page, cards, get, map_data

CRISIS = "/?vraag=ik+wil+niet+meer+leven"


def test_an_empty_search_gets_a_friendly_prompt_not_the_home_page_again(client):
    response = client.get("/?postcode=&vraag=&afstand=5")
    html = response.get_data(as_text=True)
    page = Page(html)
    assert response.status_code == 200 and response.headers.get("Set-Cookie") is None
    assert "U heeft nog niets ingevuld" in page.text
    assert "data-focus-bij-laden" in html.split("U heeft nog niets ingevuld")[0]  # the prompt gets the focus
    assert "Kies dan een onderwerp" in page.text and "vraag=geldzorgen" in html
    _, home = get(client, "/")
    assert "U heeft nog niets ingevuld" not in home.text  # the plain home page says nothing of the kind


def test_nu_open_filters_to_help_that_is_open_now(client):
    html, page = get(client, "/?postcode=4461AB&nuOpen=ja")
    assert page.all("input", id="veld-nuOpen") and 'name="nuOpen" type="checkbox" value="ja" checked' in html
    assert "alleen hulp die nu open is" in page.text
    found = cards(html)
    assert all("label-open" in card for card in found)
    everything, _ = get(client, "/?postcode=4461AB")
    assert len(found) <= len(cards(everything))


def test_the_map_gets_the_search_radius_for_its_circle(client):
    _, page = get(client, GELDZORGEN)
    assert map_data(page)["radiusM"] == 5000
    _, wider = get(client, GELDZORGEN + "&afstand=10")
    assert map_data(wider)["radiusM"] == 10_000


def test_share_link_reproduces_the_search_and_print_has_a_button(client):
    html, page = get(client, GELDZORGEN + "&gratis=ja&pagina=2")
    field = page.all("input", id="deel-link")
    assert len(field) == 1 and "readonly" in field[0]
    shared = urlsplit(field[0]["value"])
    assert shared.scheme == "http" and shared.netloc and shared.path == "/"
    assert parse_qs(shared.query) == {"postcode": ["4461AB"], "vraag": ["ik heb geldzorgen"], "gratis": ["ja"]}
    assert page.all("button", data_kopieer="deel-link") or 'data-kopieer="deel-link"' in html
    assert "data-print" in html and "Print de lijst" in page.text


def test_gebruik_mijn_locatie_turns_the_point_into_the_nearest_postcode(client):
    response = client.get("/mijn-locatie?lat=51.50364&lon=3.89181&vraag=ik+heb+geldzorgen&gratis=ja")
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.path == "/"
    assert parse_qs(target.query) == {"postcode": ["4461JM"], "vraag": ["ik heb geldzorgen"], "gratis": ["ja"]}
    assert "lat" not in target.query and "lon" not in target.query  # the point goes no further than this
    html, page = get(client, response.headers["Location"])
    assert "postcode 4461 JM (Goes)" in page.text and cards(html)


def test_gebruik_mijn_locatie_with_a_bad_or_faraway_point_asks_for_the_postcode(client):
    for url in ("/mijn-locatie?lat=abc&lon=3.9", "/mijn-locatie", "/mijn-locatie?lat=91&lon=3.9"):
        _, page = get(client, url, 400)
        assert "Vul uw postcode zelf in" in page.text
    _, page = get(client, "/mijn-locatie?lat=0&lon=0", 400)  # the sea off Africa: no postcode
    assert "We vonden geen postcode bij uw locatie" in page.text


def test_the_form_offers_gebruik_mijn_locatie_only_with_javascript(client):
    html, page = get(client, "/")
    assert page.all("button", data_mijn_locatie="") or "data-mijn-locatie" in html
    assert re.search(r'<p class="mijn-locatie alleen-met-js">', html)
    assert 'data-url="/mijn-locatie"' in html


def test_crisis_words_put_a_calm_banner_above_everything_else(client):
    html, page = get(client, CRISIS)
    main = html.split('<main id="inhoud"', 1)[1]
    assert main.split(">", 1)[1].lstrip().startswith('<section class="crisis" role="alert"')
    banner = re.search(r'<section class="crisis".*?</section>', main, re.S).group(0)
    assert 'tabindex="-1"' in banner and "data-focus-bij-laden" in banner
    assert main.count("data-focus-bij-laden") == 1  # the banner, not the results heading, gets the focus
    assert "U hoeft dit niet alleen te dragen" in page.text
    assert 'href="tel:113"' in banner
    # The region's own 24/7 crisis services come first, then the national lines.
    assert banner.index("Hulp in uw regio, dag en nacht") < banner.index("Landelijke hulplijnen")
    assert re.search(r"Crisis\w* [^<]*</strong>", banner)


def test_crisis_banner_also_with_a_postcode_and_nothing_else_in_the_way(client):
    html, _ = get(client, CRISIS + "&postcode=4461AB")
    main = html.split('<main id="inhoud"', 1)[1]
    assert main.index('class="crisis"') < main.index('class="zoekblok"') < main.index('class="resultaten"')


def test_outside_the_region_a_plain_answer_without_wider_radius(client):
    html, page = get(client, "/?postcode=1012AB")
    assert "Deze kaart gaat niet over Amsterdam" in page.text
    assert "valt buiten deze sociale kaart" in page.text and "Vlissingen" in page.text
    assert "Zoek verder weg" not in page.text and "afstand=" not in html and 'id="kaart"' not in html
    assert 'href="tel:113"' in html.split('class="buiten-regio"')[1]
    assert "Wmo" not in page.text


def test_the_footer_shows_the_national_lines_from_the_data(client):
    html, _ = get(client, "/")
    footer = html.split('<footer class="voet">', 1)[1]
    lines = crisis_help.national_lines()
    assert lines
    for line in lines:
        assert f'href="tel:{line.phone}"' in footer and line.name in footer


def _service_id(demo_runtime, rung: str, cost: str | None = None) -> str:
    return next(s.id for s in demo_runtime.demo_region.services
                if s.rung == rung and (cost is None or s.cost == cost) and not s.confidential
                and ("beschikking" in s.description or "indicatie" in s.description or cost))


def test_plain_words_on_a_service_page(client, demo_runtime):
    html, page = get(client, f"/hulp/{_service_id(demo_runtime, 'maatwerk')}")
    for jargon in ("Maatwerkvoorziening", "beschikking", "Algemene voorziening", "indicatie"):
        assert jargon not in page.text
    assert "Hulp via het wijkteam" in page.text


def test_the_cost_text_is_not_said_twice(client, demo_runtime):
    service_id = _service_id(demo_runtime, "maatwerk", cost="eigen-bijdrage")
    _, page = get(client, f"/hulp/{service_id}")
    assert page.text.count("U betaalt een eigen bijdrage") == 1
    assert "Wmo" not in page.text


def test_the_service_page_links_to_the_correction_form_and_sets_no_cookie(client, demo_runtime):
    service_id = _service_id(demo_runtime, "maatwerk")
    response = client.get(f"/hulp/{service_id}")
    assert response.headers.get("Set-Cookie") is None
    assert f'href="/hulp/{service_id}/klopt-er-iets-niet"' in response.get_data(as_text=True)
