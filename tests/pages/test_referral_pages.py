"""The werkplek pages without a browser: sign-in (argon2, rate limit, session cookie, CSRF), the role
checks, the refer form, the inbox and the status forms, one referral, and the network page.

The Flask test client against the real embedded FalkorDB, on the small seeded region of the referral
tests (tests/referrals/referral_helpers.py), a fresh graph per test.
"""
from __future__ import annotations

import re
import time
from html import unescape

import pytest
from click.testing import CliRunner

import socialekaart.referrals.figure_publication as figure_publication
from socialekaart.accounts.service import Principal, SignInLimiter, hash_password, principal_of
from tests.conftest import set_store_env
from tests.referrals.referral_helpers import ACCOUNTS, SECRET_KEY, FakeClock, referral_body, region
from web.bootstrap import ReferralRuntime, Runtime
from web.pages.session import SIGNED_IN_KEY, session_values

PASSWORD = "een-lang-genoeg-wachtwoord"
PASSWORD_HASH = hash_password(PASSWORD)  # argon2 takes a while: hash once, store it for every account


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def runtime(stores):
    rt = Runtime(stores.settings("function").with_overrides(secret_key=SECRET_KEY))
    rt.store.connection.delete_graph()
    rt.store.init_schema()
    areas, orgs, svcs = region()
    rt.catalog.save(areas=areas, organizations=orgs, services=svcs)
    yield rt
    rt.store.connection.delete_graph()
    rt.close()


@pytest.fixture
def rr(runtime, clock):
    found = ReferralRuntime(runtime, clock=clock, webhook_base_delay=0.05)
    yield found
    found.close()


@pytest.fixture
def people(rr) -> dict[str, Principal]:
    """An account for every role in ACCOUNTS (swt, welzijn, other, beheerder, coordinator, admin …), all with PASSWORD."""
    made = {}
    for name, (role, org, areas) in ACCOUNTS.items():
        account = rr.accounts.create_account(email=f"{name}@test.example.nl", name=name.title(), role=role,
                                             organization_id=org, areas=areas)
        rr.accounts.store.set_password_hash(account["id"], PASSWORD_HASH)
        made[name] = principal_of(account)
    return made


@pytest.fixture
def app(runtime, rr, clock):
    from web import create_app

    flask_app = create_app({"SETTINGS": runtime.settings, "RUNTIME": runtime, "TESTING": True,
                            "SOCIALEKAART_CLOCK": clock})
    flask_app.extensions["socialekaart.referrals"] = rr
    return flask_app


@pytest.fixture
def client(app):
    return app.test_client()


# -- helpers -----------------------------------------------------------------------------------
def sign_in_as(client, who: Principal) -> None:
    """Start a session directly (the sign-in itself is tested below; argon2 is slow)."""
    with client.session_transaction() as session:
        session.clear()
        session.update(session_values(who))


def csrf(client) -> str:
    with client.session_transaction() as session:
        if "csrf" not in session:
            session["csrf"] = "t-" + str(time.time_ns())
        return session["csrf"]


def html(response) -> str:
    return response.get_data(as_text=True)


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html(response))).split())


def post(client, url: str, data: dict | None = None, **kwargs):
    return client.post(url, data={"csrf_token": csrf(client), **(data or {})}, **kwargs)


def refer_form(**changes) -> dict:
    form = {"leefgebied": ["geldzaken"], "urgentie": "normaal",
            "hulpvraag": "Alleenstaande moeder met betalingsachterstanden; wil hulp bij post en schulden.",
            "contact_naam": "Sanne", "contact_telefoon": "06 1234 5678", "clientreferentie": "SWT-2026-0042",
            "grondslag": "toestemming", "toestemming_doel": "Hulp bij schulden en post",
            "toestemming_wijze": "mondeling", "toestemming_bevestigd": "ja",
            "actie": "versturen"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def send_referral(client, people, **changes) -> str:
    """The SWT professional refers to Schuldhulp spreekuur (Welzijn Goes) through the form; the new id."""
    sign_in_as(client, people["swt"])
    response = post(client, "/verwijzen/svc-schuld", refer_form(**changes))
    assert response.status_code == 303, text(response)[:800]
    match = re.fullmatch(r"/verwijzingen/(ref-[0-9a-f]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def step(client, referral_id: str, to: str, **fields):
    version = client.application.extensions["socialekaart.referrals"].referral_store.get(referral_id).version
    return post(client, f"/verwijzingen/{referral_id}/status", {"naar": to, "versie": str(version), **fields})


# -- sign-in -----------------------------------------------------------------------------------
def test_sign_in_with_password_lands_on_the_inbox_with_a_safe_session_cookie(client, people):
    page = client.get("/aanmelden")
    assert page.status_code == 200
    assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]{20,}">', html(page))
    assert 'autocomplete="current-password"' in html(page) and '<label for="veld-email">' in html(page)

    response = post(client, "/aanmelden", {"email": "SWT@test.example.nl ", "wachtwoord": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/inbox"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("sessie=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # plain http on this machine (the test client's localhost)
    inbox = client.get("/inbox")
    assert inbox.status_code == 200 and "Doorverwijzingen" in text(inbox) and "Swt (professional)" in text(inbox)


def test_session_cookie_is_secure_except_for_plain_http_on_this_machine(client):
    for base_url, secure in (("https://kaart.example.nl", True), ("http://kaart.example.nl", True),
                             ("https://127.0.0.1", True), ("http://127.0.0.1:5000", False),
                             ("http://localhost", False)):
        fresh = client.application.test_client()  # a new cookie jar each time
        cookie = fresh.get("/aanmelden", base_url=base_url).headers["Set-Cookie"]
        assert ("; Secure" in cookie) is secure, (base_url, cookie)


def test_signing_in_starts_a_fresh_session_and_returns_to_the_page_asked_for(client, people):
    first = client.get("/verwijzingen/ref-123")
    assert first.status_code == 302
    assert first.headers["Location"] == "/aanmelden?volgende=/verwijzingen/ref-123"
    token_before = csrf(client)
    response = post(client, "/aanmelden", {"email": "swt@test.example.nl", "wachtwoord": PASSWORD,
                                           "volgende": "/verwijzingen/ref-123"})
    assert response.headers["Location"] == "/verwijzingen/ref-123"
    assert csrf(client) != token_before
    # Only pages on this site: another host is ignored.
    response = post(client, "/aanmelden", {"email": "swt@test.example.nl", "wachtwoord": PASSWORD,
                                           "volgende": "//evil.example.com/x"})
    assert response.headers["Location"] == "/inbox"


def test_wrong_password_or_unknown_address_gives_one_message_and_no_session(client, people):
    for email in ("swt@test.example.nl", "niemand@test.example.nl"):
        response = post(client, "/aanmelden", {"email": email, "wachtwoord": "verkeerd-wachtwoord"})
        assert response.status_code == 401
        assert "Het e-mailadres of het wachtwoord klopt niet." in text(response)
        assert f'value="{email}"' in html(response)  # the address stays filled in, the password does not
        assert client.get("/inbox").status_code == 302
    empty = post(client, "/aanmelden", {"email": "", "wachtwoord": ""})
    assert empty.status_code == 400
    assert 'id="fout-email"' in html(empty) and 'aria-describedby="fout-email"' in html(empty)


def test_sign_in_attempts_are_rate_limited(client, rr, people):
    rr.accounts.limiter = SignInLimiter(max_failures=3, window_seconds=900)
    for _ in range(3):
        assert post(client, "/aanmelden", {"email": "swt@test.example.nl", "wachtwoord": "fout-fout-fout"}
                    ).status_code == 401
    blocked = post(client, "/aanmelden", {"email": "swt@test.example.nl", "wachtwoord": PASSWORD})
    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen om aan te melden" in text(blocked)
    assert int(blocked.headers["Retry-After"]) > 0
    assert client.get("/inbox").status_code == 302  # not signed in, even with the right password


def test_sign_out_ends_the_session(client, people):
    sign_in_as(client, people["swt"])
    assert client.get("/inbox").status_code == 200
    response = post(client, "/afmelden")
    assert response.status_code == 303 and response.headers["Location"] == "/aanmelden"
    assert "U bent afgemeld." in text(client.get("/aanmelden"))
    assert client.get("/inbox").status_code == 302


def test_a_session_ends_after_eight_hours(client, people):
    sign_in_as(client, people["swt"])
    with client.session_transaction() as session:
        session[SIGNED_IN_KEY] = int(time.time()) - 8 * 3600 - 1
    assert client.get("/inbox").status_code == 302


# -- CSRF --------------------------------------------------------------------------------------
def test_forms_without_the_csrf_token_are_refused(client, people, rr):
    refused = client.post("/aanmelden", data={"email": "swt@test.example.nl", "wachtwoord": PASSWORD})
    assert refused.status_code == 400 and "Het formulier is verlopen" in text(refused)
    assert client.get("/inbox").status_code == 302  # not signed in

    referral_id = send_referral(client, people)
    sign_in_as(client, people["welzijn"])
    for token in (None, "", "geraden-token"):
        data = {"naar": "ontvangen"} | ({"csrf_token": token} if token is not None else {})
        response = client.post(f"/verwijzingen/{referral_id}/status", data=data)
        assert response.status_code == 400
    assert rr.referral_store.get(referral_id).status == "verzonden"
    sign_in_as(client, people["swt"])
    assert client.post("/verwijzen/svc-schuld", data=refer_form()).status_code == 400
    assert rr.referrals.list(people["swt"], box="sent").total == 1  # only the first one


# -- who may see what --------------------------------------------------------------------------
def test_each_page_checks_the_role(client, people):
    assert client.get("/inbox").headers["Location"] == "/aanmelden?volgende=/inbox"
    assert client.get("/netwerk").headers["Location"] == "/aanmelden?volgende=/netwerk"
    assert client.get("/verwijzen/svc-schuld").status_code == 302
    assert post(client, "/verwijzingen/ref-1/status", {"naar": "ontvangen"}).status_code == 401

    sign_in_as(client, people["coordinator"])
    for url in ("/inbox", "/verwijzen/svc-schuld", "/verwijzingen/ref-1"):
        response = client.get(url)
        assert response.status_code == 403 and "Deze pagina is voor een professional" in text(response)
    assert client.get("/netwerk").status_code == 200
    assert client.get("/aanmelden").headers["Location"] == "/netwerk"

    for name in ("beheerder", "admin"):
        sign_in_as(client, people[name])
        assert client.get("/inbox").status_code == 403
    assert client.get("/netwerk").status_code == 200  # admin

    sign_in_as(client, people["swt"])
    response = client.get("/netwerk")
    assert response.status_code == 403 and "coördinator of platformbeheerder" in text(response)
    assert client.get("/inbox").status_code == 200


def test_only_sender_and_receiver_see_a_referral(client, people):
    referral_id = send_referral(client, people)
    sender_view = client.get(f"/verwijzingen/{referral_id}")
    assert sender_view.status_code == 200
    assert "SWT-2026-0042" in text(sender_view) and "06 1234 5678" in text(sender_view)
    assert "Alleenstaande moeder" in text(sender_view)

    sign_in_as(client, people["welzijn"])
    receiver_view = client.get(f"/verwijzingen/{referral_id}")
    assert receiver_view.status_code == 200
    assert "06 1234 5678" in text(receiver_view) and "Alleenstaande moeder" in text(receiver_view)
    assert "SWT-2026-0042" not in text(receiver_view)  # the client reference is the sender's own

    sign_in_as(client, people["other"])
    hidden = client.get(f"/verwijzingen/{referral_id}")
    assert hidden.status_code == 404
    assert "Alleenstaande moeder" not in text(hidden) and "06 1234" not in text(hidden)
    assert post(client, f"/verwijzingen/{referral_id}/status", {"naar": "ontvangen"}).status_code == 404


# -- the refer form ----------------------------------------------------------------------------
def test_search_hits_offer_doorverwijzen_only_to_signed_in_professionals(client, people):
    url = "/?vraag=schuldhulp"
    assert "/verwijzen/" not in html(client.get(url))
    sign_in_as(client, people["coordinator"])
    assert "/verwijzen/" not in html(client.get(url))
    sign_in_as(client, people["swt"])
    page = html(client.get(url))
    # "schuldhulp" is understood as geldzaken now (issue 14), so the link may carry the leefgebied.
    assert re.search(r'href="/verwijzen/svc-schuld(\?leefgebied=geldzaken)?"', page)
    assert "Doorverwijzen<span class=\"verborgen\"> naar Schuldhulp spreekuur</span>" in page
    geldzorgen = html(client.get("/?vraag=ik+heb+geldzorgen"))
    assert 'href="/verwijzen/svc-schuld?leefgebied=geldzaken"' in geldzorgen


def test_refer_form_is_prefilled_and_shows_the_receiving_partner(client, people):
    sign_in_as(client, people["swt"])
    response = client.get("/verwijzen/svc-begeleiding?leefgebied=geldzaken")
    assert response.status_code == 200
    page = html(response)
    assert re.search(r'id="leefgebied-geldzaken" name="leefgebied" value="geldzaken" checked', page)
    assert not re.search(r'id="leefgebied-zelfzorg"[^>]* checked', page)
    # No consent date to type: the service records the day of the referral (docs/referrals.md).
    assert 'name="toestemming_datum"' not in page and "de datum van vandaag wordt vastgelegd" in text(response)
    assert "Zorg Plus" in text(response) and "Opslaan als concept" in page and ">Versturen<" in page
    plain = html(client.get("/verwijzen/svc-begeleiding"))  # no search words: the service's own leefgebieden
    assert re.search(r'id="leefgebied-zelfzorg"[^>]* checked', plain)


def test_refer_form_errors_are_shown_next_to_the_fields_and_nothing_is_written(client, people, rr):
    sign_in_as(client, people["swt"])
    response = post(client, "/verwijzen/svc-schuld", refer_form(
        leefgebied=None, hulpvraag="", contact_naam="", contact_telefoon="", clientreferentie="123456789",
        toestemming_bevestigd=None))
    assert response.status_code == 400
    page = html(response)
    for field in ("leefgebied", "hulpvraag", "contact_telefoon", "clientreferentie", "toestemming_bevestigd"):
        assert f'id="fout-{field}"' in page, field
        assert f'href="#veld-{field}"' in page, field  # the summary links to the field
    assert re.search(r'<textarea id="veld-hulpvraag"[^>]*aria-describedby="hint-hulpvraag fout-hulpvraag"'
                     r'[^>]*aria-invalid="true"', page)
    assert "Dit lijkt een BSN" in text(response)
    assert 'value="123456789"' in page  # what was typed stays
    assert rr.referrals.list(people["swt"], box="sent").total == 0

    legal = post(client, "/verwijzen/svc-schuld", refer_form(grondslag="wettelijk", wettelijke_grondslag=""))
    assert legal.status_code == 400 and 'id="fout-wettelijke_grondslag"' in html(legal)
    assert rr.referrals.list(people["swt"], box="sent").total == 0


def test_the_consent_day_is_the_day_of_the_referral(client, people, rr):
    referral_id = send_referral(client, people)
    stored = rr.referral_store.get(referral_id)
    assert stored.consent_date == "2026-01-12"  # the test clock's day (tests/referrals/referral_helpers.py)
    assert stored.consent_method == "mondeling" and stored.consent_partner_id == "org-welzijn"


def test_a_confidential_service_cannot_be_referred_to_through_the_form(client, people, rr):
    sign_in_as(client, people["swt"])
    response = client.get("/verwijzen/svc-opvang")
    assert response.status_code == 403 and "Veilig Thuis" in text(response)
    assert post(client, "/verwijzen/svc-opvang", refer_form()).status_code == 403
    assert client.get("/verwijzen/svc-bestaat-niet").status_code == 404
    assert rr.referrals.list(people["swt"], box="sent").total == 0


def test_save_as_concept_then_send_from_the_inbox(client, people, rr):
    referral_id = send_referral(client, people, actie="concept")
    detail = client.get(f"/verwijzingen/{referral_id}")
    assert "Opgeslagen als concept" in text(detail) and "Concept" in text(detail)
    sign_in_as(client, people["welzijn"])
    assert referral_id not in html(client.get("/inbox"))  # the receiver does not see a concept

    sign_in_as(client, people["swt"])
    sent_box = client.get("/inbox?map=verstuurd")
    assert referral_id in html(sent_box) and "Versturen" in text(sent_box)
    response = step(client, referral_id, "verzonden", terug="/inbox?map=verstuurd")
    assert response.status_code == 303 and response.headers["Location"] == "/inbox?map=verstuurd"
    assert rr.referral_store.get(referral_id).status == "verzonden"


# -- the lifecycle through the forms -----------------------------------------------------------
def test_receiver_accepts_starts_and_closes_with_an_outcome_the_sender_sees(client, people, rr):
    referral_id = send_referral(client, people, urgentie="urgent")
    sign_in_as(client, people["welzijn"])
    inbox = client.get("/inbox")
    assert inbox.status_code == 200 and "Van Sociaal wijkteam Goes" in text(inbox)
    assert "Urgent (binnen een week)" in text(inbox)
    assert re.search(r'name="naar" value="ontvangen"', html(inbox))
    assert not re.search(r'name="naar" value="geaccepteerd"', html(inbox))  # only what is allowed now

    assert step(client, referral_id, "ontvangen", terug="/inbox").headers["Location"] == "/inbox"
    assert re.search(r'name="naar" value="geaccepteerd"', html(client.get("/inbox")))
    assert step(client, referral_id, "geaccepteerd").status_code == 303
    assert step(client, referral_id, "gestart").status_code == 303

    no_outcome = step(client, referral_id, "afgerond")
    assert no_outcome.status_code == 400 and "Geef de uitkomst" in text(no_outcome)
    stale = post(client, f"/verwijzingen/{referral_id}/status", {"naar": "afgerond", "uitkomst": "geholpen",
                                                                "versie": "1"})
    assert stale.status_code == 409 and "intussen door iemand anders gewijzigd" in text(stale)
    done = step(client, referral_id, "afgerond", uitkomst="geholpen")
    assert done.status_code == 303
    assert "De status is nu: Afgerond." in text(client.get(done.headers["Location"]))

    sign_in_as(client, people["swt"])
    sent = client.get("/inbox?map=verstuurd")
    assert "Afgerond" in text(sent)
    detail = client.get(f"/verwijzingen/{referral_id}")
    assert "Afgerond: Geholpen" in text(detail) and "Uitkomst Geholpen" in text(detail)
    history = re.findall(r'<li>\s*<span class="wanneer">', html(detail))
    assert len(history) == 6  # concept, verzonden, ontvangen, geaccepteerd, gestart, afgerond
    assert "Niets meer: deze doorverwijzing is afgesloten." in text(detail)


def test_decline_needs_a_reason_and_the_wrong_side_cannot_act(client, people, rr):
    referral_id = send_referral(client, people)
    again = step(client, referral_id, "ontvangen")  # the sender cannot mark it received
    assert again.status_code == 403 and "ontvangende organisatie" in text(again)

    sign_in_as(client, people["welzijn"])
    step(client, referral_id, "ontvangen")
    assert step(client, referral_id, "afgewezen").status_code == 400
    assert step(client, referral_id, "afgewezen", reden="geen-capaciteit").status_code == 303
    assert rr.referral_store.get(referral_id).decline_reason == "geen-capaciteit"
    sign_in_as(client, people["swt"])
    assert "Geen capaciteit" in text(client.get(f"/verwijzingen/{referral_id}"))


def test_sender_cancels_with_an_optional_reason(client, people, rr):
    referral_id = send_referral(client, people)
    assert step(client, referral_id, "geannuleerd", reden="niet-meer-nodig").status_code == 303
    assert rr.referral_store.get(referral_id).status == "geannuleerd"


def test_receiver_passes_a_referral_on_with_new_consent(client, people, rr):
    referral_id = send_referral(client, people)
    sign_in_as(client, people["welzijn"])
    step(client, referral_id, "ontvangen")
    choose = client.get(f"/verwijzingen/{referral_id}/doorverwijzen?zoek=maatjes")
    assert choose.status_code == 200
    assert f'href="/verwijzen/svc-maatje?van={referral_id}"' in html(choose)
    form = client.get(f"/verwijzen/svc-maatje?van={referral_id}")
    assert form.status_code == 200 and "Alleenstaande moeder" in html(form)  # the hulpvraag comes along
    response = post(client, "/verwijzen/svc-maatje", refer_form(van=referral_id, leefgebied=["sociaal-netwerk"],
                                                                clientreferentie="WLZ-7"))
    assert response.status_code == 303, text(response)[:600]
    original = rr.referral_store.get(referral_id)
    assert original.status == "doorverwezen"
    assert response.headers["Location"] == f"/verwijzingen/{original.forwarded_to}"
    new = rr.referral_store.get(original.forwarded_to)
    assert (new.status, new.to_org_id, new.consent_partner_id) == ("verzonden", "org-netwerk", "org-netwerk")


# -- professional search -------------------------------------------------------------------------
def _hit_ids(response) -> list[str]:
    return re.findall(r'<li class="pro-hit" id="hit-([^"]+)"', html(response))


def test_professional_search_in_the_werkplek_with_filters_access_and_doorverwijzen(client, people, runtime):
    from dataclasses import replace

    _, _, svcs = region()
    by_id = {s.id: s for s in svcs}
    runtime.catalog.save(services=[replace(by_id["svc-schuld"], wait_weeks=6, capacity_note="Vol tot maart"),
                                   replace(by_id["svc-swt"], independent_client_support=True)])
    assert client.get("/werkplek/zoeken").headers["Location"].startswith("/aanmelden")
    sign_in_as(client, people["swt"])
    empty = client.get("/werkplek/zoeken")
    words = text(empty)
    assert empty.status_code == 200 and "Afmelden" in words and "Deze website volgt u niet" not in words
    for label in ("Wijk", "Buurt", "Trede", "Formeel of informeel", "Doelgroep", "Wachttijd", "Nu open",
                  "Onafhankelijke cliëntondersteuning"):
        assert f">{label}</label>" in html(empty), label
    assert '<a href="/werkplek/zoeken" aria-current="page">Zoeken en verwijzen</a>' in html(empty)

    found = client.get("/werkplek/zoeken?vraag=geldzorgen")
    words = text(found)
    # The same understanding of the words as the public search: the same services.
    public = runtime.catalog.search(q="geldzorgen", page_size=20)
    assert sorted(_hit_ids(found)) == sorted(hit.service.id for hit in public.hits)
    assert {"svc-schuld", "svc-swt", "svc-begeleiding"} <= set(_hit_ids(found))
    assert "Wachttijd 6 weken. Vol tot maart" in words
    assert "Toegang Via het sociaal wijkteam: na een gesprek en een besluit van de gemeente" in words
    assert 'href="/verwijzen/svc-schuld?leefgebied=geldzaken"' in html(found)
    assert "Doorverwijzen naar Schuldhulp spreekuur" in words

    assert "svc-schuld" not in _hit_ids(client.get("/werkplek/zoeken?vraag=geldzorgen&wachttijd=4"))
    assert _hit_ids(client.get("/werkplek/zoeken?vraag=geldzorgen&trede=maatwerk")) == ["svc-begeleiding"]
    assert _hit_ids(client.get("/werkplek/zoeken?soort=informeel")) == ["svc-maatje"]
    assert "svc-maatje" not in _hit_ids(client.get("/werkplek/zoeken?soort=formeel"))
    assert _hit_ids(client.get("/werkplek/zoeken?clientondersteuning=ja")) == ["svc-swt"]
    in_wijk = _hit_ids(client.get("/werkplek/zoeken?wijk=WK066402"))
    assert "svc-maatje" in in_wijk and "svc-mid" not in in_wijk
    oostwijk = _hit_ids(client.get("/werkplek/zoeken?buurt=BU06640201"))
    assert {"svc-begeleiding", "svc-maatje", "svc-ggz"} <= set(oostwijk)  # located there, or serving wijk/gemeente
    assert "svc-schuld" not in oostwijk and "svc-mid" not in oostwijk
    binnenstad = client.get("/werkplek/zoeken?wijk=WK066402&buurt=BU06640101")  # the narrower buurt counts
    assert "svc-schuld" in _hit_ids(binnenstad) and "svc-begeleiding" not in _hit_ids(binnenstad)
    assert '<option value="BU06640101" selected>Binnenstad</option>' in html(binnenstad)
    assert client.get("/werkplek/zoeken?buurt=BU99999999").status_code == 400
    unknown = client.get("/werkplek/zoeken?wijk=WK999999")
    assert unknown.status_code == 400 and "Het gebied WK999999 is niet bekend" in text(unknown)

    sign_in_as(client, people["coordinator"])
    looked = client.get("/werkplek/zoeken?vraag=geldzorgen")
    assert looked.status_code == 200 and _hit_ids(looked) and "Doorverwijzen" not in text(looked)


# -- the beheerder and the signed-in footer ------------------------------------------------------
def test_a_beheerder_lands_on_its_own_organisation_with_sign_out_and_no_bare_403(client, people):
    response = post(client, "/aanmelden", {"email": "beheerder@test.example.nl", "wachtwoord": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/organisatie"
    own = client.get("/organisatie")
    words = text(own)
    assert own.status_code == 200 and "Welzijn Goes" in words and "Schuldhulp spreekuur" in words
    assert "Afmelden" in words and 'href="/hulp/svc-schuld"' in html(own)
    menu = re.search(r'<nav class="werk-menu".*?</nav>', html(own), re.S).group(0)
    for href in re.findall(r'<a href="([^"]+)"', menu):
        assert client.get(href).status_code == 200, href  # no menu link ends in a 403
    refused = client.get("/inbox")
    assert refused.status_code == 403 and "Afmelden" in text(refused)
    assert '<a class="knop knop-link" href="/organisatie">Naar uw startpagina in de werkplek</a>' in html(refused)

    sign_in_as(client, people["swt"])
    assert client.get("/organisatie").status_code == 403  # the page is the beheerder's


def test_the_signed_in_footer_does_not_claim_no_cookies(client, people):
    public = text(client.get("/"))
    assert "Deze website volgt u niet" in public
    sign_in_as(client, people["swt"])
    signed_in = text(client.get("/"))
    assert "Deze website volgt u niet" not in signed_in and "één cookie, alleen om u aangemeld te houden" in signed_in


# -- the inbox: what a row shows, filters, counts; opening marks it received -------------------------
def test_opening_a_sent_referral_as_its_receiver_marks_it_received_once(client, people, rr):
    referral_id = send_referral(client, people)
    assert "Ontvangst bevestigd" not in text(client.get(f"/verwijzingen/{referral_id}"))  # the sender: no step
    sign_in_as(client, people["other"])
    assert client.get(f"/verwijzingen/{referral_id}").status_code == 404
    assert rr.referral_store.get(referral_id).status == "verzonden"

    sign_in_as(client, people["welzijn"])
    opened = client.get(f"/verwijzingen/{referral_id}")
    assert opened.status_code == 200 and "Ontvangst bevestigd" in text(opened)
    events = rr.referral_store.events_of(referral_id)
    assert [e.to_status for e in events] == ["concept", "verzonden", "ontvangen"]
    assert events[-1].actor_org_id == "org-welzijn" and events[-1].side == "ontvanger"
    again = client.get(f"/verwijzingen/{referral_id}")
    assert again.status_code == 200 and "Ontvangst bevestigd" not in text(again)
    assert len(rr.referral_store.events_of(referral_id)) == 3  # idempotent: no second event
    assert "Ontvangen" in text(again) and 'value="geaccepteerd"' in html(again)


def test_inbox_rows_show_reference_urgency_deadline_and_outcome(client, people, rr, clock):
    urgent = send_referral(client, people, urgentie="spoed", clientreferentie="SWT-URG-1")
    clock.advance(minutes=5)
    normal = send_referral(client, people, clientreferentie="SWT-NRM-2")
    clock.advance(minutes=5)
    declined = send_referral(client, people, clientreferentie="SWT-AFW-3")
    rr.referrals.transition(people["welzijn"], declined, "ontvangen")
    rr.referrals.transition(people["welzijn"], declined, "afgewezen", reason="geen-capaciteit")
    clock.advance(days=4)  # Friday: past the two working days to receive

    sign_in_as(client, people["swt"])
    sent = client.get("/inbox?map=verstuurd")
    words = text(sent)
    assert "Uw cliëntreferentie SWT-URG-1" in words and "Uw cliëntreferentie SWT-NRM-2" in words
    assert "Urgentie Spoed (vandaag)" in words and "Urgentie Normaal" in words
    assert re.search(r"Ontvangen uiterlijk 14 januari 2026, 10\.00 uur \(2 dagen te laat\)", words), words
    assert "Reden afwijzing Geen capaciteit" in words and "Laatste stap Afgewezen" in words
    assert "Verstuurd 2 open, 2 te laat" in words  # the tab's counts

    only_urgent = text(client.get("/inbox?map=verstuurd&urgentie=spoed"))
    assert "SWT-URG-1" in only_urgent and "SWT-NRM-2" not in only_urgent and "1 doorverwijzing" in only_urgent
    only_declined = text(client.get("/inbox?map=verstuurd&status=afgewezen"))
    assert "SWT-AFW-3" in only_declined and "SWT-URG-1" not in only_declined
    late = text(client.get("/inbox?map=verstuurd&te-laat=ja&sorteer=urgentie"))
    assert "SWT-AFW-3" not in late and late.index("SWT-URG-1") < late.index("SWT-NRM-2")  # spoed first
    by_deadline = text(client.get("/inbox?map=verstuurd&sorteer=termijn"))
    assert by_deadline.index("SWT-URG-1") < by_deadline.index("SWT-NRM-2") < by_deadline.index("SWT-AFW-3")
    newest = text(client.get("/inbox?map=verstuurd&sorteer=nieuwste"))
    assert newest.index("SWT-AFW-3") < newest.index("SWT-NRM-2") < newest.index("SWT-URG-1")
    oldest = text(client.get("/inbox?map=verstuurd&sorteer=oudste&status=onzin&urgentie=x"))
    assert oldest.index("SWT-URG-1") < oldest.index("SWT-NRM-2")  # unknown filters are left out

    sign_in_as(client, people["welzijn"])
    received = client.get("/inbox")
    assert "SWT-URG-1" not in text(received) and "cliëntreferentie" not in text(received)  # the sender's own
    assert "Ontvangen 2 open, 2 te laat" in text(received)
    assert {urgent, normal} <= set(re.findall(r"/verwijzingen/(ref-[0-9a-f]+)", html(received)))


def test_inbox_buttons_never_repeat_a_tab_name(client, people):
    send_referral(client, people)
    sign_in_as(client, people["welzijn"])
    page = html(client.get("/inbox"))
    buttons = [" ".join(unescape(re.sub(r"<[^>]+>", " ", b)).split())
               for b in re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)]
    labels = [b.split(" (")[0] for b in buttons]  # without the hidden "(van …)"
    assert "Ontvangst bevestigen" in labels
    assert not {"Ontvangen", "Verstuurd"} & set(labels)


# -- the network page --------------------------------------------------------------------------
def _referrals_for_the_figures(rr, people, count: int = 6) -> None:
    swt, welzijn = people["swt"], people["welzijn"]
    for i in range(count):
        made = rr.referrals.create(swt, referral_body(clientRef=f"SWT-{i}"))
        rr.referrals.transition(swt, made["id"], "verzonden")
        rr.referrals.transition(welzijn, made["id"], "ontvangen")
        rr.referrals.transition(welzijn, made["id"], "geaccepteerd")
    made = rr.referrals.create(swt, referral_body("svc-begeleiding", "org-zorg", clientRef="SWT-Z"))
    rr.referrals.transition(swt, made["id"], "verzonden")


def test_network_page_shows_figures_flows_and_charts_with_small_counts_suppressed(client, people, rr, monkeypatch):
    # The page's numbers by hand: the cell-key noise (random per referral) is switched off here.
    monkeypatch.setattr(figure_publication, "perturbed", lambda count, key_sum: count)
    _referrals_for_the_figures(rr, people)
    sign_in_as(client, people["coordinator"])
    response = client.get("/netwerk?van=2025-02-01&tot=2026-01-31")
    assert response.status_code == 200
    page, words = html(response), text(response)
    assert "Verstuurd 7" in words and "Geaccepteerd 6" in words
    assert "&lt;5" in page  # small counts, zeros and what would reveal them
    # Per partner: Zorg Plus's single referral is not named, nor given as 7 - 6: both partners are
    # pooled (sent, accepted, acceptance — the latter rests on the hidden 0 declines).
    assert "Overige (samen) 7 6 –" in words and 'data-sleutel="org-welzijn"' not in page
    # The picture (laid out on the server, no script) and its table: only the flow of 5 or more.
    assert 'id="netwerkbeeld"' in page and "<script" not in page
    assert "<title>Sociaal wijkteam Goes naar Welzijn Goes: 6</title>" in page
    assert "Van Naar Doorverwijzingen Sociaal wijkteam Goes Welzijn Goes 6 Organisaties" in words
    assert "Kerncijfers per maand" in words and 'data-sleutel="2026-01"' in page
    # One bar per month of the period; January 2026 has the referrals, the months before show <5 (0 too).
    charts = re.findall(r'<svg class="staven"', page)
    assert len(charts) == 2
    assert page.count("<title>jan 2026: 7</title>") == 1 and "<title>dec 2025: &lt;5</title>" in page
    assert "GGZ Goes" in words  # a partner without figures of its own
    assert "Alleenstaande moeder" not in page and "06 1234" not in page  # aggregates only

    bad = client.get("/netwerk?van=gisteren")
    assert bad.status_code == 400 and 'id="fout-van"' in html(bad)
    unknown = client.get("/netwerk?leefgebied=vakantie")
    assert unknown.status_code == 400 and 'id="fout-leefgebied"' in html(unknown) and "Kerncijfers" not in text(unknown)
    download = client.get("/netwerk/cijfers.csv?van=2025-02-01&tot=2026-01-31")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "kerncijfers;2026-01;2026-01;referrals;7" in download.get_data(as_text=True)
    assert client.get("/netwerk/cijfers.csv?leefgebied=vakantie").status_code == 400
    elsewhere = client.get("/netwerk?gemeente=GM0687")
    assert elsewhere.status_code == 403 and "valt daar niet onder" in text(elsewhere)


def test_network_page_with_few_referrals_shows_no_figures(client, people, rr):
    made = rr.referrals.create(people["swt"], referral_body())
    rr.referrals.transition(people["swt"], made["id"], "verzonden")
    sign_in_as(client, people["regio"])
    response = client.get("/netwerk")
    assert response.status_code == 200
    assert "Minder dan 5 doorverwijzingen" in text(response)
    assert 'id="netwerkbeeld"' not in html(response)


# -- make run: the demo accounts ---------------------------------------------------------------
def test_demo_accounts_if_missing_only_in_the_demo_region(runtime, rr, monkeypatch):
    set_store_env(monkeypatch, runtime.settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)
    from web.cli import main

    result = CliRunner().invoke(main, ["accounts", "demo", "--if-missing"])
    assert result.exit_code == 0 and "nooit naast echte organisaties" in result.output
    with pytest.raises(Exception):
        rr.accounts.account("swt@demo.example.nl")  # nothing made on organisations that are not demo data

    from dataclasses import replace

    _, orgs, _ = region()
    runtime.catalog.save(organizations=[replace(o, source="demo") for o in orgs])  # only the demo region
    first = CliRunner().invoke(main, ["accounts", "demo", "--if-missing"])
    assert first.exit_code == 0, first.output
    assert re.search(r"professional\s+swt@demo.example.nl\s+wachtwoord: demo-wijkteam-goes\s+Sociaal wijkteam Goes",
                     first.output)
    assert re.search(r"coordinator\s+coordinator@demo.example.nl\s+wachtwoord: demo-coordinator-zeeland",
                     first.output)
    assert "skt_" not in first.output  # make run prints no tokens
    assert rr.accounts.sign_in("welzijn@demo.example.nl", "demo-welzijn-goes").organization_id == "org-welzijn"
    again = CliRunner().invoke(main, ["accounts", "demo", "--if-missing"])
    assert again.exit_code == 0 and again.output.count("wachtwoord: demo-") == 4 and "skt_" not in again.output
