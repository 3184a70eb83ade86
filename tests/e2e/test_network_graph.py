"""/netwerk on the demo history in headless Chromium (issue 16 §4 and §6): a regio coordinator sees the
headline figures per month and the network picture, the figures on the page equal the API's JSON and
the CSV download, and the page passes axe-core at 1366 and 320 px.

The demo region with its year of referrals (``demo load``) goes into a graph of its own, with its own
server: the other browser tests share the demo region without referrals.
"""
from __future__ import annotations

import csv
import io
import re
import threading
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from tests.e2e.conftest import E2E_PASSWORD, assert_accessible
from tests.e2e.test_referral_flow import expect_clean
from tests.referrals.referral_helpers import SECRET_KEY
from web.pages.network import count_text, hours_text, rate_text

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)  # the demo year ends here
PAGE_QUERY = "van=2025-12-01&tot=2026-11-30"
API_QUERY = "from=2025-12&months=12"


@pytest.fixture(scope="module")
def history_runtime(stores):
    from web.bootstrap import Runtime
    from web.cli.demo import load_demo

    runtime = Runtime(stores.settings("module", "netwerk_e2e").with_overrides(secret_key=SECRET_KEY))
    runtime.store.connection.delete_graph()
    assert load_demo(runtime, if_empty=True, now=NOW)
    yield runtime
    runtime.store.connection.delete_graph()
    runtime.close()


@pytest.fixture(scope="module")
def live_server(history_runtime):
    """The app on the demo history (this module's own; overrides the shared one)."""
    from waitress.server import create_server

    from tests.e2e.conftest import STRICT_CSP
    from web import create_app

    app = create_app({"SETTINGS": history_runtime.settings, "RUNTIME": history_runtime})

    @app.after_request
    def strict_csp(response):
        response.headers["Content-Security-Policy"] = STRICT_CSP
        return response

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress-netwerk", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    server.task_dispatcher.shutdown()


@pytest.fixture(scope="module")
def coordinator(history_runtime) -> tuple[str, str]:
    """A regio coordinator for Zeeland with a password and an API token: (e-mail, token)."""
    from web.bootstrap import ReferralRuntime

    accounts = ReferralRuntime(history_runtime).accounts
    email = f"netwerk-{uuid.uuid4().hex[:8]}@werkplek.example.nl"
    accounts.create_account(email=email, name="Coördinator netwerk", role="coordinator", areas=["RG-zeeland"],
                            password=E2E_PASSWORD)
    token = accounts.issue_token(email, days=1).token
    # Once before the browser: a cold Neo4j plans the figure queries on first use, on a busy machine
    # longer than a click may wait.
    ReferralRuntime(history_runtime).network.network(accounts.authenticate(token), since=date(2025, 12, 1),
                                                     until=date(2026, 11, 30))
    return email, token


def _cells(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(r => [...r.querySelectorAll('th, td')].map(c => c.textContent.trim()))")


def test_netwerk_shows_headline_figures_and_the_picture_with_the_numbers_of_the_api_and_the_csv(
        axe_page, coordinator):
    from playwright.sync_api import expect

    page = axe_page
    page.set_default_timeout(60_000)  # a long page (a regio's partners) on a busy machine: screenshots take time
    email, token = coordinator
    page.goto(f"/netwerk?{PAGE_QUERY}")
    page.wait_for_url(re.compile(r"/aanmelden\?volgende="))  # signed in first, then back to the page asked for
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/netwerk\?van="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Netwerk van doorverwijzingen")
    expect(page.get_by_role("heading", name="Kerncijfers per maand")).to_be_visible()

    answer = page.request.get(f"/api/v1/network/graph?{API_QUERY}", headers={"Authorization": f"Bearer {token}"})
    assert answer.ok
    body = answer.json()
    assert body["period"]["from"] == "2025-11-30T23:00:00.000Z"

    # The headline figures per month: the page's table says what the JSON says.
    rows = _cells(page, "#kerncijfers-maand")
    assert len(rows) == len(body["headline"]) >= 13  # twelve months and the whole period
    for cells, row in zip(rows, body["headline"]):
        assert cells[0] == row["label"]
        expected = ([count_text(row["referrals"]), rate_text(row["socialeBasisShare"]),
                     count_text(row["formalToInformal"]), count_text(row["informalToFormal"]),
                     rate_text(row["loopClosureRate"])] if row["shown"] else ["–"] * 5)
        assert cells[1:] == expected, row["key"]
    whole = body["headline"][-1]
    assert whole["key"] == "totaal" and whole["referrals"] > 200  # the demo year: some 300 referrals
    assert sum(1 for row in body["headline"] if row["shown"]) >= 10  # most months have figures of their own

    # The picture: every edge the JSON has, formal and informal organisations told apart by shape.
    picture = page.locator("svg#netwerkbeeld")
    expect(picture).to_be_visible()
    assert body["edges"] and picture.locator("path.stroom-lijn").count() == len(body["edges"])
    formal = sum(1 for n in body["nodes"] if n["formal"])
    assert picture.locator("g.organisatie.formeel circle:not(.ring)").count() == formal > 0
    # Informal organisations as polygons. The demo's informal flows lie around 5: with the cell-key noise
    # (random record keys per load) they are not drawn in every load, so none is allowed here.
    assert picture.locator("g.organisatie.informeel polygon").count() == len(body["nodes"]) - formal
    names = {n["id"]: n["name"] for n in body["nodes"]}
    assert _cells(page, "#netwerk-stromen") == [[names[e["from"]], names[e["to"]], count_text(e["count"])]
                                               for e in body["edges"]]
    if body["bridges"]:
        bridges = page.locator("#netwerk-bruggen li").all_inner_texts()
        assert [b.rsplit(" ", 1)[0] for b in bridges] == [n["name"] for n in body["bridges"]]
        assert picture.locator("g.organisatie.brug circle.ring").count() == len(body["bridges"])

    # Per partner: loop closure and median times as in the JSON.
    partner_rows = {cells[0]: cells for cells in _cells(page, "#kop-partner ~ div table")}
    for partner in body["partners"]:
        cells = partner_rows[partner["label"]]
        assert cells[1] == count_text(partner["referrals"])
        if partner["referrals"] is not None:
            assert cells[4] == rate_text(partner["loopClosureRate"])
            assert cells[5:] == [hours_text(partner[k]) for k in ("medianHoursToReceived", "medianHoursToAccepted",
                                                                  "medianHoursToStarted")]

    # The CSV download: the same numbers again.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Alle cijfers van deze pagina (CSV, voor Excel)").click()
    download = download_info.value
    assert re.fullmatch(r"netwerk-.+-2025-12\.csv", download.suggested_filename)
    data = Path(download.path()).read_bytes()
    assert data.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    values = {(r["onderdeel"], r["sleutel"], r["cijfer"]): r["waarde"] for r in table}
    for row in body["headline"]:
        if row["shown"]:
            assert values[("kerncijfers", row["key"], "referrals")] == count_text(row["referrals"])
    for edge in body["edges"]:
        assert values[("stroom", f"{edge['from']} > {edge['to']}", "count")] == str(edge["count"])

    # Partners with few or no referrals, per gemeente (folded open on request): as in the JSON.
    groups = page.locator("details.weinig-per-gemeente")
    assert groups.count() == len(body["rarelyReferredTo"]) > 0
    first = body["rarelyReferredTo"][0]
    groups.first.locator("summary").click()
    assert groups.first.locator("li").count() == len(first["partners"])

    assert_accessible(page)
    expect_clean(page)
