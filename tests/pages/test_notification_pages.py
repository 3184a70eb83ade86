"""The werkplek pages of notifications: the refer form's opt-in status link (shown once), revoking it,
and the e-mail preferences page (CSRF, honoured by the outbox). Both stores."""
from __future__ import annotations

import re

from tests.pages import test_referral_pages as referral_pages
from tests.pages.test_referral_pages import post, refer_form, sign_in_as, text

# The referral pages' fixtures: seeded region, accounts with a password, the app with the test clock.
clock, runtime, rr, people, app, client = (referral_pages.clock, referral_pages.runtime, referral_pages.rr,
                                           referral_pages.people, referral_pages.app, referral_pages.client)


def test_opt_in_status_link_when_sending_is_shown_once_and_can_be_revoked(client, people, rr):
    sign_in_as(client, people["swt"])
    response = post(client, "/verwijzen/svc-schuld", refer_form(statuslink="ja"))
    assert response.status_code == 200, text(response)[:500]
    page = text(response)
    assert "U ziet de link maar één keer" in page
    url = re.search(r"https?://[^\s\"]+/status/([A-Za-z0-9_-]{40,})", response.get_data(as_text=True))
    assert url, page[:800]
    token = url.group(1)
    assert "Uw aanmelding is verstuurd" in text(client.get(f"/status/{token}"))
    rid = rr.referral_store.feed("org-swt", 0, None, 10)[0].referral_id
    links_page = client.get(f"/verwijzingen/{rid}/statuslinks")
    assert links_page.status_code == 200 and token not in links_page.get_data(as_text=True)
    link_id = rr.notification_store.links_of(rid)[0].id
    revoked = post(client, f"/verwijzingen/{rid}/statuslink/{link_id}/intrekken")
    assert revoked.status_code == 303
    assert client.get(f"/status/{token}").status_code == 404
    # Without the opt-in: no link is made.
    plain = post(client, "/verwijzen/svc-schuld", refer_form())
    assert plain.status_code == 303
    other = plain.headers["Location"].rsplit("/", 1)[1]
    assert rr.notification_store.links_of(other) == []


def test_preferences_page_saves_choices(client, people, rr):
    sign_in_as(client, people["welzijn"])
    page = client.get("/werkplek/meldingen")
    assert page.status_code == 200 and "Meldingen per e-mail" in text(page)
    assert client.post("/werkplek/meldingen", data={"melding-nieuw": "aan"}).status_code == 400  # no CSRF token
    assert rr.notifications.preferences(people["welzijn"])["te-laat"] is True
    saved = post(client, "/werkplek/meldingen", {"melding-nieuw": "aan"})
    assert saved.status_code == 303
    wanted = rr.notifications.preferences(people["welzijn"])
    assert wanted["nieuw"] is True and wanted["te-laat"] is False and wanted["geaccepteerd"] is False
    assert 'id="melding-nieuw" name="melding-nieuw" value="aan" checked' in client.get(
        "/werkplek/meldingen").get_data(as_text=True)
