"""The closed loop in headless Chromium, on the demo region (issue 5): a professional of the sociaal
wijkteam signs in, refers an inwoner from a search hit with the consent step; a professional of the
receiving organisation signs in, accepts, starts and closes with an outcome; the sender sees the
outcome. Then a coordinator looks at the network page. Screenshots in tests/e2e/screenshots/."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"


def sign_in(page, account) -> None:
    page.goto("/aanmelden")
    assert page.get_attribute("html", "lang") == "nl"
    page.get_by_label("E-mailadres").fill(account.email)
    page.get_by_label("Wachtwoord").fill(account.password)
    page.get_by_role("button", name="Aanmelden").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(re.compile(r"/aanmelden$"))


def expect_clean(page, *, expected_status: int | None = None) -> None:
    assert page.guard.foreign_requests == [], "requests to other hosts were attempted"
    # Chromium logs a page answered with 4xx as a console error; a form sent back with errors is expected.
    expected = f"the server responded with a status of {expected_status}"
    errors = [e for e in page.guard.errors if expected_status is None or expected not in e]
    assert errors == [], "console errors or CSP violations"


def test_refer_from_a_search_hit_accept_close_and_the_sender_sees_the_outcome(page, referral_scene):
    from playwright.sync_api import expect

    scene = referral_scene
    # 1. The wijkteam professional signs in and refers from a search hit.
    sign_in(page, scene.sender)
    page.wait_for_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Doorverwijzingen")
    page.get_by_role("link", name="Zoeken en verwijzen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoeken en verwijzen")  # in the werkplek
    page.get_by_label("Postcode van de inwoner").fill("4461AB")
    page.get_by_label("Hulpvraag in gewone woorden").fill("ik heb geldzorgen")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    card = page.locator(".pro-hit", has=page.get_by_role("heading", name=scene.service_name, exact=True))
    expect(card).to_contain_text("Toegang")
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "verwijzen-0-zoekresultaat.png"))
    card.get_by_role("link", name=f"Doorverwijzen naar {scene.service_name}").click()
    page.wait_for_url(re.compile(rf"/verwijzen/{scene.service_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Verwijzen naar {scene.service_name}")
    expect(page.get_by_label("Geldzaken")).to_be_checked()  # from the search words
    expect(page.locator(".toestemming-partner")).to_contain_text(scene.receiver.organization_name)

    # Sending without the consent step is refused, next to the field, and nothing is written.
    page.get_by_label("Hulpvraag").fill("Alleenstaande ouder met betalingsachterstanden; wil hulp bij post en "
                                        "een betalingsregeling.")
    page.get_by_label("Telefoonnummer").fill("06 1234 5678")
    page.get_by_label("Uw cliëntreferentie").fill("SWT-E2E-0001")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("#fout-toestemming_bevestigd")).to_be_visible()
    expect(page.get_by_label("De inwoner gaf toestemming voor dit doel en deze partner.")).to_have_attribute(
        "aria-invalid", "true")
    expect(page.get_by_label("Hulpvraag")).to_have_value(re.compile("^Alleenstaande ouder"))  # kept

    page.get_by_label("De inwoner gaf toestemming", exact=True).check()
    page.get_by_label("Doel", exact=True).fill("Hulp bij geldzaken en post")
    page.get_by_label("Hoe gegeven").select_option("mondeling")
    page.get_by_label("De inwoner gaf toestemming voor dit doel en deze partner.").check()
    page.screenshot(path=str(SCREENSHOTS / "verwijzen-1-formulier.png"), full_page=True)
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_url(re.compile(r"/verwijzingen/ref-[0-9a-f]+$"))
    referral_path = urlsplit(page.url).path
    expect(page.locator(".werk-melding-ok")).to_contain_text(f"Verstuurd naar {scene.receiver.organization_name}")
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Verzonden")
    expect_clean(page, expected_status=400)
    page.guard.errors.clear()
    sign_out(page)

    # 2. The receiving organisation: received, accepted, started, closed with an outcome.
    sign_in(page, scene.receiver)
    page.wait_for_url(re.compile(r"/inbox$"))
    item = page.locator(".verwijzing", has=page.locator(f'a[href="{referral_path}"]'))
    expect(item).to_contain_text("Van Sociaal wijkteam Goes")
    expect(item.locator(".status")).to_have_text("Verzonden")
    page.screenshot(path=str(SCREENSHOTS / "verwijzen-2-inbox-ontvanger.png"), full_page=True)
    for button, status in (("Ontvangst bevestigen", "Ontvangen"), ("Accepteren", "Geaccepteerd"),
                           ("Hulp is gestart", "Gestart")):
        item.get_by_role("button", name=button).click()
        expect(page.locator(".werk-melding-ok")).to_have_text(f"De status is nu: {status}.")
        expect(item.locator(".status")).to_have_text(status)
    item.get_by_label("Uitkomst").select_option(label="Geholpen")
    item.get_by_role("button", name="Afronden").click()
    expect(page.locator(".werk-melding-ok")).to_have_text("De status is nu: Afgerond.")
    expect(item.locator(".status")).to_have_text("Afgerond")
    expect(item.locator(".acties")).to_have_count(0)  # nothing left to do
    expect_clean(page)
    sign_out(page)

    # 3. The sender sees the outcome.
    sign_in(page, scene.sender)
    page.get_by_role("link", name="Verstuurd").click()
    sent = page.locator(".verwijzing", has=page.locator(f'a[href="{referral_path}"]'))
    expect(sent.locator(".status")).to_have_text("Afgerond")
    sent.get_by_role("link", name=f"Naar {scene.receiver.organization_name}").click()
    page.wait_for_url(re.compile(re.escape(referral_path) + "$"))
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Afgerond: Geholpen")
    expect(page.locator(".uitkomst")).to_have_text("Geholpen")
    expect(page.locator(".geschiedenis li")).to_have_count(6)
    expect(page.locator(".geschiedenis")).to_contain_text("Gestart → Afgerond")
    expect(page.get_by_text("SWT-E2E-0001")).to_be_visible()  # the sender's own reference
    page.screenshot(path=str(SCREENSHOTS / "verwijzen-3-uitkomst-verwijzer.png"), full_page=True)
    expect_clean(page)


def test_keyboard_only_sign_in(page, referral_scene):
    """Tab to the fields and the button; Enter signs in."""
    page.goto("/aanmelden")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site name
    for _ in range(6):
        if page.evaluate("document.activeElement.id") == "veld-email":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "veld-email"
    page.keyboard.type(referral_scene.coordinator.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "veld-wachtwoord"
    page.keyboard.type(referral_scene.coordinator.password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/netwerk$"))
    expect_clean(page)


def test_coordinator_sees_the_network_with_a_diagram_and_charts(page, referral_scene, demo_runtime):
    """A few flows of five or more in Goes, so the network picture has arrows; small counts show as <5."""
    from playwright.sync_api import expect

    _seed_flows(demo_runtime, referral_scene)
    sign_in(page, referral_scene.coordinator)
    page.wait_for_url(re.compile(r"/netwerk$"))
    page.get_by_label("Gemeente").select_option(label="Goes")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url(re.compile(r"gemeente=GM0664"))
    picture = page.locator("svg#netwerkbeeld")  # drawn on the server (web/pages/network_picture.py)
    expect(picture).to_be_visible()
    assert picture.locator("g.organisatie").count() >= 2
    assert picture.locator("path.stroom-lijn").count() >= 1
    expect(page.locator("table.matrix")).to_contain_text("<5")
    assert page.locator("#grafiek-verstuurd-titel").is_visible()
    assert page.locator("svg.staven").count() == 2
    page.screenshot(path=str(SCREENSHOTS / "verwijzen-4-netwerk.png"), full_page=True)
    expect_clean(page)


def _seed_flows(demo_runtime, scene) -> None:
    """Six referrals from the wijkteam to the receiver's service, accepted (a flow the diagram draws), and
    two from the receiver to another organisation in Goes (a small flow: '<5' in the table)."""
    from socialekaart.accounts.service import principal_of
    from web.bootstrap import ReferralRuntime

    rr = ReferralRuntime(demo_runtime)
    sender = principal_of(rr.accounts.account(scene.sender.email))
    receiver = principal_of(rr.accounts.account(scene.receiver.email))
    other = next(hit.service for hit in demo_runtime.catalog.search(life_domains=["geldzaken"], area="GM0664",
                                                                       page_size=50).hits
                 if hit.service.organization_id not in (scene.receiver.organization_id,
                                                              scene.sender.organization_id)
                 and not hit.service.confidential)

    def send(actor, service_id: str, partner_id: str, number: int) -> str:
        made = rr.referrals.create(actor, {
            "serviceId": service_id, "lifeDomains": ["geldzaken"], "requestText": "Hulp bij post.",
            "clientRef": f"NET-{number}", "contact": {"phone": "06 1234 5678"},
            "consent": {"purpose": "Hulp bij post", "partnerId": partner_id, "method": "mondeling"}})
        rr.referrals.transition(actor, made["id"], "verzonden")
        return made["id"]

    for i in range(6):
        referral_id = send(sender, scene.service_id, scene.receiver.organization_id, i)
        rr.referrals.transition(receiver, referral_id, "ontvangen")
        rr.referrals.transition(receiver, referral_id, "geaccepteerd")
    for i in range(2):
        send(receiver, other.id, other.organization_id, 10 + i)
    rr.close()
