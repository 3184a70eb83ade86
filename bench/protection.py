"""The cost of disclosure control alone (``figure_publication.publish``), without a store: synthetic
referrals over organisations and wijken, counted in Python first (not timed), then protected (timed).

    .venv/bin/python -m bench.protection 500:40:12 3000:150:80 10000:400:240 100000:5000:2500
"""
from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta, timezone

from socialekaart.referrals.figure_publication import Flows, Group, publish
from socialekaart.referrals.figures import GROUPINGS, keys_of, pairs_from_rows, tally
from socialekaart.referrals.lifecycle import DECLINE_REASONS
from socialekaart.referrals.records import Partner
from socialekaart.shared import taxonomy

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
STATUSES = ["verzonden", "ontvangen", "geaccepteerd", "afgewezen", "afgerond", "verlopen", "geannuleerd"]


def rows(referrals: int, orgs: int, wijken: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    gemeenten = max(1, wijken // 10)
    # A few busy organisations and a long tail, as in real networks.
    weights = [1 / (i + 1) for i in range(orgs)]
    ids = [f"org-{i}" for i in range(orgs)]
    found = []
    for _ in range(referrals):
        sent = NOW - timedelta(days=rnd.randint(1, 330), hours=rnd.randint(0, 8))
        status = rnd.choice(STATUSES)
        wijk = rnd.randrange(wijken)
        row = {"sent_at": sent.isoformat(), "status": status, "gemeente_code": f"GM{wijk % gemeenten:04d}",
               "wijk_code": f"WK{wijk:06d}", "to_rung": rnd.choice(taxonomy.RUNGS).code,
               "to_org_id": rnd.choices(ids, weights)[0], "from_org_id": rnd.choices(ids, weights)[0],
               "from_formal": rnd.random() < 0.7, "to_formal": rnd.random() < 0.6,
               "life_domains": rnd.sample(["geldzaken", "wonen", "zelfzorg", "werk"], rnd.randint(0, 2)),
               "receive_due_at": (sent + timedelta(days=2)).isoformat(),
               "accept_due_at": (sent + timedelta(days=5)).isoformat()}
        if status not in ("verzonden", "geannuleerd"):
            row["received_at"] = (sent + timedelta(hours=rnd.randint(1, 30))).isoformat()
        if status in ("geaccepteerd", "afgerond"):
            row["accepted_at"] = (sent + timedelta(hours=rnd.randint(31, 90))).isoformat()
        if status == "afgewezen":
            row["decline_reason"] = rnd.choice(sorted(DECLINE_REASONS))
        if status == "afgerond":
            row["outcome"] = rnd.choice(["geholpen", "deels", "niet-geholpen"])
            row["started_at"] = (sent + timedelta(hours=100)).isoformat()
            row["closed_at"] = (sent + timedelta(days=rnd.randint(5, 40))).isoformat()
        found.append(row)
    return found


def prepared(data: list[dict]) -> tuple:
    grouped: dict[str, list[Group]] = {}
    for group_by in GROUPINGS[1:]:
        members: dict[str, list[dict]] = {}
        for row in data:
            for key, _ in keys_of(row, group_by):
                members.setdefault(key, []).append(row)
        grouped[group_by] = [Group(k, k, tally(members[k], now=NOW, closure_days=30)) for k in sorted(members)]
    pairs, orgs = pairs_from_rows(data)
    partners = [Partner(id=o, name=None, kind=None, formal=True) for o in orgs]
    return tally(data, now=NOW, closure_days=30), grouped, Flows(pairs, orgs, partners)


def main(sizes: list[str]) -> None:
    for size in sizes:
        referrals, orgs, wijken = (int(n) for n in size.split(":"))
        total, grouped, flows = prepared(rows(referrals, orgs, wijken))
        started = time.perf_counter()
        publish(total, grouped, closure_days=30, flows=flows)
        print(f"{referrals} referrals / {orgs} orgs / {wijken} wijken: {time.perf_counter() - started:.2f} s",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["500:40:12", "3000:150:80", "10000:400:240"])
