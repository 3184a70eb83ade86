"""The public map in headless Chromium: an inwoner types a postcode and a topic, sees the list and
the markers, opens a detail page. Desktop, phone width (360 px) and keyboard only."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"
MARKERS = "#kaart .leaflet-marker-icon:not(.kaart-u)"  # numbered markers and cluster icons, not "U"


def _expect_clean(page, *, page_status: int = 200) -> None:
    assert page.guard.foreign_requests == [], "requests to other hosts were attempted"
    # Chromium logs a page answered with 4xx as a console error; that one is expected.
    expected = f"the server responded with a status of {page_status}"
    errors = [e for e in page.guard.errors if page_status == 200 or expected not in e]
    assert errors == [], "console errors or CSP violations"


def _expect_results_and_map(page) -> None:
    cards = page.locator(".kaartjes > li.kaartje")
    assert cards.count() >= 5
    assert cards.first.locator(".trede").inner_text() == "Informele hulp"  # lightest help first
    assert cards.first.locator(".contact a").count() >= 1
    page.wait_for_selector(MARKERS, state="visible")
    assert page.locator(MARKERS).count() >= 1
    page.wait_for_selector("#kaart[data-wijken]", state="attached")
    assert int(page.get_attribute("#kaart", "data-wijken")) >= 5  # wijk outlines of Goes drawn
    assert page.locator("#kaart path").count() >= 5


def test_search_shows_list_and_map_then_detail(page):
    page.goto("/")
    assert page.get_attribute("html", "lang") == "nl"
    page.get_by_label("Uw postcode").fill("4461AB")
    page.get_by_label("Waar zoekt u hulp bij?").fill("ik heb geldzorgen")
    page.get_by_role("button", name="Zoek hulp").click()

    page.wait_for_url(re.compile(r"postcode=4461AB"))
    assert "Geldzaken" in page.locator(".samenvatting").inner_text()
    _expect_results_and_map(page)
    assert page.locator(".wijkteam").get_by_text("Sociaal wijkteam Goes").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "1-zoeken-desktop.png"), full_page=True)

    # A marker opens a popup that links to the detail page.
    first_marker = page.locator("#kaart .kaart-punt").first
    if first_marker.count():
        first_marker.click()
        assert page.locator(".leaflet-popup-content a.kaart-popup-naam").is_visible()

    first = page.locator(".kaartjes .kaartje-naam a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/hulp/"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.get_by_role("heading", name="Contact").is_visible()
    assert page.get_by_role("link", name="Terug naar de zoekresultaten").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "2-detail-desktop.png"), full_page=True)
    _expect_clean(page)


def test_detail_page_with_an_address_shows_its_place_on_the_map(page):
    page.goto("/?postcode=4461AB&vraag=ik+heb+geldzorgen")
    located = page.locator(".kaartje", has=page.locator(".adres", has_text=re.compile(r"\d"))).first
    located.locator(".kaartje-naam a").click()
    page.wait_for_url(re.compile(r"/hulp/"))
    page.wait_for_selector("#kaart .kaart-punt", state="visible")
    assert page.locator("#kaart .kaart-punt").count() == 1
    _expect_clean(page)


def test_phone_width(phone_page):
    page = phone_page
    page.goto("/")
    page.get_by_label("Uw postcode").fill("4461 AB")
    page.get_by_label("Waar zoekt u hulp bij?").fill("ik voel me eenzaam")
    page.get_by_role("button", name="Zoek hulp").click()
    page.wait_for_url(re.compile(r"vraag="))
    assert "Sociaal netwerk" in page.locator(".samenvatting").inner_text()
    cards = page.locator(".kaartjes > li.kaartje")
    assert cards.count() >= 3 and cards.first.is_visible()
    page.wait_for_selector(MARKERS, state="attached")
    # Nothing sticks out sideways at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = cards.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.screenshot(path=str(SCREENSHOTS / "3-zoeken-telefoon.png"), full_page=True)
    page.screenshot(path=str(SCREENSHOTS / "3b-zoeken-telefoon-scherm.png"))
    _expect_clean(page)


def test_keyboard_only(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Ga direct naar de inhoud"
    page.keyboard.press("Enter")
    # From the skip link, Tab reaches the postcode field and then the question field.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "veld-postcode"
    page.keyboard.type("4461AB")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "veld-vraag"
    page.keyboard.type("ik heb geldzorgen")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"vraag=ik\+heb\+geldzorgen"))
    # The focus moves to the results, so the next Tab is in the list.
    assert page.evaluate("document.activeElement.id") == "resultaten-titel"
    page.wait_for_selector(MARKERS, state="visible")
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.kaartje-naam') !== null"):
            break
    name = page.evaluate("document.activeElement.textContent.trim()")
    assert name
    page.screenshot(path=str(SCREENSHOTS / "4-toetsenbord-focus.png"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/hulp/"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    _expect_clean(page)


def test_bad_postcode_message(page):
    page.goto("/")
    page.get_by_label("Uw postcode").fill("12")
    page.get_by_role("button", name="Zoek hulp").click()
    alert = page.get_by_role("alert")
    assert "geen geldige postcode" in alert.inner_text()
    # The page script moves focus to the message once it has run: wait for that, do not race it.
    # (expect() polls without eval, which the strict CSP forbids.)
    expect(alert).to_be_focused()
    assert page.get_by_label("Uw postcode").get_attribute("aria-invalid") == "true"
    _expect_clean(page, page_status=400)
