"""The network figures as a service: who may see which area, the period they cover, and the
published answer (``figure_publication``: every grouping for one filter protected together).

Figures cover whole calendar months: a shorter or day-level period would let a reader take one
day's referrals out of a month (``MIN_PERIOD_MONTHS``). And they cover areas of at least
``MIN_AREA_POPULATION`` inhabitants (CBS kerncijfers): a smaller gemeente or wijk cannot be asked
for, and a smaller wijk goes into "overig" when grouping by wijk.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from socialekaart.accounts.service import Principal
from socialekaart.places.codes import area_kind_of
from socialekaart.referrals.disclosure import THRESHOLD
from socialekaart.referrals.figure_publication import Flows, Group, publish
from socialekaart.referrals.figure_rules import Moments
from socialekaart.referrals.figures import (
    GROUPINGS,
    Tally,
    group_label,
    local_months,
    pair_keys_from_store,
    pairs_from_store,
    tally_from_store,
)
from socialekaart.referrals.network_graph import network_view, profiles_of
from socialekaart.referrals.ports import NetworkRepository
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import Clock, iso, local_date, parse_iso, utcnow
from socialekaart.shared.disclosure import MIN_AREA_POPULATION
from socialekaart.shared.errors import Forbidden, NotFound, ValidationError
from socialekaart.shared.hours import LOCAL_TZ

MAX_CLOSURE_DAYS = 365
DEFAULT_PERIOD_MONTHS = 12
MIN_PERIOD_MONTHS = 1
MAX_PERIOD_MONTHS = 60
# The API asks a period as a first month and a number of months: whole months, never refused by order.
FIRST_MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
NETWORK_GROUPINGS = ("total", "month", "partner")  # what the network view reads
WHOLE_MONTHS = ("Cijfers gaan over hele kalendermaanden: laat de periode op de eerste dag van een maand "
                "beginnen en op de laatste dag van een maand eindigen.")


@dataclass(frozen=True)
class Scope:
    gemeenten: list[str] | None  # None: everything (admin)
    wijk: str | None = None


class NetworkService:
    def __init__(self, store: NetworkRepository, *, clock: Clock = utcnow):
        self.store = store
        self.clock = clock

    def scope(self, actor: Principal, *, gemeente: str | None = None, wijk: str | None = None) -> Scope:
        actor.require("coordinator", "admin", action="netwerkcijfers inzien")
        if gemeente and area_kind_of(gemeente) != "gemeente":
            raise ValidationError("Geef een gemeentecode zoals GM0664.", field="gemeente")
        if wijk and area_kind_of(wijk) != "wijk":
            raise ValidationError("Geef een wijkcode zoals WK066401.", field="wijk")
        if gemeente and wijk and wijk[2:6] != gemeente[2:6]:
            raise ValidationError(f"Wijk {wijk} ligt niet in gemeente {gemeente}.", field="wijk")
        self._check_area_size([code for code in (gemeente, wijk) if code])
        wanted = gemeente or (f"GM{wijk[2:6]}" if wijk else None)
        if actor.role == "admin":
            return Scope([wanted] if wanted else None, wijk)
        allowed = sorted({a for a in actor.areas if area_kind_of(a) == "gemeente"}
                         | set(self.store.gemeenten_in([a for a in actor.areas if area_kind_of(a) == "regio"])))
        if wanted is None:
            return Scope(allowed, None)
        if wanted not in allowed:
            raise Forbidden(f"U bent coördinator voor {', '.join(actor.areas) or 'geen gebied'}; "
                            f"{wanted} valt daar niet onder.")
        return Scope([wanted], wijk)

    def _check_area_size(self, codes: list[str]) -> None:
        populations = self.store.area_populations(codes)
        for code in codes:
            field = area_kind_of(code) or "gemeente"
            if code not in populations:  # a well-formed code of no area on this map
                raise NotFound(f"Het gebied {code} is niet bekend.", field=field)
            population = populations[code]
            if population is None:
                raise ValidationError(f"Van {code} is geen inwonertal (CBS) bekend; cijfers voor dit gebied kunnen "
                                      "daarom niet. Kies een groter gebied.", field=field)
            if population < MIN_AREA_POPULATION:
                raise ValidationError(f"{code} heeft minder dan {MIN_AREA_POPULATION:,} inwoners (CBS); cijfers voor "
                                      "zo'n klein gebied kunnen niet. Kies een groter gebied.".replace(",", "."),
                                      field=field)

    def months_window(self, first: date | None, months: int = DEFAULT_PERIOD_MONTHS) -> tuple[date, date]:
        """``months`` whole calendar months from the month of ``first`` (its first and last day);
        without ``first`` the months up to and including this one."""
        if not 1 <= months <= MAX_PERIOD_MONTHS:
            raise ValidationError(f"Kies 1 tot en met {MAX_PERIOD_MONTHS} maanden.", field="months")
        if first is None:
            last = month_end(local_date(self.clock()))
            return add_months(last.replace(day=1), 1 - months), last
        first = first.replace(day=1)
        return first, add_months(first, months) - timedelta(days=1)

    def period(self, since: date | None, until: date | None) -> tuple[datetime, datetime]:
        """Local dates, ``until`` inclusive, to a UTC half-open interval of whole calendar months.
        Default: the last twelve months, this one included."""
        today = local_date(self.clock())
        if until is not None and (until + timedelta(days=1)).day != 1:
            raise ValidationError(WHOLE_MONTHS, field="until")
        if since is not None and since.day != 1:
            raise ValidationError(WHOLE_MONTHS, field="from")
        last = until or month_end(today)
        first = since or add_months(last.replace(day=1), 1 - DEFAULT_PERIOD_MONTHS)
        if first > last:
            raise ValidationError("De begindatum ligt na de einddatum.", field="from")
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months < MIN_PERIOD_MONTHS:
            raise ValidationError(WHOLE_MONTHS, field="from")
        if months > MAX_PERIOD_MONTHS:
            raise ValidationError("Kies een periode van hoogstens vijf jaar.", field="from")
        start = datetime.combine(first, time(0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)
        return start, end

    def figures(self, actor: Principal, *, group_by: str = "total", gemeente: str | None = None,
                wijk: str | None = None, since: date | None = None, until: date | None = None,
                closure_days: int = 30) -> dict[str, Any]:
        if group_by not in GROUPINGS:
            raise ValidationError(f"groupBy is een van {', '.join(GROUPINGS)}.", field="groupBy")
        return self.overview(actor, group_bys=(group_by,), gemeente=gemeente, wijk=wijk, since=since, until=until,
                             closure_days=closure_days)["figures"][group_by]

    def overview(self, actor: Principal, *, group_bys: tuple[str, ...] = GROUPINGS, gemeente: str | None = None,
                 wijk: str | None = None, since: date | None = None, until: date | None = None,
                 closure_days: int = 30, leefgebied: str | None = None) -> dict[str, Any]:
        """The figures per grouping in ``group_bys`` and the flows, from one protected publication
        (what a page showing several of them needs, counted and protected once)."""
        if not 1 <= closure_days <= MAX_CLOSURE_DAYS:
            raise ValidationError(f"closureDays ligt tussen 1 en {MAX_CLOSURE_DAYS}.", field="closureDays")
        scope = self.scope(actor, gemeente=gemeente, wijk=wijk)
        if leefgebied is not None and leefgebied not in taxonomy.LIFE_DOMAIN_BY_CODE:
            raise ValidationError(f"Onbekend leefgebied {leefgebied!r}; kies er een uit de lijst.", field="leefgebied")
        start, end = self.period(since, until)
        published = self.published(scope, start, end, closure_days, leefgebied)
        head = {"scope": {"gemeenten": scope.gemeenten, "wijk": scope.wijk, "leefgebied": leefgebied},
                "period": {"from": iso(start), "until": iso(end)}}
        figures = {group_by: {**head, "groupBy": group_by, "closureDays": closure_days,
                              "suppressionThreshold": THRESHOLD, "total": published["total"],
                              "groups": [] if group_by == "total" else published["groups"][group_by]}
                   for group_by in group_bys}
        return {"figures": figures, "flows": {**head, "suppressionThreshold": THRESHOLD, **published["flows"]}}

    def published(self, scope: Scope, start: datetime, end: datetime, closure_days: int,
                  leefgebied: str | None = None) -> dict[str, Any]:
        """Every grouping and the flows for this filter, counted at once and protected together: what
        one answer hides, no other answer for the same filter gives away."""
        others = [g for g in GROUPINGS if g != "total"]
        counted = self.store.figure_tallies(
            since=iso(start), until=iso(end), gemeenten=scope.gemeenten, wijk=scope.wijk,
            groupings=[("total", False), *((g, False) for g in others)],
            moments=Moments(self.clock(), closure_days), months=local_months(start, end), leefgebied=leefgebied)
        total = tally_from_store(counted[0][0]) if counted[0] else Tally()
        grouped = {group_by: [Group(row["key"], group_label(group_by, row["key"], row.get("name")),
                                    tally_from_store(row)) for row in rows]
                   for group_by, rows in zip(others, counted[1:])}
        pair_rows = self.store.flow_pairs(since=iso(start), until=iso(end), gemeenten=scope.gemeenten,
                                          wijk=scope.wijk, leefgebied=leefgebied)
        named = self.store.organizations_named(sorted({o for row in pair_rows
                                                       for o in (row["from_org_id"], row["to_org_id"])}))
        pairs, orgs = pairs_from_store(pair_rows, named)
        flows = Flows(pairs, orgs, self.store.partners(scope.gemeenten), pair_keys_from_store(pair_rows))
        wijken = [g.key for g in grouped.get("wijk", []) if area_kind_of(g.key) == "wijk"]
        populations = self.store.area_populations(wijken) if wijken else {}
        # a wijk without a known population (or not stored at all) counts as small
        small = {code for code in wijken if (populations.get(code) or 0) < MIN_AREA_POPULATION}
        return publish(total, grouped, closure_days=closure_days, flows=flows, small_areas=small)

    def network(self, actor: Principal, *, gemeente: str | None = None, wijk: str | None = None,
                since: date | None = None, until: date | None = None, leefgebied: str | None = None,
                closure_days: int = 30) -> dict[str, Any]:
        """The referral network as a graph (``network_graph``), from one protected publication."""
        return self.graph_of(self.overview(actor, group_bys=NETWORK_GROUPINGS, gemeente=gemeente, wijk=wijk,
                                           since=since, until=until, closure_days=closure_days,
                                           leefgebied=leefgebied))

    def graph_of(self, overview: dict[str, Any]) -> dict[str, Any]:
        """The network view of an overview that has at least the ``NETWORK_GROUPINGS``."""
        flows = overview["flows"]
        ids = sorted({o["id"] for o in flows["graph"]["nodes"]} | {p["id"] for p in flows["rarelyReferredTo"]})
        profiles = profiles_of(self.store.organization_profiles(ids)) if ids else {}
        period = overview["flows"]["period"]
        return network_view(overview, profiles, parse_iso(period["from"]), parse_iso(period["until"]))

    def flows(self, actor: Principal, *, gemeente: str | None = None, wijk: str | None = None,
              since: date | None = None, until: date | None = None) -> dict[str, Any]:
        return self.overview(actor, group_bys=(), gemeente=gemeente, wijk=wijk, since=since, until=until)["flows"]


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def add_months(first: date, months: int) -> date:
    """The first of the month ``months`` after (or before) the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def first_of_month(text: str) -> date:
    """'2026-03' (``FIRST_MONTH_PATTERN``) as the first day of that month."""
    year, month = text.split("-")
    return date(int(year), int(month), 1)
