"""The referral signals are counted in the store (``CoverageStore.referral_signals``). They must give
exactly what reading every referral and counting it in Python gave (the reading before the counts
moved into the store): the same per-leefgebied signals, totals per area and counts per receiver."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np
import pytest

from graph.stores.coverage import CoverageStore
from socialekaart.coverage.compute import (
    BASIS,
    DECLINED,
    DOMAIN_INDEX,
    LIFE_DOMAIN_CODES,
    SIGNALS,
    SOCIALE_BASIS,
    ReferralInput,
    ReferralSignals,
    _Geography,
    compute_coverage,
)
from socialekaart.shared.clock import iso
from tests.coverage import coverage_fixture as fx
from tests.coverage.conftest import THRESHOLDS

SINCE = "2025-11-01T12:00:00.000+00:00"
RECENT = "2026-10-05T08:00:00.000+00:00"


def referral(number: int, domains: list[str], *, status: str = "geaccepteerd", reason: str | None = None,
             to_org: str | None = "org-zorg", rung: str | None = "maatwerk", wijk: str | None = "WK000102",
             gemeente: str | None = "GM0001", sent_at: str | None = RECENT) -> dict:
    row = {"id": f"ref-{number:03d}", "status": status, "decline_reason": reason, "life_domains": domains,
           "to_org_id": to_org, "to_rung": rung, "wijk_code": wijk, "gemeente_code": gemeente, "sent_at": sent_at}
    return {k: v for k, v in row.items() if v is not None}


# Several states, reasons, rungs, leefgebieden and places, and what does not count.
REFERRALS = (
    [referral(n, ["geldzaken"], status=DECLINED, reason="geen-capaciteit") for n in range(1, 7)]
    + [referral(n, ["geldzaken", "woning"]) for n in range(7, 11)]
    + [referral(11, ["geldzaken"], status=DECLINED, reason="buiten-werkgebied", to_org="org-vrijwillig",
                rung="informeel")]
    + [referral(12, ["sociaal-netwerk", "sociaal-netwerk"], rung="voorliggend", to_org="org-welzijn",
                wijk="WK000101")]  # a leefgebied named twice counts once
    + [referral(13, ["sociaal-netwerk", "tijdsbesteding"], status="ontvangen", rung="licht", to_org="org-swt",
                wijk="WK000201", gemeente="GM0002")]
    + [referral(14, ["opvoeding"], status=DECLINED, reason="geen-capaciteit", wijk=None, gemeente="GM0002",
                rung="eigen-kracht", to_org="org-buren2")]  # no wijk: counts in the gemeente
    + [referral(15, ["opvoeding"], status=DECLINED, reason="anders", wijk="WK999999", gemeente="GM0001",
                to_org=None)]  # unknown wijk: its gemeente
    + [referral(16, ["geldzaken"], wijk="WK999999", gemeente="GM9999")]  # nowhere known: only the receiver
    + [referral(17, ["onbekend-leefgebied"], status="afgerond", wijk="WK000101")]
    + [referral(18, [], status="verzonden", wijk="WK000101", rung=None)]
    + [referral(19, ["geldzaken"], sent_at="2025-10-31T23:59:59.000+00:00")]  # before the period
    + [referral(20, ["geldzaken"], status="concept", sent_at=None)]  # never sent
    + [referral(21, ["geldzaken"], status="geaccepteerd", sent_at=SINCE, wijk="WK000101")]  # on the first moment
)


@pytest.fixture
def store(fresh):
    fresh.runtime.store.connection.write("UNWIND $rows AS row CREATE (r:Referral) SET r = row", {"rows": REFERRALS})
    return CoverageStore(fresh.runtime.store)


def _old_rows(store: CoverageStore) -> list[ReferralInput]:
    """Every referral as a row, as the signals were read before they were counted in the store."""
    rows = store.connection.read(
        "MATCH (r:Referral) WHERE r.sent_at IS NOT NULL AND r.sent_at >= $since RETURN r {.status, .life_domains, "
        ".to_org_id, .to_rung, .decline_reason, .wijk_code, .gemeente_code} AS referral", {"since": SINCE})
    return [ReferralInput.from_row(row["referral"]) for row in rows]


def _old_count(geo, index, referrals, reach, params):
    """The per-referral counting from before the store counted (reference for the new path)."""
    areas, domains, kinds = len(index), len(LIFE_DOMAIN_CODES), len(SIGNALS)
    totals, to_org, flat = Counter(), Counter(), []
    for r in referrals:
        if r.to_org_id:
            to_org[r.to_org_id] += 1
        home = r.wijk_code if r.wijk_code in geo.areas else (
            r.gemeente_code if r.gemeente_code in geo.areas else None)
        if home is None:
            continue
        codes = geo.with_ancestors(home)
        totals.update(codes)
        declined = r.status == DECLINED
        for domain in dict.fromkeys(r.life_domains):
            if domain not in DOMAIN_INDEX:
                continue
            column = DOMAIN_INDEX[domain]
            share = reach[index[home], column, BASIS, 1]
            no_light = geo.areas[home].kind == "wijk" and share >= params.reach_share_threshold
            here = [SIGNALS.index("referrals")]
            if declined and r.decline_reason == "geen-capaciteit":
                here.append(SIGNALS.index("declined_capacity"))
            if declined and r.decline_reason == "buiten-werkgebied":
                here.append(SIGNALS.index("declined_outside_area"))
            if r.to_rung == "maatwerk":
                here.append(SIGNALS.index("to_maatwerk"))
                if no_light:
                    here.append(SIGNALS.index("maatwerk_without_light_nearby"))
            if r.to_rung in SOCIALE_BASIS:
                here.append(SIGNALS.index("to_sociale_basis"))
            flat += [(index[c] * domains + column) * kinds + k for c in codes for k in here]
    signals = np.bincount(np.array(flat, dtype=np.int64), minlength=areas * domains * kinds)
    return signals.reshape(areas, domains, kinds), totals, to_org


def _inputs(store: CoverageStore):
    return store.areas(), store.services()


def test_the_store_counts_what_reading_every_referral_counted(store):
    counted = store.referral_signals(SINCE)
    old = _old_rows(store)
    assert len(old) == 19  # sent in the period, whatever became of them
    assert counted == ReferralSignals.of(old)


def test_coverage_from_the_counts_equals_the_old_per_referral_counting(store):
    areas, services = _inputs(store)
    params = THRESHOLDS.coverage_params
    result = compute_coverage(areas, services, (), store.referral_signals(SINCE), params)
    geo = _Geography(areas)
    signals, totals, to_org = _old_count(geo, result.index, _old_rows(store), result.reach, params)
    assert np.array_equal(result.signals, signals)
    assert result.referral_totals == totals and result.referrals_to_org == to_org
    # The same through the per-referral input.
    again = compute_coverage(areas, services, (), _old_rows(store), params)
    assert np.array_equal(again.signals, result.signals) and again.referral_totals == result.referral_totals


def test_the_counts_by_hand(store):
    areas, services = _inputs(store)
    result = compute_coverage(areas, services, (), store.referral_signals(SINCE),
                              THRESHOLDS.coverage_params)
    record = result.record
    zuid = record("WK000102", "geldzaken")
    assert (zuid.referrals, zuid.declined_capacity, zuid.declined_outside_area, zuid.to_maatwerk,
            zuid.to_sociale_basis, zuid.maatwerk_without_light_nearby) == (11, 6, 1, 10, 1, 10)
    assert record("WK000102", "woning").referrals == 4
    assert record("WK000101", "sociaal-netwerk").referrals == 1  # named twice, counted once
    assert record("WK000101", "sociaal-netwerk").to_sociale_basis == 1
    assert record("WK000101", "geldzaken").referrals == 1  # sent on the first moment of the period
    assert record("GM0002", "opvoeding").declined_capacity == 1
    assert record("GM0001", "opvoeding").referrals == 1 and record("GM0001", "opvoeding").declined_capacity == 0
    assert record("RG-test", "geldzaken").referrals == 12
    # Each referral once per area, whatever its leefgebieden; the unknown place counts nowhere.
    assert (result.referral_totals["WK000102"], result.referral_totals["WK000101"],
            result.referral_totals["GM0001"], result.referral_totals["GM0002"],
            result.referral_totals["RG-test"]) == (11, 4, 16, 2, 18)
    assert dict(result.referrals_to_org) == {"org-zorg": 14, "org-vrijwillig": 1, "org-welzijn": 1, "org-swt": 1,
                                             "org-buren2": 1}


def test_no_referrals_count_nothing(fresh):
    counted = CoverageStore(fresh.runtime.store).referral_signals(SINCE)
    assert counted == ReferralSignals.of([]) and not counted.homes and not counted.receivers


def test_the_service_reads_the_counts(store, fresh):
    assert iso(fx.NOW - timedelta(days=365)) == SINCE  # the period the service asks for
    analysis = fresh.coverage.analyse()
    assert analysis.referrals_since == SINCE
    assert analysis.result.record("WK000102", "geldzaken").referrals == 11
    assert analysis.result.referral_totals["GM0001"] == 16


class _Recording:
    """A CoverageStore that notes the store budget each read ran under, and can fail one read."""

    def __init__(self, store: CoverageStore, failing: str | None = None):
        self.store, self.failing, self.budgets = store, failing, {}

    def __getattr__(self, name):
        read = getattr(self.store, name)

        def recorded(*args):
            from graph.backends.connection import request_budget

            self.budgets[name] = request_budget()
            if name == self.failing:
                raise RuntimeError(f"{name} faalt")
            return read(*args)
        return recorded


def test_the_reads_run_together_under_the_request_budget_and_a_failure_comes_through(store, fresh):
    from graph.backends.connection import request_path
    from socialekaart.coverage.service import CoverageService

    recording = _Recording(store)
    with request_path(2.5):
        analysis = CoverageService(recording, THRESHOLDS, clock=fresh.coverage.clock).analyse()
    assert recording.budgets == {"areas": 2.5, "services": 2.5, "needs": 2.5, "referral_signals": 2.5}
    assert [g.sort_key for g in analysis.gaps] == [g.sort_key for g in fresh.coverage.analyse().gaps]
    with pytest.raises(RuntimeError, match="referral_signals faalt"):
        CoverageService(_Recording(store, failing="referral_signals"), THRESHOLDS, clock=fresh.coverage.clock).analyse()
