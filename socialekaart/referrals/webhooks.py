"""Webhooks: tell a partner's own system that one of its referrals changed.

- The body names the event only (referral id, from, to, reason or outcome, cursor): no contact
  details or text. The partner fetches the rest through the API with its own token.
- Signed with HMAC-SHA256 over ``<timestamp>.<body>`` with the partner's secret:
  ``X-Socialekaart-Signature: sha256=<hex>`` and ``X-Socialekaart-Timestamp: <unix seconds>``.
- Sent from one background thread. ``publish`` only puts events in a queue, so the request that
  caused them never waits; failures are retried with exponential backoff.
"""
from __future__ import annotations

import hashlib
import heapq
import hmac
import ipaddress
import itertools
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from socialekaart.referrals.crypto import FieldCipher
from socialekaart.shared.clock import Clock, iso, utcnow
from socialekaart.shared.errors import NotFound, ValidationError

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Socialekaart-Signature"
TIMESTAMP_HEADER = "X-Socialekaart-Timestamp"
DELIVERY_HEADER = "X-Socialekaart-Delivery"
MAX_URL = 500
LOOPBACK_HOSTS = ("localhost",)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed (it could lead anywhere): it counts as a failed delivery."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)
_DIRECT = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))  # loopback: no proxy


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None,
           tolerance: int = 300) -> bool:
    """For the receiving side: a valid signature on a recent delivery."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - moment) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature or "")


def check_url(url: str) -> str:
    """https, or plain http to this machine only (for development and tests)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError("Geef een webhookadres dat begint met https://.", field="url")
    if parts.username or parts.password:
        raise ValidationError("Zet geen gebruikersnaam of wachtwoord in het webhookadres.", field="url")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ValidationError("Een webhookadres gebruikt https:// (http alleen naar deze machine zelf).", field="url")
    return url


def _loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def payload(event: dict[str, Any], organization_id: str) -> dict[str, Any]:
    return {"type": "referral.status-changed", "organizationId": organization_id, "cursor": event.get("seq"),
            "eventId": event["id"], "referralId": event["referral_id"], "at": event["at"],
            "from": event.get("from_status"), "to": event["to_status"], "reason": event.get("reason"),
            "outcome": event.get("outcome"), "linkedReferralId": event.get("linked_referral_id")}


def recipients(event: dict[str, Any]) -> list[str]:
    """The organisations that may hear of an event: the sender always, the receiver once sent."""
    orgs = [event.get("from_org_id")]
    if event.get("receiver_visible"):
        orgs.append(event.get("to_org_id"))
    return [o for o in dict.fromkeys(orgs) if o]


@dataclass(frozen=True)
class Endpoint:
    organization_id: str
    url: str
    secret: str


@dataclass
class Delivery:
    endpoint: Endpoint
    body: bytes
    delivery_id: str
    attempt: int = 0


class WebhookRegistry:
    """Where each organisation wants its webhooks; the secret is stored sealed."""

    def __init__(self, store, cipher: FieldCipher, *, clock: Clock = utcnow):
        self.store = store
        self.cipher = cipher
        self.clock = clock

    def set(self, organization_id: str, url: str) -> str:
        """Set (or replace) the webhook of an organisation; returns the new secret, shown once."""
        url = check_url(url)
        secret = "whsec_" + secrets.token_urlsafe(32)
        sealed = self.cipher.seal(secret, f"webhook/{organization_id}")
        if not self.store.set_webhook(organization_id, url, sealed, iso(self.clock())):
            raise NotFound(f"Er is geen organisatie met id {organization_id!r}.", field="organizationId")
        return secret

    def remove(self, organization_id: str) -> bool:
        return self.store.remove_webhook(organization_id)

    def endpoints(self, organization_ids: list[str]) -> list[Endpoint]:
        return [Endpoint(w["organization_id"], w["url"], self.cipher.open(w["secret_enc"],
                                                                          f"webhook/{w['organization_id']}") or "")
                for w in self.store.webhooks_for(organization_ids)]


class WebhookDispatcher:
    """One daemon thread delivers; ``publish`` never blocks (a full queue drops, with a log line)."""

    def __init__(self, lookup: Callable[[list[str]], list[Endpoint]], *, max_attempts: int = 6,
                 base_delay: float = 2.0, max_delay: float = 600.0, timeout: float = 5.0,
                 queue_limit: int = 10_000):
        self.lookup = lookup
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self.queue_limit = queue_limit
        self._inbox: list[dict[str, Any]] = []
        self._scheduled: list[tuple[float, int, Delivery]] = []
        self._order = itertools.count()
        self._busy = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.delivered = 0
        self.failed = 0

    def publish(self, events: list[dict[str, Any]]) -> None:
        with self._cond:
            if self._stopping:
                return
            if len(self._inbox) + len(self._scheduled) + len(events) > self.queue_limit:
                log.warning("webhook queue full: %d events dropped", len(events))
                return
            self._inbox.extend(events)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
                self._thread.start()
            self._cond.notify()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Until nothing is queued, scheduled or in flight (tests, and the CLI before it exits)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._inbox or self._scheduled or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def close(self, timeout: float = 2.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the worker ------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not self._inbox and not self._due():
                    wait = self._scheduled[0][0] - time.monotonic() if self._scheduled else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                events, self._inbox = self._inbox, []
                due = []
                while self._due():
                    due.append(heapq.heappop(self._scheduled)[2])
                self._busy += 1
            try:
                for delivery in self._expand(events) + due:
                    self._attempt(delivery)
            except Exception:  # never let the worker die
                log.exception("webhook worker error")
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _due(self) -> bool:
        return bool(self._scheduled) and self._scheduled[0][0] <= time.monotonic()

    def _expand(self, events: list[dict[str, Any]]) -> list[Delivery]:
        if not events:
            return []
        wanted = sorted({org for event in events for org in recipients(event)})
        endpoints = {e.organization_id: e for e in self.lookup(wanted)} if wanted else {}
        deliveries = []
        for event in events:
            for org in recipients(event):
                if org in endpoints:
                    body = json.dumps(payload(event, org), ensure_ascii=False, separators=(",", ":")).encode()
                    deliveries.append(Delivery(endpoints[org], body, f"{event['id']}-{org}"))
        return deliveries

    def _attempt(self, delivery: Delivery) -> None:
        delivery.attempt += 1
        timestamp = int(time.time())
        request = urllib.request.Request(delivery.endpoint.url, data=delivery.body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "socialekaart-webhooks/1",
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, delivery.body),
            TIMESTAMP_HEADER: str(timestamp), DELIVERY_HEADER: delivery.delivery_id})
        retry = True
        try:
            opener = _DIRECT if _loopback(urlsplit(delivery.endpoint.url).hostname or "") else _OPENER
            with opener.open(request, timeout=self.timeout) as response:  # noqa: S310 - URL checked when set
                if 200 <= response.status < 300:
                    self.delivered += 1
                    return
        except urllib.error.HTTPError as exc:
            retry = exc.code >= 500 or exc.code in (408, 429)
            log.info("webhook %s answered %s", delivery.endpoint.url, exc.code)
        except (urllib.error.URLError, OSError) as exc:
            log.info("webhook %s unreachable: %s", delivery.endpoint.url, exc)
        if not retry or delivery.attempt >= self.max_attempts:
            self.failed += 1
            log.warning("webhook delivery %s to %s given up after %d attempts", delivery.delivery_id,
                        delivery.endpoint.url, delivery.attempt)
            return
        delay = min(self.max_delay, self.base_delay * 2 ** (delivery.attempt - 1))
        with self._cond:
            heapq.heappush(self._scheduled, (time.monotonic() + delay, next(self._order), delivery))
            self._cond.notify()
