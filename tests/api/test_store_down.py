"""With the store unreachable the API answers 503 problem+json quickly, never a stack trace."""
from __future__ import annotations

import time

import pytest

from socialekaart.shared.config import Settings
from web import create_app


@pytest.fixture(params=["redis://127.0.0.1:1", "bolt://127.0.0.1:1"])
def down_client(request):
    settings = Settings(graph_url=request.param, connect_timeout_seconds=1.0, store_timeout_seconds=2.0)
    return create_app({"SETTINGS": settings, "TESTING": True}).test_client()


@pytest.mark.parametrize("path", ["/health", "/api/v1/services?postcode=4461AB", "/api/v1/services/x",
                                  "/api/v1/organizations", "/api/v1/areas"])
def test_unreachable_store_is_503(down_client, path):
    started = time.monotonic()
    response = down_client.get(path)
    assert response.status_code == 503
    assert time.monotonic() - started < 5
    body = response.get_json()
    assert "Traceback" not in response.get_data(as_text=True)
    if path != "/health":
        assert response.mimetype == "application/problem+json"
        assert body["status"] == 503 and "niet bereikbaar" in body["detail"]
        assert response.headers["Retry-After"]
    else:
        assert body["status"] == "unavailable"
