"""The outbox: mails wait in the store until the sender delivers them. A request only adds entries;
sending happens in ``NotificationWorker`` (a thread of the web process) or ``socialekaart
notifications send``. A failed attempt is retried with exponential backoff, on the domain clock,
until ``max_attempts``; then the mail is marked 'mislukt'. The recipient's address and preferences
are read at sending, so a disabled account or a kind turned off gets no mail ('overgeslagen')."""
from __future__ import annotations

import logging
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Protocol

from socialekaart.notifications.messages import Message, compose
from socialekaart.notifications.ports import OutboxStore
from socialekaart.notifications.records import DueMail
from socialekaart.shared.clock import Clock, iso, utcnow

log = logging.getLogger(__name__)
STATUSES = ("wachtend", "verzonden", "overgeslagen", "mislukt")
CLAIM_LEASE = timedelta(minutes=10)


class Mailer(Protocol):
    def send(self, to: str, message: Message) -> None: ...


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


class OutboxSender:
    def __init__(self, store: OutboxStore, mailer: Mailer | None, *, public_url: str, clock: Clock = utcnow,
                 max_attempts: int = 8, base_delay_seconds: float = 60.0, max_delay_seconds: float = 6 * 3600):
        self.store = store
        self.mailer = mailer  # None: no SMTP server configured, mails keep waiting
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        self.max_attempts = max_attempts
        self.base_delay_seconds = base_delay_seconds
        self.max_delay_seconds = max_delay_seconds
        self._lock = threading.Lock()  # one sending pass at a time in this process

    def send_due(self, limit: int = 100) -> SendReport:
        report = SendReport()
        if self.mailer is None:
            return report
        with self._lock:
            for mail in self.store.due(iso(self.clock()), limit):
                self._send_one(mail, report)
        return report

    def _send_one(self, mail: DueMail, report: SendReport) -> None:
        now = self.clock()
        # Another sender (a second process, the CLI) may have taken it; a sender that dies while
        # sending leaves it to be tried again after the lease.
        if not self.store.claim(mail.id, mail.due_at, iso(now + CLAIM_LEASE)):
            return
        if not mail.email or not mail.active or mail.kind in mail.off:
            self.store.mark_done(mail.id, "overgeslagen", iso(now))
            report.skipped += 1
            return
        assert self.mailer is not None
        try:
            self.mailer.send(mail.email, compose(mail.kind, mail.link, self.public_url))
        except (OSError, smtplib.SMTPException) as exc:
            attempts = int(mail.attempts or 0) + 1
            error = f"{type(exc).__name__}: {exc}"[:300]
            permanent = isinstance(exc, smtplib.SMTPRecipientsRefused)
            if permanent or attempts >= self.max_attempts:
                self.store.mark_done(mail.id, "mislukt", iso(now), error)
                report.failed += 1
                log.warning("mail %s given up after %d attempts: %s", mail.id, attempts, error)
                return
            delay = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (attempts - 1))
            self.store.mark_retry(mail.id, attempts, iso(now + timedelta(seconds=delay)), error)
            report.retried += 1
            log.info("mail %s not sent (attempt %d), again in %.0f s: %s", mail.id, attempts, delay, error)
            return
        self.store.mark_sent(mail.id, iso(now))
        report.sent += 1


class NotificationWorker:
    """A daemon thread: sends what is due whenever woken (new mail) and every ``interval`` seconds,
    and runs the sweeps (overdue, stale) every ``sweep_interval`` seconds. Errors are logged, never
    raised: a store or SMTP server that is down only delays mail."""

    def __init__(self, send: Callable[[], object], sweeps: list[Callable[[], object]], *, interval: float = 30.0,
                 sweep_interval: float = 900.0):
        self.send = send
        self.sweeps = sweeps
        self.interval = interval
        self.sweep_interval = sweep_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="notifications", daemon=True)
                self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        next_sweep = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + self.sweep_interval
                    for sweep in self.sweeps:
                        sweep()
                self.send()
            except Exception:  # never let the worker die
                log.exception("notification worker error")
            self._wake.wait(self.interval)
            self._wake.clear()
