"""The statement budget of a web request: short, so a stopped or hung store answers 503 at once.

Every request runs its store statements with ``request_timeout_seconds`` (``SOCIALEKAART_REQUEST_TIMEOUT``,
1.5 s): a hung store gives 503 problem+json within that, and a dead embedded server is restarted in
the background while the request gets 503 (or its answer, when the restart is that quick).

The coordinators' computations (coverage and gaps, network figures and flows, and their pages) may
take longer: they get the patient ``store_timeout_seconds`` (``SOCIALEKAART_STORE_TIMEOUT``, 10 s),
like the CLI and the importers, which never run on a request path. See docs/operations.md.
"""
from __future__ import annotations

from flask import Flask, request

from graph.backends.connection import set_request_budget
from socialekaart.shared.config import Settings

# Blueprints whose views compute over a whole region: the patient timeout.
LONG_RUNNING_BLUEPRINTS = frozenset({"coverage", "network", "network_pages", "dashboard"})


def register_timeouts(app: Flask, settings: Settings) -> None:
    budget = settings.request_timeout_seconds

    @app.before_request
    def short_statements():
        set_request_budget(None if request.blueprint in LONG_RUNNING_BLUEPRINTS else budget)

    @app.teardown_request
    def patient_again(_error=None):
        set_request_budget(None)
