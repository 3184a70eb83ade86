"""A year of demo referrals between the demo partners, written through the referral service.

Every referral is created, moved and expired by ``ReferralService`` itself, with a simulated clock
that walks forward through the year: events, audit entries, deadlines and encryption are exactly
those of real use. The plan is deterministic for a seed and a moment ``now`` (the end of the year).

Goes gets the most (its sociaal wijkteam and first welzijnsorganisatie are the demo accounts' own
organisations); Middelburg and Vlissingen get enough for their figures. Every outcome, decline
and cancel reason occurs, formal → informal and back (a direct referral and a pass-on), and the
last two weeks leave referrals open, some past their deadline.
"""
from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator

from socialekaart.accounts.service import Principal
from socialekaart.catalog.model import Organization, Service
from socialekaart.referrals.lifecycle import CANCEL_REASONS, DECLINE_REASONS, OUTCOMES
from socialekaart.referrals.service import ReferralService
from socialekaart.shared.hours import LOCAL_TZ
from socialekaart.shared.workdays import add_working_days

HISTORY_SEED = 2026
GEMEENTEN = {"GM0664": ("GOES", 170), "GM0687": ("MIDDELBURG", 60), "GM0718": ("VLISSINGEN", 60)}
INFORMAL_SHARE = 0.4  # of referrals from a formal sender, the share to an informal partner
INFORMAL_TO_INFORMAL_SHARE = 0.3  # of referrals from an informal sender, the share to another informal one
OPEN_DAYS = 12  # referrals sent in the last days of the year are left open
REQUESTS = {
    "sociaal-netwerk": "Inwoner woont alleen sinds het overlijden van de partner en komt weinig buiten.",
    "geldzaken": "Inwoner heeft betalingsachterstanden en wil hulp bij het ordenen van de post.",
    "opvoeding": "Ouder zoekt steun bij de opvoeding van een puber die niet meer naar school wil.",
    "woning": "Inwoner heeft een huurachterstand en een brief van de verhuurder gekregen.",
    "werk-opleiding": "Inwoner zoekt een zinvolle daginvulling en wil op termijn weer werken.",
    "geestelijke-gezondheid": "Inwoner voelt zich al maanden somber en zoekt iemand om mee te praten.",
    "verslaving": "Inwoner drinkt meer dan hij wil en vraagt om een eerste gesprek.",
}
DEFAULT_REQUEST = "Inwoner vraagt om hulp; het wijkteam heeft de vraag samen met de inwoner verkend."


class SimulatedClock:
    """The clock the referral service reads; the history moves it forward."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Step:
    after: timedelta  # after the previous step
    target: str  # a status, or "verlopen" (the service's own expiry run)
    reason: str | None = None
    outcome: str | None = None
    forward_to: Service | None = None
    then: tuple["Step", ...] = ()  # what happens to the referral passed on


@dataclass(frozen=True)
class Plan:
    at: datetime
    sender: Organization
    service: Service
    client_ref: str
    urgency: str
    steps: tuple[Step, ...] = ()


@dataclass
class History:
    referrals: int = 0
    events: int = 0
    ids: list[str] = field(default_factory=list)


def _days(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low * 24, high * 24))


def _finish(rng: random.Random, outcome: str) -> tuple[Step, ...]:
    steps = [Step(_days(rng, 0.1, 2), "ontvangen"), Step(_days(rng, 0.2, 3), "geaccepteerd")]
    if rng.random() < 0.3:
        steps.append(Step(_days(rng, 0.5, 2), "wachtlijst"))
    steps += [Step(_days(rng, 3, 15), "gestart"), Step(_days(rng, 10, 45), "afgerond", outcome=outcome)]
    return tuple(steps)


def _story(kind: str, detail: str | None, rng: random.Random, forward_to: Service | None) -> tuple[Step, ...]:
    """The steps of one closed referral of the given kind."""
    received = Step(_days(rng, 0.1, 2), "ontvangen")
    if kind == "afgerond":
        return _finish(rng, detail or "geholpen")
    if kind == "afgewezen":
        return received, Step(_days(rng, 0.2, 3), "afgewezen", reason=detail)
    if kind == "geannuleerd":
        return received, Step(_days(rng, 0.5, 4), "geannuleerd", reason=detail)
    if kind == "verlopen":
        return (Step(timedelta(0), "verlopen"),)
    if kind == "doorverwezen":
        return received, Step(_days(rng, 0.2, 3), "doorverwezen", forward_to=forward_to,
                              then=_finish(rng, "geholpen"))
    raise ValueError(kind)


def _open_story(state: str, rng: random.Random) -> tuple[Step, ...]:
    """A referral still open at the end of the year, in ``state``."""
    chain = ["ontvangen", "geaccepteerd", "wachtlijst", "gestart"]
    if state == "verzonden":
        return ()
    return tuple(Step(_days(rng, 0.05, 0.8), target) for target in chain[:chain.index(state) + 1])


# Closed kinds and how often they occur; each detail (outcome, reason) occurs at least once.
CLOSED = ([("afgerond", o) for o in OUTCOMES] + [("afgewezen", r) for r in DECLINE_REASONS]
          + [("geannuleerd", r) for r in CANCEL_REASONS] + [("verlopen", None), ("doorverwezen", None)])
WEIGHTS = {"afgerond": 10, "afgewezen": 2, "geannuleerd": 1.5, "verlopen": 1, "doorverwezen": 1.5}
DETAIL_WEIGHTS = {"geholpen": 3, "deels": 1.5, "niet-geholpen": 0.6, "geen-capaciteit": 2, "niet-meer-nodig": 2}
OPEN_STATES = ("verzonden", "ontvangen", "geaccepteerd", "wachtlijst", "gestart")


def plan_history(organizations: list[Organization], services: list[Service], *, now: datetime,
                 seed: int = HISTORY_SEED) -> list[Plan]:
    """The referrals of the year before ``now``, in the order they are sent."""
    rng = random.Random(seed)
    orgs = {o.id: o for o in organizations}
    plans: list[Plan] = []
    start = now - timedelta(days=365)
    for gemeente, (label, count) in GEMEENTEN.items():
        prefix = f"demo-org-{gemeente.lower()}-"
        local = [s for s in services if s.organization_id.startswith(prefix) and not s.confidential]
        informal = [s for s in local if not orgs[s.organization_id].formal]
        formal = [s for s in local if orgs[s.organization_id].formal]
        swt = orgs[f"{prefix}swt"]
        welzijn = orgs[f"{prefix}welzijn-01"]
        informal_senders = sorted({orgs[s.organization_id].id for s in informal})
        to_welzijn = [s for s in formal if s.organization_id == welzijn.id]
        to_swt = [s for s in formal if s.organization_id == swt.id]
        number = 0

        def make(at: datetime, sender: Organization, steps_for: Callable[[Service, random.Random], tuple[Step, ...]],
                 target: Service | None = None) -> None:
            nonlocal number
            if target is None:
                if sender.formal:
                    pool = informal if rng.random() < INFORMAL_SHARE else formal
                    # The demo accounts' own organisations receive a fair share of each other's.
                    if sender.id == swt.id and rng.random() < 0.3:
                        pool = to_welzijn
                    elif sender.id == welzijn.id and rng.random() < 0.4:
                        pool = to_swt
                elif rng.random() < INFORMAL_TO_INFORMAL_SHARE:
                    pool = informal  # a buurthuis to a taalmaatje: the sociale basis among itself
                else:
                    pool = to_swt + [s for s in formal if s.rung in ("licht", "voorliggend")]
                target = rng.choice([s for s in pool if s.organization_id != sender.id])
            number += 1
            plans.append(Plan(at=at, sender=sender, service=target, client_ref=f"{label}-{at.year}-{number:04d}",
                              urgency=rng.choices(("normaal", "urgent", "spoed"), (8, 3, 1))[0],
                              steps=steps_for(target, rng)))

        def sender_pick() -> Organization:
            roll = rng.random()
            if roll < 0.5:
                return swt
            if roll < 0.8:
                return welzijn
            return orgs[rng.choice(informal_senders)]

        def closed(kind: str, detail: str | None) -> Callable[[Service, random.Random], tuple[Step, ...]]:
            def steps(target: Service, r: random.Random) -> tuple[Step, ...]:
                # A pass-on goes the other way: from informal to formal and from formal to informal.
                others = formal if not orgs[target.organization_id].formal else informal
                onward = r.choice([s for s in others if s.organization_id != target.organization_id])
                return _story(kind, detail, r, onward)
            return steps

        def when(low_days: float, high_days: float) -> datetime:
            moment = (start + _days(rng, low_days, high_days)).astimezone(LOCAL_TZ)
            return moment.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59), second=0,
                                  microsecond=0).astimezone(now.tzinfo)

        closed_span = (1.0, 365.0 - OPEN_DAYS - 80)  # time for the slowest story to end before now
        # Every kind once from the wijkteam to the welzijnsorganisatie (the two demo accounts) and once back.
        for kind, detail in CLOSED:
            make(when(*closed_span), swt, closed(kind, detail), rng.choice(to_welzijn))
            make(when(*closed_span), welzijn, closed(kind, detail), rng.choice(to_swt))
        informal_sender = orgs[informal_senders[0]]
        make(when(*closed_span), swt, closed("afgerond", "geholpen"), rng.choice(informal))
        make(when(*closed_span), informal_sender, closed("afgerond", "geholpen"), rng.choice(to_swt))
        make(when(*closed_span), swt, closed("doorverwezen", None), rng.choice(informal))
        kinds = list(CLOSED)
        weights = [WEIGHTS[kind] * DETAIL_WEIGHTS.get(detail, 1) for kind, detail in kinds]
        for _ in range(count - len(CLOSED) * 2 - 3 - len(OPEN_STATES) * 3 - 1):
            kind, detail = rng.choices(kinds, weights)[0]
            make(when(*closed_span), sender_pick(), closed(kind, detail))
        # Open at the end of the year: each state, to and from both demo accounts; the ones sent
        # days ago and never received are past their deadline.
        for state in OPEN_STATES:
            for sender, pool in ((swt, to_welzijn), (welzijn, to_swt), (sender_pick(), None)):
                days_ago = rng.uniform(5, OPEN_DAYS)
                at = now - timedelta(days=days_ago)
                make(at, sender, lambda _t, r, s=state: _open_story(s, r), rng.choice(pool) if pool else None)
        make(now - timedelta(hours=3), swt, lambda _t, r: (), rng.choice(to_welzijn))  # fresh, not yet due
    plans.sort(key=lambda p: (p.at, p.client_ref))
    return plans


def write_history(plans: list[Plan], referrals: ReferralService, clock: SimulatedClock, *,
                  now: datetime) -> History:
    """Play the plans through the referral service in time order (one simulated clock for all)."""
    history = History()
    queue: list[tuple[datetime, int, Iterator[datetime]]] = []
    counter = 0

    def schedule(story: Iterator[datetime]) -> None:
        nonlocal counter
        moment = next(story, None)
        if moment is not None:
            counter += 1
            heapq.heappush(queue, (moment, counter, story))

    def run(rid: str, actor_of: Callable[[str], Principal], steps: tuple[Step, ...],
            at: datetime, sent_at: datetime) -> Iterator[datetime]:
        for step in steps:
            if step.target == "verlopen":
                at = add_working_days(sent_at, referrals.expire_days) + timedelta(minutes=5)
                yield at
                history.events += len(referrals.expire_overdue())
                continue
            at = at + step.after
            yield at
            forward = None
            if step.forward_to is not None:
                forward = {"serviceId": step.forward_to.id, "consent": _consent(step.forward_to)}
            side = "sender" if step.target == "geannuleerd" else "receiver"
            done = referrals.transition(actor_of(side), rid, step.target, reason=step.reason, outcome=step.outcome,
                                        forward=forward)
            history.events += 1
            if forward is not None and step.then:
                passed_on = done["forwarded_to"]
                history.referrals += 1
                history.ids.append(passed_on)
                receiver = _actor(step.forward_to.organization_id)
                schedule(run(passed_on, lambda _side, r=receiver: r, step.then, at, at))

    def begin(plan: Plan) -> Iterator[datetime]:
        yield plan.at
        sender = _actor(plan.sender.id)
        created = referrals.create(sender, _body(plan), send=True)
        history.referrals += 1
        history.events += 2
        history.ids.append(created["id"])
        receiver = _actor(plan.service.organization_id)
        yield from run(created["id"], lambda side: sender if side == "sender" else receiver, plan.steps,
                       plan.at, plan.at)

    for plan in plans:
        schedule(begin(plan))
    while queue:
        moment, _, story = heapq.heappop(queue)
        if moment >= now:
            continue  # a story that would end after the end of the year stays where it is
        clock.now = moment
        schedule(story)
    clock.now = now
    return history


def _actor(organization_id: str) -> Principal:
    return Principal(account_id=f"demo:{organization_id}", role="professional", organization_id=organization_id,
                     name="Demo medewerker")


def _consent(service: Service) -> dict[str, Any]:
    # no date: the service records the day of the referral (the simulated clock's day) as the consent day
    return {"purpose": "Doorverwijzing voor hulp bij de hulpvraag", "partnerId": service.organization_id,
            "method": "mondeling"}


def _body(plan: Plan) -> dict[str, Any]:
    domains = plan.service.life_domains[:2]
    return {"serviceId": plan.service.id, "lifeDomains": domains, "urgency": plan.urgency,
            "requestText": REQUESTS.get(domains[0], DEFAULT_REQUEST), "clientRef": plan.client_ref,
            "contact": {"name": "Demo inwoner", "email": f"{plan.client_ref.lower()}@example.nl",
                        "reachable": "Op werkdagen na 10 uur"},
            "consent": _consent(plan.service)}
