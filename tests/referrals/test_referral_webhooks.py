"""Webhooks to a partner's own system: HMAC-signed, retried with backoff, never blocking the request,
and without personal data. Delivered to a small HTTP server on 127.0.0.1 only."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from socialekaart.referrals.webhooks import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Endpoint,
    WebhookDispatcher,
    check_url,
    sign,
    verify,
)
from socialekaart.shared.errors import ValidationError
from tests.referrals.referral_helpers import referral_body


class Receiver:
    """A partner's system: answers with the next status from ``script`` (then 200), optionally slowly."""

    def __init__(self, script=(), delay: float = 0.0):
        self.script = list(script)
        self.delay = delay
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver.lock:
                    status = receiver.script.pop(0) if receiver.script else 200
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                              "status": status})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def partner():
    receivers = []

    def make(script=(), delay=0.0):
        receivers.append(Receiver(script, delay))
        return receivers[-1]

    yield make
    for receiver in receivers:
        receiver.close()


def test_events_are_signed_retried_and_hold_no_personal_data(rr, actors, partner):
    system = partner(script=[500, 503])
    secrets = {org: rr.webhooks.set(org, system.url(f"/hook/{org}")) for org in ("org-swt", "org-welzijn")}
    swt, welzijn = actors["swt"].principal, actors["welzijn"].principal
    rid = rr.referrals.create(swt, referral_body())["id"]
    rr.referrals.transition(swt, rid, "verzonden")
    rr.referrals.transition(welzijn, rid, "ontvangen")
    assert rr.dispatcher.wait_idle(10)

    ok = [r for r in system.requests if r["status"] == 200]
    heard = sorted((r["path"].rsplit("/", 1)[1], json.loads(r["body"])["to"]) for r in ok)
    # The receiver hears nothing of the concept; the sender hears everything.
    assert heard == [("org-swt", "concept"), ("org-swt", "ontvangen"), ("org-swt", "verzonden"),
                     ("org-welzijn", "ontvangen"), ("org-welzijn", "verzonden")]
    assert len(system.requests) == len(ok) + 2  # two failures, each retried
    retried = system.requests[0]["headers"][DELIVERY_HEADER]
    assert [r["headers"][DELIVERY_HEADER] for r in system.requests].count(retried) >= 2
    for request in system.requests:
        org = request["path"].rsplit("/", 1)[1]
        headers = request["headers"]
        assert verify(secrets[org], headers[TIMESTAMP_HEADER], request["body"], headers[SIGNATURE_HEADER])
        assert not verify(secrets[org], headers[TIMESTAMP_HEADER], request["body"] + b" ", headers[SIGNATURE_HEADER])
        payload = json.loads(request["body"])
        assert payload["referralId"] == rid and payload["organizationId"] == org and payload["cursor"]
        text = request["body"].decode()
        for private in ("Sanne", "06 1234 5678", "betalingsachterstanden", "SWT-2026-0042"):
            assert private not in text
    assert rr.dispatcher.delivered == 5 and rr.dispatcher.failed == 0


def test_a_slow_partner_never_slows_the_request(client, rr, actors, partner):
    system = partner(delay=1.5)
    rr.webhooks.set("org-welzijn", system.url("/slow"))
    rid = rr.referrals.create(actors["swt"].principal, referral_body())["id"]
    started = time.monotonic()
    response = client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "verzonden"},
                           headers=actors["swt"].headers)
    assert response.status_code == 200
    assert time.monotonic() - started < 1.0  # the partner takes 1.5 s to answer
    assert rr.dispatcher.wait_idle(10) and len(system.requests) == 1


def test_no_retry_on_a_client_error_and_give_up_after_the_attempts(partner):
    refused, broken = partner(script=[400]), partner(script=[500] * 10)
    endpoints = [Endpoint("org-a", refused.url("/a"), "s1"), Endpoint("org-b", broken.url("/b"), "s2")]
    dispatcher = WebhookDispatcher(lambda orgs: [e for e in endpoints if e.organization_id in orgs],
                                   max_attempts=3, base_delay=0.01, allow_private=True)
    event = {"id": "evt-1", "referral_id": "ref-1", "at": "2026-01-12T09:00:00.000+00:00", "from_status": "ontvangen",
             "to_status": "geaccepteerd", "from_org_id": "org-a", "to_org_id": "org-b", "receiver_visible": True,
             "seq": 7}
    dispatcher.publish([event])
    assert dispatcher.wait_idle(5)
    dispatcher.close()
    assert len(refused.requests) == 1 and len(broken.requests) == 3
    assert dispatcher.failed == 2 and dispatcher.delivered == 0


def test_signature_and_urls():
    body = b'{"a":1}'
    signature = sign("geheim", 1_700_000_000, body)
    assert signature.startswith("sha256=") and len(signature) == 71
    assert verify("geheim", "1700000000", body, signature, now=1_700_000_100)
    assert not verify("geheim", "1700000000", body, signature, now=1_700_001_000)  # too old: replay
    assert not verify("ander", "1700000000", body, signature, now=1_700_000_100)
    assert check_url("https://partner.example.nl/hook") == "https://partner.example.nl/hook"
    assert check_url("http://127.0.0.1:8080/hook", allow_private=True)
    with pytest.raises(ValidationError, match="intern netwerk"):
        check_url("http://127.0.0.1:8080/hook")  # this machine only with SOCIALEKAART_WEBHOOK_ALLOW_PRIVATE
    for bad in ("http://partner.example.nl/hook", "ftp://x", "https://user:pw@partner.example.nl/", "javascript:x"):
        with pytest.raises(ValidationError):
            check_url(bad)
