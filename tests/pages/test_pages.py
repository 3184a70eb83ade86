"""The public pages without JavaScript: the Flask test client on the demo region."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.shared.config import Settings
from web import create_app
from web.bootstrap import Runtime

GELDZORGEN = "/?postcode=4461AB&vraag=ik+heb+geldzorgen"


class Page(HTMLParser):
    """The tags of a page with their attributes, and its text, for plain assertions."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_parts: list[str] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))
        else:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())

    def all(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag
                and all(wanted_value in attrs.get(key.rstrip("_").replace("_", "-"), "").split()
                        for key, wanted_value in wanted.items())]


def get(client, url: str, status: int = 200) -> tuple[str, Page]:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    return html, Page(html)


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="kaartje".*?</li>\s*(?=<li class="kaartje"|</ol>)', html, re.S)


def map_data(page: Page) -> dict:
    blocks = [body for attrs, body in page.scripts if attrs.get("id") == "kaart-gegevens"]
    assert len(blocks) == 1 and page.all("script", type="application/json")
    return json.loads(blocks[0])


# -- searching ---------------------------------------------------------------------------------------

def test_search_without_javascript_lists_lightest_help_first(client):
    html, page = get(client, GELDZORGEN)
    assert "We zochten hulp bij Geldzaken, tot 5 km van postcode 4461 AB (Goes)" in page.text
    found = cards(html)
    assert len(found) == 20 and "27 plekken met hulp" in page.text  # leefgebied or words (issue 14): 24 + 3
    # Best match first, then the lightest help (issue 14; the order itself: tests/search), each card
    # saying why it matched.
    levels = [int(level) for level in re.findall(r'data-trede="(\d)"', html)]
    whys = [re.search(r'<p class="waarom">(.*?)</p>', card) for card in found]
    assert len(levels) == 20 and levels[0] == min(levels) == 1 and all(whys)
    assert "Past bij geldzaken" in whys[0].group(1)
    # The ladder in plain words for inwoners ("Algemene voorziening" is a professionals' word).
    assert "Informele hulp" in found[0] and "Hulp zonder verwijzing" in found[-1]
    assert "Algemene voorziening" not in html
    # Numbered from 1, each linking to its detail page, keeping the search for the way back.
    assert re.search(r'href="/hulp/demo-svc-[^"?]+\?postcode=4461AB&amp;vraag=ik\+heb\+geldzorgen', found[0])
    assert [int(n) for n in re.findall(r'id="hulp-(\d+)"', html)] == list(range(1, 21))


def test_each_card_says_how_to_get_in_touch_when_open_cost_and_for_whom(client):
    html, _ = get(client, GELDZORGEN)
    first = Page(cards(html)[0]).text
    assert "Waar In uw wijk" in first
    assert re.search(r"Contact Bel 0113 \d{6} Stuur een mail", first)
    assert "Open Maandag tot en met vrijdag: van 9.00 tot 12.00 uur" in first
    assert "Kosten Gratis" in first and "Voor wie Mensen met schulden" in first
    assert re.search(r'href="tel:0113\d{6}"', cards(html)[0]) and 'href="mailto:' in cards(html)[0]
    with_address = [Page(card).text for card in cards(html) if "Strandloperweg 58" in card]
    assert with_address and re.search(r"Waar \d+ m Strandloperweg 58, Goes", with_address[0])


def test_loneliness_in_own_words_maps_onto_sociaal_netwerk(client):
    _, page = get(client, "/?postcode=4461AB&vraag=Ik+voel+me+eenzaam")
    assert "We zochten hulp bij Sociaal netwerk" in page.text
    assert "Hulp van mensen om u heen" in page.text


def test_words_without_a_leefgebied_are_searched_as_text(client):
    html, page = get(client, "/?postcode=4461AB&vraag=repair+caf%C3%A9")
    # The words are understood by the catalog (socialekaart/catalog/understanding.py); the page shows the hit.
    assert "Repair café Goes" in page.text and cards(html)


def test_filters_free_and_for_whom(client):
    html, page = get(client, "/?postcode=4461AB&vraag=geldzorgen&voorWie=ouderen&gratis=ja&afstand=10")
    assert "voor ouderen, tot 10 km van postcode 4461 AB (Goes), alleen gratis hulp" in page.text
    found = [Page(card).text for card in cards(html)]
    assert found and all("Kosten Gratis" in card for card in found)
    assert any("Ouderen, vanaf 65 jaar" in card for card in found)
    assert page.all("option", value="ouderen")[0].get("selected") is not None
    assert page.all("input", name="gratis")[0].get("checked") is not None


def test_more_than_one_page(client):
    html, page = get(client, GELDZORGEN)
    assert "Pagina 1 van 2" in page.text
    next_links = page.all("a", rel="next")
    assert next_links and "pagina=2" in next_links[0]["href"]
    second, _ = get(client, next_links[0]["href"].replace("&amp;", "&"))
    assert [int(n) for n in re.findall(r'id="hulp-(\d+)"', second)] == [21, 22, 23, 24, 25, 26, 27]


def test_confidential_help_shows_only_its_wijk(client, demo_runtime):
    secret = next(s for s in demo_runtime.demo_region.services
                  if s.confidential and s.name == "Opvanghuis Schorrenland")
    html, _ = get(client, "/?postcode=4461AB&vraag=huiselijk+geweld")
    card = next(Page(c).text for c in cards(html) if ">Opvanghuis Schorrenland</a>" in c)
    assert re.search(r"Waar Bij benadering, in Wijk \d\d Goes Het adres is geheim\.", card)
    assert secret.location.address not in html
    names = [p["name"] for p in map_data(Page(html))["points"]]
    assert names and "Opvanghuis Schorrenland" not in names  # no point of its own on the map

    detail, page = get(client, f"/hulp/{secret.id}")
    assert "Het adres is geheim" in page.text and secret.location.address not in detail
    data = map_data(page)
    assert data["points"] == [] and data["wijk"].startswith("WK0664")  # the map shows only its wijk
    assert str(secret.location.lat) not in detail


def test_the_map_gets_its_data_as_json_not_as_script(client):
    _, page = get(client, GELDZORGEN)
    data = map_data(page)
    assert data["areasUrl"] == "/api/v1/areas?kind=wijk&parent=GM0664&format=geojson"
    assert data["wijk"].startswith("WK0664") and data["tileUrl"] is None
    assert data["origin"]["label"] == "Uw postcode 4461AB"
    assert len(data["points"]) >= 10
    assert all(p["url"].startswith("/hulp/") and 50 < p["lat"] < 54 for p in data["points"])
    assert page.all("div", id="kaart")[0]["aria-label"]
    leaflet = [s["src"] for s in page.all("script") if "src" in s]
    assert "/static/vendor/leaflet/leaflet.js" in leaflet and "/static/js/map.js" in leaflet


def test_tile_layer_only_when_configured(demo_runtime):
    settings = demo_runtime.settings.with_overrides(tile_url="https://tiles.example.nl/{z}/{x}/{y}.png")
    runtime = Runtime(settings)
    try:
        app = create_app({"SETTINGS": settings, "RUNTIME": runtime, "TESTING": True})
        _, page = get(app.test_client(), GELDZORGEN)
    finally:
        runtime.close()
    assert map_data(page)["tileUrl"] == "https://tiles.example.nl/{z}/{x}/{y}.png"


# -- nothing found, and the door for help ----------------------------------------------------------

def test_empty_result_explains_what_to_try_and_shows_the_wijkteam(client):
    html, page = get(client, "/?postcode=4461AB&vraag=xyzzy&gratis=ja&voorWie=ouderen")
    assert "Geen plekken met hulp" in page.text and "We vonden geen hulp die past bij uw vraag." in page.text
    assert not cards(html) and not page.all("script", type="application/json")
    # The sociaal wijkteam of Goes as the door for help, with how to reach it.
    assert "Sociaal wijkteam Goes" in page.text and 'href="tel:0113097013"' in html
    assert "info@sociaal-wijkteam-goes.goes.example.nl" in page.text
    links = {a["href"].replace("&amp;", "&") for a in page.all("a") if a.get("href", "").startswith("/?")}
    assert any("afstand=10" in link and "vraag=xyzzy" in link for link in links)  # wider radius
    assert any("afstand=50" in link for link in links)
    assert any("vraag=geldzorgen" in link and "postcode=4461AB" in link for link in links)  # other topic
    assert any("gratis" not in link and "vraag=xyzzy" in link for link in links)  # also paid help
    assert any("voorWie" not in link and "vraag=xyzzy" in link for link in links)  # for everyone


def test_postcode_outside_the_region(client):
    html, page = get(client, "/?postcode=9999ZZ&vraag=geldzorgen")
    assert "valt buiten deze sociale kaart" in page.text and "Goes" in page.text
    assert "Zoek verder weg" not in page.text and "afstand=" not in html  # no wider radius to offer
    assert "Wmo" not in page.text  # plain words


def test_the_wijkteam_is_also_shown_next_to_results(client):
    _, page = get(client, GELDZORGEN)
    assert "Weet u niet waar u moet beginnen?" in page.text and "Sociaal wijkteam Goes" in page.text


def test_without_postcode_we_ask_for_one(client):
    _, page = get(client, "/?vraag=geldzorgen")
    assert "We zochten hulp bij Geldzaken." in page.text
    assert "Vul uw postcode in voor hulp bij u in de buurt." in page.text


def test_start_page_offers_topics(client):
    html, page = get(client, "/")
    assert "Waar kunnen we u mee helpen?" in page.text and "Of kies een onderwerp" in page.text
    assert 'href="/?vraag=geldzorgen"' in html and not page.all("section", class_="resultaten")


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, message", [
    ("/?postcode=12&vraag=geld", "is geen geldige postcode"),
    ("/?postcode=1000AA", "Postcode 1000 AA kennen we niet."),
    ("/?postcode=4461AB&voorWie=marsmannetjes", "Kies bij 'Voor wie is de hulp?' iets uit de lijst."),
    ("/?postcode=4461AB&afstand=7000", "Kies bij 'Hoe ver weg mag het zijn?' een afstand uit de lijst."),
    ("/?postcode=4461AB&vraag=" + "lang+" * 60, "Uw vraag is te lang"),
])
def test_bad_input_gets_a_friendly_message(client, url, message):
    html, page = get(client, url, status=400)
    assert message in page.text and "Dat lukte niet" in page.text
    assert page.all("div", role="alert")
    assert not page.all("section", class_="resultaten")


def test_bad_postcode_is_marked_on_the_field(client):
    _, page = get(client, "/?postcode=12", status=400)
    field = page.all("input", id="veld-postcode")[0]
    assert field["aria-invalid"] == "true" and "fout-postcode" in field["aria-describedby"]
    assert field["value"] == "12"


# -- the detail page --------------------------------------------------------------------------------

def test_detail_page(client):
    html, _ = get(client, GELDZORGEN)
    card = next(c for c in cards(html) if "Strandloperweg 58" in c)
    href = re.search(r'href="(/hulp/[^"]+)"', card).group(1).replace("&amp;", "&")
    _, page = get(client, href)
    assert [h["id"] for h in page.all("h1")] == ["detail-naam"] and "Weggeefwinkel Goes" in page.text
    headings = {h["id"] for h in page.all("h2") if h.get("id", "").startswith("kop-")}
    assert headings == {"kop-contact", "kop-open", "kop-kosten", "kop-voorwie", "kop-waar", "kop-weten"}
    assert "Strandloperweg 58" in page.text and "4461 DR Goes" in page.text
    assert "Dinsdag: van 13.30 tot 15.30 uur" in page.text
    assert "Hulp van vrijwilligers en ervaringsdeskundigen." in page.text
    back = [a for a in page.all("a") if a["href"].startswith("/?postcode=4461AB")]
    assert back and "Terug naar de zoekresultaten" in page.text
    assert len(map_data(page)["points"]) == 1


def test_detail_page_names_the_werkgebied(client):
    _, page = get(client, "/hulp/demo-svc-gm0664-0020")
    assert "Helpt mensen in heel Goes." in page.text and "Zoek andere hulp" in page.text


@pytest.mark.parametrize("service_id", ["bestaat-niet", "met%20spatie", "x" * 300])
def test_unknown_service_is_a_dutch_404_page(client, service_id):
    _, page = get(client, f"/hulp/{service_id}", status=404)
    assert "Deze pagina bestaat niet" in page.text
    assert page.all("a", href="/")


# -- what every page must be -------------------------------------------------------------------------

PAGES = [("/", 200), (GELDZORGEN, 200), ("/?postcode=4461AB&vraag=xyzzy", 200), ("/?postcode=12", 400),
         ("/hulp/demo-svc-gm0664-0020", 200), ("/hulp/bestaat-niet", 404)]


@pytest.mark.parametrize("url, status", PAGES)
def test_no_requests_to_other_hosts_and_no_inline_code(client, url, status):
    response = client.get(url)
    assert response.status_code == status and response.headers.get("Set-Cookie") is None
    page = Page(response.get_data(as_text=True))
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(name, "")
            if not re.match(r"^(https?:)?//", value):
                continue
            # Only a provider's own website may be linked, never loaded, and without a referrer.
            assert tag == "a" and name == "href", f"<{tag} {name}={value}>"
            assert {"noopener", "noreferrer"} <= set(attrs.get("rel", "").split())
            assert urlsplit(value).hostname.endswith(".example.nl")
        assert "style" not in attrs, f"inline style on <{tag}>"
        assert not [a for a in attrs if a.startswith("on")], f"inline event handler on <{tag}>"
    for attrs, body in page.scripts:
        assert attrs.get("src") or attrs.get("type") == "application/json", "inline executable script"
    assert page.all("meta", name="referrer", content="no-referrer")
    assert not page.all("style")


@pytest.mark.parametrize("url, status", PAGES)
def test_dutch_and_accessible(client, url, status):
    html, page = get(client, url, status=status)
    assert re.search(r'<html lang="nl">', html)
    assert page.all("a", class_="skiplink")[0]["href"] == "#inhoud" and page.all("main", id="inhoud")
    assert len(page.all("h1")) == 1
    labelled = {attrs["for"] for attrs in page.all("label")}
    for tag in ("input", "select", "textarea"):
        for control in page.all(tag):
            if control.get("type") == "hidden":
                continue
            assert control.get("id") in labelled, f"<{tag} name={control.get('name')}> has no label"
    assert page.all("meta", name="viewport")


def test_results_are_announced(client):
    _, page = get(client, GELDZORGEN)
    status = page.all("p", role="status")
    assert status and status[0]["aria-live"] == "polite"
    assert page.all("h2", id="resultaten-titel")[0]["tabindex"] == "-1"


# -- assets ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, kind", [
    ("/static/vendor/leaflet/leaflet.js", "javascript"), ("/static/vendor/leaflet/leaflet.css", "css"),
    ("/static/vendor/leaflet-markercluster/leaflet.markercluster.js", "javascript"),
    ("/static/vendor/leaflet-markercluster/MarkerCluster.css", "css"),
    ("/static/css/site.css", "css"), ("/static/js/map.js", "javascript"), ("/static/js/search.js", "javascript"),
])
def test_assets_are_served_by_the_app(client, url, kind):
    response = client.get(url)
    assert response.status_code == 200 and kind in response.mimetype
    response.close()


@pytest.mark.parametrize("url", ["/static/vendor/leaflet/../../../__init__.py", "/static/vendor/other/x.js",
                                 "/static/vendor/leaflet/bestaat-niet.js"])
def test_no_other_files_under_vendor(client, url):
    assert client.get(url).status_code == 404


# -- escaping and a store that is down ------------------------------------------------------------------

NASTY = '<script>alert("x")</script> Hulp & "zo"'


@pytest.fixture(scope="module")
def nasty_client(stores):
    runtime = Runtime(stores.settings("module", "pages_escape"))
    runtime.store.connection.delete_graph()
    runtime.store.init_schema()
    organization = Organization(id="org-nasty", name="<b>Vet</b> & Co", kind="burgerinitiatief", formal=False)
    service = Service(id="svc-nasty", organization_id="org-nasty", name=NASTY, rung="informeel",
                      life_domains=["geldzaken"], description="<img src=x onerror=alert(1)> uitleg",
                      cost_note="</script><script>alert(2)</script>",
                      location=Location(id="loc-nasty", lat=51.5, lon=3.89, address="<i>Straat</i> 1"))
    runtime.catalog.save(organizations=[organization], services=[service])
    yield create_app({"SETTINGS": runtime.settings, "RUNTIME": runtime, "TESTING": True}).test_client()
    runtime.store.connection.delete_graph()
    runtime.close()


@pytest.mark.parametrize("url", ["/hulp/svc-nasty", "/?vraag=geldzorgen"])
def test_names_are_escaped(nasty_client, url):
    html, page = get(nasty_client, url)
    assert "<script>alert" not in html and "<b>Vet</b>" not in html and "<img src=x" not in html
    assert "<i>Straat</i>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Hulp &amp; &#34;zo&#34;" in html
    assert NASTY in page.text and "<b>Vet</b> & Co" in page.text


def test_escaped_in_the_map_data_too(nasty_client):
    html, page = get(nasty_client, "/?vraag=geldzorgen")
    assert map_data(page)["points"][0]["name"] == NASTY
    assert "</script><script>" not in html


def test_store_down_is_a_dutch_page(tmp_path):
    settings = Settings(graph_url="redis://127.0.0.1:1", connect_timeout_seconds=1.0, store_timeout_seconds=2.0)
    client = create_app({"SETTINGS": settings, "TESTING": True}).test_client()
    _, page = get(client, GELDZORGEN, status=503)
    assert "De sociale kaart is even niet bereikbaar" in page.text
    get(client, "/")  # the form itself needs no store


# -- contrast (WCAG 2.1 AA: 4.5:1 for text) ------------------------------------------------------------

def _luminance(colour: str) -> float:
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("text, background", [
    ("inkt", "achtergrond"), ("inkt-zacht", "achtergrond"), ("inkt-zacht", "vlak"), ("blauw", "vlak"),
    ("blauw", "achtergrond"), ("blauw", "blauw-licht"), ("inkt-zacht", "blauw-licht"), ("groen", "groen-licht"),
    ("blauw-donker", "blauw-licht"), ("amber", "amber-licht"), ("paars", "paars-licht"), ("rood", "vlak"),
    ("vlak", "groen"), ("vlak", "blauw-donker"), ("inkt", "focus"),
])
def test_colours_have_enough_contrast(client, text, background):
    css = client.get("/static/css/site.css").get_data(as_text=True)
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    assert _contrast(colours[text], colours[background]) >= 4.5
