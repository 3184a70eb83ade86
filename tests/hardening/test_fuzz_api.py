"""Property-based testing of both API descriptions with Schemathesis: /api/v1/openapi.json and
/hsds/openapi.json, without a token and with a valid one for every role (a professional, a
coordinator, a beheerder, an admin). Valid and invalid input, each answer checked by every check
Schemathesis has, among them:

- never a 5xx;
- only documented status codes, with the documented content type, headers and body schema;
- invalid input (negative cases) is refused with a 4xx, and input valid by the description is never
  refused with a 400 (what the server enforces is in the description);
- a method the path does not have is a 405 with ``Allow``; a missing required header is refused;
- an operation that needs a token refuses a request without one.

``make test`` runs a bounded number of examples per operation (``SOCIALEKAART_FUZZ_EXAMPLES``,
default 5, with a fixed seed so a run is repeatable); ``make fuzz`` runs many more with a random
seed and adds Schemathesis' coverage phase (``SOCIALEKAART_FUZZ_PHASES``). The count of cases run goes into the hardening figures.
"""
from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.hardening.figures import count
from tests.hardening.world import ROLES

EXAMPLES = int(os.environ.get("SOCIALEKAART_FUZZ_EXAMPLES", "5"))
RANDOM = os.environ.get("SOCIALEKAART_FUZZ_RANDOM", "") == "1"
# The coverage phase (every boundary and every kind of wrong value, deterministic; about 80 cases per
# operation) runs in `make fuzz`; `make test` keeps to the examples and the random fuzzing phase.
PHASES = os.environ.get("SOCIALEKAART_FUZZ_PHASES", "examples,fuzzing").split(",")
load_all_checks()
# `make fuzz` runs every check Schemathesis has, positive_data_acceptance too: no two parameters
# exclude each other and every rule the server enforces is in the description, so no request valid by
# the description is refused. `make test` leaves that one check out, to stay short and stable;
# `make fuzz` is where it must hold (issue 18 §6).
ALL_CHECKS = [check for check in CHECKS.get_all()
              if os.environ.get("SOCIALEKAART_FUZZ_ALL_CHECKS") == "1" or check is not positive_data_acceptance]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
                suppress_health_check=list(HealthCheck), print_blob=True)


def _schemas():
    """Both descriptions, read at import from an app without a store (reading them needs none).
    The cases are then sent to the test's own app on the seeded graph."""
    from socialekaart.shared.config import Settings
    from web import create_app

    reader = create_app({"SETTINGS": Settings(graph_url="redis://127.0.0.1:1"), "TESTING": True})
    phases = {name: {"enabled": name in PHASES} for name in ("examples", "coverage", "fuzzing", "stateful")}
    config = schemathesis.Config.from_dict({"phases": phases})
    return (schemathesis.openapi.from_wsgi("/api/v1/openapi.json", reader, config=config),
            schemathesis.openapi.from_wsgi("/hsds/openapi.json", reader, config=config))


api, hsds = _schemas()


def run(case, app, world, caller: str, description: str = "/api/v1") -> None:
    headers = world.callers[caller].headers
    if _negated_headers(case):
        # A negative case that breaks the headers (e.g. leaves out Authorization) is sent as generated:
        # adding the caller's token back would turn it into a valid request.
        headers = {}
    count("fuzz cases run")
    role = ROLES[caller][0] if caller in ROLES else caller
    count(f"fuzz cases run, {description} as {role}")
    case.call_and_validate(app=app, headers=headers, checks=ALL_CHECKS)


def _negated_headers(case) -> bool:
    components = getattr(case.meta, "components", None) or {}
    return any(getattr(location, "name", str(location)).lower() == "header" and info.mode.is_negative
               for location, info in components.items())


@api.parametrize()
@FUZZ
def test_api_anonymous(case, app, world):
    run(case, app, world, "anonymous")


@api.parametrize()
@FUZZ
def test_api_professional(case, app, world):
    run(case, app, world, "swt")


@api.parametrize()
@FUZZ
def test_api_coordinator(case, app, world):
    run(case, app, world, "coordinator")


@api.parametrize()
@FUZZ
def test_api_beheerder(case, app, world):
    run(case, app, world, "beheerder")


@api.parametrize()
@FUZZ
def test_api_admin(case, app, world):
    run(case, app, world, "admin")


@hsds.parametrize()
@FUZZ
def test_hsds_anonymous(case, app, world):
    run(case, app, world, "anonymous", "/hsds")
