"""The seeded world of the hardening tests: a small region (tests/referrals/referral_helpers.py),
accounts for every role and another organisation's, an expired, a revoked and a malformed token,
and referrals in a few states. Also the app on it, and a fingerprint of the graph."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from graph.stores.accounts import AccountStore
from socialekaart.accounts.service import AccountService
from socialekaart.shared.clock import utcnow
from tests.referrals.referral_helpers import referral_body, region
from web.bootstrap import ReferralRuntime, Runtime

# Everyone who can knock on the API: each role at the sending and receiving organisations,
# a professional of an organisation that is no party to anything, and the bad tokens.
ROLES = {
    # name: (role, organisation, areas)
    "swt": ("professional", "org-swt", ()),
    "welzijn": ("professional", "org-welzijn", ()),
    "other": ("professional", "org-mid", ()),
    "beheerder": ("beheerder", "org-welzijn", ()),
    "beheerder_other": ("beheerder", "org-mid", ()),
    "coordinator": ("coordinator", None, ("GM0664",)),
    "admin": ("admin", None, ()),
}
# Limits far above what a test sends, except in the tests of the limits themselves.
GENEROUS_LIMITS = {"SOCIALEKAART_RATE_LIMIT_TOKEN": "100000 per minute",
                   "SOCIALEKAART_RATE_LIMIT_SIGN_IN": "100000 per minute"}


@dataclass
class Caller:
    name: str
    role: str | None
    organization_id: str | None
    token: str | None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


@dataclass
class World:
    runtime: Runtime
    rr: ReferralRuntime
    callers: dict[str, Caller]
    referrals: dict[str, str]  # what: referral id

    @property
    def connection(self):
        return self.runtime.store.connection


def seed_world(runtime: Runtime) -> World:
    """Region, accounts and tokens (valid, expired, revoked), and referrals in a few states."""
    runtime.store.connection.delete_graph()
    runtime.store.init_schema()
    areas, orgs, svcs = region()
    runtime.catalog.save(areas=areas, organizations=orgs, services=svcs)
    rr = ReferralRuntime(runtime, webhook_base_delay=0.05)
    callers: dict[str, Caller] = {"anonymous": Caller("anonymous", None, None, None)}
    for name, (role, org, areas_) in ROLES.items():
        rr.accounts.create_account(email=f"{name}@hard.example.nl", name=name.title(), role=role,
                                   organization_id=org, areas=areas_)
        issued = rr.accounts.issue_token(f"{name}@hard.example.nl", days=365)
        callers[name] = Caller(name, role, org, issued.token)
    # An expired token: issued 10 days ago for 1 day, on the same store.
    past = AccountService(AccountStore(runtime.store), clock=lambda: utcnow() - timedelta(days=10))
    expired = past.issue_token("swt@hard.example.nl", days=1)
    callers["expired"] = Caller("expired", "professional", "org-swt", expired.token)
    revoked = rr.accounts.issue_token("swt@hard.example.nl", days=30)
    rr.accounts.revoke_token(revoked.id)
    callers["revoked"] = Caller("revoked", "professional", "org-swt", revoked.token)
    callers["malformed"] = Caller("malformed", None, None, "skt_" + "x" * 40)

    service = rr.referrals
    swt = rr.accounts.authenticate(callers["swt"].token)
    welzijn = rr.accounts.authenticate(callers["welzijn"].token)
    concept = service.create(swt, referral_body())
    sent = service.create(swt, referral_body())
    service.transition(swt, sent["id"], "verzonden")
    received = service.create(swt, referral_body())
    service.transition(swt, received["id"], "verzonden")
    service.transition(welzijn, received["id"], "ontvangen")
    return World(runtime, rr, callers, {"concept": concept["id"], "sent": sent["id"], "received": received["id"]})


def make_app(world: World, **config: Any):
    from web import create_app

    settings = config.pop("SETTINGS", world.runtime.settings)
    app = create_app({"SETTINGS": settings, "RUNTIME": world.runtime, "TESTING": True, **GENEROUS_LIMITS,
                      **config})
    app.extensions["socialekaart.referrals"] = world.rr
    return app


def fingerprint(connection, *, skip_labels: tuple[str, ...] = ("AuditEntry",)) -> dict[str, Any]:
    """What the graph holds, to show that nothing was written: nodes per label with every property,
    and relationship counts per type. Audit entries (reads are audited) are left out by default."""
    nodes = connection.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    kept = sorted(repr(sorted((k, repr(v)) for k, v in row["props"].items())) + repr(sorted(row["labels"]))
                  for row in nodes if not set(row["labels"]) & set(skip_labels))
    rels = connection.read("MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n ORDER BY type")
    return {"nodes": kept, "relationships": {row["type"]: row["n"] for row in rels}}
