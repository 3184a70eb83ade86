"""/api/v1/services writes its JSON body itself, already in the shape ServicePageSchema dumps to
(marshmallow cost 2-4 ms per search): pin that dumping it changes nothing, not even the key order."""
from __future__ import annotations

import json

import pytest

from web.api.services.schemas import ServicePageSchema

SEARCHES = ["", "?q=schuld", "?q=schuld&sort=relevance&page=2&pageSize=5", "?area=GM0664&pageSize=100",
            "?postcode=4461AB&radius=3000&lifeDomain=geldzaken", "?postcode=4461&sort=distance&page=3",
            "?postcode=4461AB&radius=20000&age=70&free=true&openAt=now", "?area=WK066401&rung=licht&targetGroup=ouderen",
            "?q=zzzqqqxx", "?area=GM0664&page=9999"]


@pytest.mark.parametrize("search", SEARCHES)
def test_the_body_is_what_the_schema_dumps(client, search):
    response = client.get(f"/api/v1/services{search}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    dumped = ServicePageSchema().dump(body)
    assert json.dumps(dumped, ensure_ascii=False) == json.dumps(body, ensure_ascii=False)
    assert response.headers["X-Total-Count"] == str(body["total"])
    if search and "9999" not in search and "zzz" not in search:
        assert body["results"]
