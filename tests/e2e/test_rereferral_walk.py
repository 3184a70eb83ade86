"""Issue 15, the first "done when" walk, in headless Chromium on the demo region: a professional
searches with filters and refers; the receiver opens it (ontvangen), writes a message and declines;
the sender re-refers through "Opnieuw verwijzen"; a second receiver accepts, starts and closes; the
sender sees the outcome and the messages. Every page it passes is checked with axe-core at 1366 and
320 px. Screenshots in tests/e2e/screenshots/."""
from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import E2E_PASSWORD, PageAccount, assert_accessible
from tests.e2e.test_referral_flow import expect_clean, sign_in, sign_out

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"
QUESTION = "Alleenstaande vader met betalingsachterstanden; wil hulp bij post en een betalingsregeling."
FIRST_NOTE = "Wij hebben nu geen plek; de wachtlijst is drie maanden."
SECOND_NOTE = "Intake gehad; betalingsregeling met de woningcorporatie staat."


@pytest.fixture(scope="session")
def second_receiver(demo_runtime, referral_scene) -> tuple[PageAccount, dict]:
    """A professional at another organisation with a service among the hits for "ik heb geldzorgen" near 4461AB."""
    from socialekaart.accounts.service import hash_password
    from web.bootstrap import ReferralRuntime
    from web.pages.finder import SearchForm, run_search

    form, _ = SearchForm.from_args({"postcode": "4461AB", "vraag": "ik heb geldzorgen"})
    hits = run_search(demo_runtime.catalog, form).page.hits
    taken = {referral_scene.receiver.organization_id, referral_scene.sender.organization_id}
    service = next(hit.service for hit in hits
                   if hit.service.organization_id not in taken and not hit.service.confidential)
    accounts = ReferralRuntime(demo_runtime).accounts
    email = f"tweede-{uuid.uuid4().hex[:8]}@werkplek.example.nl"
    made = accounts.create_account(email=email, name="E2E tweede ontvanger", role="professional",
                                   organization_id=service.organization_id)
    accounts.store.set_password_hash(made["id"], hash_password(E2E_PASSWORD))
    return PageAccount(email, E2E_PASSWORD, service.organization_id, service.org_name), service


def open_from_inbox(page, folder: str, path: str) -> None:
    page.goto(f"/inbox?map={folder}")
    page.locator(".verwijzing", has=page.locator(f'a[href="{path}"]')).locator(f'a[href="{path}"]').first.click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def test_search_refer_message_decline_rerefer_accept_close_and_the_sender_sees_it_all(
        axe_page, referral_scene, second_receiver, demo_runtime):
    from playwright.sync_api import expect

    page, scene = axe_page, referral_scene
    other, other_service = second_receiver
    rung = demo_runtime.catalog.service(scene.service_id).rung

    # 1. The wijkteam professional searches with filters and refers.
    sign_in(page, scene.sender)
    page.wait_for_url(re.compile(r"/inbox$"))
    page.get_by_role("link", name="Zoeken en verwijzen").click()
    page.get_by_label("Postcode van de inwoner").fill("4461AB")
    page.get_by_label("Hulpvraag in gewone woorden").fill("ik heb geldzorgen")
    page.get_by_label("Trede").select_option(rung)
    page.get_by_label("Formeel of informeel").select_option("formeel")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_url(re.compile(rf"trede={rung}"))
    card = page.locator(".pro-hit", has=page.get_by_role("heading", name=scene.service_name, exact=True))
    expect(card).to_be_visible()
    assert_accessible(page)
    card.get_by_role("link", name=f"Doorverwijzen naar {scene.service_name}").click()
    page.wait_for_url(re.compile(rf"/verwijzen/{scene.service_id}"))
    assert_accessible(page)
    page.get_by_label("Hulpvraag").fill(QUESTION)
    page.get_by_label("Telefoonnummer").fill("06 1234 5678")
    page.get_by_label("Uw cliëntreferentie").fill("SWT-E2E-0015")
    page.get_by_label("De inwoner gaf toestemming", exact=True).check()
    page.get_by_label("Doel", exact=True).fill("Hulp bij geldzaken en post")
    page.get_by_label("Hoe gegeven").select_option("mondeling")
    page.get_by_label("De inwoner gaf toestemming voor dit doel en deze partner.").check()
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_url(re.compile(r"/verwijzingen/ref-[0-9a-f]+$"))
    first_path = urlsplit(page.url).path
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Verzonden")
    expect_clean(page)
    sign_out(page)

    # 2. The receiver opens it (ontvangen), writes a message and declines.
    sign_in(page, scene.receiver)
    page.wait_for_url(re.compile(r"/inbox$"))
    open_from_inbox(page, "ontvangen", first_path)
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Ontvangen")
    page.get_by_label(f"Bericht aan {scene.sender.organization_name}").fill(FIRST_NOTE)
    page.get_by_role("button", name="Bericht sturen").click()
    expect(page.locator(".werk-melding-ok")).to_have_text("Uw bericht is verstuurd.")
    expect(page.locator(".geschiedenis .bericht")).to_contain_text(FIRST_NOTE)
    assert_accessible(page)
    page.locator(".verwijzing-detail").get_by_label("Reden om af te wijzen").select_option(label="Geen capaciteit")
    page.get_by_role("button", name="Afwijzen").click()
    expect(page.locator(".werk-melding-ok")).to_have_text("De status is nu: Afgewezen.")
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Afgewezen")
    # Need-to-know: after the decline the receiver no longer reads the hulpvraag or the messages.
    expect(page.locator(".verwijzing-detail")).not_to_contain_text(FIRST_NOTE)
    expect(page.locator(".verwijzing-detail")).not_to_contain_text("betalingsachterstanden")
    expect(page.get_by_role("link", name="Opnieuw verwijzen")).to_have_count(0)
    assert_accessible(page)
    expect_clean(page)
    sign_out(page)

    # 3. The sender sees the decline and the message, and refers again.
    sign_in(page, scene.sender)
    page.wait_for_url(re.compile(r"/inbox$"))
    open_from_inbox(page, "verstuurd", first_path)
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Afgewezen")
    expect(page.locator(".geschiedenis .bericht")).to_contain_text(FIRST_NOTE)
    assert_accessible(page)
    page.get_by_role("link", name="Opnieuw verwijzen").click()
    page.wait_for_url(re.compile(r"/werkplek/zoeken\?opnieuw=ref-"))
    expect(page.locator(".opnieuw-verwijzen")).to_contain_text(scene.receiver.organization_name)
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "opnieuw-verwijzen-1-zoeken.png"), full_page=True)
    page.get_by_label("Postcode van de inwoner").fill("4461AB")
    page.get_by_label("Hulpvraag in gewone woorden").fill("ik heb geldzorgen")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_url(re.compile(r"vraag=ik"))
    expect(page.locator(".opnieuw-verwijzen")).to_be_visible()  # the search stays for this referral
    card = page.locator(f"#hit-{other_service.id}")  # the demo has services with the same name
    card.get_by_role("link", name=f"Doorverwijzen naar {other_service.name}").click()
    page.wait_for_url(re.compile(rf"/verwijzen/{other_service.id}\?.*opnieuw=ref-"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Opnieuw verwijzen naar {other_service.name}")
    expect(page.get_by_label("Hulpvraag")).to_have_value(QUESTION)  # carried over
    expect(page.get_by_label("Uw cliëntreferentie")).to_have_value("SWT-E2E-0015")
    expect(page.locator(".toestemming-opnieuw")).to_contain_text("Vraag de inwoner opnieuw om toestemming")
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "opnieuw-verwijzen-2-formulier.png"), full_page=True)
    page.get_by_label("De inwoner gaf toestemming", exact=True).check()
    page.get_by_label("Doel", exact=True).fill("Hulp bij geldzaken en post")
    page.get_by_label("Hoe gegeven").select_option("mondeling")
    page.get_by_label("De inwoner gaf toestemming voor dit doel en deze partner.").check()
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_url(re.compile(r"/verwijzingen/ref-[0-9a-f]+$"))
    second_path = urlsplit(page.url).path
    assert second_path != first_path
    expect(page.locator(".werk-melding-ok")).to_contain_text(f"Opnieuw verwezen naar {other.organization_name}")
    expect(page.locator(".keten-eerder a")).to_have_attribute("href", first_path)
    assert_accessible(page)
    expect_clean(page)
    sign_out(page)

    # 4. The second receiver opens it, accepts, starts, writes back and closes.
    sign_in(page, other)
    page.wait_for_url(re.compile(r"/inbox$"))
    open_from_inbox(page, "ontvangen", second_path)
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Ontvangen")
    expect(page.locator(".vraagtekst")).to_have_text(QUESTION)
    expect(page.locator(".keten-eerder")).to_have_count(0)  # who else was asked is the sender's to know
    for button, status in (("Accepteren", "Geaccepteerd"), ("Hulp is gestart", "Gestart")):
        page.locator(".verwijzing-detail").get_by_role("button", name=button).click()
        expect(page.locator(".werk-melding-ok")).to_have_text(f"De status is nu: {status}.")
    page.get_by_label(f"Bericht aan {scene.sender.organization_name}").fill(SECOND_NOTE)
    page.get_by_role("button", name="Bericht sturen").click()
    expect(page.locator(".werk-melding-ok")).to_have_text("Uw bericht is verstuurd.")
    page.locator(".verwijzing-detail").get_by_label("Uitkomst").select_option(label="Geholpen")
    page.get_by_role("button", name="Afronden").click()
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Afgerond: Geholpen")
    assert_accessible(page)
    expect_clean(page)
    sign_out(page)

    # 5. The sender sees the outcome, the messages and the chain both ways.
    sign_in(page, scene.sender)
    page.wait_for_url(re.compile(r"/inbox$"))
    open_from_inbox(page, "verstuurd", second_path)
    expect(page.locator(".verwijzing-detail .status")).to_have_text("Afgerond: Geholpen")
    expect(page.locator(".uitkomst")).to_have_text("Geholpen")
    expect(page.locator(".geschiedenis .bericht")).to_have_text(re.compile(re.escape(SECOND_NOTE)))
    expect(page.locator(".geschiedenis")).to_contain_text("Gestart → Afgerond")
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "opnieuw-verwijzen-uitkomst-verwijzer.png"), full_page=True)
    page.locator(".keten-eerder a").click()
    page.wait_for_url(re.compile(re.escape(first_path) + "$"))
    expect(page.locator(".keten-nieuw a")).to_have_attribute("href", second_path)
    expect(page.locator(".geschiedenis .bericht")).to_contain_text(FIRST_NOTE)
    expect(page.get_by_role("link", name="Opnieuw verwijzen")).to_have_count(0)  # once
    expect_clean(page)
