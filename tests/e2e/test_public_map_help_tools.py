"""Issue 14 in headless Chromium: the crisis banner takes the focus, the answer outside the region,
'gebruik mijn locatie' with a point set by the test, the radius circle and cluster labels, share and
print, and the correction form from the service page to the thank-you page."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.test_public_map import _expect_clean

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"


def _search(page, postcode: str, words: str) -> None:
    page.goto("/")
    page.get_by_label("Uw postcode").fill(postcode)
    page.get_by_label("Waar zoekt u hulp bij?").fill(words)
    page.get_by_role("button", name="Zoek hulp").click()
    page.wait_for_url(re.compile(r"vraag="))


def test_crisis_banner_comes_first_and_gets_the_focus(page):
    _search(page, "", "ik wil niet meer leven")
    banner = page.locator("section.crisis")
    expect(banner).to_be_focused()  # search.js moves the focus there; expect() polls without eval (CSP)
    assert banner.get_attribute("role") == "alert" and banner.get_attribute("tabindex") == "-1"
    assert page.get_by_role("alert").first.inner_text().startswith("U hoeft dit niet alleen te dragen")
    assert banner.locator('a[href="tel:113"]').count() == 1
    # Above everything else in the content: the banner's top is above the search form.
    assert banner.bounding_box()["y"] < page.locator(".zoekblok").bounding_box()["y"]
    assert banner.locator("h3").first.inner_text() == "Hulp in uw regio, dag en nacht"
    page.screenshot(path=str(SCREENSHOTS / "14-crisis-banner.png"))
    page.screenshot(path="/tmp/socialekaart-crisis-banner.png")
    _expect_clean(page)


def test_outside_the_region_a_plain_answer(page):
    _search(page, "1012AB", "ik heb geldzorgen")
    heading = page.get_by_role("heading", name=re.compile("Deze kaart gaat niet over Amsterdam"))
    expect(heading).to_be_focused()
    assert "valt buiten deze sociale kaart" in page.locator(".buiten-regio").inner_text()
    assert page.locator(".buiten-regio a[href='tel:113']").count() == 1
    assert page.locator("#kaart").count() == 0 and page.get_by_text("Zoek verder weg").count() == 0
    _expect_clean(page)


def test_gebruik_mijn_locatie_searches_from_the_nearest_postcode(page, live_server):
    page.context.grant_permissions(["geolocation"], origin=live_server)
    page.context.set_geolocation({"latitude": 51.50364, "longitude": 3.89181})
    page.goto("/")
    page.get_by_label("Waar zoekt u hulp bij?").fill("ik heb geldzorgen")
    page.get_by_role("button", name="Gebruik mijn locatie").click()
    page.wait_for_url(re.compile(r"postcode=4461JM"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["postcode"] == ["4461JM"] and query["vraag"] == ["ik heb geldzorgen"]
    assert "lat" not in query and "lon" not in query
    assert "postcode 4461 JM (Goes)" in page.locator(".samenvatting").inner_text()
    # The radius circle on the map.
    page.wait_for_selector("#kaart[data-straal='5000']", state="attached")
    assert page.locator("#kaart path.kaart-straal").count() == 1
    _expect_clean(page)


def test_cluster_bubbles_are_read_as_a_number_of_places(page):
    page.goto("/?postcode=4461AB&vraag=ik+heb+geldzorgen&afstand=25")
    page.wait_for_selector("#kaart .leaflet-marker-icon", state="visible")
    for _ in range(3):  # zoomed out, places close together are grouped
        if page.locator("#kaart .kaart-groep").count():
            break
        page.get_by_title("Uitzoomen").click()
        page.wait_for_timeout(400)
    page.wait_for_selector("#kaart .kaart-groep", state="visible")
    groups = page.locator("#kaart .kaart-groep")
    for i in range(groups.count()):
        label = groups.nth(i).get_attribute("aria-label")
        number = groups.nth(i).inner_text().strip()
        assert label == f"{number} plekken" or (number == "1" and label == "1 plek")
    _expect_clean(page)


def test_share_and_print_the_result_list(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto("/?postcode=4461AB&vraag=ik+heb+geldzorgen&pagina=2")
    link = page.locator("#deel-link")
    shared = urlsplit(link.input_value())
    assert f"{shared.scheme}://{shared.netloc}" == live_server
    assert parse_qs(shared.query) == {"postcode": ["4461AB"], "vraag": ["ik heb geldzorgen"]}
    page.get_by_role("button", name="Kopieer de link").click()
    expect(page.locator("[data-kopieer-status]")).to_have_text(re.compile("gekopieerd|geselecteerd"))
    page.goto(link.input_value())
    assert page.locator(".kaartjes > li.kaartje").count() == 20  # the link reproduces the search
    page.wait_for_selector("#kaart .leaflet-marker-icon", state="attached")
    page.screenshot(path="/tmp/socialekaart-result-page.png")

    page.emulate_media(media="print")
    assert page.locator(".kaartjes > li.kaartje").first.is_visible()
    for hidden in (".zoekblok", ".kaart-blok", "[data-print]", ".mijn-locatie"):
        assert not page.locator(hidden).first.is_visible(), hidden
    page.screenshot(path=str(SCREENSHOTS / "14-print.png"), full_page=True)
    page.emulate_media(media="screen")
    assert page.locator(".zoekblok").is_visible()
    _expect_clean(page)


def test_correction_form_round_trip(page, demo_runtime):
    page.goto("/?postcode=4461AB&vraag=ik+heb+geldzorgen")
    page.locator(".kaartjes .kaartje-naam a").first.click()
    page.wait_for_url(re.compile(r"/hulp/"))
    service_id = urlsplit(page.url).path.split("/")[2]
    page.get_by_role("link", name=re.compile("Geef door wat er niet klopt")).click()
    page.wait_for_url(re.compile(r"/klopt-er-iets-niet$"))
    text = "E2E: het telefoonnummer is veranderd in 0113 999999."
    page.get_by_label("Wat klopt er niet?").fill(text)
    page.get_by_role("button", name="Verstuur").click()
    page.wait_for_url(re.compile(r"/bedankt$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw bericht")
    service = demo_runtime.catalog.service(service_id)
    found = [c for c in demo_runtime.corrections().for_organization(service.organization_id) if c.text == text]
    assert len(found) == 1 and found[0].status == "nieuw" and found[0].email is None
    _expect_clean(page)
