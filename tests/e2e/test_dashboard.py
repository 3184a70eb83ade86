"""The lokale inventarisatie dashboard in headless Chromium, on the demo region: a regio coordinator signs
in with a password on the pages, picks a leefgebied, sees the coloured map and the gap list, downloads
the CSV and drills down from the regio to a gemeente, a wijk and its buurten."""
from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"
AREAS = "#kaart path.leaflet-interactive"


PASSWORD = "inventarisatie-Zeeland-2026"


@pytest.fixture(scope="module")
def coordinator(demo_runtime) -> str:
    """A regio coordinator on the demo region with a password; its e-mail address."""
    from web.bootstrap import ReferralRuntime

    email = f"coordinator-{uuid.uuid4().hex[:8]}@dashboard.example.nl"
    ReferralRuntime(demo_runtime).accounts.create_account(email=email, name="Coördinator Zeeland", role="coordinator",
                                                          areas=["RG-zeeland"], password=PASSWORD)
    return email


def sign_in(page, email: str) -> None:
    page.goto("/inventarisatie")
    page.wait_for_url(re.compile(r"/aanmelden\?volgende="))  # not signed in yet: the sign-in page first
    assert page.get_attribute("html", "lang") == "nl"
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/inventarisatie"))


def wait_for_map(page, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('{AREAS}').length === {count} && "
                           f"Number(document.getElementById('kaart').dataset.gekleurd) === {count}")


def test_coordinator_picks_a_leefgebied_sees_map_and_gaps_and_downloads_csv(page, coordinator):
    from playwright.sync_api import expect

    sign_in(page, coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Regio Zeeland")
    wait_for_map(page, 13)  # the 13 gemeenten, each coloured

    page.get_by_label("Leefgebied", exact=True).select_option(label="Opvoeding")
    page.wait_for_url(re.compile(r"leefgebied=opvoeding"))
    gaps = page.locator("#knelpunten li")
    expect(gaps.first).to_contain_text("opvoeding")
    assert 1 <= gaps.count() <= 10
    assert all("opvoeding" in text for text in gaps.all_inner_texts())
    wait_for_map(page, 13)
    classes = {page.locator(AREAS).nth(i).get_attribute("class") for i in range(13)}
    assert all(re.search(r"inv-klasse-[0-4]", c) for c in classes)
    assert len(classes) >= 2  # the map tells gemeenten apart
    assert page.locator("#legenda li").count() == 6
    assert page.locator("#grafiek-aanbod svg rect").count() == 13
    assert page.locator("#gebieden tbody tr").count() == 13
    page.screenshot(path=str(SCREENSHOTS / "dashboard-1-regio.png"), full_page=True)

    page.get_by_label("Kleur op de kaart").select_option(value="bereik")
    expect(page.locator("#kaart-uitleg")).to_contain_text("zonder informeel of voorliggend aanbod")
    wait_for_map(page, 13)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Cijfers (CSV, voor Excel)").click()
    download = download_info.value
    assert download.suggested_filename == "inventarisatie-RG-zeeland.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == (1 + 13) * 14  # the regio and its gemeenten, every leefgebied
    assert {r["gebied"] for r in rows} >= {"RG-zeeland", "GM0664", "GM0687"}
    assert all(r["sociale basis"].isdigit() for r in rows)
    assert page.guard.foreign_requests == [], "requests to other hosts were attempted"
    assert page.guard.errors == [], "console errors or CSP violations"


def test_drill_down_from_gemeente_to_wijk_to_buurt(page, coordinator):
    from playwright.sync_api import expect

    sign_in(page, coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Regio Zeeland")
    page.locator("#gebieden").get_by_role("button", name="Gemeente Goes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Goes")
    wait_for_map(page, 9)  # the wijken of Goes
    expect(page.locator("#kruimelpad")).to_contain_text("Regio Zeeland")

    page.locator("#gebieden").get_by_role("button", name="Wijk Goes (Goes)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wijk Goes (Goes)")
    page.wait_for_function(f"document.querySelectorAll('{AREAS}').length > 3")
    assert page.locator("#gebieden tbody tr").count() == page.locator(AREAS).count()
    page.screenshot(path=str(SCREENSHOTS / "dashboard-2-wijk.png"), full_page=True)

    page.locator("#kruimelpad").get_by_role("button", name="Gemeente Goes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Goes")
    assert page.guard.foreign_requests == [] and page.guard.errors == []


def test_back_undoes_a_drill_down_and_the_address_reproduces_the_view(page, coordinator):
    from playwright.sync_api import expect

    sign_in(page, coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Regio Zeeland")
    page.get_by_label("Leefgebied", exact=True).select_option(label="Opvoeding")
    page.wait_for_url(re.compile(r"leefgebied=opvoeding"))
    page.get_by_label("Kleur op de kaart").select_option(value="bereik")
    page.wait_for_url(re.compile(r"maat=bereik"))
    page.locator("#gebieden").get_by_role("button", name="Gemeente Goes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Goes")
    page.wait_for_url(re.compile(r"gebied=GM0664"))
    shared = page.url

    page.go_back()  # the drill-down was one step: Back shows the regio again, on the same page
    expect(page.get_by_role("heading", level=1)).to_have_text("Regio Zeeland")
    assert "/inventarisatie" in page.url and "gebied=GM0664" not in page.url
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Goes")

    other = page.context.new_page()  # the shared address opens the same view
    other.goto(shared)
    expect(other.get_by_role("heading", level=1)).to_have_text("Gemeente Goes")
    assert other.locator("#leefgebied").input_value() == "opvoeding"
    assert other.locator("#maat").input_value() == "bereik"
    expect(other.locator("#kaart-uitleg")).to_contain_text("zonder informeel of voorliggend aanbod")
    other.close()
    assert page.guard.foreign_requests == [] and page.guard.errors == []
