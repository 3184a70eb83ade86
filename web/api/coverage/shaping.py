"""Coverage records and gaps as the API, the exports and the dashboard show them.

Rounded for reading: distances to whole metres, shares and per-1,000 figures to 3 decimals,
wachttijd to 1. Referral counts are the published ones (``Coverage.shown``: perturbed by the cell-key
method, null when hidden: under 5, zero included, or hidden so none can be worked back;
socialekaart/coverage/disclosure.py).
"""
from __future__ import annotations

from typing import Any

from socialekaart.coverage.compute import BASIS_GROUP, REACH_GROUPS, RUNG_CODES, AreaInput, Coverage, CoverageResult
from socialekaart.coverage.gaps import INDICATORS, Gap, Thresholds, display_name
from socialekaart.coverage.service import Analysis, AreaView
from socialekaart.shared import taxonomy
from socialekaart.shared.disclosure import THRESHOLD
from socialekaart.shared.paging import skip_for


def rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def metres(value: float | None) -> int | None:
    return None if value is None else round(value)


def area_ref(result: CoverageResult, area: AreaInput) -> dict[str, Any]:
    return {"code": area.code, "name": area.name, "displayName": display_name(result, area.code),
            "kind": area.kind, "parentCode": area.parent_code, "population": area.population}


def thresholds_body(thresholds: Thresholds) -> dict[str, Any]:
    return {"reachThresholdM": thresholds.reach_threshold_m, "reachShareThreshold": thresholds.reach_share_threshold,
            "supplyBelowMedianFactor": thresholds.supply_below_median_factor,
            "staleAfterDays": thresholds.stale_after_days,
            "maatwerkShareThreshold": thresholds.maatwerk_share_threshold,
            "maatwerkMinReferrals": thresholds.maatwerk_min_referrals,
            "capacityDeclinesMin": thresholds.capacity_declines_min,
            "neverReferredMinReferrals": thresholds.never_referred_min_referrals,
            "gapMinPopulation": thresholds.gap_min_population}


def reach_body(record: Coverage, group: str) -> dict[str, Any]:
    reach = record.reach_of(group)
    return {"meanDistanceM": metres(reach.mean_distance_m), "shareBeyond": rounded(reach.share_beyond, 3),
            "inwonersBeyond": reach.inwoners_beyond, "inwoners": reach.inwoners}


def record_body(result: CoverageResult, record: Coverage, gap_count: int = 0) -> dict[str, Any]:
    area = result.areas[record.area_code]
    return {
        "areaCode": area.code, "areaName": area.name, "displayName": display_name(result, area.code),
        "areaKind": area.kind, "parentCode": area.parent_code, "lifeDomain": record.life_domain,
        "population": record.population, "relevantPopulation": record.relevant_population,
        "ageGroups": dict(area.ages),
        "supply": {
            "byRung": {rung: {"formal": record.supply[rung][0], "informal": record.supply[rung][1]}
                       for rung in RUNG_CODES},
            "formal": record.formal, "informal": record.informal, "socialeBasis": record.sociale_basis,
            "total": record.total, "socialeBasisPer1000": rounded(record.per_1000, 3),
            "socialeBasisPer1000Robust": rounded(record.per_1000_robust, 3),
        },
        "reach": {group: reach_body(record, group) for group in REACH_GROUPS},
        "capacity": {"servicesWithWait": record.wait_count, "meanWaitWeeks": rounded(record.mean_wait_weeks, 1),
                     "maxWaitWeeks": record.max_wait_weeks},
        "need": {
            "figures": [{"indicator": n.indicator, "value": n.value, "year": n.year, "source": n.source,
                         "targetGroup": n.target_group} for n in record.needs],
            "referrals": record.shown("referrals"), "declinedCapacity": record.shown("declined_capacity"),
            "declinedOutsideArea": record.shown("declined_outside_area"),
            "toMaatwerk": record.shown("to_maatwerk"), "toSocialeBasis": record.shown("to_sociale_basis"),
            "maatwerkWithoutLightNearby": record.shown("maatwerk_without_light_nearby"),
        },
        "gaps": gap_count,
    }


def gap_counts(analysis: Analysis) -> dict[tuple[str, str | None], int]:
    counts: dict[tuple[str, str | None], int] = {}
    for gap in analysis.gaps:
        for code in (gap.area_code, *analysis.result.ancestors(gap.area_code)):
            counts[(code, gap.life_domain)] = counts.get((code, gap.life_domain), 0) + 1
    return counts


def coverage_body(view: AreaView) -> dict[str, Any]:
    result, analysis = view.result, view.analysis
    counts = gap_counts(analysis)

    def records_of(area: AreaInput) -> list[dict[str, Any]]:
        return [record_body(result, result.record(area.code, d), counts.get((area.code, d), 0))
                for d in view.life_domains]

    return {
        "area": area_ref(result, view.area),
        "path": [area_ref(result, a) for a in view.path],
        "lifeDomains": [{"code": d, "label": taxonomy.LIFE_DOMAIN_BY_CODE[d].label} for d in view.life_domains],
        "computedOn": analysis.today.isoformat(),
        "referralsSince": analysis.referrals_since,
        "thresholds": thresholds_body(analysis.thresholds),
        "suppressionThreshold": THRESHOLD,
        "medians": {d: rounded(analysis.median(view.area.code, d), 3) for d in view.life_domains},
        "summary": records_of(view.area),
        "children": [{"area": area_ref(result, child), "records": records_of(child)} for child in view.children],
    }


def gap_body(gap: Gap, rank: int) -> dict[str, Any]:
    """A gap as published: its referral counts are the published ones already (socialekaart.coverage.gaps)."""
    return {
        "rank": rank, "indicator": gap.indicator, "indicatorLabel": INDICATORS[gap.indicator],
        "areaCode": gap.area_code, "areaName": gap.area_name, "areaKind": gap.area_kind,
        "gemeenteCode": gap.gemeente_code, "lifeDomain": gap.life_domain,
        "lifeDomainLabel": taxonomy.LIFE_DOMAIN_BY_CODE[gap.life_domain].label if gap.life_domain else None,
        "organizationId": gap.organization_id, "severity": round(gap.severity, 3),
        "affected": gap.affected, "explanation": gap.explanation, "figures": dict(gap.figures),
    }


def gaps_body(analysis: Analysis, area_code: str, gaps: list[Gap], page: int, page_size: int) -> dict[str, Any]:
    """One page of the ranked gaps of an area."""
    start = skip_for(page, page_size)
    return {"area": area_ref(analysis.result, analysis.result.areas[area_code]), "total": len(gaps), "page": page,
            "pageSize": page_size, "thresholds": thresholds_body(analysis.thresholds),
            "items": [gap_body(gap, rank) for rank, gap in enumerate(gaps[start:start + page_size], start=start + 1)]}


# -- flat rows for CSV and GeoJSON properties ---------------------------------------------------------

def rung_key(rung: str, formal: bool) -> str:
    """'eigen-kracht', formal -> 'eigenKrachtFormal'."""
    head, *rest = rung.split("-")
    return head + "".join(part.capitalize() for part in rest) + ("Formal" if formal else "Informal")


def flat_record(result: CoverageResult, record: Coverage, gap_count: int) -> dict[str, Any]:
    """One record with every figure at the top level, for a CSV row or a map's properties."""
    area = result.areas[record.area_code]
    basis = record.reach_of(BASIS_GROUP)
    row: dict[str, Any] = {"code": area.code, "name": area.name, "kind": area.kind, "parentCode": area.parent_code,
                           "lifeDomain": record.life_domain, "population": record.population,
                           "relevantPopulation": record.relevant_population}
    for rung in RUNG_CODES:
        row[rung_key(rung, True)], row[rung_key(rung, False)] = record.supply[rung]
    row.update({
        "formal": record.formal, "informal": record.informal, "socialeBasis": record.sociale_basis,
        "total": record.total, "socialeBasisPer1000": rounded(record.per_1000, 3),
        "socialeBasisPer1000Robust": rounded(record.per_1000_robust, 3),
        "meanDistanceM": metres(basis.mean_distance_m), "shareBeyondReach": rounded(basis.share_beyond, 3),
        "inwonersBeyondReach": basis.inwoners_beyond,
        "servicesWithWait": record.wait_count, "meanWaitWeeks": rounded(record.mean_wait_weeks, 1),
        "maxWaitWeeks": record.max_wait_weeks,
        "referrals": record.shown("referrals"), "declinedCapacity": record.shown("declined_capacity"),
        "declinedOutsideArea": record.shown("declined_outside_area"), "toMaatwerk": record.shown("to_maatwerk"),
        "maatwerkWithoutLightNearby": record.shown("maatwerk_without_light_nearby"),
        "needs": "; ".join(f"{n.indicator}{f' ({n.target_group})' if n.target_group else ''}: {n.value} "
                           f"({n.year}, {n.source})" for n in record.needs) or None,
        "gaps": gap_count,
    })
    return row


# The CSV columns, in order: property of ``flat_record`` -> Dutch column name.
CSV_COLUMNS: dict[str, str] = {
    "code": "gebied", "name": "naam", "kind": "soort gebied", "parentCode": "ligt in", "lifeDomain": "leefgebied",
    "population": "inwoners", "relevantPopulation": "inwoners in de doelgroep",
    **{rung_key(rung, formal): f"{taxonomy.RUNG_BY_CODE[rung].label.lower()}: {'formeel' if formal else 'informeel'}"
       for rung in RUNG_CODES for formal in (True, False)},
    "formal": "formeel totaal", "informal": "informeel totaal", "socialeBasis": "sociale basis", "total": "totaal",
    "socialeBasisPer1000": "sociale basis per 1000",
    "socialeBasisPer1000Robust": "sociale basis per 1000 (robuust)",
    "meanDistanceM": "gemiddelde afstand sociale basis (m)",
    "shareBeyondReach": "aandeel inwoners buiten bereik", "inwonersBeyondReach": "inwoners buiten bereik",
    "servicesWithWait": "voorzieningen met wachttijd", "meanWaitWeeks": "gemiddelde wachttijd (weken)",
    "maxWaitWeeks": "langste wachttijd (weken)", "referrals": "doorverwijzingen",
    "declinedCapacity": "afgewezen: geen capaciteit", "declinedOutsideArea": "afgewezen: buiten werkgebied",
    "toMaatwerk": "naar maatwerk", "maatwerkWithoutLightNearby": "naar maatwerk zonder licht aanbod dichtbij",
    "needs": "inventarisatie", "gaps": "knelpunten",
}
SUPPRESSIBLE = frozenset({"referrals", "declinedCapacity", "declinedOutsideArea", "toMaatwerk",
                          "maatwerkWithoutLightNearby"})
