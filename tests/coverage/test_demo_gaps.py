"""On the demo region: the wijken left thin on purpose come out as gaps, quickly."""
from __future__ import annotations

import pytest

from bench.gaps import bench_gaps
from web.bootstrap import build_coverage_service


@pytest.fixture(scope="module")
def demo_analysis(demo_runtime):
    return build_coverage_service(demo_runtime).analyse()


def test_every_thin_wijk_and_leefgebied_of_the_demo_is_a_gap(demo_runtime, demo_analysis):
    region = demo_runtime.demo_region
    population = {a.code: a.population or 0 for a in region.areas}
    minimum = demo_analysis.thresholds.gap_min_population
    gaps = {(g.area_code, g.life_domain) for g in demo_analysis.gaps if g.indicator == "geen-basisaanbod"}
    checked = [pair for pair in region.thin if population[pair[0]] >= minimum]
    assert len(checked) >= 150  # nearly all of the 206 thin pairs; a few wijken have under 100 inwoners
    assert [pair for pair in checked if pair not in gaps] == []
    first = next(g for g in demo_analysis.gaps if (g.area_code, g.life_domain) in set(checked))
    assert first.explanation.startswith("Wijk ") and "geen informeel of voorliggend aanbod voor" in first.explanation


def test_thin_leefgebieden_have_no_sociale_basis_in_their_gemeente_and_well_covered_ones_do(demo_runtime,
                                                                                            demo_analysis):
    result = demo_analysis.result
    thin_per_gemeente = {(result.gemeente_of(wijk).code, domain) for wijk, domain in demo_runtime.demo_region.thin}
    assert len(thin_per_gemeente) >= 13
    for gemeente, domain in thin_per_gemeente:
        assert result.record(gemeente, domain).sociale_basis == 0, (gemeente, domain)
        assert result.record(gemeente, domain).rung_total("licht") >= 1  # only the wijkteam
    for gemeente in ("GM0664", "GM0687", "GM0718"):  # promised good results for geldzaken and sociaal netwerk
        for domain in ("geldzaken", "sociaal-netwerk"):
            assert result.record(gemeente, domain).sociale_basis >= 3, (gemeente, domain)
            assert not any(g.indicator == "geen-basisaanbod" and g.life_domain == domain
                           and g.gemeente_code == gemeente for g in demo_analysis.gaps)


def test_bench_gaps_covers_the_whole_demo_region(demo_runtime):
    # How long it takes is measured by `python -m bench demo-gaps` (part of `make bench`), not here.
    figures = bench_gaps(demo_runtime, repeat=2)
    assert figures["areas"] == {"regio": 1, "gemeente": 13, "wijk": 135, "buurt": 377}
    assert figures["services"] == 1609 and figures["records"] == 526 * 14
    assert figures["countryGaps"] > 300 and figures["gemeente"] == "GM0715"  # Terneuzen, the largest
    assert 0 < figures["gemeenteGaps"] < figures["countryGaps"]
    assert figures["seconds"] > 0 and figures["gemeente_s"] > 0


def test_kerncijfers_add_up_to_the_regio_on_the_demo(demo_runtime, demo_analysis):
    """The printable report of the regio said 'onbekend' for every age band: CBS gives none for a regio."""
    result = demo_analysis.result
    regio = result.areas["RG-zeeland"]
    gemeenten = [result.areas[c] for c in result.children["RG-zeeland"]]
    assert regio.population == sum(g.population for g in gemeenten) > 0
    for band in ("0-14", "15-24", "25-44", "45-64", "65+"):
        assert regio.ages[band] == sum(g.ages[band] for g in gemeenten) > 0, band
    for gemeente in gemeenten:  # and every gemeente is the sum of its wijken where CBS gives them all
        wijken = [result.areas[c] for c in result.children.get(gemeente.code, ())]
        if wijken and all(w.population is not None for w in wijken):
            assert gemeente.population == sum(w.population for w in wijken), gemeente.code
