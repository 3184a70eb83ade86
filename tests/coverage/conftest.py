"""Fixtures for the lokale inventarisatie: the hand-built region (``coverage_fixture``) on a store of its
own (FalkorDB and Neo4j), with accounts and referrals made through the real services."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

import socialekaart.coverage.disclosure as coverage_disclosure
from graph.stores.coverage import CoverageStore
from socialekaart.accounts.service import Principal
from socialekaart.coverage.gaps import Thresholds
from socialekaart.coverage.service import CoverageService
from socialekaart.referrals.crypto import new_key
from tests.coverage import coverage_fixture as fx
from web.bootstrap import COVERAGE_EXTENSION, ReferralRuntime, Runtime


def no_noise(patch: pytest.MonkeyPatch) -> None:
    """The hand-computed numbers of the coverage tests are of the rules (threshold, complementary
    suppression) on the true counts: the cell-key noise, random per referral, is switched off as in the
    network tests (it is checked in tests/coverage/test_coverage_disclosure_api.py and attacked in
    tests/unit/test_coverage_disclosure.py)."""
    patch.setattr(coverage_disclosure, "perturbed", lambda count, key_sum: count)


@pytest.fixture
def without_noise(monkeypatch):
    no_noise(monkeypatch)


# The defaults, except that 'never referred to' already counts in a gemeente with 10 referrals.
THRESHOLDS = Thresholds(never_referred_min_referrals=10)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@dataclass
class Actor:
    principal: Principal
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def fixture_runtime(stores, slot: str) -> Runtime:
    runtime = Runtime(stores.settings(slot).with_overrides(secret_key=new_key()))
    runtime.store.connection.delete_graph()
    runtime.store.init_schema()
    runtime.catalog.save(areas=fx.areas(), organizations=fx.organizations(), services=fx.services())
    return runtime


def make_actors(rr: ReferralRuntime) -> dict[str, Actor]:
    made = {}
    for name, (role, org, areas) in fx.ACCOUNTS.items():
        email = f"{name}@coverage.example.nl"
        rr.accounts.create_account(email=email, name=name.title(), role=role, organization_id=org, areas=areas)
        issued = rr.accounts.issue_token(email, days=365)
        made[name] = Actor(rr.accounts.authenticate(issued.token), issued.token)
    return made


def play_referrals(rr: ReferralRuntime, actors: dict[str, Actor]) -> None:
    receivers = {"org-zorg": actors["zorg"].principal, "org-vrijwillig": actors["vrijwillig"].principal}
    sender = actors["swt"].principal
    for number, (service, partner, steps) in enumerate(fx.REFERRALS, start=1):
        body = {"serviceId": service, "lifeDomains": ["geldzaken"], "urgency": "normaal",
                "requestText": "Betalingsachterstanden; wil hulp bij schulden.", "clientRef": f"SWT-{number:04d}",
                "contact": {"phone": "06 1234 5678"}, "wijkCode": "WK000102",
                "consent": {"purpose": "Hulp bij schulden", "partnerId": partner,
                            "method": "mondeling"}}
        referral = rr.referrals.create(sender, body)
        rr.referrals.transition(sender, referral["id"], "verzonden")
        for target, reason in steps:
            rr.referrals.transition(receivers[partner], referral["id"], target, reason=reason)


@dataclass
class Scenario:
    runtime: Runtime
    rr: ReferralRuntime
    actors: dict[str, Actor]
    coverage: CoverageService


@pytest.fixture(scope="module")
def scenario(stores):
    """The region with its accounts and referrals; shared read-only by a test module."""
    runtime = fixture_runtime(stores, "module")
    rr = ReferralRuntime(runtime, clock=Clock(fx.REFERRALS_START), webhook_base_delay=0.05)
    actors = make_actors(rr)
    play_referrals(rr, actors)
    coverage = CoverageService(CoverageStore(runtime.store), THRESHOLDS, clock=Clock(fx.NOW))
    yield Scenario(runtime, rr, actors, coverage)
    rr.close()
    runtime.store.connection.delete_graph()
    runtime.close()


@dataclass
class Fresh:
    runtime: Runtime
    coverage: CoverageService


@pytest.fixture
def fresh(stores):
    """The region without referrals on a graph of its own, for tests that write."""
    runtime = fixture_runtime(stores, "function")
    yield Fresh(runtime, CoverageService(CoverageStore(runtime.store), THRESHOLDS, clock=Clock(fx.NOW)))
    runtime.store.connection.delete_graph()
    runtime.close()


@pytest.fixture(scope="module")
def scenario_app(scenario):
    from web import create_app

    app = create_app({"SETTINGS": scenario.runtime.settings, "RUNTIME": scenario.runtime, "TESTING": True,
                      "SOCIALEKAART_CLOCK": Clock(fx.NOW)})
    app.extensions["socialekaart.referrals"] = scenario.rr
    app.extensions[COVERAGE_EXTENSION] = scenario.coverage  # with the scenario's thresholds and clock
    return app


@pytest.fixture
def api(scenario_app):
    return scenario_app.test_client()
