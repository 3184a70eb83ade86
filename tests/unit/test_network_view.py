"""The network view's readings (socialekaart/referrals/network_graph.py) and the picture's layout
(web/pages/network_picture.py) on a hand-made publication: which organisations bridge formal and
informal, which informal partners have no shown link to a formal one, the headline rows per month."""
from __future__ import annotations

from datetime import datetime, timezone

from socialekaart.referrals.network_graph import network_view, profiles_of
from socialekaart.referrals.records import OrganizationServices
from web.pages.network_picture import layout

START = datetime(2025, 12, 31, 23, 0, tzinfo=timezone.utc)  # January and February 2026, local time
END = datetime(2026, 2, 28, 23, 0, tzinfo=timezone.utc)


def org(key: str, formal: bool) -> dict:
    return {"id": key, "name": key.upper(), "kind": None, "formal": formal}


def group(key: str, referrals: int | None, *, basis=None, f2i=None, i2f=None, closure=None) -> dict:
    return {"key": key, "label": key, "referrals": referrals, "suppressed": referrals is None,
            "socialeBasisShare": basis, "formalInformal": {"formalToInformal": f2i, "informalToFormal": i2f},
            "loopClosure": {"rate": closure}, "hoursToReceived": {"median": 2.0},
            "hoursToAccepted": {"median": None}, "hoursToStarted": {"median": 30.5}}


def overview() -> dict:
    # wijkteam (formal) -> buren (informal) and -> welzijn (formal); buren -> zorg (formal); koor (informal)
    # only sends to buren; a hidden flow is not an edge.
    nodes = [org("buren", False), org("koor", False), org("welzijn", True), org("wijkteam", True), org("zorg", True)]
    edges = [{"from": "wijkteam", "to": "buren", "count": 9}, {"from": "wijkteam", "to": "welzijn", "count": 12},
             {"from": "buren", "to": "zorg", "count": 6}, {"from": "koor", "to": "buren", "count": 5}]
    head = {"scope": {"gemeenten": ["GM0664"], "wijk": None, "leefgebied": None},
            "period": {"from": "2025-12-31T23:00:00.000Z", "until": "2026-02-28T23:00:00.000Z"}}
    total = group("alle", 32, basis=0.5, f2i=9, i2f=6, closure=0.25)
    figures = {"total": {**head, "closureDays": 30, "total": total},
               "month": {"groups": [group("2026-01", 27, basis=0.4, f2i=None, i2f=6, closure=0.3)]},
               "partner": {"groups": [group("buren", 14, closure=0.5), group("overig", None)]}}
    flows = {**head, "suppressionThreshold": 5, "graph": {"nodes": nodes, "edges": edges},
             "rarelyReferredTo": [org("ggz", True), org("eetclub", False), org("mid", True)]}
    return {"figures": figures, "flows": flows}


def services(org_id: str, name: str, formal: bool, gemeente: str | None, rung: str | None,
             n: int) -> OrganizationServices:
    return OrganizationServices(id=org_id, name=name, kind=None, formal=formal, gemeente=gemeente, rung=rung, n=n)


PROFILES = profiles_of([
    services("buren", "Buren", False, "GM0664", "informeel", 1),
    services("ggz", "GGZ", True, "GM0664", "voorliggend", 1),
    services("ggz", "GGZ", True, "GM0687", "maatwerk", 2),
    services("mid", "Mid", True, "GM0687", "licht", 1),
    services("eetclub", "Eetclub", False, "GM0664", "informeel", 1),
    services("leeg", "Leeg", True, None, None, 0),
])


def test_profiles_take_the_gemeente_and_rung_of_most_services():
    assert (PROFILES["ggz"]["gemeente"], PROFILES["ggz"]["rung"]) == ("GM0687", "maatwerk")
    assert (PROFILES["leeg"]["gemeente"], PROFILES["leeg"]["rung"]) == ("onbekend", "onbekend")
    assert PROFILES["buren"]["formal"] is False


def test_bridges_and_informal_partners_without_a_formal_link_rest_on_the_shown_edges():
    view = network_view(overview(), PROFILES, START, END)
    # buren has flows with wijkteam and zorg (formal) and koor (informal): a bridge; so is wijkteam (buren,
    # welzijn). zorg only has a flow with buren (informal), welzijn only with wijkteam (formal): no bridges.
    assert [n["id"] for n in view["bridges"]] == ["buren", "wijkteam"]
    assert {n["id"]: n["bridge"] for n in view["nodes"]} == {"buren": True, "koor": False, "welzijn": False,
                                                            "wijkteam": True, "zorg": False}
    # koor only has a flow to buren (informal); eetclub has no shown flow at all.
    assert [n["id"] for n in view["informalWithoutFormalLink"]] == ["eetclub", "koor"]
    assert [(g["gemeente"], [p["id"] for p in g["partners"]]) for g in view["rarelyReferredTo"]] == \
        [("GM0664", ["eetclub"]), ("GM0687", ["ggz", "mid"])]
    assert view["nodes"][0]["rung"] == "informeel" and view["nodes"][1]["gemeente"] == "onbekend"


def test_headline_has_every_month_then_the_whole_period():
    view = network_view(overview(), PROFILES, START, END)
    rows = {row["key"]: row for row in view["headline"]}
    assert [row["key"] for row in view["headline"]] == ["2026-01", "2026-02", "totaal"]
    assert (rows["2026-01"]["referrals"], rows["2026-01"]["formalToInformal"], rows["2026-01"]["informalToFormal"],
            rows["2026-01"]["loopClosureRate"]) == (27, None, 6, 0.3)
    assert rows["2026-02"] == {"key": "2026-02", "label": "2026-02", "shown": False, "referrals": None,
                               "socialeBasisShare": None, "formalToInformal": None, "informalToFormal": None,
                               "loopClosureRate": None}
    assert rows["totaal"]["socialeBasisShare"] == 0.5
    partners = {p["key"]: p for p in view["partners"]}
    assert partners["buren"]["medianHoursToStarted"] == 30.5 and partners["overig"]["referrals"] is None


def test_the_picture_puts_formal_left_and_informal_right_with_an_arrow_per_shown_edge():
    view = network_view(overview(), PROFILES, START, END)
    picture = layout(view["nodes"], view["edges"])
    middle = picture["width"] / 2
    assert all((n["x"] < middle) == n["formal"] for n in picture["nodes"])
    assert all(n["anchor"] == ("end" if n["formal"] else "start") for n in picture["nodes"])
    assert len(picture["edges"]) == 4
    widths = {e["title"]: e["width"] for e in picture["edges"]}
    assert widths["WIJKTEAM naar WELZIJN: 12"] > widths["KOOR naar BUREN: 5"]  # thicker for more referrals
    assert all(0 <= n["y"] <= picture["height"] for n in picture["nodes"])
    many = [org(f"o{i:02d}", i % 2 == 0) for i in range(80)]
    big = layout(many, [])
    ys = sorted(n["y"] for n in big["nodes"] if n["formal"])
    assert min(b - a for a, b in zip(ys, ys[1:])) >= 16  # labels on one side stay apart
