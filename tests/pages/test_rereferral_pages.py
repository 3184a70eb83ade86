"""The werkplek pages for messages and opnieuw verwijzen (issue 15 §3, §4): the timeline shows the
messages and the chain both ways; "Opnieuw verwijzen" only when allowed, through the werkplek search
to the refer form pre-filled, consent asked again unless it covers the new partner. Both stores."""
from __future__ import annotations

import re

from tests.pages import test_referral_pages as referral_pages
from tests.pages.test_referral_pages import html, post, refer_form, send_referral, sign_in_as, step, text

# The fixtures of the referral pages: the seeded region on a fresh graph, an account per role, the clock.
app, client, clock, people, rr, runtime = (referral_pages.app, referral_pages.client, referral_pages.clock,
                                           referral_pages.people, referral_pages.rr, referral_pages.runtime)

NOTE = "Inwoner is gebeld; intake staat op dinsdag 10 uur."


def declined(client, people) -> str:
    rid = send_referral(client, people)
    sign_in_as(client, people["welzijn"])
    assert client.get(f"/verwijzingen/{rid}").status_code == 200  # opening it: ontvangen
    assert step(client, rid, "afgewezen", reden="geen-capaciteit").status_code == 303
    return rid


def test_messages_in_the_timeline_and_the_receiver_loses_them_after_a_decline(client, people, rr):
    rid = send_referral(client, people)
    sign_in_as(client, people["welzijn"])
    page = client.get(f"/verwijzingen/{rid}")
    assert "Bericht aan Sociaal wijkteam Goes" in text(page) and "Nog geen berichten" in text(page)

    sent = post(client, f"/verwijzingen/{rid}/berichten", {"bericht": NOTE})
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/verwijzingen/{rid}#berichten")
    sign_in_as(client, people["swt"])
    seen = client.get(f"/verwijzingen/{rid}")
    body = text(seen)
    assert "Uw bericht" not in body and NOTE in body
    assert re.search(r"Bericht van de ontvanger \(Welzijn Goes\) " + re.escape(NOTE), body)
    # In the timeline in order: sent, received, then the message.
    history = body[body.index("Geschiedenis"):]
    assert history.index("Ontvangen") < history.index(NOTE)

    empty = post(client, f"/verwijzingen/{rid}/berichten", {"bericht": "   "})
    assert empty.status_code == 400 and "Schrijf een kort bericht" in text(empty)
    too_long = post(client, f"/verwijzingen/{rid}/berichten", {"bericht": "x" * 501})
    assert too_long.status_code == 400 and "te lang" in text(too_long)
    assert "x" * 501 in html(too_long)  # what was typed stays in the form
    assert len(rr.referrals.get(people["swt"], rid)["messages"]) == 1  # nothing written

    sign_in_as(client, people["welzijn"])
    assert step(client, rid, "afgewezen", reden="geen-capaciteit").status_code == 303
    closed = client.get(f"/verwijzingen/{rid}")
    assert NOTE not in text(closed) and "ziet de berichten bij deze doorverwijzing niet meer" in text(closed)
    assert "Bericht sturen" not in text(closed)
    late = post(client, f"/verwijzingen/{rid}/berichten", {"bericht": "Nog iets"})
    assert late.status_code == 409 and "geen berichten meer" in text(late)


def test_opnieuw_verwijzen_through_the_search_to_the_prefilled_form_with_consent_asked_again(client, people, rr):
    rid = declined(client, people)
    sign_in_as(client, people["welzijn"])
    assert "Opnieuw verwijzen" not in text(client.get(f"/verwijzingen/{rid}"))  # only the sender
    sign_in_as(client, people["swt"])
    page = client.get(f"/verwijzingen/{rid}")
    link = re.search(r'href="(/werkplek/zoeken\?[^"]+)">Opnieuw verwijzen', html(page))
    assert link, text(page)[:600]
    search = client.get(link.group(1).replace("&amp;", "&"))
    assert search.status_code == 200 and "Opnieuw verwijzen" in text(search)
    refer = re.search(r'href="(/verwijzen/svc-begeleiding\?[^"]*opnieuw=' + rid + ')"', html(search))
    assert refer, "the hit links to the refer form for this referral"

    form = client.get(refer.group(1).replace("&amp;", "&"))
    body = text(form)
    assert form.status_code == 200 and "Opnieuw verwijzen naar Ambulante begeleiding" in body
    assert "Vraag de inwoner opnieuw om toestemming" in body
    assert "Alleenstaande moeder met betalingsachterstanden" in html(form)  # the hulpvraag, pre-filled
    assert 'value="SWT-2026-0042"' in html(form) and 'value="06 1234 5678"' in html(form)
    assert 'name="toestemming_bevestigd" value="ja" checked' not in html(form)

    # Without new consent: refused next to the field, nothing written.
    before = len(rr.referrals.list(people["swt"], box="sent").items)
    missing = post(client, "/verwijzen/svc-begeleiding", refer_form(opnieuw=rid, toestemming_bevestigd=None))
    assert missing.status_code == 400 and "Bevestig dat de inwoner toestemming gaf" in text(missing)
    assert len(rr.referrals.list(people["swt"], box="sent").items) == before

    done = post(client, "/verwijzen/svc-begeleiding", refer_form(opnieuw=rid))
    assert done.status_code == 303, text(done)[:600]
    new_id = done.headers["Location"].rsplit("/", 1)[1]
    new = client.get(done.headers["Location"])
    assert "Opnieuw verwezen naar Zorg Plus" in text(new) and "Naar de eerdere doorverwijzing" in text(new)
    assert f'href="/verwijzingen/{rid}"' in html(new)
    old = client.get(f"/verwijzingen/{rid}")
    assert f'href="/verwijzingen/{new_id}"' in html(old) and "Opnieuw verwezen" in text(old)
    assert 'Opnieuw verwijzen</a>' not in html(old)  # once
    again = client.get(refer.group(1).replace("&amp;", "&"))
    assert again.status_code == 409


def test_consent_that_covers_the_new_partner_is_carried_over_in_the_form(client, people, rr, runtime):
    from socialekaart.catalog.model import Service

    runtime.catalog.save(areas=[], organizations=[], services=[
        Service("svc-budget", "org-welzijn", "Budgetcursus", "voorliggend", ["geldzaken"], serves=["GM0664"])])
    rid = declined(client, people)
    sign_in_as(client, people["swt"])
    form = client.get(f"/verwijzen/svc-budget?opnieuw={rid}")
    assert form.status_code == 200 and "die is overgenomen" in text(form)
    assert 'value="Hulp bij schulden en post"' in html(form)
    assert re.search(r'id="veld-toestemming_bevestigd"[^>]*checked', html(form))
