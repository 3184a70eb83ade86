"""Access: who may do what, generated from the OpenAPI description; security headers and CORS on
every answer; rate limits on token use and sign-in; secrets never in logs or answers; an audit
log the API cannot change."""
from __future__ import annotations

import logging
import re
import time

import pytest

from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError
from tests.hardening.figures import count
from tests.hardening.world import make_app
from tests.referrals.referral_helpers import referral_body

BAD_TOKENS = ("expired", "revoked", "malformed")
PROFESSIONALS = ("swt", "welzijn", "other")
EVERYONE = ("anonymous", "swt", "welzijn", "other", "beheerder", "beheerder_other", "coordinator", "admin") + BAD_TOKENS
OK = {200, 201}


def rules(world) -> dict[tuple[str, str], dict]:
    """Per operation: the request to send and the answer each caller gets. A new operation without a
    rule here fails the matrix test: decide who may use it, then add it."""
    ref = world.referrals["received"]  # sent by org-swt to org-welzijn, now 'ontvangen'
    public = {"who": {name: OK for name in EVERYONE}}  # public reads ignore any token
    professional = {name: OK for name in PROFESSIONALS} | {n: {403} for n in
                                                           ("beheerder", "beheerder_other", "coordinator", "admin")}
    coordinators = {"coordinator": OK, "admin": OK} | {n: {403} for n in (*PROFESSIONALS, "beheerder",
                                                                            "beheerder_other")}
    listing = {"beheerder": OK, "admin": OK, "beheerder_other": {403}} | {n: {403} for n in
                                                                           (*PROFESSIONALS, "coordinator")}
    return {
        ("get", "/api/v1/services"): {**public, "path": "/api/v1/services?postcode=4461AB"},
        ("get", "/api/v1/services/{service_id}"): {**public, "path": "/api/v1/services/svc-schuld"},
        ("get", "/api/v1/organizations"): {**public, "path": "/api/v1/organizations"},
        ("get", "/api/v1/organizations/{organization_id}"): {**public, "path": "/api/v1/organizations/org-welzijn"},
        ("get", "/api/v1/areas"): {**public, "path": "/api/v1/areas"},
        ("get", "/api/v1/areas/{code}"): {**public, "path": "/api/v1/areas/GM0664"},
        ("get", "/api/v1/taxonomies"): {**public, "path": "/api/v1/taxonomies"},
        ("get", "/api/v1/geocode"): {**public, "path": "/api/v1/geocode?postcode=4461AB"},
        ("get", "/api/v1/referrals"): {"path": "/api/v1/referrals", "who": professional},
        ("post", "/api/v1/referrals"): {"path": "/api/v1/referrals", "body": referral_body(), "who": professional},
        ("post", "/api/v1/referrals/export"): {"path": "/api/v1/referrals/export", "body": {"clientRef": "SWT-1"},
                                               "who": professional},
        # Only the sender and the receiver see a referral; to anyone else it does not exist (404, not 403).
        ("get", "/api/v1/referrals/{referral_id}"): {"path": f"/api/v1/referrals/{ref}",
                                                     "who": professional | {"other": {404}}},
        # A stale version: a caller who gets past the door hears 409 and nothing changes.
        ("post", "/api/v1/referrals/{referral_id}/transitions"): {
            "path": f"/api/v1/referrals/{ref}/transitions", "body": {"to": "geaccepteerd", "version": 99},
            "who": professional | {"swt": {409}, "welzijn": {409}, "other": {404}}},
        # Messages: between the sender and the receiver only (issue 15 §4).
        ("get", "/api/v1/referrals/{referral_id}/messages"): {"path": f"/api/v1/referrals/{ref}/messages",
                                                              "who": professional | {"other": {404}}},
        ("post", "/api/v1/referrals/{referral_id}/messages"): {
            "path": f"/api/v1/referrals/{ref}/messages", "body": {"text": "Intake staat gepland."},
            "who": professional | {"other": {404}}},
        # Opnieuw verwijzen: the sender only, and not while it is open (409); the receiver 403.
        ("post", "/api/v1/referrals/{referral_id}/re-referrals"): {
            "path": f"/api/v1/referrals/{ref}/re-referrals",
            "body": {"serviceId": "svc-begeleiding", "consent": {"purpose": "Hulp", "partnerId": "org-zorg",
                                                                 "method": "mondeling"}},
            "who": professional | {"swt": {409}, "welzijn": {403}, "other": {404}}},
        ("get", "/api/v1/referral-events"): {"path": "/api/v1/referral-events", "who": professional},
        # Each organisation's beheerder reads the audit log of their own organisation.
        ("get", "/api/v1/audit"): {"path": "/api/v1/audit", "who": {"beheerder": OK, "beheerder_other": OK} | {
            n: {403} for n in (*PROFESSIONALS, "coordinator", "admin")}},
        ("get", "/api/v1/me"): {"path": "/api/v1/me", "who": {n: OK for n in EVERYONE if n not in BAD_TOKENS
                                                              and n != "anonymous"}},
        ("get", "/api/v1/network/figures"): {"path": "/api/v1/network/figures", "who": coordinators},
        ("get", "/api/v1/network/flows"): {"path": "/api/v1/network/flows", "who": coordinators},
        ("get", "/api/v1/network/graph"): {"path": "/api/v1/network/graph", "who": coordinators},
        ("get", "/api/v1/coverage"): {"path": "/api/v1/coverage?area=GM0664", "who": coordinators},
        ("get", "/api/v1/gaps"): {"path": "/api/v1/gaps?area=GM0664", "who": coordinators},
        ("get", "/api/v1/coverage/report"): {"path": "/api/v1/coverage/report?area=GM0664", "who": coordinators},
        ("get", "/api/v1/stale-services"): {"path": "/api/v1/stale-services", "who": coordinators},
        ("patch", "/api/v1/services/{service_id}"): {"path": "/api/v1/services/svc-schuld",
                                                     "body": {"phone": "0113 123456"}, "who": listing},
        ("post", "/api/v1/services/{service_id}/verification"): {"path": "/api/v1/services/svc-schuld/verification",
                                                                 "who": listing},
        # Status links for the inwoner: only the sending organisation; the receiver is refused, anyone else
        # does not see the referral at all.
        ("post", "/api/v1/referrals/{referral_id}/status-links"): {
            "path": f"/api/v1/referrals/{ref}/status-links", "who": professional | {"welzijn": {403}, "other": {404}}},
        ("get", "/api/v1/referrals/{referral_id}/status-links"): {
            "path": f"/api/v1/referrals/{ref}/status-links", "who": professional | {"welzijn": {403}, "other": {404}}},
        ("post", "/api/v1/referrals/{referral_id}/status-links/{link_id}/revocation"): {
            "path": f"/api/v1/referrals/{ref}/status-links/sl-onbekend/revocation",
            "who": professional | {"swt": {404}, "welzijn": {403}, "other": {404}}},
        # Every account sets its own e-mail preferences.
        ("get", "/api/v1/notification-preferences"): {"path": "/api/v1/notification-preferences", "who": {
            n: OK for n in EVERYONE if n not in BAD_TOKENS and n != "anonymous"}},
        ("patch", "/api/v1/notification-preferences"): {"path": "/api/v1/notification-preferences",
                                                      "body": {"preferences": {"nieuw": True}}, "who": {
            n: OK for n in EVERYONE if n not in BAD_TOKENS and n != "anonymous"}},
        ("post", "/api/v1/organizations/{organization_id}/services"): {
            "path": "/api/v1/organizations/org-welzijn/services", "who": listing,
            "body": {"name": "Matrix-inloop", "rung": "informeel", "lifeDomains": ["geldzaken"], "serves": ["GM0664"]}},
        # A listing that does not exist (the seeded ones are read by the other rules): a caller who gets
        # past the door hears 404, everyone else 403; removing a real one is tested in test_listings_beheer.
        ("delete", "/api/v1/services/{service_id}"): {
            "path": "/api/v1/services/svc-bestaat-niet",
            "who": {"beheerder": {404}, "admin": {404}, "beheerder_other": {404}} | {
                n: {403} for n in (*PROFESSIONALS, "coordinator")}},
    }


def spec_operations(client) -> list[tuple[str, str, bool]]:
    spec = client.get("/api/v1/openapi.json").get_json()
    base = spec["servers"][0]["url"]  # the paths are relative to it (/api/v1)
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "patch", "put", "delete"):
                found.append((method, base + path, bool(operation.get("security"))))
    return found


def audit_rows(world) -> dict[str, dict]:
    rows = world.connection.read("MATCH (a:AuditEntry) RETURN properties(a) AS a")
    return {row["a"]["id"]: row["a"] for row in rows}


def test_authorisation_matrix_from_the_openapi(world, app):
    client = app.test_client()
    table = rules(world)
    operations = spec_operations(client)
    missing = [(m, p) for m, p, _ in operations if (m, p) not in table]
    assert not missing, f"operations without an access rule: {missing}"
    audit_before = audit_rows(world)
    checked = 0
    for method, path, secured in operations:
        rule = table[(method, path)]
        for name in EVERYONE:
            caller = world.callers[name]
            response = client.open(rule["path"], method=method.upper(), json=rule.get("body"), headers=caller.headers)
            checked += 1
            if secured and (name == "anonymous" or name in BAD_TOKENS):
                expected = {401}
            else:
                expected = rule["who"].get(name)
            assert expected is not None, (method, path, name)
            assert response.status_code in expected, (method, path, name, response.status_code,
                                                       response.get_data(as_text=True)[:300])
            if response.status_code == 401:
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
                assert response.mimetype == "application/problem+json"
            if response.status_code in (403, 404, 409):
                assert response.mimetype == "application/problem+json"
        if not secured:  # what is public is documented as such, and works without a token
            assert all(code in OK for code in rule["who"]["anonymous"])
    # The audit log only grows: every entry from before is still there, unchanged.
    audit_after = audit_rows(world)
    assert all(audit_after.get(key) == value for key, value in audit_before.items())
    assert len(audit_after) > len(audit_before)
    count("access checks (operation x caller)", checked)


def test_the_api_has_no_way_to_change_or_delete_the_audit_log(app):
    client = app.test_client()
    # The beheerder's read (GET /api/v1/audit) is the only audit operation.
    assert [(m, p) for m, p, _ in spec_operations(client) if "audit" in p.lower()] == [("get", "/api/v1/audit")]
    # The one DELETE removes a listing (and writes an audit entry); nothing is PUT.
    assert [(m, p) for m, p, _ in spec_operations(client) if m in ("delete", "put")] == [
        ("delete", "/api/v1/services/{service_id}")]
    # And no route outside the description either.
    writable = [rule.rule for rule in app.url_map.iter_rules()
                if rule.methods & {"PUT"} or rule.methods & {"DELETE"} and rule.rule != "/api/v1/services/<string:service_id>"
                or "audit" in rule.rule.lower() and rule.methods - {"GET", "HEAD", "OPTIONS"}]
    assert not writable, writable


def test_every_referral_read_and_change_is_audited(world, app):
    client = app.test_client()
    ref = world.referrals["sent"]
    before = len([a for a in audit_rows(world).values() if a.get("referral_id") == ref])
    client.get(f"/api/v1/referrals/{ref}", headers=world.callers["swt"].headers)
    client.get(f"/api/v1/referrals/{ref}", headers=world.callers["other"].headers)  # refused: audited too
    entries = [a for a in audit_rows(world).values() if a.get("referral_id") == ref]
    assert len(entries) == before + 2
    assert {(a["action"], a["allowed"]) for a in entries} >= {("inzien", True), ("inzien", False)}


# -- headers and CORS ------------------------------------------------------------------------------
def _answers(app, world):
    client = app.test_client()
    from web.pages.session import session_values

    signed_in = app.test_client()
    with signed_in.session_transaction() as session:
        session.update(session_values(world.rr.accounts.authenticate(world.callers["swt"].token)))
    paths = [rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments]
    paths += ["/hulp/svc-schuld", "/api/v1/services/svc-schuld", "/hsds/services/svc-schuld", "/nope", "/api/v1/nope",
              "/static/css/nope.css", "/api/v1/services?pageSize=0"]
    for path in paths:
        yield path, client.get(path)
        yield path + " (signed in)", signed_in.get(path)
    yield "405", client.delete("/api/v1/services")
    yield "415", client.post("/api/v1/referrals", data="x", content_type="text/plain",
                             headers=world.callers["swt"].headers)
    yield "413", client.post("/api/v1/referrals", data="x" * (3 * 1024 * 1024), content_type="application/json")
    yield "401", client.get("/api/v1/me")


def test_security_headers_on_every_answer(world, app):
    checked = 0
    for what, response in _answers(app, world):
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        script_src = csp.split("script-src")[1].split(";")[0] if "script-src" in csp else ""
        assert "'self'" in script_src and "unsafe-inline" not in script_src, (what, csp)
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, (what, csp)
        assert headers.get("X-Content-Type-Options") == "nosniff", what
        assert headers.get("Referrer-Policy") == "no-referrer", what
        assert headers.get("X-Frame-Options") == "DENY", what
        assert "Strict-Transport-Security" not in headers, what  # plain http: no HSTS
        assert "Access-Control-Allow-Credentials" not in headers, what
        assert response.status_code < 500, (what, response.status_code)
        checked += 1
    assert checked > 30


def test_hsts_on_every_answer_behind_tls(app):
    client = app.test_client()
    for path in ("/", "/api/v1/services/svc-schuld", "/hsds/services", "/health", "/nope", "/aanmelden"):
        response = client.get(path, base_url="https://socialekaart.example.nl")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000"), path


def test_cors_only_for_public_reads(world, app):
    client = app.test_client()
    origin = {"Origin": "https://andere-site.example"}
    preflight = client.options("/api/v1/services", headers={**origin, "Access-Control-Request-Method": "GET"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight.headers["Access-Control-Allow-Methods"]
    for path in ("/api/v1/services", "/hsds/services", "/api/v1/taxonomies"):
        assert client.get(path, headers=origin).headers["Access-Control-Allow-Origin"] == "*"
    # Anything with a token or a session: no CORS, so a browser on another site cannot read it.
    for path in ("/api/v1/referrals", "/api/v1/me", "/api/v1/network/figures", "/api/v1/coverage", "/inbox", "/health"):
        answer = client.get(path, headers={**origin, **world.callers["swt"].headers})
        assert "Access-Control-Allow-Origin" not in answer.headers, path
    write = client.options("/api/v1/referrals", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in write.headers
    post = client.post("/api/v1/referrals", json=referral_body(), headers={**origin, **world.callers["swt"].headers})
    assert "Access-Control-Allow-Origin" not in post.headers


# -- rate limits -----------------------------------------------------------------------------------
def test_token_use_is_limited_per_token(world):
    app = make_app(world, SOCIALEKAART_RATE_LIMIT_TOKEN="5 per minute")
    client = app.test_client()
    swt, welzijn = world.callers["swt"].headers, world.callers["welzijn"].headers
    answers = [client.get("/api/v1/me", headers=swt).status_code for _ in range(5)]
    assert answers == [200] * 5
    blocked = client.get("/api/v1/referrals", headers=swt)  # all endpoints share the token's budget
    assert blocked.status_code == 429 and blocked.mimetype == "application/problem+json"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    assert "verzoeken" in blocked.get_json()["detail"]
    assert client.get("/api/v1/me", headers=welzijn).status_code == 200  # another token: its own budget
    assert client.get("/api/v1/services/svc-schuld").status_code == 200  # public reads without a token: free
    count("faults survived")  # a flood of one token does not starve the others


def test_sign_in_is_limited_per_client_address(world):
    app = make_app(world, SOCIALEKAART_RATE_LIMIT_SIGN_IN="3 per minute")
    client = app.test_client()

    def attempt(number: int, address: str = "10.0.0.1"):
        with client.session_transaction() as session:
            session["csrf"] = "t"
        return client.post("/aanmelden", data={"email": f"gok{number}@example.nl", "wachtwoord": "verkeerd-wachtwoord",
                                               "csrf_token": "t"}, environ_base={"REMOTE_ADDR": address})

    statuses = [attempt(i).status_code for i in range(3)]
    assert 429 not in statuses, statuses
    blocked = attempt(3)
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert "text/html" in blocked.mimetype and "te veel" in blocked.get_data(as_text=True).lower()
    assert attempt(4, "10.0.0.2").status_code != 429  # another address is not blocked
    assert client.get("/aanmelden", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200  # only POSTs count


def test_limits_are_settings_and_a_bad_one_stops_start_up(world, monkeypatch):
    monkeypatch.setenv("SOCIALEKAART_RATE_LIMIT_TOKEN", "veel per dag")
    from web import create_app

    with pytest.raises(ConfigError) as caught:
        create_app({"SETTINGS": world.runtime.settings, "RUNTIME": world.runtime})
    assert "SOCIALEKAART_RATE_LIMIT_TOKEN" in caught.value.message
    monkeypatch.setenv("SOCIALEKAART_RATE_LIMIT_TOKEN", "off")
    app = create_app({"SETTINGS": world.runtime.settings, "RUNTIME": world.runtime, "TESTING": True})
    app.extensions["socialekaart.referrals"] = world.rr
    client = app.test_client()
    assert all(client.get("/api/v1/me", headers=world.callers["swt"].headers).status_code == 200 for _ in range(30))


# -- secrets ---------------------------------------------------------------------------------------
def test_settings_and_locations_never_show_a_password():
    from graph.backends.url import parse_graph_url

    settings = Settings.from_env({"SOCIALEKAART_GRAPH_URL": "bolt://neo4j:Geheim-wachtwoord-1@db.example:7687",
                                  "SOCIALEKAART_GRAPH_PASSWORD": "Geheim-wachtwoord-2",
                                  "SOCIALEKAART_SECRET_KEY": "Geheime-sleutel-3"})
    shown = repr(settings) + str(settings)
    location = parse_graph_url(settings.graph_url, settings.data_dir)
    shown += repr(location) + location.describe()
    for secret in ("Geheim-wachtwoord-1", "Geheim-wachtwoord-2", "Geheime-sleutel-3"):
        assert secret not in shown, secret


def test_secrets_never_reach_the_logs_or_the_answers(world, caplog, tmp_path):
    """A token, a password, the secret key, a webhook secret and a store password go through the app;
    none shows up in a log line or in an answer."""
    caplog.set_level(logging.DEBUG)
    password = "Wachtwoord-voor-de-test-42"
    world.rr.accounts.set_password("swt@hard.example.nl", password)
    # A webhook on this machine only (a closed port): the tests never send anything elsewhere.
    webhook_secret = world.rr.webhooks.set("org-swt", "http://127.0.0.1:9/hook")
    try:
        app = make_app(world)
        client = app.test_client()
        token = world.callers["swt"].token
        texts = []
        for path in ("/api/v1/me", "/api/v1/referrals", "/api/v1/nope", f"/api/v1/referrals/{world.referrals['sent']}"):
            texts.append(client.get(path, headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True))
        texts.append(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}x"}).get_data(as_text=True))
        # An event for the webhook (delivery to the closed port fails and is retried: logged without the secret).
        texts.append(client.post("/api/v1/referrals", json=referral_body(),
                                 headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True))
        time.sleep(0.3)
        with client.session_transaction() as session:
            session["csrf"] = "t"
        for attempt in (password, password + "-fout"):
            client.post("/aanmelden", data={"email": "swt@hard.example.nl", "wachtwoord": attempt, "csrf_token": "t"})
        # A store with a password in its URL, down: the 503 and the logs name the store, not the password.
        down = Settings(graph_url="redis://sk:Store-wachtwoord-7@127.0.0.1:1", connect_timeout_seconds=0.5,
                        store_timeout_seconds=0.5)
        from web import create_app

        down_client = create_app({"SETTINGS": down, "TESTING": True}).test_client()
        for path in ("/health", "/api/v1/services/svc-schuld", "/metrics"):
            texts.append(down_client.get(path).get_data(as_text=True))
        texts.append(client.get("/metrics").get_data(as_text=True))
        texts.append(client.get("/health").get_data(as_text=True))
        secrets = [token, password, world.runtime.settings.secret_key, "Store-wachtwoord-7"]
        if isinstance(webhook_secret, str):
            secrets.append(webhook_secret)
        logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
        for secret in secrets:
            assert secret not in logged, f"a secret is in the logs: {secret[:6]}…"
            assert not any(secret in text for text in texts), f"a secret is in an answer: {secret[:6]}…"
        # The token is stored only as its hash.
        stored = world.connection.read("MATCH (t:Token) RETURN properties(t) AS t")
        assert not any(token in repr(row["t"]) for row in stored)
    finally:
        world.rr.webhooks.remove("org-swt")


def test_secrets_come_from_settings_or_files_never_from_code(tmp_path):
    from socialekaart.referrals.crypto import load_cipher, new_key

    key_file = tmp_path / "sleutel"
    key_file.write_text(new_key())
    from_file = load_cipher(Settings(data_dir=tmp_path / "data", secret_key_file=key_file))
    assert from_file.open(from_file.seal("x", "a"), "a") == "x"
    with pytest.raises(ConfigError):
        load_cipher(Settings(data_dir=tmp_path / "data", secret_key_file=tmp_path / "bestaat-niet"))
    # No signing key or secret written into the code of the app.
    import web

    sources = "\n".join(p.read_text() for p in __import__("pathlib").Path(web.__file__).parent.rglob("*.py"))
    assert not re.search(r"""(SECRET_KEY|secret_key)\s*=\s*["'][^"']{8,}["']""", sources)
