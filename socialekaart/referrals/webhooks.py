"""Webhooks: tell a partner's own system that one of its referrals changed.

- The body names the event only (referral id, from, to, reason or outcome, cursor): no contact
  details or text. The partner fetches the rest through the API with its own token.
- Signed with HMAC-SHA256 over ``<timestamp>.<body>`` with the partner's secret:
  ``X-Socialekaart-Signature: sha256=<hex>`` and ``X-Socialekaart-Timestamp: <unix seconds>``.
- Sent in the background, one lane (thread) per endpoint: ``publish`` only puts events in a queue,
  so the request that caused them never waits, and one slow partner never holds up another's
  deliveries. Failures are retried with exponential backoff.
- Never to this machine or an internal network: an address that is (or resolves to) a private,
  loopback, link-local or otherwise non-public IP is refused when set and again at every delivery,
  and the connection goes to the very address that was checked (no second look-up that DNS
  rebinding could turn). ``allow_private`` (SOCIALEKAART_WEBHOOK_ALLOW_PRIVATE) lifts this for a
  partner inside your own network, and for development.
"""
from __future__ import annotations

import hashlib
import heapq
import hmac
import http.client
import ipaddress
import itertools
import json
import logging
import queue
import secrets
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol
from urllib.parse import urlsplit

from socialekaart.referrals.crypto import FieldCipher
from socialekaart.referrals.records import Webhook
from socialekaart.shared.clock import Clock, iso, utcnow
from socialekaart.shared.errors import NotFound, ValidationError

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Socialekaart-Signature"
TIMESTAMP_HEADER = "X-Socialekaart-Timestamp"
DELIVERY_HEADER = "X-Socialekaart-Delivery"
MAX_URL = 500
LOOPBACK_HOSTS = ("localhost",)


class UnsafeTarget(ValidationError):
    """A webhook address on this machine or an internal network, without ``allow_private``."""


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


def check_url(url: str, *, allow_private: bool = False) -> str:
    """https, or plain http to this machine only (for development and tests); never to a
    non-public address unless ``allow_private``. A name that does not resolve yet is accepted: it is
    checked again at every delivery."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError("Geef een webhookadres dat begint met https://.", field="url")
    if parts.username or parts.password:
        raise ValidationError("Zet geen gebruikersnaam of wachtwoord in het webhookadres.", field="url")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ValidationError("Een webhookadres gebruikt https:// (http alleen naar deze machine zelf).", field="url")
    if not allow_private:
        try:
            public_addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        except OSError:
            pass  # not resolvable now: refused or accepted at delivery
    return url


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str, port: int, *, allow_private: bool = False) -> list[str]:
    """The addresses ``host`` resolves to; UnsafeTarget if any is not public (one bad answer is enough:
    a name that points inward is not a partner's). OSError when it does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private and not all(_is_public(address) for address in addresses):
        raise UnsafeTarget(f"Het webhookadres {host} wijst naar deze machine of een intern netwerk; dat mag "
                           "niet (zet SOCIALEKAART_WEBHOOK_ALLOW_PRIVATE aan voor een partner in uw eigen netwerk).",
                           field="url")
    return addresses


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


class WebhookStore(Protocol):
    """What the registry needs from storage; graph/stores/referrals.py implements it."""

    def set_webhook(self, organization_id: str, url: str, secret_enc: str, at: str) -> bool:
        """Set (or replace) the organisation's webhook; False when there is no such organisation."""
    def remove_webhook(self, organization_id: str) -> bool: ...
    def webhooks_for(self, organization_ids: list[str]) -> list[Webhook]: ...


class WebhookRegistry:
    """Where each organisation wants its webhooks; the secret is stored sealed."""

    def __init__(self, store: WebhookStore, cipher: FieldCipher, *, clock: Clock = utcnow, allow_private: bool = False):
        self.store = store
        self.cipher = cipher
        self.clock = clock
        self.allow_private = allow_private

    def set(self, organization_id: str, url: str) -> str:
        """Set (or replace) the webhook of an organisation; returns the new secret, shown once."""
        url = check_url(url, allow_private=self.allow_private)
        secret = "whsec_" + secrets.token_urlsafe(32)
        sealed = self.cipher.seal(secret, f"webhook/{organization_id}")
        assert sealed is not None  # a text always seals
        if not self.store.set_webhook(organization_id, url, sealed, iso(self.clock())):
            raise NotFound(f"Er is geen organisatie met id {organization_id!r}.", field="organizationId")
        return secret

    def remove(self, organization_id: str) -> bool:
        return self.store.remove_webhook(organization_id)

    def endpoints(self, organization_ids: list[str]) -> list[Endpoint]:
        return [Endpoint(w.organization_id, w.url, self.cipher.open(w.secret_enc, f"webhook/{w.organization_id}") or "")
                for w in self.store.webhooks_for(organization_ids)]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to a fresh look-up of the name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    _context = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)  # certificate of the name


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool) -> int:
    """POST to a checked address; the status (a redirect is not followed: it could lead anywhere)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = public_addresses(parts.hostname or "", port, allow_private=allow_private)[0]
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname or "", port, address, timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class WebhookDispatcher:
    """``publish`` never blocks (a full queue drops, with a log line). One planner thread turns events
    into deliveries and keeps the retry schedule; each endpoint has its own lane (a thread and a
    queue), so a slow or hanging partner delays only its own deliveries, in their order."""

    def __init__(self, lookup: Callable[[list[str]], list[Endpoint]], *, max_attempts: int = 6,
                 base_delay: float = 2.0, max_delay: float = 600.0, timeout: float = 5.0,
                 queue_limit: int = 10_000, allow_private: bool = False):
        self.lookup = lookup
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self.queue_limit = queue_limit
        self.allow_private = allow_private
        self._inbox: list[dict[str, Any]] = []
        self._scheduled: list[tuple[float, int, Delivery]] = []
        self._order = itertools.count()
        self._busy = 0  # deliveries handed to a lane and not yet done, plus the planner at work
        self._lanes: dict[str, queue.SimpleQueue[Delivery | None]] = {}
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
            lanes = list(self._lanes.values())
            self._cond.notify_all()
        for lane in lanes:
            lane.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the planner -----------------------------------------------------------------------------
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
                    self._hand_to_lane(delivery)
            except Exception:  # never let the planner die
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

    # -- the lanes -------------------------------------------------------------------------------
    def _hand_to_lane(self, delivery: Delivery) -> None:
        key = delivery.endpoint.url
        with self._cond:
            if self._stopping:
                return
            lane = self._lanes.get(key)
            if lane is None:
                lane = self._lanes[key] = queue.SimpleQueue()
                threading.Thread(target=self._lane, args=(lane,), name=f"webhooks-{len(self._lanes)}",
                                 daemon=True).start()
            self._busy += 1
        lane.put(delivery)

    def _lane(self, lane: "queue.SimpleQueue[Delivery | None]") -> None:
        while (delivery := lane.get()) is not None:
            try:
                self._attempt(delivery)
            except Exception:  # never let a lane die
                log.exception("webhook lane error")
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _attempt(self, delivery: Delivery) -> None:
        delivery.attempt += 1
        timestamp = int(time.time())
        headers = {"Content-Type": "application/json", "User-Agent": "socialekaart-webhooks/1",
                   SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, delivery.body),
                   TIMESTAMP_HEADER: str(timestamp), DELIVERY_HEADER: delivery.delivery_id}
        retry = True
        try:
            status = post(delivery.endpoint.url, delivery.body, headers, timeout=self.timeout,
                          allow_private=self.allow_private)
            if 200 <= status < 300:
                with self._cond:
                    self.delivered += 1
                return
            retry = status >= 500 or status in (408, 429)
            log.info("webhook %s answered %s", delivery.endpoint.url, status)
        except UnsafeTarget as exc:
            retry = False
            log.warning("webhook %s refused: %s", delivery.endpoint.url, exc.message)
        except (OSError, http.client.HTTPException) as exc:
            log.info("webhook %s unreachable: %s", delivery.endpoint.url, exc)
        if not retry or delivery.attempt >= self.max_attempts:
            with self._cond:
                self.failed += 1
            log.warning("webhook delivery %s to %s given up after %d attempts", delivery.delivery_id,
                        delivery.endpoint.url, delivery.attempt)
            return
        delay = min(self.max_delay, self.base_delay * 2 ** (delivery.attempt - 1))
        with self._cond:
            heapq.heappush(self._scheduled, (time.monotonic() + delay, next(self._order), delivery))
            self._cond.notify()
