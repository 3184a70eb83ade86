"""Prometheus metrics for monitoring."""
from __future__ import annotations


def test_metrics_count_requests_and_report_the_store(app, client):
    client.get("/api/v1/services?postcode=4461AB")
    client.get("/api/v1/services/does-not-exist")
    app.config["SOCIALEKAART_METRICS_TOKEN"] = "metrics-test-token"
    try:
        text = client.get("/metrics", headers={"Authorization": "Bearer metrics-test-token"}).get_data(as_text=True)
    finally:
        app.config.pop("SOCIALEKAART_METRICS_TOKEN")
    assert "socialekaart_store_up 1.0" in text
    assert 'socialekaart_http_requests_total{endpoint="services.Services",method="GET",status="200"}' in text
    assert 'endpoint="services.ServiceById",method="GET",status="404"' in text
    assert "does-not-exist" not in text  # ids never become label values
    assert "socialekaart_http_request_duration_seconds_bucket" in text
