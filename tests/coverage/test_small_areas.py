"""Small areas: the robust rate per 1,000 and kerncijfers that add up, pinned by hand-computed values
(the method is in socialekaart/coverage/small_areas.py and docs/lokale-inventarisatie.md)."""
from __future__ import annotations

import pytest

from socialekaart.coverage.compute import AreaInput, ServiceInput, compute_coverage
from socialekaart.coverage.gaps import Thresholds, regional_medians
from socialekaart.coverage.small_areas import AreaRate, add_up, median_of, robust_rates


def test_the_robust_rate_by_hand():
    # Three wijken of one gemeente: 2 services for 1,000, 10 for 2,000 and 1 for 15 inwoners.
    #   m   = 13 / 3.015 = 4.3118 per 1,000
    #   s2  = (1·(2 − m)² + 2·(5 − m)² + 0.015·(66.667 − m)²) / 3.015 − m / 1.005 = 21.431 − 4.290 = 17.140
    #   w   = s2 / (s2 + m / n):  A 17.14 / 21.45 = 0.799;  B 17.14 / 19.30 = 0.888;  C 17.14 / 304.6 = 0.056
    #   robust = m + w (r − m):   A 2.46;  B 4.92;  C 7.82 (it counted 66.67)
    found = robust_rates({"A": AreaRate(2, 1000, "GM1"), "B": AreaRate(10, 2000, "GM1"),
                          "C": AreaRate(1, 15, "GM1"), "D": AreaRate(3, None, "GM1")})
    assert found["A"] == pytest.approx(2.46, abs=0.005)
    assert found["B"] == pytest.approx(4.92, abs=0.005)
    assert found["C"] == pytest.approx(7.82, abs=0.005)
    assert found["D"] is None  # no population, no rate


def test_areas_that_differ_only_by_chance_all_get_their_siblings_rate():
    # The same rate everywhere except chance: the spread beyond chance is 0, so every area gets m.
    found = robust_rates({"A": AreaRate(4, 2000, "g"), "B": AreaRate(2, 1000, "g"), "C": AreaRate(0, 20, "g")})
    pooled = 6 / 3.02
    assert found == pytest.approx({"A": pooled, "B": pooled, "C": pooled})


def test_siblings_are_pooled_per_parent_only():
    found = robust_rates({"A": AreaRate(1, 1000, "GM1"), "B": AreaRate(9, 1000, "GM2")})
    assert found == {"A": 1.0, "B": 9.0}  # each alone in its group: its own rate


def test_a_tiny_area_no_longer_drives_the_median():
    # Terneuzen in miniature: two populated wijken with ~2 per 1,000 and two tiny ones with one service
    # each. Counted, the tiny ones (533 and 267 per 1,000) pull the median up; robust, they do not.
    counted = {"WK1": AreaRate(8, 4000, "GM"), "WK2": AreaRate(6, 3500, "GM"),
               "WK3": AreaRate(1, 15, "GM"), "WK4": AreaRate(1, 30, "GM")}
    raw_median = median_of(rate.count * 1000 / rate.population for rate in counted.values())  # type: ignore[operator]
    robust = robust_rates(counted)
    assert raw_median == pytest.approx((2.0 + 33.33) / 2, abs=0.01)  # the middle two: 2.0 and 33.3
    assert median_of(robust.values()) < 5
    assert robust["WK3"] < 7 and robust["WK4"] < 7  # from 66.7 and 33.3
    assert robust["WK1"] == pytest.approx(2.0, abs=0.05)  # a populated wijk keeps its own


def test_kerncijfers_add_up_from_the_buurten():
    def area(code, kind, parent, population=None, households=None, ages=None):
        return AreaInput(code, kind, code, parent_code=parent, population=population, households=households,
                         ages=ages or {})

    ages = {"0-14": 10, "15-24": 10, "25-44": 30, "45-64": 30, "65+": 20}
    summed = {a.code: a for a in add_up([
        area("RG1", "regio", None),
        area("GM1", "gemeente", "RG1", population=999),
        area("WK1", "wijk", "GM1", population=150, households=70),
        area("BU1", "buurt", "WK1", population=100, households=40, ages=ages),
        area("BU2", "buurt", "WK1", population=100, households=45, ages={**ages, "65+": 25}),
        area("GM2", "gemeente", "RG1", population=300, households=120,
             ages={"0-14": 50, "15-24": 40, "25-44": 80, "45-64": 80, "65+": 50}),
        area("WK2", "wijk", "GM2", population=None),  # CBS kept it secret: GM2 keeps its own figures
    ])}
    assert summed["WK1"].population == 200 and summed["WK1"].households == 85  # its buurten, not its own 150
    assert summed["WK1"].ages == {"0-14": 20, "15-24": 20, "25-44": 60, "45-64": 60, "65+": 45}
    assert summed["GM1"].population == 200
    assert summed["GM2"].population == 300 and summed["GM2"].households == 120
    assert summed["RG1"].population == 500 and summed["RG1"].households == 205
    assert summed["RG1"].ages == {"0-14": 70, "15-24": 60, "25-44": 140, "45-64": 140, "65+": 95}


def test_one_median_everywhere_from_the_robust_figures():
    areas = [AreaInput("RG1", "regio", "Regio", population=None),
             AreaInput("GM1", "gemeente", "Gemeente", parent_code="RG1"),
             AreaInput("WK1", "wijk", "Wijk 1", parent_code="GM1", population=4000, lat=51.5, lon=3.8),
             AreaInput("WK2", "wijk", "Wijk 2", parent_code="GM1", population=3500, lat=51.51, lon=3.81),
             AreaInput("WK3", "wijk", "Wijk 3", parent_code="GM1", population=15, lat=51.52, lon=3.82)]

    def service(n, wijk):
        return ServiceInput(id=f"s{n}", name=f"S{n}", organization_id="o", organization_name="O", rung="informeel",
                            formal=False, life_domains=("sociaal-netwerk",), wijk_code=wijk, serves=(wijk,))

    services = [service(n, "WK1") for n in range(8)] + [service(10 + n, "WK2") for n in range(6)] + [service(99, "WK3")]
    result = compute_coverage(areas, services)
    assert result.areas["GM1"].population == 7515  # added up
    raw = [result.record(c, "sociaal-netwerk").per_1000 for c in ("WK1", "WK2", "WK3")]
    robust = [result.record(c, "sociaal-netwerk").per_1000_robust for c in ("WK1", "WK2", "WK3")]
    assert raw[2] == pytest.approx(66.67, abs=0.01) and robust[2] < 10  # pulled to its siblings (~2 per 1,000)
    median = regional_medians(result, Thresholds(gap_min_population=0))[("RG1", "sociaal-netwerk")]
    assert median == pytest.approx(median_of(robust))


def test_too_little_supply_is_found_on_the_robust_figures_with_the_population_in_the_text():
    from datetime import date

    from socialekaart.coverage.gaps import find_gaps

    # Four wijken of 3,000 with 14, 12, 10 and 1 services. By hand (per 1,000):
    #   m = 37 / 12 = 3.083;  s2 = 3 · (2.507 + 0.840 + 0.063 + 7.563) / 12 − 3.083 / 3 = 1.715
    #   w = 1.715 / (1.715 + 1.028) = 0.625 for each (same size)
    #   robust: 4.073, 3.656, 3.240 and 3.083 + 0.625 · (0.333 − 3.083) = 1.364
    #   median 3.448; 1.364 is below half of it: "weinig-aanbod", severity 1 − 1.364 / 3.448 = 0.604
    areas = [AreaInput("RG1", "regio", "Regio"), AreaInput("GM1", "gemeente", "Stad", parent_code="RG1")]
    areas += [AreaInput(f"WK{n}", "wijk", name, parent_code="GM1", population=3000)
              for n, name in enumerate(("Noord", "Oost", "Zuid", "West"), start=1)]
    services = [ServiceInput(id=f"s{w}-{i}", name="S", organization_id=f"o{w}", organization_name="O", rung="informeel",
                             formal=False, life_domains=("sociaal-netwerk",), wijk_code=f"WK{w}", serves=(f"WK{w}",))
                for w, count in ((1, 14), (2, 12), (3, 10), (4, 1)) for i in range(count)]
    result = compute_coverage(areas, services)
    assert [round(result.record(f"WK{n}", "sociaal-netwerk").per_1000_robust, 3) for n in range(1, 5)] == \
        pytest.approx([4.073, 3.656, 3.240, 1.364], abs=0.002)
    found = [g for g in find_gaps(result, Thresholds(), today=date(2026, 12, 1))
             if g.indicator == "weinig-aanbod"]
    assert [(g.area_code, g.life_domain) for g in found] == [("WK4", "sociaal-netwerk")]
    assert found[0].severity == pytest.approx(0.604, abs=0.002)
    assert found[0].explanation == ("Wijk West (Stad): 1,36 informele of voorliggende voorzieningen voor sociaal "
                                    "netwerk per 1.000 inwoners (3.000 inwoners); de mediaan van de wijken in de "
                                    "regio is 3,45.")
