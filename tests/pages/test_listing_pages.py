"""The beheerder's listing pages without a browser: edit a listing with the form (same validation as
the API, errors next to the fields), 'gecontroleerd', the stale flag, and the conflict page when
someone else saved in between. On both stores (the fixtures of test_referral_pages)."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

from tests.pages import test_referral_pages as referral_pages
from tests.pages.test_referral_pages import html, post, sign_in_as, text

# The fixtures of the referral pages: the seeded region on a fresh graph, an account per role, the clock.
app, client, clock, people, rr, runtime = (referral_pages.app, referral_pages.client, referral_pages.clock,
                                           referral_pages.people, referral_pages.rr, referral_pages.runtime)

EDIT = "/organisatie/voorzieningen/svc-schuld"


def form_of(response) -> dict[str, Any]:
    """The edit form's fields as the browser would send them back (ticked boxes as lists)."""
    page = html(response)
    values: dict[str, Any] = dict(re.findall(
        r'<input id="veld-(\w+)" name="\w+" type="(?:text|email|url|tel)" value="([^"]*)"', page))
    values.update(re.findall(r'<textarea id="veld-(\w+)"[^>]*>([^<]*)</textarea>', page))
    for name, options in re.findall(r'<select id="veld-(\w+)" name="\w+"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        values[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'<input type="checkbox" id="[^"]+" name="(\w+)" value="([^"]+)" checked', page):
        values.setdefault(name, []).append(value)
    values["versie"] = re.search(r'name="versie" value="(\d*)"', page).group(1)
    return {name: unescape(value) if isinstance(value, str) else value for name, value in values.items()}


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
    assert (stored.phone, stored.wait_weeks, stored.last_verified) == ("0113 123456", 2, "2026-01-12")
    assert stored.description == "Elke dinsdag inloop.\nOok zonder afspraak." and "09:00" in stored.hours_text
    after = text(client.get("/organisatie"))
    assert "Opgeslagen en gecontroleerd op 12 januari 2026" in after
    assert "Laatst gecontroleerd op 12 januari 2026" in after and "Verouderd" not in after.split("Schuldhulp")[1]


def test_bad_input_is_shown_next_to_the_field_and_writes_nothing(client, people, runtime):
    sign_in_as(client, people["beheerder"])
    before = runtime.catalog.service("svc-schuld")
    form = form_of(client.get(EDIT))
    for field, value, message in (("phone", "bel maar", "telefoonnummer"), ("waitWeeks", "twee", "heel getal"),
                                  ("name", "", "Vul dit in"), ("website", "welzijn", ""),
                                  ("ageMin", "40", "hoger dan"), ("postcode", "0000 AA", "postcode"),
                                  ("lat", "noord", "getal"), ("serves", "WK999999", "kennen we niet")):
        changed = {**form, field: value, **({"ageMax": "20"} if field == "ageMin" else {})}
        if field == "serves":
            changed.update(street="", postcode="", city="", lat="", lon="")
        response = post(client, EDIT, changed)
        assert response.status_code == 400, field
        page = html(response)
        error = re.search(rf'<p class="fout" id="fout-{field}">([^<]+)</p>', page)
        assert error and message.lower() in error.group(1).lower(), (field, page[:0])
        assert f'id="veld-{field}"' in page and 'aria-invalid="true"' in page
    assert runtime.catalog.service("svc-schuld") == before


def test_gecontroleerd_sets_the_date_and_the_flag_returns_after_the_stale_period(client, people, runtime, clock):
    sign_in_as(client, people["beheerder"])
    version = runtime.catalog.service("svc-schuld").version
    response = post(client, f"{EDIT}/gecontroleerd", {"versie": str(version)})
    assert response.status_code == 303
    assert runtime.catalog.service("svc-schuld").last_verified == "2026-01-12"
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
    assert again["phone"] == "0113 111111" and int(again["versie"]) == between.version
    assert post(client, EDIT, again).status_code == 303  # the beheerder chose its own values
    assert runtime.catalog.service("svc-schuld").phone == "0113 111111"
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


def test_a_beheerder_adds_a_listing_with_every_field_of_the_csv_template(client, people, runtime):
    sign_in_as(client, people["beheerder"])
    assert 'href="/organisatie/voorzieningen/nieuw"' in html(client.get("/organisatie"))
    page = client.get("/organisatie/voorzieningen/nieuw")
    assert page.status_code == 200 and "Nieuwe voorziening" in text(page)
    for label in ("Trede op de steunladder", "Leefgebieden", "Doelgroepen", "Leeftijd vanaf", "Leeftijd tot en met",
                  "Straat en huisnummer", "Postcode", "Plaats", "Breedtegraad", "Lengtegraad", "Werkgebied",
                  "Geheim adres", "Telefoon", "E-mailadres", "Website", "Openingstijden", "Kosten",
                  "Uitleg over de kosten", "Wachttijd in weken", "Plaats en capaciteit", "24 uur per dag crisishulp",
                  "Onafhankelijke cliëntondersteuning"):
        assert label in text(page), label
    form = {**form_of(page), "name": "Taalcafé", "description": "Oefenen met Nederlands praten.", "rung": "informeel",
            "lifeDomains": ["sociaal-netwerk", "werk-opleiding"], "targetGroups": ["nieuwkomers"], "ageMin": "16",
            "ageMax": "", "street": "Markt 1", "postcode": "4461 AB", "city": "Goes", "serves": "wk066402",
            "phone": "0113 999999", "openingHours": "wo 14:00-16:00", "cost": "eigen-bijdrage",
            "costNote": "€ 1 voor koffie", "waitWeeks": "0", "capacityNote": "Twaalf plaatsen",
            "independentClientSupport": "ja"}
    missing = post(client, "/organisatie/voorzieningen/nieuw", {**form, "lifeDomains": [], "rung": ""})
    assert missing.status_code == 400 and 'id="fout-lifeDomains"' in html(missing) and 'id="fout-rung"' in html(missing)
    assert "Taalcafé" not in [s.name for s in runtime.catalog.organization("org-welzijn")[1]]
    made = post(client, "/organisatie/voorzieningen/nieuw", form)
    assert made.status_code == 303, text(made)[:2000]
    new = next(s for s in runtime.catalog.organization("org-welzijn")[1] if s.name == "Taalcafé")
    stored = runtime.catalog.service(new.id)
    assert stored.rung == "informeel" and sorted(stored.life_domains) == ["sociaal-netwerk", "werk-opleiding"]
    assert stored.target_groups == ("nieuwkomers",) and (stored.age_min, stored.age_max) == (16, None)
    assert stored.serves == ("WK066402",) and stored.buurt_code == "BU06640101" and stored.postcode == "4461 AB"
    assert (stored.cost, stored.cost_note, stored.wait_weeks) == ("eigen-bijdrage", "€ 1 voor koffie", 0)
    assert stored.independent_support and not stored.crisis_24h and stored.last_verified == "2026-01-12"
    again = form_of(client.get(f"/organisatie/voorzieningen/{new.id}"))  # the edit form shows it all back
    assert sorted(again["lifeDomains"]) == ["sociaal-netwerk", "werk-opleiding"] and again["independentClientSupport"] == ["ja"]
    assert (again["rung"], again["cost"], again["serves"], again["street"]) == \
        ("informeel", "eigen-bijdrage", "WK066402", "Markt 1")


def test_a_beheerder_removes_a_listing_after_confirming(client, people, runtime):
    sign_in_as(client, people["beheerder"])
    assert 'href="/organisatie/voorzieningen/svc-schuld/verwijderen"' in html(client.get(EDIT))
    confirm = client.get(f"{EDIT}/verwijderen")
    assert confirm.status_code == 200 and "Doorverwijzingen die er al naartoe gingen, blijven zichtbaar" in text(confirm)
    version = re.search(r'name="versie" value="(\d+)"', html(confirm)).group(1)
    runtime.listings().update(people["beheerder"], "svc-schuld", {"waitWeeks": 6})  # someone else, in between
    late = post(client, f"{EDIT}/verwijderen", {"versie": version})
    assert late.status_code == 303 and late.headers["Location"] == EDIT
    assert runtime.catalog.service("svc-schuld").wait_weeks == 6  # nothing removed
    assert client.get("/organisatie/voorzieningen/svc-begeleiding/verwijderen").status_code == 403
    current = runtime.catalog.service("svc-schuld").version
    done = post(client, f"{EDIT}/verwijderen", {"versie": str(current)})
    assert done.status_code == 303 and done.headers["Location"] == "/organisatie"
    own = text(client.get("/organisatie"))
    assert "Schuldhulp spreekuur is van de kaart gehaald" in own and "Bijwerken Schuldhulp" not in own
    assert client.get("/hulp/svc-schuld").status_code == 404


# -- corrections from inwoners reach the beheerder --------------------------------------------------

def _audit_actions(rr, people) -> list[str]:
    return [entry.action for entry in rr.referrals.organization_audit(people["beheerder"])]


def test_an_inwoners_correction_reaches_the_beheerder_who_applies_it_through_the_edit_form(client, people, runtime,
                                                                                              rr):
    corrections = runtime.corrections(clock=rr.clock)
    sent = corrections.submit("svc-schuld", "Het telefoonnummer is nu 0113 555555.", "inwoner@voorbeeld.nl")
    elsewhere = corrections.submit("svc-begeleiding", "Dit adres klopt niet meer.")
    sign_in_as(client, people["beheerder"])
    own = client.get("/organisatie")
    words = text(own)
    assert "Correcties van inwoners (1)" in words and "Het telefoonnummer is nu 0113 555555." in words
    assert "inwoner@voorbeeld.nl" in words and "Dit adres klopt niet meer" not in words  # not its organisation
    link = f"{EDIT}?correctie={sent.id}"
    assert f'href="{link}"' in html(own)
    page = client.get(link)
    assert page.status_code == 200 and "Correctie van een inwoner" in text(page)
    assert "Het telefoonnummer is nu 0113 555555." in text(page) and f'name="correctie" value="{sent.id}"' in html(page)
    form = form_of(page)
    bad = post(client, EDIT, {**form, "phone": "bel maar", "correctie": sent.id})  # the same validation
    assert bad.status_code == 400 and "Correctie van een inwoner" in text(bad)
    assert corrections.open_for(people["beheerder"])[0].status == "nieuw"
    saved = post(client, EDIT, {**form, "phone": "0113 555555", "correctie": sent.id})
    assert saved.status_code == 303
    assert runtime.catalog.service("svc-schuld").phone == "0113 555555"
    after = text(client.get("/organisatie"))
    assert "De correctie is verwerkt." in after and "Er wachten geen correcties van inwoners." in after
    assert corrections.store.correction(sent.id).status == "verwerkt"
    assert f"correctie-verwerkt:{sent.id}" in _audit_actions(rr, people)
    assert client.get(link).status_code == 409  # settled: it cannot be applied twice
    assert client.get(f"/organisatie/voorzieningen/svc-begeleiding?correctie={elsewhere.id}").status_code == 403
    assert corrections.store.correction(elsewhere.id).status == "nieuw"


def test_the_beheerder_rejects_a_correction_with_a_reason(client, people, runtime, rr):
    corrections = runtime.corrections(clock=rr.clock)
    sent = corrections.submit("svc-schuld", "Jullie zijn op zondag open.")
    elsewhere = corrections.submit("svc-begeleiding", "Dit adres klopt niet meer.")
    sign_in_as(client, people["beheerder"])
    without = post(client, f"/organisatie/correcties/{sent.id}/afwijzen", {"reden": "  "})
    assert without.status_code == 303
    assert "Niet afgewezen: Schrijf kort op waarom" in text(client.get("/organisatie"))
    assert corrections.store.correction(sent.id).status == "nieuw"
    assert post(client, f"/organisatie/correcties/{elsewhere.id}/afwijzen", {"reden": "Nee"}).status_code == 403
    done = post(client, f"/organisatie/correcties/{sent.id}/afwijzen", {"reden": "Op zondag zijn we dicht."})
    assert done.status_code == 303
    assert "De correctie is afgewezen." in text(client.get("/organisatie"))
    stored = corrections.store.correction(sent.id)
    assert (stored.status, stored.reason) == ("afgewezen", "Op zondag zijn we dicht.") and stored.settled_at
    assert f"correctie-afgewezen:{sent.id}" in _audit_actions(rr, people)
    again = post(client, f"/organisatie/correcties/{sent.id}/afwijzen", {"reden": "Nog eens."})
    assert again.status_code == 303 and "al afgehandeld" in text(client.get("/organisatie"))
    assert corrections.store.correction(sent.id).reason == "Op zondag zijn we dicht."
    assert corrections.store.correction(elsewhere.id).status == "nieuw"


def test_of_two_beheerders_settling_one_correction_at_once_exactly_one_wins(runtime, rr, people):
    from tests.referrals.test_referral_concurrency import race

    corrections = runtime.corrections(clock=rr.clock)
    sent = corrections.submit("svc-schuld", "Het telefoonnummer klopt niet.")
    beheerder = people["beheerder"]
    outcomes = race([lambda i=i: corrections.reject(beheerder, sent.id, f"Reden {i}") for i in range(6)])
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 1 and kinds.count("conflict") == 5, outcomes
    winner = next(result for kind, result in outcomes if kind == "ok")
    assert corrections.store.correction(sent.id).reason == winner.reason
    assert _audit_actions(rr, people).count(f"correctie-afgewezen:{sent.id}") == 1
