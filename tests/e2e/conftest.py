"""Browser tests: the real app under waitress on 127.0.0.1, driven by Debian's chromium via Playwright.

Never a downloaded browser build (no ``playwright install``). Every request to another host is
blocked and recorded, so a test can assert that the page made none. A screenshot is saved to
tests/e2e/screenshots/ at the end of every test, and marked as a failure when the test failed.
"""
from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
# The Content-Security-Policy the pages must work under: no inline script or style, nothing from elsewhere.
STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.test_failed = report.failed


@pytest.fixture(scope="session")
def live_server(demo_runtime):
    """The app on the demo region, served by waitress in a background thread on a free port."""
    from flask import request
    from waitress.server import create_server

    from web import create_app

    app = create_app({"SETTINGS": demo_runtime.settings, "RUNTIME": demo_runtime})

    @app.after_request
    def strict_csp(response):
        if request.path.startswith("/api/v1/docs"):
            return response  # Swagger UI keeps the app's own policy (it needs inline styles)
        response.headers["Content-Security-Policy"] = STRICT_CSP
        return response

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress-e2e", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    server.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: install Debian's chromium (apt-get install chromium) "
                    "to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):  # only this run's screenshots, so a failure stands out
        old.unlink()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Guard:
    """What the page tried that it must not: other hosts, console errors, CSP violations."""

    def __init__(self) -> None:
        self.foreign_requests: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        if urlsplit(url).hostname != "127.0.0.1":
            self.foreign_requests.append(url)
            route.abort()
        else:
            route.continue_()

    def console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)


def _page(browser, request, live_server, **context_options):
    context = browser.new_context(locale="nl-NL", base_url=live_server, **context_options)
    context.set_default_timeout(10_000)
    guard = Guard()
    context.route("**/*", guard.route)
    page = context.new_page()
    page.on("console", guard.console)
    page.on("pageerror", lambda error: guard.errors.append(str(error)))
    page.guard = guard
    yield page
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)
    if getattr(request.node, "test_failed", False):
        name = f"MISLUKT-{name}"
    try:
        page.screenshot(path=str(SCREENSHOTS / f"{name}-einde.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def page(browser, request, live_server):
    yield from _page(browser, request, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, request, live_server):
    yield from _page(browser, request, live_server, viewport={"width": 360, "height": 740}, is_mobile=True,
                     has_touch=True, device_scale_factor=2)


# -- The referral pages (issue 5): accounts that sign in with a password on the demo region ---------
E2E_PASSWORD = "e2e-wachtwoord-voor-de-werkplek"


@dataclass(frozen=True)
class PageAccount:
    email: str
    password: str
    organization_id: str | None
    organization_name: str | None


@dataclass(frozen=True)
class ReferralScene:
    sender: PageAccount  # a professional at Sociaal wijkteam Goes
    receiver: PageAccount  # a professional at the organisation of `service`
    coordinator: PageAccount  # regio coordinator for Zeeland
    service_id: str  # a welzijn service among the hits for "ik heb geldzorgen" near 4461AB
    service_name: str


@pytest.fixture(scope="session")
def referral_scene(demo_runtime) -> ReferralScene:
    from socialekaart.accounts.service import hash_password
    from web.bootstrap import ReferralRuntime
    from web.pages.finder import SearchForm, run_search

    catalog = demo_runtime.catalog
    form, _ = SearchForm.from_args({"postcode": "4461AB", "vraag": "ik heb geldzorgen"})
    hits = run_search(catalog, form).page.hits
    target = next(hit.service for hit in hits
                  if hit.service.org_kind == "welzijnsorganisatie" and not hit.service.confidential)
    _, wijkteams = catalog.organizations(kind="sociaal-wijkteam", gemeente="GM0664")
    swt = next({"id": org.id, "name": org.name} for org, _ in wijkteams if org.name == "Sociaal wijkteam Goes")
    accounts = ReferralRuntime(demo_runtime).accounts
    password_hash = hash_password(E2E_PASSWORD)  # once: argon2 is slow on purpose
    suffix = uuid.uuid4().hex[:8]

    def make(local: str, role: str, org: dict | None, areas: tuple[str, ...] = ()) -> PageAccount:
        email = f"{local}-{suffix}@werkplek.example.nl"
        made = accounts.create_account(email=email, name=f"E2E {local}", role=role,
                                       organization_id=org["id"] if org else None, areas=areas)
        accounts.store.set_password_hash(made["id"], password_hash)
        return PageAccount(email, E2E_PASSWORD, org["id"] if org else None, org["name"] if org else None)

    receiver_org = {"id": target.organization_id, "name": target.org_name}
    return ReferralScene(make("wijkteam", "professional", swt), make("welzijn", "professional", receiver_org),
                         make("coordinator", "coordinator", None, ("RG-zeeland",)), target.id, target.name)


# axe-core (tests/e2e/axe, `make axe`): every werkplek page is checked with it at 1366 and 320 px.
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1366, 320)
RUN_AXE = """async () => {
  const result = await axe.run(document);
  return {passes: result.passes.length,
          violations: result.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))};
}"""


def assert_accessible(page) -> None:
    """No axe-core violations on the current page, at both widths."""
    page.wait_for_load_state("load")  # stylesheets too: contrast checked before the CSS arrived fails at random
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        result = page.evaluate(RUN_AXE)
        assert result["passes"] > 0, "axe-core did not run"  # it checked something, and found
        assert result["violations"] == [], f"{page.url} at {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def axe_page(page):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make axe` (npm ci in tests/e2e/axe)")
    # An init script comes in through the browser itself, so the pages' strict CSP stays as it is.
    page.context.add_init_script(path=str(AXE))
    return page
