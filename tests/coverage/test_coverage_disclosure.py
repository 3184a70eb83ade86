"""The referral counts of the lokale inventarisatie, attacked (issue 17, finding 1): for generated sets of
referrals, take every count the inventarisatie publishes for every area (what a coordinator gets by asking
for each area in turn), write down every sum a reader can form, and narrow each hidden count with the
attackers of tests/unit/test_disclosure.py (interval propagation and the exact integer attacker):

- an area is the sum of the areas in it plus the referrals whose wijk is not known (never published);
- within an area: referrals = to maatwerk + to the sociale basis + the other rungs, referrals = declined
  for capacity + declined outside the werkgebied + the rest, to maatwerk = without lighter help nearby +
  the rest (the rests never published).

No hidden count, unpublished ones included, may be pinned or provably under 5; every shown count is 5 or
more. Pure computation: no store."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialekaart.coverage.compute import SIGNALS, AreaInput, ReferralInput, compute_coverage, counted_area
from socialekaart.coverage.disclosure import PARTS, UNKNOWN
from socialekaart.referrals.disclosure import THRESHOLD
from socialekaart.shared import taxonomy
from tests.unit.test_disclosure import ExactAttacker, pinned

AREAS = [AreaInput("RG1", "regio", "Regio"),
         AreaInput("GM1", "gemeente", "Een", parent_code="RG1"),
         AreaInput("GM2", "gemeente", "Twee", parent_code="RG1"),
         AreaInput("WK11", "wijk", "Een-Noord", parent_code="GM1", population=2000, lat=51.50, lon=3.80),
         AreaInput("WK12", "wijk", "Een-Zuid", parent_code="GM1", population=2000, lat=51.49, lon=3.80),
         AreaInput("WK13", "wijk", "Een-Oost", parent_code="GM1", population=2000, lat=51.50, lon=3.82),
         AreaInput("WK21", "wijk", "Twee-Centrum", parent_code="GM2", population=2000, lat=51.60, lon=3.90),
         AreaInput("BU1101", "buurt", "Een-Noord-A", parent_code="WK11", population=2000, lat=51.50, lon=3.80)]
DOMAINS = ("geldzaken", "sociaal-netwerk")
HOMES = [("WK11", "GM1"), ("WK12", "GM1"), ("WK13", "GM1"), ("WK21", "GM2"), (None, "GM1"), (None, "GM2")]
RUNGS = [r.code for r in taxonomy.RUNGS]


@st.composite
def referral(draw) -> ReferralInput:
    wijk, gemeente = draw(st.sampled_from(HOMES))
    status = draw(st.sampled_from(["verzonden", "geaccepteerd", "afgewezen"]))
    reason = draw(st.sampled_from(["geen-capaciteit", "buiten-werkgebied", "buiten-doelgroep"])) \
        if status == "afgewezen" else None
    return ReferralInput(life_domains=tuple(draw(st.lists(st.sampled_from(DOMAINS), min_size=1, max_size=2,
                                                          unique=True))),
                         to_org_id="org", to_rung=draw(st.sampled_from(RUNGS)), status=status, decline_reason=reason,
                         wijk_code=wijk, gemeente_code=gemeente)


def equations(result, domain: str) -> tuple[dict, list]:
    """Every published count of one leefgebied (None when hidden) and every sum between them."""
    counted = [code for code in result.codes if counted_area(result.areas[code])]
    cells = {(code, name): result.published(code, domain, name) for code in counted for name in SIGNALS}
    sums = []
    owners = list(counted)
    for code in counted:
        parts = [c for c in result.children.get(code, ()) if c in counted]
        if parts:
            owners.append((UNKNOWN, code))
            # Wijk onbekend is not published on its own; where the protection did not hide it, a reader
            # works it out (area less its parts), so the attacker is given it.
            hidden = result.hidden_counts[domain]
            cells.update({((UNKNOWN, code), name): None if ((UNKNOWN, code), name) in hidden else
                          truth(result, domain, {((UNKNOWN, code), name): None})[((UNKNOWN, code), name)]
                          for name in SIGNALS})
            sums += [((code, name), [*((c, name) for c in parts), ((UNKNOWN, code), name)]) for name in SIGNALS]
    for owner in owners:
        for whole, parts, rest in PARTS:
            cells[(owner, rest)] = None
            sums.append(((owner, whole), [*((owner, p) for p in parts), (owner, rest)]))
    return cells, sums


def truth(result, domain: str, cells: dict) -> dict:
    """The true value of every cell (only to spare the exact attacker work, ``ExactAttacker.unprotected``)."""
    def value(owner, name):
        if isinstance(owner, tuple):  # wijk onbekend: the area less the areas in it
            code = owner[1]
            return value(code, name) - sum(value(c, name) for c in result.children.get(code, ())
                                           if counted_area(result.areas[c]))
        for whole, parts, rest in PARTS:
            if name == rest:
                return value(owner, whole) - sum(value(owner, p) for p in parts)
        return result.record(owner, domain).signal(name)
    return {cell: value(*cell) for cell in cells}


def attacked(result) -> dict:
    found = {}
    for domain in DOMAINS:
        cells, sums = equations(result, domain)
        assert all(v is None or v >= THRESHOLD for v in cells.values())
        found.update({(domain, *cell): value for cell, value in pinned(cells, sums).items()})
        exact = ExactAttacker(cells, sums).unprotected(truth(result, domain, cells))
        found.update({(domain, *cell): value for cell, value in exact.items()})
    return found


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(referral(), min_size=1, max_size=50))
def test_no_hidden_referral_count_of_any_area_can_be_worked_out(referrals):
    result = compute_coverage(AREAS, [], (), referrals)
    assert attacked(result) == {}
    assert all(result.published("BU1101", d, name) is None for d in DOMAINS for name in SIGNALS)


def test_large_counts_everywhere_are_all_shown_and_one_small_one_takes_partners_with_it():
    def many(wijk, gemeente, **kw):
        base = dict(life_domains=("geldzaken",), to_org_id="org", wijk_code=wijk, gemeente_code=gemeente)
        return [ReferralInput(**{**base, **kw}) for _ in range(5)]

    referrals = []
    for wijk, gemeente in [("WK11", "GM1"), ("WK12", "GM1"), ("WK13", "GM1"), ("WK21", "GM2"), (None, "GM1"),
                           (None, "GM2")]:
        referrals += (many(wijk, gemeente, to_rung="maatwerk", status="afgewezen", decline_reason="geen-capaciteit")
                      + many(wijk, gemeente, to_rung="informeel", status="afgewezen",
                             decline_reason="buiten-werkgebied")
                      + many(wijk, gemeente, to_rung="licht", status="geaccepteerd"))
    # No help within reach anywhere (no services): of the maatwerk, some without lighter help nearby.
    result = compute_coverage(AREAS, [], (), referrals)
    geld = {(code, name): result.published(code, "geldzaken", name)
            for code in ("RG1", "GM1", "WK11", "WK21") for name in SIGNALS}
    assert geld[("WK11", "referrals")] == 15 and geld[("GM1", "referrals")] == 60 and geld[("RG1", "referrals")] == 90
    assert geld[("GM1", "to_sociale_basis")] == 20 and geld[("RG1", "declined_outside_area")] == 30
    # Every maatwerk referral is without lighter help nearby, so the rest is 0: it may not follow from the two.
    assert None in (geld[("WK11", "to_maatwerk")], geld[("WK11", "maatwerk_without_light_nearby")])
    assert attacked(result) == {}

    # One referral fewer for licht in Een-Noord: its 'other rungs' (4) would follow from 14 - 5 - 5, so one
    # of the counts around it hides, and the one above it, and so on until nothing can be worked out.
    fewer = [r for r in referrals]
    fewer.remove(ReferralInput(life_domains=("geldzaken",), to_org_id="org", to_rung="licht", status="geaccepteerd",
                               wijk_code="WK11", gemeente_code="GM1"))
    result = compute_coverage(AREAS, [], (), fewer)
    hidden = [name for name in SIGNALS if result.published("WK11", "geldzaken", name) is None]
    assert hidden and attacked(result) == {}
    assert result.published("RG1", "geldzaken", "referrals") == 89
