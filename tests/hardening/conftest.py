"""Fixtures for the hardening tests: a small seeded region on a fresh graph of the session's embedded
FalkorDB, accounts for every role (and another organisation's), an expired and a revoked token, a
few referrals, and the app on that graph.

The figures the closing note of issue 8 asks for (tests/hardening/figures.py) are printed in the
terminal summary.
"""
from __future__ import annotations

import os

import pytest

from tests.hardening.figures import FIGURES
from tests.hardening.live import close_runtime, own_settings, stop_own_server
from tests.hardening.world import make_app, seed_world
from tests.referrals.referral_helpers import SECRET_KEY
from web.bootstrap import Runtime


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("hardening figures (issue 8)")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
    if too_few_fuzz_cases():
        terminalreporter.write_line(f"FOUT: {too_few_fuzz_cases()}", red=True)


def too_few_fuzz_cases() -> str | None:
    """`make fuzz` asks at least SOCIALEKAART_FUZZ_MIN_CASES cases (10,000) of every run; fewer fails it."""
    wanted = int(os.environ.get("SOCIALEKAART_FUZZ_MIN_CASES") or 0)
    run = FIGURES["fuzz cases run"]
    return (f"{run} fuzzgevallen gedraaid, minder dan de gevraagde {wanted} (SOCIALEKAART_FUZZ_MIN_CASES)."
            if wanted and run < wanted else None)


def pytest_sessionfinish(session, exitstatus):
    if exitstatus == 0 and too_few_fuzz_cases():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="module")
def world(stores):
    """One seeded graph per test module (the tests in a module may add to it, never remove)."""
    settings = stores.settings("module").with_overrides(secret_key=SECRET_KEY, webhook_allow_private=True)
    runtime = Runtime(settings)
    made = seed_world(runtime)
    yield made
    made.rr.close()
    runtime.store.connection.delete_graph()
    runtime.close()


@pytest.fixture(scope="module")
def app(world):
    return make_app(world)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def own(tmp_path):
    """A seeded world on its own data dir and server, for tests that kill or stop the store."""
    data_dir = tmp_path / "graph"
    runtime = Runtime(own_settings(data_dir))
    world = seed_world(runtime)
    yield world
    world.rr.close()
    close_runtime(runtime)
    stop_own_server(data_dir)
