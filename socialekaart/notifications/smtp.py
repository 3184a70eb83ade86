"""Sending one e-mail through the configured SMTP server: STARTTLS on a plain port, implicit TLS
(usually port 465), or neither (only for a relay on this machine or in tests)."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from socialekaart.notifications.messages import Message


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # "starttls", "tls" or "geen"
    sender: str = "socialekaart@localhost"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)  # tests: trust their own CA


class SmtpMailer:
    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def send(self, to: str, message: Message) -> None:
        """Deliver or raise (OSError, smtplib.SMTPException): the outbox decides about retrying."""
        s = self.settings
        mail = EmailMessage()
        mail["From"] = s.sender
        mail["To"] = to
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain=s.sender.rpartition("@")[2] or None)
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(message.body)
        context = s.context or ssl.create_default_context()
        client: smtplib.SMTP
        if s.security == "tls":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.security == "starttls":
                client.starttls(context=context)
            if s.user:
                client.login(s.user, s.password or "")
            client.send_message(mail)
