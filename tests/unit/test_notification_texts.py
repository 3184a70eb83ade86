"""The texts of notifications (no store): every kind has a mail, the mails and the status page read
at B1 (the catalog's own readability check) and carry no placeholders; SMTP settings are checked at
start-up and the password never shows."""
from __future__ import annotations

import pytest

from socialekaart.catalog import readability
from socialekaart.notifications.messages import _TEXT, KINDS, compose
from socialekaart.notifications.status_links import STATUS_TEXT
from socialekaart.referrals.lifecycle import STATES
from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_mail_is_plain_b1_with_only_the_link(kind):
    message = compose(kind, "/verwijzingen/ref-0123456789abcdef0123", "https://kaart.example.nl")
    assert message.subject.startswith("Sociale kaart: ")
    assert "https://kaart.example.nl/verwijzingen/ref-0123456789abcdef0123" in message.body
    assert "https://kaart.example.nl/werkplek/meldingen" in message.body  # how to turn it off
    assert "{" not in message.body and "}" not in message.body
    assert readability.check(message.body) == [], message.body


def test_every_kind_has_a_text_and_every_status_a_b1_line():
    assert set(_TEXT) == set(KINDS)
    assert set(STATUS_TEXT) == set(STATES)
    for text, who in STATUS_TEXT.values():
        assert who in ("ontvanger", "verzender")
        assert all(len(readability.words_of(s)) < readability.LONG_SENTENCE_WORDS
                   for s in readability.sentences_of(text)), text
        assert readability.jargon_in(text) == [], text


def test_smtp_settings_are_checked_and_the_password_never_shows():
    settings = Settings.from_env({"SOCIALEKAART_SMTP_HOST": "mail.example.nl", "SOCIALEKAART_SMTP_PORT": "465",
                                  "SOCIALEKAART_SMTP_SECURITY": "TLS", "SOCIALEKAART_SMTP_USER": "kaart",
                                  "SOCIALEKAART_SMTP_PASSWORD": "geheim-wachtwoord",
                                  "SOCIALEKAART_PUBLIC_URL": "https://kaart.example.nl/"})
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == ("mail.example.nl", 465, "tls")
    assert settings.public_url == "https://kaart.example.nl"
    assert "geheim-wachtwoord" not in repr(settings)
    with pytest.raises(ConfigError, match="SOCIALEKAART_SMTP_SECURITY"):
        Settings.from_env({"SOCIALEKAART_SMTP_SECURITY": "ssl3"})
    with pytest.raises(ConfigError, match="SOCIALEKAART_PUBLIC_URL"):
        Settings.from_env({"SOCIALEKAART_PUBLIC_URL": "kaart.example.nl"})
    with pytest.raises(ConfigError, match="SOCIALEKAART_STATUS_LINK_DAYS"):
        Settings.from_env({"SOCIALEKAART_STATUS_LINK_DAYS": "0"})
