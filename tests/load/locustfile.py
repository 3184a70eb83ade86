"""Locust users for ``make load``: inwoners searching, professionals referring and reading their inbox.

Run by tests/load/run_load.py (headless, 127.0.0.1 only, bounded in users and time); it passes the
tokens and the target service in ``SOCIALEKAART_LOAD_PLAN`` (JSON). Every answer other than the
expected status is a failure, and the run must end with none.
"""
from __future__ import annotations

import json
import os
import random
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PLAN = json.loads(os.environ.get("SOCIALEKAART_LOAD_PLAN", "{}"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WORDS = ("schuld", "maatje", "buurthuis", "mantelzorg", "taal", "eenzaam", "dementie", "jongeren")
POSTCODES = ("4461AB", "4461", "4331", "4381", "4535")
DOMAINS = ("geldzaken", "sociaal-netwerk", "woning", "opvoeding")


@events.test_start.add_listener
def only_this_machine(environment, **_):
    host = urlsplit(environment.host or "").hostname
    if host not in LOOPBACK:
        raise SystemExit(f"load tests run only against this machine (127.0.0.1), not {environment.host!r}")


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {PLAN['tokens'][name]}"}


class Inwoner(HttpUser):
    """Anonymous public reads: search, a detail page, the map data, HSDS."""
    weight = 3
    wait_time = between(0.05, 0.3)

    @task(5)
    def search(self):
        params = {"postcode": random.choice(POSTCODES)}
        if random.random() < 0.5:
            params["q"] = random.choice(WORDS)
        if random.random() < 0.5:
            params["lifeDomain"] = random.choice(DOMAINS)
        self.client.get("/api/v1/services", params=params, name="/api/v1/services")

    @task(2)
    def detail(self):
        self.client.get(f"/api/v1/services/{random.choice(PLAN['services'])}", name="/api/v1/services/{id}")

    @task(1)
    def page(self):
        self.client.get("/", params={"postcode": random.choice(POSTCODES)}, name="/ (zoekpagina)")

    @task(1)
    def hsds(self):
        self.client.get("/hsds/services", params={"per_page": 10, "page": random.randint(1, 5)},
                        name="/hsds/services")


class Professional(HttpUser):
    """A wijkteam refers to a welzijn partner; the partner receives and accepts; both read their boxes."""
    weight = 2
    wait_time = between(0.05, 0.3)

    def referral(self) -> dict:
        return {"serviceId": PLAN["target_service"], "lifeDomains": ["geldzaken"], "urgency": "normaal",
                "requestText": "Hulp bij post en schulden.", "clientRef": f"LOAD-{random.randint(1, 10**6)}",
                "contact": {"phone": "06 1234 5678"},
                "consent": {"purpose": "Hulp zoeken", "partnerId": PLAN["target_organization"], "method": "mondeling"}}

    @task(2)
    def refer_and_accept(self):
        with self.client.post("/api/v1/referrals", json=self.referral(), headers=bearer("swt"),
                              name="/api/v1/referrals [POST]", catch_response=True) as created:
            if created.status_code != 201:
                created.failure(f"create: {created.status_code} {created.text[:200]}")
                return
            referral_id = created.json()["id"]
        for target, who in (("verzonden", "swt"), ("ontvangen", "welzijn"), ("geaccepteerd", "welzijn")):
            self.client.post(f"/api/v1/referrals/{referral_id}/transitions", json={"to": target}, headers=bearer(who),
                             name="/api/v1/referrals/{id}/transitions")

    @task(3)
    def inbox(self):
        self.client.get("/api/v1/referrals", params={"box": "received"}, headers=bearer("welzijn"),
                        name="/api/v1/referrals (inbox)")

    @task(1)
    def sent(self):
        self.client.get("/api/v1/referrals", params={"box": "sent", "pageSize": 5}, headers=bearer("swt"),
                        name="/api/v1/referrals (verstuurd)")

    @task(1)
    def feed(self):
        self.client.get("/api/v1/referral-events", params={"limit": 50}, headers=bearer("welzijn"),
                        name="/api/v1/referral-events")
