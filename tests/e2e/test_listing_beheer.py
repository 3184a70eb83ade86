"""A beheerder keeps a listing current in headless Chromium on the demo region: edits it, marks it
gecontroleerd, and gets the conflict page when someone else saved in between. Every page it passes
is checked with axe-core (tests/e2e/axe, `make axe`) at 1366 and 320 px: no violations."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import E2E_PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e

@pytest.fixture
def restored_listing(demo_runtime, referral_scene):
    """The demo graph is shared by the session (the HSDS round trip compares it with the generated
    region): the edited listing is written back as generated afterwards."""
    yield
    region = demo_runtime.demo_region
    service = next(s for s in region.services if s.id == referral_scene.service_id)
    organization = next(o for o in region.organizations if o.id == service.organization_id)
    demo_runtime.catalog.save(organizations=[organization], services=[service])


def test_a_beheerder_edits_verifies_and_meets_a_concurrent_edit(axe_page, demo_runtime, referral_scene,
                                                               restored_listing):
    from playwright.sync_api import expect

    from socialekaart.accounts.service import hash_password, principal_of
    from web.bootstrap import ReferralRuntime

    page, scene = axe_page, referral_scene
    accounts = ReferralRuntime(demo_runtime).accounts
    email = f"beheer-{uuid.uuid4().hex[:8]}@werkplek.example.nl"
    made = accounts.create_account(email=email, name="E2E beheerder", role="beheerder",
                                   organization_id=scene.receiver.organization_id)
    accounts.store.set_password_hash(made["id"], hash_password(E2E_PASSWORD))

    page.goto("/aanmelden")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/organisatie$"))
    assert_accessible(page)

    # 1. Edit: a wrong value is shown next to its field, a good one is saved.
    page.get_by_role("link", name=f"Bijwerken {scene.service_name}").click()
    page.wait_for_url(re.compile(rf"/organisatie/voorzieningen/{scene.service_id}$"))
    assert_accessible(page)
    page.get_by_label("Wachttijd in weken").fill("twee")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#fout-waitWeeks")).to_contain_text("heel getal")
    assert_accessible(page)
    page.get_by_label("Wachttijd in weken").fill("3")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/organisatie$"))
    expect(page.locator(".werk-melding-ok")).to_contain_text("Opgeslagen en gecontroleerd op")
    assert demo_runtime.catalog.service(scene.service_id).wait_weeks == 3

    # 2. Gecontroleerd.
    page.get_by_role("button", name=f"Klopt nog: gecontroleerd {scene.service_name}").click()
    page.wait_for_url(re.compile(r"/organisatie$"))
    expect(page.locator(".werk-melding-ok")).to_contain_text(f"{scene.service_name}: gecontroleerd op")

    # 3. Someone else saves while the form is open: the conflict page shows both values.
    page.get_by_role("link", name=f"Bijwerken {scene.service_name}").click()
    page.wait_for_url(re.compile(rf"/organisatie/voorzieningen/{scene.service_id}$"))
    demo_runtime.listings().update(principal_of(made), scene.service_id, {"waitWeeks": 8})
    page.get_by_label("Wachttijd in weken").fill("4")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Iemand anders heeft deze voorziening intussen gewijzigd")).to_be_visible()
    row = page.locator("table.wijzigingen tbody tr", has_text="Wachttijd in weken")
    expect(row.locator("td")).to_have_text(["8", "4"])
    assert demo_runtime.catalog.service(scene.service_id).wait_weeks == 8
    assert_accessible(page)
    page.get_by_role("button", name="Mijn gegevens toch opslaan").click()
    page.wait_for_url(re.compile(r"/organisatie$"))
    assert demo_runtime.catalog.service(scene.service_id).wait_weeks == 4
    # The form sent back with an error (400) and the conflict page (409) are the only failed loads.
    assert page.guard.foreign_requests == []
    expected = ("status of 400", "status of 409")
    assert [e for e in page.guard.errors if not any(status in e for status in expected)] == []


def test_the_coordinators_stale_listings_page_passes_axe(axe_page, referral_scene):
    from playwright.sync_api import expect

    from tests.e2e.test_referral_flow import expect_clean, sign_in

    page = axe_page
    sign_in(page, referral_scene.coordinator)
    page.get_by_role("link", name="Verouderde gegevens").click()
    page.wait_for_url(re.compile(r"/werkplek/verouderd$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verouderde gegevens")
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    assert_accessible(page)
    expect_clean(page)


def test_an_inwoners_correction_reaches_the_beheerder_who_accepts_it_and_the_public_page_shows_it(
        axe_page, demo_runtime, referral_scene, restored_listing):
    from playwright.sync_api import expect

    from socialekaart.accounts.service import hash_password
    from web.bootstrap import ReferralRuntime

    page, scene = axe_page, referral_scene
    # 1. An inwoner, without an account, says the phone number changed.
    page.goto(f"/hulp/{scene.service_id}")
    page.get_by_role("link", name=f"Geef door wat er niet klopt bij {scene.service_name}").click()
    page.get_by_label("Wat klopt er niet?").fill("Het telefoonnummer is nu 0113 765432.")
    page.get_by_role("button", name="Verstuur").click()
    page.wait_for_url(re.compile(rf"/hulp/{scene.service_id}/bedankt$"))
    page.context.clear_cookies()

    # 2. The beheerder of the organisation sees it and applies it through the edit form.
    accounts = ReferralRuntime(demo_runtime).accounts
    email = f"beheer-{uuid.uuid4().hex[:8]}@werkplek.example.nl"
    made = accounts.create_account(email=email, name="E2E beheerder", role="beheerder",
                                   organization_id=scene.receiver.organization_id)
    accounts.store.set_password_hash(made["id"], hash_password(E2E_PASSWORD))
    page.goto("/aanmelden")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/organisatie$"))
    correction = page.locator("li.correctie", has_text="Het telefoonnummer is nu 0113 765432.")
    expect(correction).to_be_visible()
    assert_accessible(page)
    correction.get_by_role("link", name=f"Verwerken correctie voor {scene.service_name}").click()
    expect(page.locator(".correctie-melding")).to_contain_text("Het telefoonnummer is nu 0113 765432.")
    page.get_by_label("Telefoon").fill("0113 765432")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/organisatie$"))
    expect(page.locator(".werk-meldingen")).to_contain_text("De correctie is verwerkt.")
    expect(page.locator("li.correctie", has_text="Het telefoonnummer is nu 0113 765432.")).to_have_count(0)

    # 3. The public page shows the new number.
    page.context.clear_cookies()
    page.goto(f"/hulp/{scene.service_id}")
    expect(page.get_by_role("link", name="0113 765432")).to_be_visible()
    assert page.guard.foreign_requests == []
