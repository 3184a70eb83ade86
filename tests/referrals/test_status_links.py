"""The status link for the inwoner (issue 15 §7): made by the sending organisation through the API,
only a hash stored, a public B1 page with the status and whom to call and nothing personal, never
cached, and it stops working when revoked or expired (on the domain clock). Both stores."""
from __future__ import annotations

import pytest

from tests.referrals.referral_helpers import referral_body

PERSONAL = ("Sanne", "SWT-2026-0042", "1234 5678", "betalingsachterstanden", "Alleenstaande", "Schuldhulp",
            "Swt", "Welzijn@", "Hulp zoeken bij de hulpvraag", "geldzaken")


@pytest.fixture
def sent(rr, actors, runtime):
    runtime.store.connection.write("MATCH (o:Organization {id: 'org-welzijn'}) SET o.phone = '0113 200 300'")
    runtime.store.connection.write("MATCH (o:Organization {id: 'org-swt'}) SET o.phone = '0113 400 500'")
    return rr.referrals.create(actors["swt"].principal, referral_body(), send=True)["id"]


def make_link(client, actor, rid):
    return client.post(f"/api/v1/referrals/{rid}/status-links", headers=actor.headers)


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_shows_status_and_whom_to_call_and_nothing_personal(client, actors, sent, rr, runtime):
    made = make_link(client, actors["swt"], sent)
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    token = body["url"].rsplit("/", 1)[1]
    assert body["url"] == f"{rr.settings.public_url}/status/{token}" and len(token) >= 40
    page = client.get(f"/status/{token}")
    assert page.status_code == 200
    html = page_text(page)
    assert "Uw aanmelding is verstuurd" in html
    assert "Welzijn Goes" in html and "0113 200 300" in html  # the receiving organisation's public phone
    for word in PERSONAL:
        assert word not in html, word
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    # The status follows the referral; a decline sends the inwoner back to the sender.
    rr.referrals.transition(actors["welzijn"].principal, sent, "ontvangen")
    rr.referrals.transition(actors["welzijn"].principal, sent, "afgewezen", reason="geen-capaciteit")
    html = page_text(client.get(f"/status/{token}"))
    assert "kan u niet helpen" in html and "0113 400 500" in html and "0113 200 300" not in html
    # Only the hash is stored.
    stored = runtime.store.connection.read("MATCH (l:StatusLink) RETURN l.hash AS hash, l.id AS id")
    assert len(stored) == 1 and token not in str(stored)


def test_revoked_and_expired_links_stop_working(client, actors, sent, clock):
    swt = actors["swt"]
    first = make_link(client, swt, sent).get_json()
    second = make_link(client, swt, sent).get_json()
    first_token, second_token = (b["url"].rsplit("/", 1)[1] for b in (first, second))
    revoked = client.post(f"/api/v1/referrals/{sent}/status-links/{first['id']}/revocation", headers=swt.headers)
    assert revoked.status_code == 200 and revoked.get_json()["active"] is False
    gone = client.get(f"/status/{first_token}")
    assert gone.status_code == 404 and "werkt niet (meer)" in page_text(gone)
    assert client.get(f"/status/{second_token}").status_code == 200
    listed = client.get(f"/api/v1/referrals/{sent}/status-links", headers=swt.headers).get_json()["results"]
    assert sorted((link["id"], link["active"]) for link in listed) == \
        sorted([(first["id"], False), (second["id"], True)])
    clock.advance(days=90, seconds=1)  # SOCIALEKAART_STATUS_LINK_DAYS, default 90
    assert client.get(f"/status/{second_token}").status_code == 404
    # An unknown or malformed token gets the same answer.
    assert client.get("/status/" + "x" * 43).status_code == 404
    assert client.get("/status/kort").status_code == 404


def test_only_the_sending_organisation_makes_or_revokes_links(client, actors, sent):
    assert make_link(client, actors["welzijn"], sent).status_code == 403  # the receiver
    assert make_link(client, actors["other"], sent).status_code == 404  # not a party: it does not exist
    link = make_link(client, actors["swt"], sent).get_json()
    answer = client.post(f"/api/v1/referrals/{sent}/status-links/{link['id']}/revocation",
                         headers=actors["other"].headers)
    assert answer.status_code == 404
    assert client.post(f"/api/v1/referrals/{sent}/status-links/sl-nietbestaand/revocation",
                       headers=actors["swt"].headers).status_code == 404
    assert client.post(f"/api/v1/referrals/{sent}/status-links/{link['id']}/revocation",
                       headers=actors["welzijn"].headers).status_code == 403
    assert client.get(f"/api/v1/referrals/{sent}/status-links",
                      headers=actors["swt"].headers).get_json()["results"][0]["active"] is True
