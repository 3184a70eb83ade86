"""The lokale inventarisatie in headless Chromium on the demo region, for issue 16: the map's colours
follow the robust figure (a small wijk with an extreme counted rate is not coloured as extreme), the page,
the API (JSON) and the CSV download give the same numbers, the printable report draws the same classes
on its server-side map, the PDF says the same, and axe-core finds nothing at 1366 and 320 px."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import assert_accessible
from web.reports.classes import per_1000_class

pytestmark = pytest.mark.e2e

SLUIS = "GM1714"  # Gemeente Sluis: wijken of a few hundred inwoners next to large ones
DOMAIN = "sociaal-netwerk"
AREAS = "#kaart path.leaflet-interactive"


@pytest.fixture(scope="module")
def api_headers(demo_runtime, referral_scene) -> dict[str, str]:
    """A personal access token of the scene's regio coordinator, for the API."""
    from web.bootstrap import ReferralRuntime

    issued = ReferralRuntime(demo_runtime).accounts.issue_token(referral_scene.coordinator.email, days=1)
    return {"Authorization": f"Bearer {issued.token}"}


def sign_in(page, account, path: str) -> None:
    page.goto(path)
    page.wait_for_url(re.compile(r"/aanmelden\?volgende="))
    page.get_by_label("E-mailadres").fill(account.email)
    page.get_by_label("Wachtwoord").fill(account.password)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/inventarisatie"))


def nl_decimal(value: float) -> str:
    """As the page's Intl.NumberFormat('nl-NL', 1 to 2 decimals) writes it (no thousands here)."""
    text = f"{value:.2f}".rstrip("0")
    return (text + "0" if text.endswith(".") else text).replace(".", ",")


def test_map_colours_follow_the_robust_figure_and_page_api_and_csv_agree(axe_page, referral_scene, api_headers,
                                                                       live_server):
    page = axe_page
    sign_in(page, referral_scene.coordinator, f"/inventarisatie?gebied={SLUIS}&leefgebied={DOMAIN}")
    body = page.request.get(f"{live_server}/api/v1/coverage?area={SLUIS}&lifeDomain={DOMAIN}",
                            headers=api_headers).json()
    children = body["children"]
    median = body["medians"][DOMAIN]
    assert median and len(children) > 5
    page.wait_for_function("([selector, count]) => document.querySelectorAll(selector).length === count && "
                           "Number(document.getElementById('kaart').dataset.gekleurd) === count",
                           arg=[f"{AREAS}[data-gebied]", len(children)])

    on_map = {path.get_attribute("data-gebied"): path.get_attribute("class")
              for path in page.locator(f"{AREAS}[data-gebied]").all()}
    expected = {c["area"]["code"]: per_1000_class(c["records"][0]["supply"]["socialeBasisPer1000Robust"], median)
                for c in children}
    for code, klass in expected.items():
        assert f"inv-klasse-{klass}" in on_map[code].split(), (code, on_map[code], klass)
    # The point of the robust figure: a small wijk whose counted rate is extreme is not coloured extreme.
    small_extremes = [c for c in children if c["records"][0]["relevantPopulation"] < 400
                      and per_1000_class(c["records"][0]["supply"]["socialeBasisPer1000"], median) == 4]
    assert small_extremes, "the demo region has a small wijk in Sluis with an extreme counted rate"
    for child in small_extremes:
        assert "inv-klasse-4" not in on_map[child["area"]["code"]].split(), child["area"]["displayName"]
    assert len(set(expected.values())) >= 2

    # The page's table, the API and the CSV download: the same numbers.
    rows = page.locator("#gebieden tbody tr")
    assert rows.count() == len(children)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Cijfers (CSV, voor Excel)").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    by_code = {r["gebied"]: r for r in csv.DictReader(io.StringIO(text[1:]), delimiter=";") if r["leefgebied"] == DOMAIN}
    for i, child in enumerate(children):
        record = child["records"][0]
        cells = rows.nth(i).locator("td").all_inner_texts()
        name = rows.nth(i).locator("th").inner_text()
        row = by_code[child["area"]["code"]]
        assert name == child["area"]["displayName"] and row["naam"] == child["area"]["name"]
        robust = record["supply"]["socialeBasisPer1000Robust"]
        assert cells[3] == nl_decimal(robust)
        assert row["sociale basis per 1000 (robuust)"] == f"{robust:g}".replace(".", ",")
        assert cells[0].replace(".", "") == str(record["population"]) == row["inwoners"]
        share = record["reach"]["sociale-basis"]["shareBeyond"]
        assert cells[4] == f"{round(share * 100)}%" and row["aandeel inwoners buiten bereik"] == f"{share:g}".replace(".", ",")
        assert cells[6] == str(record["gaps"]) == row["knelpunten"]
        assert row["mediaan sociale basis per 1000 (robuust), wijken in de regio"] == f"{median:g}".replace(".", ",")
    assert nl_decimal(median) in page.locator("#kaart-uitleg").inner_text()

    assert_accessible(page)  # the dashboard at 1366 and 320 px

    # The report of the same area and leefgebied: its server-drawn map has the same classes.
    page.goto(f"/inventarisatie/download/rapport.html?gebied={SLUIS}&leefgebied={DOMAIN}")
    page.wait_for_selector("svg.kaart")
    drawn = {p.get_attribute("data-gebied"): p.get_attribute("data-klasse") for p in page.locator("svg.kaart path").all()}
    assert drawn == {code: str(klass) for code, klass in expected.items()}
    assert page.locator("svg.grafiek").count() == 2
    assert page.get_by_role("heading", name="Bronnen, methode en datum").is_visible()
    page.screenshot(path=str(Path(__file__).parent / "screenshots" / "inventarisatie-rapport.png"), full_page=True)
    assert_accessible(page)  # the report at 1366 and 320 px

    pdf = page.request.get(f"{live_server}/inventarisatie/download/rapport.pdf?gebied={SLUIS}&leefgebied={DOMAIN}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    words = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Lokale inventarisatie Gemeente Sluis: Sociaal netwerk" in words and "Bronnen, methode en datum" in words
    assert page.guard.foreign_requests == [], "requests to other hosts were attempted"
    assert page.guard.errors == [], "console errors or CSP violations"
