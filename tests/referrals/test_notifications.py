"""E-mail notifications (issue 15 §5, §6): referral events and sweeps become outbox entries, the
sender delivers them to a real SMTP server on 127.0.0.1 (aiosmtpd), retries when it is down, honours
preferences, and no mail holds personal data. Both stores."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from socialekaart.shared.clock import iso
from tests.referrals.referral_helpers import referral_body
from tests.referrals.smtp_helpers import SmtpServer, free_port

# What must never be in a mail: the client's name, reference, phone, hulpvraag, and who is involved.
PERSONAL = ("Sanne", "SWT-2026-0042", "1234 5678", "betalingsachterstanden", "Alleenstaande", "Welzijn Goes",
            "Sociaal wijkteam", "Schuldhulp", "svc-schuld", "Hulp zoeken bij de hulpvraag")


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def mail_rr(rr, smtp):
    """The referral runtime, sending through the test's SMTP server (plain SMTP on 127.0.0.1)."""
    rr.settings = rr.settings.with_overrides(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="geen",
                                             public_url="https://kaart.example.nl")
    return rr


def kinds_for(rr, account_email: str) -> list[str]:
    account = rr.accounts.store.account_by_email(account_email)
    return sorted(m.kind for m in rr.notification_store.mails() if m.account_id == account.id)


def assert_no_personal_data(texts: list[str]) -> None:
    assert texts
    for text in texts:
        for word in PERSONAL:
            assert word not in text, f"{word!r} in a mail"


def test_each_event_mails_the_right_people_once_without_personal_data(mail_rr, actors, smtp):
    smtp.start()
    swt, welzijn = actors["swt"].principal, actors["welzijn"].principal
    rid = mail_rr.referrals.create(swt, referral_body(), send=True)["id"]
    mail_rr.referrals.transition(welzijn, rid, "ontvangen")
    mail_rr.referrals.transition(welzijn, rid, "geaccepteerd")
    mail_rr.referrals.transition(welzijn, rid, "gestart")
    mail_rr.referrals.transition(welzijn, rid, "afgerond", outcome="geholpen")
    declined = mail_rr.referrals.create(swt, referral_body(), send=True)["id"]
    mail_rr.referrals.transition(welzijn, declined, "ontvangen")
    mail_rr.referrals.transition(welzijn, declined, "afgewezen", reason="geen-capaciteit")

    report = mail_rr.outbox.send_due()
    assert report.sent == 5 and report.failed == 0
    assert mail_rr.outbox.send_due().sent == 0  # sent once
    # New referrals to the receiving professionals (not its beheerder); answers to the sender.
    assert [m["Subject"] for m in smtp.inbox.to("welzijn@test.example.nl")] == \
        ["Sociale kaart: Nieuwe doorverwijzing"] * 2
    assert sorted(m["Subject"] for m in smtp.inbox.to("swt@test.example.nl")) == [
        "Sociale kaart: Doorverwijzing afgesloten", "Sociale kaart: Doorverwijzing afgewezen",
        "Sociale kaart: Doorverwijzing geaccepteerd"]
    assert smtp.inbox.to("beheerder@test.example.nl") == []
    received = smtp.inbox.to("welzijn@test.example.nl")
    assert {m["From"] for m in received} == {"socialekaart@localhost"}
    assert sorted(f"https://kaart.example.nl/verwijzingen/{r}" in m.get_content()
                  for m in received for r in (rid, declined)) == [False, False, True, True]
    assert_no_personal_data(smtp.inbox.texts())


def test_a_failing_smtp_server_never_fails_the_request_and_the_mail_comes_later(mail_rr, actors, smtp, client,
                                                                                clock):
    # No server listens on smtp.port yet: every delivery fails.
    swt, welzijn = actors["swt"], actors["welzijn"]
    mail_rr.start_worker()
    created = client.post("/api/v1/referrals", json=referral_body(), headers=swt.headers)
    assert created.status_code == 201, created.get_data(as_text=True)
    rid = created.get_json()["id"]
    sent = client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "verzonden"}, headers=swt.headers)
    assert sent.status_code == 200
    def new_mail():
        return [m for m in mail_rr.notification_store.mails(["wachtend"]) if m.kind == "nieuw"]

    assert len(new_mail()) == 1  # queued by the request; the worker sends it
    deadline = time.monotonic() + 30
    while not new_mail()[0].attempts and time.monotonic() < deadline:
        time.sleep(0.05)
    mail_rr.worker.stop()
    tried = new_mail()[0]
    assert tried.attempts == 1 and tried.error and "Error" in tried.error
    assert mail_rr.outbox.send_due().sent == 0  # not due yet: the retry waits (60 s on the clock)

    smtp.start()
    clock.advance(seconds=61)
    report = mail_rr.outbox.send_due()
    assert report.sent == 2  # the new referral, and the stale-listing reminder the worker's sweep queued
    assert [m["Subject"] for m in smtp.inbox.to(welzijn.principal.email)] == ["Sociale kaart: Nieuwe doorverwijzing"]
    assert [m.attempts for m in mail_rr.notification_store.mails(["verzonden"]) if m.kind == "nieuw"] == [2]


def test_retries_back_off_and_give_up(mail_rr, actors, clock):
    mail_rr.outbox.max_attempts = 3
    mail_rr.referrals.create(actors["swt"].principal, referral_body(), send=True)
    assert mail_rr.outbox.send_due().retried == 1
    clock.advance(seconds=61)
    assert mail_rr.outbox.send_due().retried == 1
    clock.advance(seconds=61)  # the second retry waits 120 s
    assert mail_rr.outbox.send_due().retried == 0
    clock.advance(seconds=60)
    assert mail_rr.outbox.send_due().failed == 1
    assert [m.status for m in mail_rr.notification_store.mails()] == ["mislukt"]


def test_preferences_are_honoured_when_sending(mail_rr, actors, smtp, client):
    smtp.start()
    welzijn = actors["welzijn"]
    answer = client.patch("/api/v1/notification-preferences", json={"preferences": {"nieuw": False}},
                        headers=welzijn.headers)
    assert answer.status_code == 200 and answer.get_json()["preferences"]["nieuw"] is False
    assert answer.get_json()["preferences"]["te-laat"] is True
    mail_rr.referrals.create(actors["swt"].principal, referral_body(), send=True)
    report = mail_rr.outbox.send_due()
    assert (report.sent, report.skipped) == (0, 1)
    assert smtp.inbox.messages == []
    # Bad input: a clear error and nothing changed.
    bad = client.patch("/api/v1/notification-preferences", json={"preferences": {"nieuw": True, "spam": False}},
                     headers=welzijn.headers)
    assert bad.status_code == 400 and bad.content_type.startswith("application/problem+json")
    assert client.get("/api/v1/notification-preferences", headers=welzijn.headers).get_json()["preferences"][
        "nieuw"] is False


def test_overdue_mails_both_sides_once(mail_rr, actors, smtp, clock):
    smtp.start()
    rid = mail_rr.referrals.create(actors["swt"].principal, referral_body(), send=True)["id"]
    mail_rr.outbox.send_due()
    assert mail_rr.notifications.sweep_overdue() == 0  # not overdue yet
    clock.advance(days=3)  # past the 2 working days to receive
    assert mail_rr.notifications.sweep_overdue() == 2
    assert mail_rr.notifications.sweep_overdue() == 0  # once
    mail_rr.outbox.send_due()
    late = "Sociale kaart: Doorverwijzing wacht te lang"
    assert [m["Subject"] for m in smtp.inbox.to("swt@test.example.nl")] == [late]
    assert [m["Subject"] for m in smtp.inbox.to("welzijn@test.example.nl")][-1] == late
    assert f"/verwijzingen/{rid}" in smtp.inbox.to("swt@test.example.nl")[0].get_content()
    assert_no_personal_data(smtp.inbox.texts())


def test_stale_listing_reminds_the_beheerder_once_per_period(mail_rr, actors, smtp, clock):
    smtp.start()
    assert "beheerder" in actors
    assert mail_rr.notifications.sweep_stale() == 1  # svc-schuld of org-welzijn, never verified
    assert mail_rr.notifications.sweep_stale() == 0
    mail_rr.outbox.send_due()
    reminders = smtp.inbox.to("beheerder@test.example.nl")
    assert [m["Subject"] for m in reminders] == ["Sociale kaart: Controleer uw voorziening"]
    assert "/organisatie/voorzieningen/svc-schuld" in reminders[0].get_content()
    assert smtp.inbox.to("welzijn@test.example.nl") == []  # professionals do not get it
    clock.advance(days=mail_rr.settings.stale_after_days)
    assert mail_rr.notifications.sweep_stale() == 1  # the next period


def test_the_cli_sends_the_outbox(mail_rr, actors, smtp, runtime, monkeypatch):
    from click.testing import CliRunner

    from tests.conftest import set_store_env
    from web.cli import main

    smtp.start()
    mail_rr.referrals.create(actors["swt"].principal, referral_body(), send=True)
    set_store_env(monkeypatch, runtime.settings)
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_SECURITY": "geen",
                       "SECRET_KEY": runtime.settings.secret_key}.items():
        monkeypatch.setenv(f"SOCIALEKAART_{key}", value)
    result = CliRunner().invoke(main, ["notifications", "send", "--no-sweep"])
    assert result.exit_code == 0, result.output
    assert "1 verstuurd" in result.output
    assert len(smtp.inbox.to("welzijn@test.example.nl")) == 1


# aiosmtpd warns about AUTH without STARTTLS; with implicit TLS the whole session is encrypted.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_starttls_or_implicit_tls_with_a_login(tmp_path, security):
    """The SMTP settings without a store: STARTTLS (required by the server) or implicit TLS, with a login."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from socialekaart.notifications.messages import compose
    from socialekaart.notifications.smtp import SmtpMailer, SmtpSettings
    from tests.referrals.smtp_helpers import Inbox, self_signed

    cert, key, pem = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append(auth_data.login)
        return AuthResult(success=auth_data.login == b"kaart" and auth_data.password == b"geheim")

    inbox, port = Inbox(), free_port()
    options = {"authenticator": authenticator, "auth_required": True}
    if security == "starttls":
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_tls,
                                require_starttls=True, **options)
    else:
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_tls,
                                auth_require_tls=False, **options)
    controller.start()
    try:
        client_tls = ssl.create_default_context(cadata=pem.decode())
        mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port, security=security, sender="kaart@example.nl",
                                         user="kaart", password="geheim", timeout=5, context=client_tls))
        mailer.send("iemand@example.nl", compose("nieuw", "/verwijzingen/ref-1", "https://kaart.example.nl"))
    finally:
        controller.stop()
    assert logins == [b"kaart"]
    assert [m["Subject"] for m in inbox.to("iemand@example.nl")] == ["Sociale kaart: Nieuwe doorverwijzing"]


def test_a_mail_taken_by_one_sender_is_not_sent_by_another(mail_rr, actors, smtp, clock):
    smtp.start()
    mail_rr.referrals.create(actors["swt"].principal, referral_body(), send=True)
    store = mail_rr.notification_store
    mail = store.due(iso(clock()), 10)[0]
    lease = iso(clock() + timedelta(minutes=10))
    assert store.claim(mail.id, mail.due_at, lease) is True  # another process took it
    assert store.claim(mail.id, mail.due_at, lease) is False
    assert mail_rr.outbox.send_due().sent == 0 and smtp.inbox.messages == []
    clock.advance(minutes=10, seconds=1)  # that process died while sending: after the lease it is tried again
    assert mail_rr.outbox.send_due().sent == 1
    assert len(smtp.inbox.to("welzijn@test.example.nl")) == 1
