"""Concurrent use through the real server (waitress on 127.0.0.1):

- many clients transition the same and different referrals at once: exactly one winner per
  conflicting transition (the others 409), and the event log stays one consistent chain per
  referral with unique, increasing cursors;
- a provider import runs while people search: every search sees all of it or none of it, and it
  is visible the moment the import returns.
"""
from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict

from graph.stores.snapshots import StoreSnapshots
from importers.providers import import_providers
from socialekaart.catalog.importing import ImportService
from tests.hardening.figures import count
from tests.hardening.live import Client, served
from tests.hardening.world import make_app
from tests.referrals.referral_helpers import referral_body

REFERRALS = 6
ATTEMPTS_PER_REFERRAL = 6


def received(world) -> str:
    service, rr = world.rr.referrals, world.rr
    swt = rr.accounts.authenticate(world.callers["swt"].token)
    welzijn = rr.accounts.authenticate(world.callers["welzijn"].token)
    created = service.create(swt, referral_body())
    service.transition(swt, created["id"], "verzonden")
    service.transition(welzijn, created["id"], "ontvangen")
    return created["id"]


def race(calls):
    """Run the calls together, released by one barrier; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return answers


def test_one_winner_per_conflicting_transition_over_http(world):
    ids = [received(world) for _ in range(REFERRALS)]
    sender, receiver = world.callers["swt"].headers, world.callers["welzijn"].headers
    choices = [("geaccepteerd", receiver, {}), ("afgewezen", receiver, {"reason": "geen-capaciteit"}),
               ("geannuleerd", sender, {"reason": "inwoner-wil-niet"})]
    with served(make_app(world), threads=16) as base:
        client = Client(base, timeout=30)
        plan = []
        for referral_id in ids:
            for attempt in range(ATTEMPTS_PER_REFERRAL):
                target, headers, extra = choices[attempt % len(choices)]
                body = {"to": target, "version": 3, **extra}
                plan.append((referral_id, target,
                             lambda rid=referral_id, b=body, h=headers: client.post(
                                 f"/api/v1/referrals/{rid}/transitions", b, headers=h)))
        answers = race([call for _, _, call in plan])
        feed = client.get("/api/v1/referral-events?limit=500", headers=receiver).json()

    by_referral: dict[str, list] = defaultdict(list)
    for (referral_id, target, _), answer in zip(plan, answers):
        by_referral[referral_id].append((target, answer))
    store = world.rr.referral_store
    seqs = []
    for referral_id, outcomes in by_referral.items():
        statuses = Counter(answer.status for _, answer in outcomes)
        assert statuses == {200: 1, 409: ATTEMPTS_PER_REFERRAL - 1}, (referral_id, statuses)
        winner = next(target for target, answer in outcomes if answer.status == 200)
        for target, answer in outcomes:
            if answer.status == 409:
                problem = answer.json()
                assert answer.headers["Content-Type"].startswith("application/problem+json")
                assert problem.get("currentStatus") == winner, problem
        events = store.events_of(referral_id)
        assert [(e.from_status, e.to_status) for e in events] == [
            (None, "concept"), ("concept", "verzonden"), ("verzonden", "ontvangen"), ("ontvangen", winner)]
        assert [e.version for e in events] == [1, 2, 3, 4]
        assert store.get(referral_id).status == winner and store.get(referral_id).version == 4
        seqs += [e.seq for e in events]
        # The feed the receiver polls has the winner's event once, and no loser's.
        mine = [e for e in feed["events"] if e["referralId"] == referral_id]
        assert [e["toStatus"] for e in mine][-1:] == [winner] and sum(e["toStatus"] == winner for e in mine) == 1
    assert len(seqs) == len(set(seqs))
    count("concurrent transitions raced", len(plan))


SEARCHERS = 4
IMPORTED = 300


def provider_csv(path, word: str, rows: int) -> None:
    lines = ["naam;organisatie;organisatie id;trede;leefgebieden;werkgebied;id"]
    lines += [f"{word} hulp {i};Importhuis;org-importhuis;voorliggend;geldzaken;GM0664;imp-{i:04d}"
              for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_searches_never_see_half_an_import(world, tmp_path):
    runtime = world.runtime
    imports = ImportService(runtime.catalog, StoreSnapshots(runtime.store))
    first, second = tmp_path / "aanbod.csv", tmp_path / "aanbod-nieuw.csv"
    provider_csv(first, "zwaluwstaart", IMPORTED)
    provider_csv(second, "kwikstaart", IMPORTED)  # the same ids, renamed: an update of every row

    seen: dict[str, Counter] = {"zwaluwstaart": Counter(), "kwikstaart": Counter()}
    lock = threading.Lock()
    stop = threading.Event()
    done_at: dict[str, float] = {}
    started_at: dict[str, float] = {}
    after: dict[str, list[tuple[float, int]]] = defaultdict(list)

    def search(base: str) -> None:
        client = Client(base, timeout=30)
        while not stop.is_set():
            for word in seen:
                answer = client.get(f"/api/v1/services?q={word}&area=GM0664&pageSize=1")
                assert answer.status == 200, answer
                total = answer.json()["total"]
                finished = time.monotonic()
                with lock:
                    seen[word][total] += 1
                    if word in done_at and finished - answer.seconds > done_at[word]:
                        after[word].append((finished, total))

    with served(make_app(world), threads=8) as base:
        searchers = [threading.Thread(target=search, args=(base,), daemon=True) for _ in range(SEARCHERS)]
        for thread in searchers:
            thread.start()
        try:
            time.sleep(0.3)
            for path, word in ((first, "zwaluwstaart"), (second, "kwikstaart")):
                started_at[word] = time.monotonic()
                report = import_providers(path, imports, runtime.geocoder, source="hard")
                assert report.written, report
                with lock:
                    done_at[word] = time.monotonic()
                # Wait (bounded) until searches that started after this import have answered: on a busy
                # machine a fixed pause could end before any did, and there would be nothing to check.
                waited_until = time.monotonic() + 20
                while time.monotonic() < waited_until and len(after[word]) < 3:
                    time.sleep(0.05)
        finally:
            stop.set()
            for thread in searchers:
                thread.join(30)

    # All or nothing, whatever moment a search came in.
    assert set(seen["zwaluwstaart"]) <= {0, IMPORTED}, seen
    assert set(seen["kwikstaart"]) <= {0, IMPORTED}, seen
    assert seen["zwaluwstaart"][IMPORTED] > 0 and seen["kwikstaart"][IMPORTED] > 0, seen
    # Visible at once: every search that started after the import returned saw it all; after the
    # renaming import no search found the old name any more.
    assert after["zwaluwstaart"] and after["kwikstaart"]
    assert all(total == IMPORTED for _, total in after["kwikstaart"]), after["kwikstaart"][:5]
    assert all(total == IMPORTED for finished, total in after["zwaluwstaart"] if finished < started_at["kwikstaart"])
    count("searches during imports", sum(sum(c.values()) for c in seen.values()))
