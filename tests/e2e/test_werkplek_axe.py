"""Every werkplek page passes axe-core (tests/e2e/axe, `make axe`) at 1366 and 320 px with no violations:
signing in (also with an error), search and refer, inbox, a referral and passing it on, the beheerder's
organisation with its listing pages and a correction, stale listings, the inventarisatie and its
report, the network page and the error pages. Headless Chromium on the demo region; nothing is
changed that another test reads (the forms sent here are refused, or write a referral of their own)."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import E2E_PASSWORD, assert_accessible
from tests.e2e.test_referral_flow import sign_in, sign_out

pytestmark = pytest.mark.e2e


def _principal(demo_runtime, email: str):
    from socialekaart.accounts.service import principal_of
    from web.bootstrap import ReferralRuntime

    return principal_of(ReferralRuntime(demo_runtime).accounts.store.account_by_email(email))


@pytest.fixture
def received_referral(demo_runtime, referral_scene) -> str:
    """A referral from the wijkteam to the scene's service, received by its organisation."""
    from tests.referrals.referral_helpers import referral_body
    from web.bootstrap import ReferralRuntime

    referrals = ReferralRuntime(demo_runtime).referrals
    sender = _principal(demo_runtime, referral_scene.sender.email)
    receiver = _principal(demo_runtime, referral_scene.receiver.email)
    made = referrals.create(sender, referral_body(referral_scene.service_id, referral_scene.receiver.organization_id),
                            send=True)
    referrals.transition(receiver, made["id"], "ontvangen")
    return made["id"]


@pytest.fixture
def beheerder(demo_runtime, referral_scene):
    from socialekaart.accounts.service import hash_password
    from tests.e2e.conftest import PageAccount
    from web.bootstrap import ReferralRuntime

    accounts = ReferralRuntime(demo_runtime).accounts
    email = f"beheer-axe-{uuid.uuid4().hex[:8]}@werkplek.example.nl"
    made = accounts.create_account(email=email, name="E2E beheerder", role="beheerder",
                                   organization_id=referral_scene.receiver.organization_id)
    accounts.store.set_password_hash(made["id"], hash_password(E2E_PASSWORD))
    return PageAccount(email, E2E_PASSWORD, referral_scene.receiver.organization_id,
                       referral_scene.receiver.organization_name)


def test_signing_in_and_the_error_pages_pass_axe(axe_page, referral_scene, beheerder):
    from playwright.sync_api import expect

    page = axe_page
    page.goto("/aanmelden")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(referral_scene.sender.email)
    page.get_by_label("Wachtwoord").fill("niet-het-goede-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator("[role=alert], .meldingen").first).to_be_visible()
    assert_accessible(page)

    sign_in(page, beheerder)
    page.wait_for_url(re.compile(r"/organisatie$"))
    refused = page.goto("/inbox")  # a beheerder has no inbox: the werkplek's 403 page
    assert refused.status == 403
    assert_accessible(page)
    missing = page.goto("/organisatie/voorzieningen/bestaat-niet")
    assert missing.status == 404
    assert_accessible(page)
    elsewhere = page.goto("/verwijzingen/ref-00000000000000000000")
    assert elsewhere.status in (403, 404)
    assert_accessible(page)


def test_the_professionals_pages_pass_axe(axe_page, referral_scene, received_referral):
    from playwright.sync_api import expect

    page, scene = axe_page, referral_scene
    sign_in(page, scene.sender)
    page.wait_for_url(re.compile(r"/inbox$"))
    assert_accessible(page)
    page.goto("/inbox?map=verstuurd")
    assert_accessible(page)

    page.goto("/werkplek/zoeken")
    assert_accessible(page)
    page.goto("/werkplek/zoeken?vraag=geldzorgen&postcode=4461AB")
    expect(page.locator(".pro-hit").first).to_be_visible()
    assert_accessible(page)
    page.goto("/werkplek/zoeken?wijk=WK999999")  # an error on the page
    assert_accessible(page)

    page.goto(f"/verwijzen/{scene.service_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Verwijzen naar {scene.service_name}")
    assert_accessible(page)
    page.get_by_role("button", name="Versturen").click()  # nothing filled in: errors next to the fields
    expect(page.locator(".meldingen").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"/verwijzingen/{received_referral}")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, scene.receiver)
    page.wait_for_url(re.compile(r"/inbox$"))
    page.goto(f"/verwijzingen/{received_referral}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.goto(f"/verwijzingen/{received_referral}/doorverwijzen")
    assert_accessible(page)


def test_the_coordinators_pages_pass_axe(axe_page, referral_scene):
    from playwright.sync_api import expect

    page = axe_page
    sign_in(page, referral_scene.coordinator)
    page.wait_for_url(re.compile(r"/(inventarisatie|netwerk|inbox|werkplek/\w+)"))
    for path in ("/werkplek/verouderd", "/netwerk", "/inventarisatie", "/inventarisatie/download/rapport.html"):
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert_accessible(page)


def test_the_beheerders_listing_pages_pass_axe(axe_page, demo_runtime, referral_scene, beheerder):
    from playwright.sync_api import expect

    page, scene = axe_page, referral_scene
    correction = demo_runtime.corrections().submit(scene.service_id, "De openingstijden kloppen niet meer.")
    try:
        sign_in(page, beheerder)
        page.wait_for_url(re.compile(r"/organisatie$"))
        expect(page.get_by_text("De openingstijden kloppen niet meer.")).to_be_visible()
        assert_accessible(page)
        page.goto(f"/organisatie/voorzieningen/{scene.service_id}?correctie={correction.id}")
        expect(page.get_by_role("heading", name=re.compile("Correctie van een inwoner"))).to_be_visible()
        assert_accessible(page)
        page.goto(f"/organisatie/voorzieningen/{scene.service_id}")
        page.get_by_label("Wachttijd in weken").fill("twee")
        page.get_by_role("button", name="Opslaan").click()  # refused: nothing written
        expect(page.locator("#fout-waitWeeks")).to_be_visible()
        assert_accessible(page)
        page.goto(f"/organisatie/voorzieningen/{scene.service_id}/verwijderen")
        expect(page.get_by_role("button", name="Ja, van de kaart halen")).to_be_visible()
        assert_accessible(page)
        page.goto("/organisatie/voorzieningen/nieuw")
        assert_accessible(page)
        page.get_by_role("button", name="Toevoegen").click()  # nothing filled in: refused
        expect(page.locator("#fout-name")).to_be_visible()
        assert_accessible(page)
    finally:
        demo_runtime.corrections().reject(_principal(demo_runtime, beheerder.email), correction.id,
                                          "Opgeruimd na de test.")
