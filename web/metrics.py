"""Prometheus metrics at /metrics: request counts and durations per endpoint, and store health.

Only with the metrics token (SOCIALEKAART_METRICS_TOKEN, see web/privacy_http.py); without it, off."""
from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from web.privacy_http import metrics_allowed
from web.problems import problem


def register_metrics(app: Flask) -> None:
    registry = CollectorRegistry()  # one per app, so tests with several apps do not clash
    requests = Counter("socialekaart_http_requests_total", "HTTP requests", ["method", "endpoint", "status"],
                       registry=registry)
    duration = Histogram("socialekaart_http_request_duration_seconds", "Time to answer a request", ["endpoint"],
                         registry=registry, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
    store_up = Gauge("socialekaart_store_up", "1 when the graph store answers a ping", registry=registry)

    @app.before_request
    def start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def record(response: Response) -> Response:
        # The endpoint name, not the path: ids in paths would make unbounded label values.
        endpoint = request.endpoint or "unknown"
        requests.labels(request.method, endpoint, str(response.status_code)).inc()
        if "metrics_started" in g:
            duration.labels(endpoint).observe(time.perf_counter() - g.metrics_started)
        return response

    @app.get("/metrics")
    def metrics():
        allowed = metrics_allowed(app)
        if allowed is None:
            return problem(404, "Deze pagina of dit adres bestaat niet.")
        if not allowed:
            return problem(401, "Gebruik 'Authorization: Bearer <SOCIALEKAART_METRICS_TOKEN>'.",
                           headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        runtime = app.extensions["socialekaart"]
        try:
            store_up.set(1 if runtime.store.ping() else 0)
        except Exception:  # any failure to reach the store means "down" here
            store_up.set(0)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
