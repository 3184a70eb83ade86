"""NL GOV ADR: every time the public API answers is UTC written with Z (never ``+00:00``), and every
date-time the OpenAPI documents has a format. Walks the demo region's read answers on both stores."""
from __future__ import annotations

import re

import pytest

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")

READS = ["/api/v1/services?area=GM0664&pageSize=50", "/api/v1/services?q=schuld",
         "/api/v1/services?postcode=4461AB&radius=3000"]


def _times(value, path="$"):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _times(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _times(item, f"{path}[{index}]")
    elif isinstance(value, str) and TIME.match(value):
        yield path, value


@pytest.mark.parametrize("read", READS)
def test_public_answers_write_times_in_utc_with_z(client, read):
    body = client.get(read).get_json()
    found = list(_times(body))
    first = body["results"][0]
    detail = client.get(first["_links"]["self"]["href"]).get_json()
    found += list(_times(detail))
    assert found, "the demo answers carry times (modified), so this test looks at something"
    wrong = [(path, value) for path, value in found if not value.endswith("Z")]
    assert not wrong, wrong


def test_the_service_times_are_documented_with_a_format(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    service = schemas["Service"]["properties"]
    assert service["modified"]["format"] == "date-time"
    assert service["lastVerified"]["format"] == "date"
