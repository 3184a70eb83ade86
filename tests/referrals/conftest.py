"""Fixtures for referrals: a small seeded region on a fresh store (FalkorDB and Neo4j, see tests/conftest.py),
accounts for every role, a clock the tests move, and an app on that graph.

The region: gemeente Goes (GM0664, in regio RG-zeeland) with two wijken, and Middelburg (GM0687).
Organisations: a sociaal wijkteam, a welzijnsorganisatie, an informal volunteer network, a
maatwerk provider, a vrouwenopvang (confidential service), a ggz partner nobody refers to, and
one organisation in Middelburg.
"""
from __future__ import annotations

import pytest

from tests.referrals.referral_helpers import ACCOUNTS, SECRET_KEY, Actor, FakeClock, region
from web.bootstrap import ReferralRuntime, Runtime


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def runtime(stores):
    # The partner systems of these tests listen on 127.0.0.1: allowed here, refused by default
    # (tests/referrals/test_webhook_targets.py).
    settings = stores.settings("function").with_overrides(secret_key=SECRET_KEY, webhook_allow_private=True)
    rt = Runtime(settings)
    rt.store.connection.delete_graph()
    rt.store.init_schema()
    areas, orgs, svcs = region()
    rt.catalog.save(areas=areas, organizations=orgs, services=svcs)
    yield rt
    rt.store.connection.delete_graph()
    rt.close()


@pytest.fixture
def rr(runtime, clock) -> ReferralRuntime:
    found = ReferralRuntime(runtime, clock=clock, webhook_base_delay=0.05)
    yield found
    found.close()


@pytest.fixture
def actors(rr) -> dict[str, Actor]:
    made = {}
    for name, (role, org, areas) in ACCOUNTS.items():
        rr.accounts.create_account(email=f"{name}@test.example.nl", name=name.title(), role=role,
                                   organization_id=org, areas=areas)
        issued = rr.accounts.issue_token(f"{name}@test.example.nl", days=365)
        made[name] = Actor(rr.accounts.authenticate(issued.token), issued.token)
    return made


@pytest.fixture
def app(runtime, rr, clock):
    """An app on the seeded graph; the referral runtime (with the test clock) is the fixture's."""
    from web import create_app

    flask_app = create_app({"SETTINGS": runtime.settings, "RUNTIME": runtime, "TESTING": True,
                            "SOCIALEKAART_CLOCK": clock})
    flask_app.extensions["socialekaart.referrals"] = rr
    return flask_app


@pytest.fixture
def client(app):
    return app.test_client()
