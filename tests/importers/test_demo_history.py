"""`demo load`: the demo region with inventarisatie figures and a year of referrals between the demo
partners, written through the referral service, on both stores.

One load per store for the module (the whole region takes a while on a cold Neo4j); the last test
wipes it to check that a failing load leaves nothing behind.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape

import pytest

from importers.demo import history as demo_history
from socialekaart.accounts.service import Principal, principal_of
from socialekaart.referrals.lifecycle import CANCEL_REASONS, DECLINE_REASONS, OUTCOMES, STATES
from tests.referrals.referral_helpers import SECRET_KEY
from web.bootstrap import ReferralRuntime, Runtime
from web.cli.demo import load_demo
from web.pages.session import session_values

# The first test's setup loads the whole demo year: on a cold Neo4j on a busy machine, minutes.
pytestmark = pytest.mark.timeout(900)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)  # a Friday
SWT, WELZIJN = "demo-org-gm0664-swt", "demo-org-gm0664-welzijn-01"


@pytest.fixture(scope="module")
def demo(stores):
    runtime = Runtime(stores.settings("module", "demo_history").with_overrides(secret_key=SECRET_KEY))
    runtime.store.connection.delete_graph()
    assert load_demo(runtime, if_empty=True, now=NOW)
    rr = ReferralRuntime(runtime, clock=lambda: NOW)
    yield runtime, rr
    rr.close()
    runtime.store.connection.delete_graph()
    runtime.close()


def _all(rr, organization_id: str, box: str, **filters) -> list[dict]:
    actor = Principal(account_id="test", role="professional", organization_id=organization_id)
    items, page = [], 1
    while True:
        found = rr.referrals.list(actor, box=box, page=page, page_size=100, **filters)
        items += found.items
        if page >= found.pages:
            return items
        page += 1


def test_the_demo_partners_have_a_year_with_every_outcome_and_reason(demo):
    _runtime, rr = demo
    rows = [r for org in (SWT, WELZIJN) for box in ("sent", "received") for r in _all(rr, org, box)]
    assert {r["status"] for r in rows} == set(STATES) - {"concept"}
    assert {r["outcome"] for r in rows if r["outcome"]} == set(OUTCOMES)
    assert {r["decline_reason"] for r in rows if r["decline_reason"]} == set(DECLINE_REASONS)
    assert {r["cancel_reason"] for r in rows if r["cancel_reason"]} == set(CANCEL_REASONS)
    sent = _all(rr, SWT, "sent")
    # Sealed, and opened for the sender: its own reference, or (passed on) the original referral's id.
    assert all(re.fullmatch(r"GOES-20\d\d-\d{4}|ref-[0-9a-f]{20}", r["client_ref"]) for r in sent)
    assert all(r["client_ref"] is None for r in _all(rr, WELZIJN, "received"))  # not for the receiver
    assert min(r["sent_at"] for r in rows) >= "2025-11-20" and max(r["sent_at"] for r in rows) < NOW.isoformat()


def test_referrals_go_from_formal_to_informal_and_back(demo):
    _runtime, rr = demo
    swt_sent = _all(rr, SWT, "sent")
    assert any(r["to_formal"] is False for r in swt_sent)  # the wijkteam to a vrijwilligersnetwerk
    swt_received = _all(rr, SWT, "received")
    assert any(r["from_formal"] is False for r in swt_received)  # and back
    coordinator = Principal(account_id="test", role="coordinator", areas=("RG-zeeland",))
    total = rr.network.figures(coordinator, group_by="total")["total"]
    flows = total["formalInformal"]  # every one shown: none small enough to be hidden (docs/referrals.md)
    assert all(flows[k] >= 5 for k in ("formalToInformal", "informalToFormal", "formalToFormal",
                                       "informalToInformal")), flows


def test_some_open_referrals_are_past_their_deadline(demo):
    _runtime, rr = demo
    late = _all(rr, WELZIJN, "received", overdue=True) + _all(rr, SWT, "received", overdue=True)
    assert {r["overdue"] for r in late} == {"niet-ontvangen", "niet-geaccepteerd"}
    assert all(r["days_overdue"] >= 0 and r["deadline"] < NOW.isoformat() for r in late)
    fresh = [r for r in _all(rr, WELZIJN, "received", statuses=["verzonden"]) if not r["overdue"]]
    assert fresh and all(r["days_overdue"] is None for r in fresh)


def _signed_in_client(runtime, rr, role: str, **account):
    from web import create_app

    app = create_app({"SETTINGS": runtime.settings, "RUNTIME": runtime, "TESTING": True,
                      "SOCIALEKAART_CLOCK": lambda: NOW})
    app.extensions["socialekaart.referrals"] = rr
    made = rr.accounts.create_account(email=f"{role}-{len(account)}@test.example.nl", name=role.title(),
                                      role=role, **account)
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(session_values(principal_of(made)))
    return client


def test_netwerk_and_inventarisatie_show_figures_on_first_start(demo):
    runtime, rr = demo
    client = _signed_in_client(runtime, rr, "coordinator", areas=("RG-zeeland",))
    network = client.get("/netwerk")
    assert network.status_code == 200
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", network.get_data(as_text=True))).split())
    assert "te weinig om cijfers te tonen" not in words
    assert re.search(r"Verstuurd \d{3}", words), words[:2000]

    data = client.get("/inventarisatie/gegevens?gebied=GM0664&leefgebied=sociaal-netwerk")
    assert data.status_code == 200
    goes = next(r for r in _records(data.get_json()["coverage"]) if r["areaCode"] == "GM0664")
    assert any(f["indicator"] == "voelt zich ernstig eenzaam (%)" for f in goes["need"]["figures"])
    assert isinstance(goes["need"]["referrals"], int) and goes["need"]["referrals"] >= 5


def _records(body) -> list[dict]:
    """Every record (a dict with an areaCode and a need) anywhere in the coverage answer."""
    if isinstance(body, dict):
        found = [body] if "areaCode" in body and "need" in body else []
        return found + [r for value in body.values() for r in _records(value)]
    if isinstance(body, list):
        return [r for value in body for r in _records(value)]
    return []


def test_a_failing_load_leaves_the_store_empty(demo, monkeypatch):
    # Runs last in this module: it wipes the shared demo graph.
    runtime, _rr = demo
    runtime.store.connection.delete_graph()
    runtime.store.init_schema()
    real = demo_history.write_history

    def half_then_fail(plans, *args, **kwargs):
        real(plans[: len(plans) // 2], *args, **kwargs)
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(demo_history, "write_history", half_then_fail)
    with pytest.raises(RuntimeError, match="schijf vol"):
        load_demo(runtime, if_empty=True, now=NOW)
    assert runtime.store.is_empty()
