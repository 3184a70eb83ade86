"""Personal data over HTTP (issue finding 8): never cached, store errors without the database's words,
sign-in limits per visitor and per account behind a trusted proxy, /health and /metrics closed.

On both stores (tests/conftest.py ``backend``), on the seeded region of the referral tests.
"""
from __future__ import annotations

import logging
import re
import threading

import pytest
import requests
import waitress.server

from socialekaart.accounts.service import hash_password
from web.bootstrap import current_runtime
from web.privacy_http import proxy_options

PASSWORD = "een-lang-genoeg-wachtwoord"


def bearer(actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {actor.token}"}


def test_answers_with_personal_data_are_never_cached(client, actors):
    for path in ("/api/v1/referrals", "/api/v1/me"):
        response = client.get(path, headers=bearer(actors["swt"]))
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    for path in ("/aanmelden", "/inbox", "/health"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    # Static assets and the anonymous public search may be cached.
    assert "no-store" not in client.get("/static/css/referrals.css").headers.get("Cache-Control", "")
    public = client.get("/api/v1/services?postcode=4461AB")
    assert public.status_code == 200 and "no-store" not in public.headers.get("Cache-Control", "")


def test_a_store_query_error_is_a_generic_problem_with_a_correlation_id(runtime, rr, caplog):
    from web import create_app

    app = create_app({"SETTINGS": runtime.settings, "RUNTIME": runtime, "TESTING": True})
    app.extensions["socialekaart.referrals"] = rr

    def broken_query():  # a real statement the real database refuses
        current_runtime().store.connection.read("MATCH (n:Service RETURN n")
        return "unreachable"

    app.add_url_rule("/api/v1/kapotte-query", view_func=broken_query)
    caplog.set_level(logging.ERROR, logger="web.problems")
    response = app.test_client().get("/api/v1/kapotte-query")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["detail"] == "Er ging iets mis aan onze kant. Probeer het later opnieuw."
    assert re.fullmatch(r"[0-9a-f]{32}", body["correlationId"])
    text = response.get_data(as_text=True)
    assert "weigerde" not in text and "MATCH" not in text and "Service" not in text
    logged = [r.getMessage() for r in caplog.records if body["correlationId"] in r.getMessage()]
    assert logged and "weigerde" in logged[0]  # the details are in the server log, under that id


def test_health_says_only_the_status_unless_an_admin_asks(client, actors, backend):
    public = client.get("/health")
    assert public.status_code == 200 and public.get_json() == {"status": "ok"}
    assert client.get("/health", headers=bearer(actors["swt"])).get_json() == {"status": "ok"}
    admin = client.get("/health", headers=bearer(actors["admin"])).get_json()
    assert admin["status"] == "ok" and admin["backend"] == backend and admin["nodes"]["Gemeente"] == 2


def test_metrics_only_with_the_metrics_token(app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 404  # no token set: off
    app.config["SOCIALEKAART_METRICS_TOKEN"] = "meet-token-1234567890"
    refused = client.get("/metrics")
    assert refused.status_code == 401 and "socialekaart_http_requests_total" not in refused.get_data(as_text=True)
    assert client.get("/metrics", headers={"Authorization": "Bearer fout"}).status_code == 401
    allowed = client.get("/metrics", headers={"Authorization": "Bearer meet-token-1234567890"})
    assert allowed.status_code == 200 and "socialekaart_store_up 1.0" in allowed.get_data(as_text=True)


@pytest.fixture
def behind_proxy(app, rr, actors):
    """The app on a real waitress server as ``socialekaart serve`` starts it, trusting the proxy on 127.0.0.1."""
    yield from serve(app, rr, actors, {"SOCIALEKAART_TRUSTED_PROXY": "127.0.0.1"})


@pytest.fixture
def untrusted_proxy(app, rr, actors):
    """The same without the setting: every visitor has the proxy's address."""
    yield from serve(app, rr, actors, {})


def serve(app, rr, actors, environ):
    hashed = hash_password(PASSWORD)
    for name in ("swt", "welzijn"):
        rr.accounts.store.set_password_hash(actors[name].principal.account_id, hashed)
    options = proxy_options(environ)
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=2, **options)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


def sign_in(base: str, email: str, password: str, visitor: str) -> int:
    session = requests.Session()
    headers = {"X-Forwarded-For": visitor}
    form = session.get(f"{base}/aanmelden", headers=headers, timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return session.post(f"{base}/aanmelden", headers=headers, allow_redirects=False, timeout=30,
                        data={"email": email, "wachtwoord": password, "csrf_token": csrf}).status_code


def test_behind_a_trusted_proxy_one_guesser_locks_out_one_account_not_everyone(behind_proxy):
    for _ in range(5):
        assert sign_in(behind_proxy, "swt@test.example.nl", "fout-fout-fout", "203.0.113.5") == 401
    # Another visitor, another account: through the same proxy, still welcome.
    assert sign_in(behind_proxy, "welzijn@test.example.nl", PASSWORD, "198.51.100.7") == 303
    # The guessed account stays locked from everywhere, even with the right password.
    assert sign_in(behind_proxy, "swt@test.example.nl", PASSWORD, "198.51.100.7") == 429


def test_without_the_proxy_setting_one_guesser_still_locks_out_only_that_account(untrusted_proxy):
    # All visitors share the proxy's address: the per-address limit is higher than the per-account one.
    for _ in range(5):
        assert sign_in(untrusted_proxy, "swt@test.example.nl", "fout-fout-fout", "203.0.113.5") == 401
    assert sign_in(untrusted_proxy, "welzijn@test.example.nl", PASSWORD, "198.51.100.7") == 303
    assert sign_in(untrusted_proxy, "swt@test.example.nl", PASSWORD, "198.51.100.7") == 429


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored():
    assert proxy_options({}) == {"clear_untrusted_proxy_headers": True}
    options = proxy_options({"SOCIALEKAART_TRUSTED_PROXY": "10.0.0.2", "SOCIALEKAART_TRUSTED_PROXY_COUNT": "2"})
    assert options["trusted_proxy"] == "10.0.0.2" and options["trusted_proxy_count"] == 2
