"""The referral network as a graph (issue 16 §4) through the real stores: the store's answer equals the
same publication worked out from the scenario's fact rows in Python, for the whole area and for one
leefgebied; the organisations' gemeente and rung come from their services (Cypher); the API gives the
same numbers as JSON and as CSV. The scenario is test_referral_network's (hand-computed there)."""
from __future__ import annotations

import csv
import io

import pytest

from socialekaart.referrals.figure_publication import published_from_rows
from socialekaart.referrals.network import NETWORK_GROUPINGS
from socialekaart.referrals.network_graph import network_view, profiles_of
from socialekaart.referrals.records import OrganizationServices, Partner
from socialekaart.shared.clock import parse_iso
from tests.referrals import test_referral_network as base
from tests.referrals.test_referral_network import NOW, fact_rows, goes, scenario

played = base.played  # the scenario played through the referral service (a fixture)
# The hand-computed numbers below are of the rules without the cell-key noise (switched off as in
# test_referral_network; the noise from the store's record keys: test_referral_figures_store.py).
without_noise = base.without_noise

PARTNERS = [Partner(id="org-netwerk", name="Buren voor Buren", kind="vrijwilligersnetwerk", formal=False),
            Partner(id="org-ggz", name="GGZ Goes", kind="ggz", formal=True),
            Partner(id="org-opvang", name="Opvang Zeeland", kind="zorgaanbieder", formal=True),
            Partner(id="org-swt", name="Sociaal wijkteam Goes", kind="sociaal-wijkteam", formal=True),
            Partner(id="org-welzijn", name="Welzijn Goes", kind="welzijnsorganisatie", formal=True),
            Partner(id="org-zorg", name="Zorg Plus", kind="zorgaanbieder", formal=True)]
KINDS = {p.id: p.kind for p in PARTNERS}
# The organisations' services (tests/referrals/referral_helpers.region): gemeente (located, else served) and rung.
SERVICES = {"org-swt": ("GM0664", "licht"), "org-welzijn": ("GM0664", "voorliggend"),
            "org-netwerk": ("GM0664", "informeel"), "org-zorg": ("GM0664", "maatwerk"),
            "org-opvang": ("GM0664", "maatwerk"), "org-ggz": ("GM0664", "voorliggend")}


def oracle(rows, *, leefgebied=None, answer):
    """The network view worked out in Python from the fact rows, for the period and scope of ``answer``."""
    rows = [{**r, "from_org_kind": KINDS[r["from_org_id"]], "to_org_kind": KINDS[r["to_org_id"]]} for r in rows
            if leefgebied is None or leefgebied in r["life_domains"]]
    published = published_from_rows(rows, now=NOW, closure_days=30, partners=PARTNERS)
    head = {"scope": answer["scope"], "period": answer["period"]}
    figures = {g: {**head, "closureDays": 30, "total": published["total"],
                   "groups": [] if g == "total" else published["groups"][g]} for g in NETWORK_GROUPINGS}
    overview = {"figures": figures, "flows": {**head, "suppressionThreshold": 5, **published["flows"]}}
    profiles = profiles_of([OrganizationServices(id=org, name=None, kind=None, formal=True, gemeente=g, rung=r, n=1)
                            for org, (g, r) in SERVICES.items()])
    return network_view(overview, profiles, parse_iso(answer["period"]["from"]), parse_iso(answer["period"]["until"]))


@pytest.mark.usefixtures("played")
def test_the_network_graph_from_the_store_equals_the_python_publication(rr, actors):
    coordinator = actors["coordinator"].principal
    rows = goes(fact_rows(scenario()))
    for leefgebied in (None, "geldzaken", "sociaal-netwerk"):
        answer = rr.network.network(coordinator, leefgebied=leefgebied)
        assert answer == oracle(rows, leefgebied=leefgebied, answer=answer), leefgebied
        assert answer["scope"]["leefgebied"] == leefgebied
    whole = rr.network.network(coordinator)
    months = {row["key"]: row for row in whole["headline"]}
    # January: the 12 of W and the 5 of Z (17); February: the 6 of N, all formal -> informal; but with
    # January's 0 hidden, February's 6 would equal the period's 6: it hides too.
    assert (months["2026-01"]["referrals"], months["2026-02"]["referrals"]) == (17, 6)
    assert months["2026-02"]["formalToInformal"] is None and months["2026-02"]["socialeBasisShare"] is None
    assert (months["totaal"]["referrals"], months["totaal"]["formalToInformal"],
            months["totaal"]["loopClosureRate"]) == (23, 6, 0.294)
    assert not months["2025-12"]["shown"] and months["2025-12"]["referrals"] is None
    assert [row["key"] for row in whole["headline"]][:2] == ["2025-04", "2025-05"]  # twelve months up to March
    # The rarely referred-to partners, per gemeente, formal and informal told apart.
    assert [(g["gemeente"], [(p["name"], p["formal"], p["rung"]) for p in g["partners"]])
            for g in whole["rarelyReferredTo"]] == [
        ("GM0664", [("GGZ Goes", True, "voorliggend"), ("Opvang Zeeland", True, "maatwerk"),
                    ("Sociaal wijkteam Goes", True, "licht")])]
    # Every flow of this scenario is hidden (test_flows_through_the_store): no edge, so no bridge, and
    # the informal Buren voor Buren has no shown link to a formal partner.
    assert whole["edges"] == [] and whole["bridges"] == []
    assert [p["id"] for p in whole["informalWithoutFormalLink"]] == ["org-netwerk"]
    partners = {p["key"]: p for p in whole["partners"]}
    assert partners["org-welzijn"]["referrals"] == 12 and partners["org-welzijn"]["loopClosureRate"] is None
    assert (partners["org-welzijn"]["medianHoursToReceived"], partners["org-welzijn"]["medianHoursToAccepted"]) == \
        (6.5, 40.0)


@pytest.mark.usefixtures("played")
def test_organisation_profiles_come_from_their_services(rr):
    rows = rr.referral_store.organization_profiles(["org-netwerk", "org-zorg", "org-none"])
    profiles = profiles_of(rows)
    assert set(profiles) == {"org-netwerk", "org-zorg"}
    assert (profiles["org-netwerk"]["formal"], profiles["org-netwerk"]["gemeente"],
            profiles["org-netwerk"]["rung"]) == (False, "GM0664", "informeel")
    assert (profiles["org-zorg"]["formal"], profiles["org-zorg"]["rung"]) == (True, "maatwerk")


def _csv_rows(response) -> list[dict[str, str]]:
    assert response.data.startswith("\ufeff".encode())  # a BOM: Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def _number(text: str):
    """A CSV cell as the JSON has it: a hidden or absent figure None, a decimal comma a float."""
    if text in ("", "<5"):
        return None
    if text.isdigit():
        return int(text)
    return float(text.replace(",", ".")) if text.replace(",", "", 1).isdigit() else text


@pytest.mark.usefixtures("played")
def test_network_graph_api_json_and_csv_give_the_same_numbers(client, actors, rr):
    h = actors["coordinator"].headers
    query = "from=2026-01&months=2&leefgebied=geldzaken"
    answer = client.get(f"/api/v1/network/graph?{query}", headers=h)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["scope"]["leefgebied"] == "geldzaken" and body["headline"][-1]["referrals"] == 17
    download = client.get(f"/api/v1/network/graph?{query}&format=csv", headers=h)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert 'filename="netwerk-' in download.headers["Content-Disposition"]
    rows = _csv_rows(download)
    csv_values = {(r["onderdeel"], r["sleutel"], r["cijfer"]): _number(r["waarde"]) for r in rows}
    fields = ("referrals", "socialeBasisShare", "formalToInformal", "informalToFormal", "loopClosureRate")
    for row in body["headline"]:
        for name in fields:
            assert csv_values[("kerncijfers", row["key"], name)] == row[name], (row["key"], name)
    for partner in body["partners"]:
        for name in ("referrals", "loopClosureRate", "medianHoursToReceived", "medianHoursToAccepted",
                     "medianHoursToStarted"):
            assert csv_values[("partner", partner["key"], name)] == partner[name], (partner["key"], name)
    assert {r["sleutel"] for r in rows if r["onderdeel"] == "weinig-verwezen"} == \
        {p["id"] for g in body["rarelyReferredTo"] for p in g["partners"]}
    assert not any(r[c].startswith(("=", "+", "-", "@")) for r in rows for c in ("naam", "waarde"))  # no formula

    bad = client.get("/api/v1/network/graph?leefgebied=vakantie", headers=h)
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert "leefgebied" in {p["name"] for p in bad.get_json()["invalidParams"]}
    assert client.get("/api/v1/network/graph?area=GM0687", headers=h).status_code == 403
    assert client.get("/api/v1/network/graph").status_code == 401
