"""The beheerder's listing pages without a browser: edit a listing with the form (same validation as
the API, errors next to the fields), 'gecontroleerd', the stale flag, and the conflict page when
someone else saved in between. On both stores (the fixtures of test_referral_pages)."""
from __future__ import annotations

import re

from tests.pages import test_referral_pages as referral_pages
from tests.pages.test_referral_pages import html, post, sign_in_as, text

# The fixtures of the referral pages: the seeded region on a fresh graph, an account per role, the clock.
app, client, clock, people, rr, runtime = (referral_pages.app, referral_pages.client, referral_pages.clock,
                                           referral_pages.people, referral_pages.rr, referral_pages.runtime)

EDIT = "/organisatie/voorzieningen/svc-schuld"


def form_of(response) -> dict[str, str]:
    """The edit form's fields as the browser would send them back."""
    page = html(response)
    values = dict(re.findall(r'<input id="veld-(\w+)" name="\w+" type="\w+" value="([^"]*)"', page))
    values.update(re.findall(r'<textarea id="veld-(\w+)"[^>]*>([^<]*)</textarea>', page))
    values["versie"] = re.search(r'name="versie" value="(\d*)"', page).group(1)
    return values


def test_a_beheerder_edits_a_listing_and_it_counts_as_checked(client, people, runtime):
    sign_in_as(client, people["beheerder"])
    own = client.get("/organisatie")
    assert "Verouderd: Nog nooit gecontroleerd" in text(own) and f'href="{EDIT}"' in html(own)
    page = client.get(EDIT)
    assert page.status_code == 200 and "Schuldhulp spreekuur bijwerken" in text(page)
    form = form_of(page)
    assert form["name"] == "Schuldhulp spreekuur" and form["versie"].isdigit()
    form.update(phone="0113 123456", openingHours="di 09:00-12:00", waitWeeks="2",
                description="Elke dinsdag inloop.\nOok zonder afspraak.")
    saved = post(client, EDIT, form)
    assert saved.status_code == 303 and saved.headers["Location"] == "/organisatie"
    stored = runtime.catalog.service("svc-schuld")
    assert (stored["phone"], stored["wait_weeks"], stored["last_verified"]) == ("0113 123456", 2, "2026-01-12")
    assert stored["description"] == "Elke dinsdag inloop.\nOok zonder afspraak." and "09:00" in stored["hours_text"]
    after = text(client.get("/organisatie"))
    assert "Opgeslagen en gecontroleerd op 12 januari 2026" in after
    assert "Laatst gecontroleerd op 12 januari 2026" in after and "Verouderd" not in after.split("Schuldhulp")[1]


def test_bad_input_is_shown_next_to_the_field_and_writes_nothing(client, people, runtime):
    sign_in_as(client, people["beheerder"])
    before = runtime.catalog.service("svc-schuld")
    form = form_of(client.get(EDIT))
    for field, value, message in (("phone", "bel maar", "telefoonnummer"), ("waitWeeks", "twee", "heel aantal weken"),
                                  ("name", "", "Vul dit in"), ("website", "welzijn", "")):
        response = post(client, EDIT, {**form, field: value})
        assert response.status_code == 400, field
        page = html(response)
        error = re.search(rf'<p class="fout" id="fout-{field}">([^<]+)</p>', page)
        assert error and message.lower() in error.group(1).lower(), (field, page[:0])
        assert f'id="veld-{field}"' in page and 'aria-invalid="true"' in page
    assert runtime.catalog.service("svc-schuld") == before


def test_gecontroleerd_sets_the_date_and_the_flag_returns_after_the_stale_period(client, people, runtime, clock):
    sign_in_as(client, people["beheerder"])
    version = runtime.catalog.service("svc-schuld")["version"]
    response = post(client, f"{EDIT}/gecontroleerd", {"versie": str(version)})
    assert response.status_code == 303
    assert runtime.catalog.service("svc-schuld")["last_verified"] == "2026-01-12"
    own = text(client.get("/organisatie"))
    assert "Schuldhulp spreekuur: gecontroleerd op 12 januari 2026" in own
    assert "Verouderd" not in own.split("Schuldhulp spreekuur", 2)[2].split("Bijwerken")[0]
    clock.advance(days=366)
    later = text(client.get("/organisatie"))
    assert "Verouderd: Laatst gecontroleerd op 12 januari 2026" in later


def test_a_concurrent_edit_gets_the_conflict_page_with_both_values_and_can_still_save(client, people, runtime):
    sign_in_as(client, people["beheerder"])
    mine = form_of(client.get(EDIT))
    # Someone else saves first (the API, another beheerder's browser).
    runtime.listings().update(people["beheerder"], "svc-schuld", {"phone": "0113 999999", "waitWeeks": 6})
    between = runtime.catalog.service("svc-schuld")
    conflict = post(client, EDIT, {**mine, "phone": "0113 111111"})
    assert conflict.status_code == 409
    words = text(conflict)
    assert "Iemand anders heeft deze voorziening intussen gewijzigd" in words and "nog niets van u opgeslagen" in words
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td></tr>", html(conflict))
    assert ("Telefoon", "0113 999999", "0113 111111") in rows and ("Wachttijd in weken", "6", "(leeg)") in rows
    assert runtime.catalog.service("svc-schuld") == between  # nothing of the late edit
    again = form_of(conflict)  # the form keeps my values, now on the new version
    assert again["phone"] == "0113 111111" and int(again["versie"]) == between["version"]
    assert post(client, EDIT, again).status_code == 303  # the beheerder chose its own values
    assert runtime.catalog.service("svc-schuld")["phone"] == "0113 111111"
    stale_check = post(client, f"{EDIT}/gecontroleerd", {"versie": mine["versie"]})
    assert stale_check.status_code == 303 and stale_check.headers["Location"] == EDIT


def test_only_the_beheerder_of_the_organisation_and_only_with_the_csrf_token(client, people):
    sign_in_as(client, people["beheerder"])
    assert client.get("/organisatie/voorzieningen/svc-begeleiding").status_code == 403  # another organisation
    assert client.post(EDIT, data={"name": "x"}).status_code == 400  # no CSRF token
    sign_in_as(client, people["swt"])
    assert client.get(EDIT).status_code == 403


def test_the_coordinator_sees_stale_listings_per_gemeente(client, people):
    sign_in_as(client, people["coordinator"])  # coordinator for Goes
    page = client.get("/werkplek/verouderd")
    words = text(page)
    assert page.status_code == 200 and "Goes (6)" in words and "Middelburg" not in words
    assert "Schuldhulp spreekuur , Welzijn Goes: nooit gecontroleerd" in words  # (a tag became a space)
    assert 'href="/werkplek/verouderd" aria-current="page"' in html(page)
    sign_in_as(client, people["beheerder"])
    post(client, f"{EDIT}/gecontroleerd", {})
    sign_in_as(client, people["regio"])
    words = text(client.get("/werkplek/verouderd"))
    assert "Goes (5)" in words and "Middelburg (1)" in words and "Schuldhulp spreekuur" not in words
    assert client.get("/werkplek/verouderd").status_code == 200
    sign_in_as(client, people["beheerder"])
    assert client.get("/werkplek/verouderd").status_code == 403
