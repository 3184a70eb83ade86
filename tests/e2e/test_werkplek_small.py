"""Small werkplek fixes in headless Chromium on the demo region: the refer form fits a 320 px wide
screen, and a beheerder lands on a werkplek page (with "Afmelden"), never on a bare 403."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import E2E_PASSWORD, _page
from tests.e2e.test_referral_flow import expect_clean, sign_in

pytestmark = pytest.mark.e2e

WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def narrow_page(browser, request, live_server):
    yield from _page(browser, request, live_server, viewport={"width": 320, "height": 640}, is_mobile=True,
                     has_touch=True)


def test_the_refer_form_fits_a_320_px_screen(narrow_page, referral_scene):
    page = narrow_page
    sign_in(page, referral_scene.sender)
    page.wait_for_url(re.compile(r"/inbox$"))
    page.goto(f"/verwijzen/{referral_scene.service_id}")
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, page.evaluate(WIDER_THAN_SCREEN)
    page.get_by_role("button", name="Versturen").click()  # with the errors shown next to the fields, too
    page.wait_for_load_state("load")
    assert page.locator(".veld-fout, .fout").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.evaluate(WIDER_THAN_SCREEN)
    expect_clean(page, expected_status=400)


def test_a_beheerder_lands_in_the_werkplek_and_never_on_a_bare_403(page, demo_runtime, referral_scene):
    from playwright.sync_api import expect

    from socialekaart.accounts.service import hash_password
    from web.bootstrap import ReferralRuntime

    accounts = ReferralRuntime(demo_runtime).accounts
    email = f"beheer-{uuid.uuid4().hex[:8]}@werkplek.example.nl"
    made = accounts.create_account(email=email, name="E2E beheerder", role="beheerder",
                                   organization_id=referral_scene.receiver.organization_id)
    accounts.store.set_password_hash(made["id"], hash_password(E2E_PASSWORD))

    page.goto("/aanmelden")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/organisatie$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(referral_scene.receiver.organization_name)
    expect(page.get_by_role("link", name=referral_scene.service_name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    for link in page.locator(".werk-menu a").all():  # every menu link opens a page for this role
        href = link.get_attribute("href")
        assert page.request.get(href).status == 200, href

    forbidden = page.goto("/inbox")
    assert forbidden is not None and forbidden.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    page.get_by_role("link", name="Naar uw startpagina in de werkplek").click()
    page.wait_for_url(re.compile(r"/organisatie$"))
    expect_clean(page, expected_status=403)
