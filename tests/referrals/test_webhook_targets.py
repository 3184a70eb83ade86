"""Webhooks never reach this machine or an internal network unless allowed, and one slow partner
does not hold up another (issue finding 8). Real HTTP servers on 127.0.0.1; the registry on both stores."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from socialekaart.referrals.webhooks import Endpoint, WebhookDispatcher, WebhookRegistry
from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError, ValidationError

INWARD = ["http://127.0.0.1:8080/hook", "http://localhost:8080/hook", "https://10.1.2.3/hook",
          "https://192.168.1.10/hook", "https://172.16.0.5/hook", "https://169.254.169.254/latest/meta-data",
          "https://[::1]/hook", "https://[fe80::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://0.0.0.0/hook",
          "https://localhost/hook"]


class Partner:
    """A partner system on 127.0.0.1; ``hold`` keeps every answer waiting until released."""

    def __init__(self, hold: bool = False):
        self.received = threading.Event()
        self.release = threading.Event()
        self.paths: list[str] = []
        if not hold:
            self.release.set()
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                partner.paths.append(self.path)
                partner.received.set()
                partner.release.wait(30)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def partners():
    made: list[Partner] = []

    def make(hold: bool = False) -> Partner:
        made.append(Partner(hold))
        return made[-1]

    yield make
    for partner in made:
        partner.close()


def event(from_org: str, to_org: str) -> dict:
    return {"id": "evt-1", "referral_id": "ref-1", "at": "2026-01-12T09:00:00.000+00:00", "from_status": "verzonden",
            "to_status": "ontvangen", "from_org_id": from_org, "to_org_id": to_org, "receiver_visible": True, "seq": 1}


def test_an_inward_webhook_address_is_refused_and_nothing_is_written(rr):
    registry = WebhookRegistry(rr.referral_store, rr.cipher)  # the default: no private targets
    rr.webhooks.set("org-swt", "https://partner.example.nl/hook")
    for url in INWARD:
        with pytest.raises(ValidationError, match="intern netwerk|deze machine"):
            registry.set("org-swt", url)
    assert [e.url for e in rr.webhooks.endpoints(["org-swt"])] == ["https://partner.example.nl/hook"]
    allowing = WebhookRegistry(rr.referral_store, rr.cipher, allow_private=True)
    allowing.set("org-swt", "https://10.1.2.3/hook")
    assert [e.url for e in rr.webhooks.endpoints(["org-swt"])] == ["https://10.1.2.3/hook"]


def test_a_delivery_to_an_address_that_now_points_inward_is_not_sent(partners):
    # Set while allowed (or while the name still pointed outward): checked again at delivery.
    system = partners()
    endpoint = Endpoint("org-a", system.url("/hook").replace("127.0.0.1", "localhost"), "geheim")
    dispatcher = WebhookDispatcher(lambda orgs: [endpoint], base_delay=0.01)
    dispatcher.publish([event("org-a", "org-b")])
    assert dispatcher.wait_idle(10)
    dispatcher.close()
    assert system.paths == [] and dispatcher.failed == 1 and dispatcher.delivered == 0


def test_one_hanging_partner_does_not_hold_up_another(partners):
    slow, fast = partners(hold=True), partners()
    endpoints = [Endpoint("org-slow", slow.url("/slow"), "s1"), Endpoint("org-fast", fast.url("/fast"), "s2")]
    dispatcher = WebhookDispatcher(lambda orgs: [e for e in endpoints if e.organization_id in orgs],
                                   timeout=30, allow_private=True)
    try:
        dispatcher.publish([event("org-slow", "org-fast")])  # the slow partner's delivery comes first
        assert slow.received.wait(10)
        assert fast.received.wait(10), "the fast partner waited for the slow one"
        assert not slow.release.is_set()  # the slow partner was still holding its answer
        slow.release.set()
        assert dispatcher.wait_idle(10)
        assert dispatcher.delivered == 2 and dispatcher.failed == 0
    finally:
        slow.release.set()
        dispatcher.close()


def test_the_allow_private_setting_is_read_strictly():
    assert Settings.from_env({}).webhook_allow_private is False
    assert Settings.from_env({"SOCIALEKAART_WEBHOOK_ALLOW_PRIVATE": "ja"}).webhook_allow_private is True
    with pytest.raises(ConfigError, match="WEBHOOK_ALLOW_PRIVATE"):
        Settings.from_env({"SOCIALEKAART_WEBHOOK_ALLOW_PRIVATE": "misschien"})
