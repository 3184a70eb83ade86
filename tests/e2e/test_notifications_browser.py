"""Notifications in headless Chromium on the demo region: the sender opts in to a status link when
sending, the page shows it once; the inwoner's status page (B1, no names, no hulpvraag) and the
preferences page pass axe-core at 1366 and 320 px; a revoked link stops working."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_referral_flow import expect_clean, sign_in

pytestmark = pytest.mark.e2e


def test_status_link_when_sending_the_public_page_and_preferences(axe_page, referral_scene):
    from playwright.sync_api import expect

    page, scene = axe_page, referral_scene
    sign_in(page, scene.sender)
    page.wait_for_url(re.compile(r"/inbox$"))
    page.goto(f"/verwijzen/{scene.service_id}")
    page.get_by_label("Hulpvraag").fill("Oudere man met een stapel post en een betalingsachterstand.")
    page.get_by_label("Telefoonnummer").fill("06 9876 5432")
    page.get_by_label("Uw cliëntreferentie").fill("SWT-E2E-STATUS")
    page.get_by_label("De inwoner gaf toestemming", exact=True).check()
    page.get_by_label("Doel", exact=True).fill("Hulp bij geldzaken en post")
    page.get_by_label("Hoe gegeven").select_option("mondeling")
    page.get_by_label("De inwoner gaf toestemming voor dit doel en deze partner.").check()
    page.get_by_label("Maak bij versturen een statuslink").check()
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statuslink voor de inwoner")
    page.wait_for_load_state("load")
    link = page.get_by_label("Link").input_value()
    assert re.search(r"/status/[A-Za-z0-9_-]{40,}$", link), link
    assert_accessible(page)

    page.get_by_role("link", name="Meldingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen per e-mail")
    page.get_by_label("Een nieuwe doorverwijzing voor mijn organisatie").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".werk-melding-ok")).to_have_text("Uw meldingen zijn opgeslagen.")
    expect(page.get_by_label("Een nieuwe doorverwijzing voor mijn organisatie")).not_to_be_checked()
    page.wait_for_load_state("load")  # the stylesheet too, before axe looks at contrast
    assert_accessible(page)

    status_path = urlsplit(link).path
    page.goto(status_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoe staat het met uw aanmelding?")
    page.wait_for_load_state("load")
    body = page.locator("main").inner_text()
    assert "Uw aanmelding is verstuurd" in body
    for private in ("SWT-E2E-STATUS", "stapel post", "9876", "E2E wijkteam", scene.service_name):
        assert private not in body, private
    assert_accessible(page)

    page.go_back()
    page.get_by_role("link", name="Doorverwijzingen").click()
    page.get_by_role("link", name="Verstuurd").first.click()
    page.goto(page.locator("a[href^='/verwijzingen/ref-']").first.get_attribute("href") + "/statuslinks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statuslinks voor de inwoner")
    page.wait_for_load_state("load")
    assert_accessible(page)
    page.get_by_role("button", name="Intrekken").first.click()
    expect(page.locator(".werk-melding-ok")).to_contain_text("ingetrokken")
    page.goto(status_path)
    expect(page.locator("main")).to_contain_text("Deze link werkt niet (meer)")
    expect_clean(page, expected_status=404)
