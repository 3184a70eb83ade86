"""Privacy and audit: sealed fields are unreadable in the store, every read and change is audited,
closed referrals are anonymised after the retention period (the figures stay), and the sender
can export everything for one client reference. Bad input writes nothing."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from socialekaart.referrals.crypto import DecryptionFailed, FieldCipher, new_key
from socialekaart.referrals.lifecycle import CONSENT_FIELDS, REACH_FIELDS, REQUIRED_FIELDS
from socialekaart.referrals.network import month_end
from tests.conftest import set_store_env
from tests.referrals.referral_helpers import SECRET_KEY, consent_for, referral_body
from web.cli import main

SECRETS = ("betalingsachterstanden", "06 1234 5678", "Sanne", "SWT-2026-0042", "Hulp zoeken bij de hulpvraag")


def raw_referrals(runtime) -> list[dict]:
    """The stored properties of every Referral node, read past the service."""
    return [row["r"] for row in runtime.store.connection.read("MATCH (r:Referral) RETURN properties(r) AS r")]


def all_text_in_graph(runtime) -> str:
    rows = runtime.store.connection.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    return json.dumps(rows, ensure_ascii=False)


def test_sealed_fields_are_not_readable_in_the_store(client, actors, runtime):
    created = client.post("/api/v1/referrals", json=referral_body(), headers=actors["swt"].headers).get_json()
    assert created["requestText"].startswith("Alleenstaande moeder") and created["contact"]["name"] == "Sanne"
    [node] = raw_referrals(runtime)
    for name in ("request_enc", "contact_enc", "client_ref_enc", "consent_purpose_enc"):
        assert node[name].startswith("v1.")
    dump = all_text_in_graph(runtime)
    for secret in SECRETS:
        assert secret not in dump, secret
    assert len(node["client_ref_hash"]) == 64
    # Another key cannot open them.
    with pytest.raises(DecryptionFailed):
        FieldCipher.from_text(new_key()).open(node["contact_enc"], f"{node['id']}/contact")
    assert FieldCipher.from_text(SECRET_KEY).open_json(node["contact_enc"], f"{node['id']}/contact") == \
        {"name": "Sanne", "phone": "06 1234 5678"}


def test_every_read_and_change_is_audited(client, actors, rr):
    swt, welzijn, other = actors["swt"].headers, actors["welzijn"].headers, actors["other"].headers
    rid = client.post("/api/v1/referrals", json=referral_body(), headers=swt).get_json()["id"]
    client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "verzonden"}, headers=swt)
    client.get("/api/v1/referrals?box=received", headers=welzijn)
    client.get(f"/api/v1/referrals/{rid}", headers=welzijn)
    client.post(f"/api/v1/referrals/{rid}/transitions", json={"to": "ontvangen"}, headers=welzijn)
    client.get("/api/v1/referral-events?since=0", headers=welzijn)
    client.post("/api/v1/referrals/export", json={"clientRef": "SWT-2026-0042"}, headers=swt)
    assert client.get(f"/api/v1/referrals/{rid}", headers=other).status_code == 404
    trail = rr.referrals.audit_trail(actors["admin"].principal, rid)
    seen = [(a.account_id, a.action, a.allowed) for a in trail]
    ids = {name: actors[name].principal.account_id for name in ("swt", "welzijn", "other")}
    assert seen == [(ids["swt"], "aanmaken", True), (ids["swt"], "status:verzonden", True),
                    (ids["welzijn"], "lijst", True), (ids["welzijn"], "inzien", True),
                    (ids["welzijn"], "status:ontvangen", True), (ids["welzijn"], "gebeurtenissen", True),
                    (ids["swt"], "exporteren", True), (ids["other"], "inzien", False)]
    assert all(a.at and a.organization_id for a in trail)


@pytest.mark.parametrize("change, status, field", [
    ({"consent": None}, 400, "consent"),
    ({"serviceId": "svc-bestaat-niet"}, 404, "serviceId"),
    ({"serviceId": "svc-opvang", "consent": consent_for("org-opvang")}, 403, None),
    ({"requestText": "x" * 1200}, 400, "requestText"),
    ({"consent": consent_for("org-zorg")}, 400, "consent.partnerId"),
    ({"contact": {"phone": "0612345678", "bsn": "123456782"}}, 400, "contact.bsn"),
])
def test_bad_input_is_a_clear_problem_and_writes_nothing(client, actors, runtime, change, status, field):
    body = referral_body(**change)
    if body["consent"] is None:
        del body["consent"]
    response = client.post("/api/v1/referrals", json=body, headers=actors["swt"].headers)
    assert response.status_code == status, response.get_json()
    problem = response.get_json()
    assert response.mimetype == "application/problem+json" and problem["detail"]
    if field:
        assert field in {p["name"] for p in problem["invalidParams"]}
    assert raw_referrals(runtime) == []
    assert runtime.store.connection.read("MATCH (n) WHERE n:ReferralEvent OR n:AuditEntry RETURN count(n) AS n")[0][
        "n"] == 0


def test_the_description_marks_what_the_domain_requires(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/referrals"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    rules = next(part for part in body["allOf"] if "required" in part)
    assert rules["required"] == list(REQUIRED_FIELDS)
    assert rules["properties"]["consent"]["required"] == list(CONSENT_FIELDS)
    assert rules["properties"]["contact"]["anyOf"] == [{"required": [name]} for name in REACH_FIELDS]
    # consent, or a legal basis with its reason: never both (the domain refuses both with a 400)
    assert rules["oneOf"] == [{"required": ["consent"], "not": {"anyOf": [{"required": ["legalBasis"]},
                                                                          {"required": ["legalBasisReason"]}]}},
                              {"required": ["legalBasis", "legalBasisReason"], "not": {"required": ["consent"]}}]
    # the optional `forward` of a transition reuses the same schema without the list
    assert "required" not in spec["components"]["schemas"]["NewReferral"]


@pytest.mark.parametrize("path", [*REQUIRED_FIELDS, *(f"consent.{name}" for name in CONSENT_FIELDS)])
def test_a_missing_required_field_gets_the_domains_dutch_problem(client, actors, runtime, path):
    body = referral_body()
    parent, _, name = path.rpartition(".")
    del (body[parent] if parent else body)[name]
    response = client.post("/api/v1/referrals", json=body, headers=actors["swt"].headers)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    reasons = {p["name"]: p["reason"] for p in problem["invalidParams"]}
    reason = reasons[path] if path in reasons else reasons[path.split(".")[0]]
    assert "Missing data" not in reason and any(word in reason for word in ("Geef", "Noem", "Kies", "Beschrijf",
                                                                              "Hoe", "Leg"))
    assert problem["detail"].startswith("De doorverwijzing is niet compleet.")
    assert raw_referrals(runtime) == []


def test_neither_phone_nor_email_is_refused_in_dutch(client, actors, runtime):
    body = referral_body(contact={"name": "Sanne", "reachable": "ochtend"})
    response = client.post("/api/v1/referrals", json=body, headers=actors["swt"].headers)
    assert response.status_code == 400
    assert {p["name"]: p["reason"] for p in response.get_json()["invalidParams"]}["contact"].startswith(
        "Geef een telefoonnummer of e-mailadres")
    assert raw_referrals(runtime) == []


def test_a_closed_partner_is_refused(client, actors, runtime):
    runtime.store.connection.write("MATCH (s:Service {id: 'svc-schuld'}) SET s.closed = true")
    response = client.post("/api/v1/referrals", json=referral_body(), headers=actors["swt"].headers)
    assert response.status_code == 409 and "gesloten" in response.get_json()["detail"]
    assert raw_referrals(runtime) == []


def test_wrong_role_and_expired_token_write_nothing(client, actors, runtime, rr, clock):
    assert client.post("/api/v1/referrals", json=referral_body(), headers=actors["beheerder"].headers).status_code \
        == 403
    clock.advance(days=366)  # the actors' tokens were valid for 365 days
    assert client.post("/api/v1/referrals", json=referral_body(), headers=actors["swt"].headers).status_code == 401
    assert raw_referrals(runtime) == []


def closed_referrals(rr, actors, clock, count: int, *, client_ref: str = "SWT-2026-0042") -> list[str]:
    service = rr.referrals
    swt, welzijn = actors["swt"].principal, actors["welzijn"].principal
    ids = []
    for _ in range(count):
        body = referral_body(clientRef=client_ref, consent=consent_for("org-welzijn"))
        rid = service.create(swt, body)["id"]
        for who, target, extra in ((swt, "verzonden", {}), (welzijn, "ontvangen", {}),
                                   (welzijn, "geaccepteerd", {}), (welzijn, "gestart", {}),
                                   (welzijn, "afgerond", {"outcome": "geholpen"})):
            clock.advance(hours=5)
            service.transition(who, rid, target, **extra)
        ids.append(rid)
    return ids


def test_anonymise_removes_contact_and_text_of_old_closed_referrals_and_keeps_figures(
        rr, actors, clock, runtime, monkeypatch):
    # The command runs on the real clock, so place the referrals relative to it.
    now = datetime.now(timezone.utc)
    clock.set(now - timedelta(days=3 * 365))
    old = closed_referrals(rr, actors, clock, 5)
    clock.set(now - timedelta(days=30))
    recent = closed_referrals(rr, actors, clock, 1)
    still_open = rr.referrals.create(actors["swt"].principal, referral_body(
        consent=consent_for("org-welzijn")))["id"]
    clock.set(now)
    coordinator = actors["coordinator"].principal
    # Figures cover whole calendar months.
    window = {"since": (now - timedelta(days=4 * 365)).date().replace(day=1), "until": month_end(now.date())}
    figures_before = rr.network.figures(coordinator, **window)

    settings = runtime.settings
    set_store_env(monkeypatch, settings)
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)
    before = {node["id"]: node for node in raw_referrals(runtime)}
    result = CliRunner().invoke(main, ["referrals", "anonymise", "--older-than", "24m"])
    assert result.exit_code == 0, result.output
    assert "5 doorverwijzing(en) geanonimiseerd" in result.output

    nodes = {node["id"]: node for node in raw_referrals(runtime)}
    private = ("request_enc", "contact_enc", "client_ref_enc", "client_ref_hash", "consent_purpose_enc")
    for rid in old:
        node = nodes[rid]
        assert node.get("anonymised_at")
        assert all(before[rid].get(k) for k in private if k != "consent_purpose_enc")
        assert not any(node.get(k) for k in private)
        # Exactly those go: every other property is still there, unchanged.
        assert {k: v for k, v in node.items() if k != "anonymised_at"} == \
            {k: v for k, v in before[rid].items() if k not in private}
        assert node["status"] == "afgerond" and node["outcome"] == "geholpen" and node["sent_at"]
    for rid in recent + [still_open]:
        assert nodes[rid]["contact_enc"] and not nodes[rid].get("anonymised_at")
    detail = rr.referrals.get(actors["swt"].principal, old[0])
    assert detail["contact"] is None and detail["request_text"] is None and detail["anonymised_at"]
    assert [e["to"] for e in detail["events"]][-1] == "afgerond"  # the history stays
    assert rr.network.figures(coordinator, **window)["total"] == figures_before["total"]
    assert [a.action for a in rr.referral_store.audit_entries(old[0])][-1] == "anonimiseren"
    # A second run finds nothing more to do; a bad period is refused.
    assert "0 doorverwijzing(en)" in CliRunner().invoke(main, ["referrals", "anonymise", "--older-than", "24m"]).output
    bad = CliRunner().invoke(main, ["referrals", "anonymise", "--older-than", "lang"])
    assert bad.exit_code != 0 and "24m" in bad.output


def test_the_sender_exports_everything_for_one_client(client, actors, rr, clock):
    mine = closed_referrals(rr, actors, clock, 2, client_ref="K-7")
    rr.referrals.create(actors["swt"].principal, referral_body(clientRef="K-8"))
    response = client.post("/api/v1/referrals/export", json={"clientRef": "K-7"}, headers=actors["swt"].headers)
    body = response.get_json()
    assert response.status_code == 200 and body["count"] == 2
    assert sorted(r["id"] for r in body["referrals"]) == sorted(mine)
    assert all(r["clientRef"] == "K-7" and r["contact"]["phone"] and len(r["events"]) == 6 for r in body["referrals"])
    # The same reference at another organisation is another client.
    assert client.post("/api/v1/referrals/export", json={"clientRef": "K-7"},
                       headers=actors["welzijn"].headers).get_json()["count"] == 0
