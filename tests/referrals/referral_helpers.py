"""Shared by the referral tests: the seeded region, a clock the tests move, request bodies."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from socialekaart.accounts.service import Principal
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.places.model import Area
from socialekaart.referrals.crypto import new_key

SECRET_KEY = new_key()
# A Monday, 10:00 Dutch time (09:00 UTC, winter time).
START = datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc)

GOES = '{"type":"Polygon","coordinates":[[[3.88,51.49],[3.90,51.49],[3.90,51.51],[3.88,51.51],[3.88,51.49]]]}'
GOES_OOST = '{"type":"Polygon","coordinates":[[[3.90,51.49],[3.95,51.49],[3.95,51.51],[3.90,51.51],[3.90,51.49]]]}'


class FakeClock:
    """A clock the test moves; thread-safe, always an aware UTC datetime."""

    def __init__(self, start: datetime = START):
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self.now += timedelta(**delta)
            return self.now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self.now = moment


def region() -> tuple[list[Area], list[Organization], list[Service]]:
    areas = [
        Area("RG-zeeland", "regio", "Zeeland"),
        Area("GM0664", "gemeente", "Goes", parent_code="RG-zeeland", centroid=(51.50, 3.90), population=38_900),
        Area("GM0687", "gemeente", "Middelburg", parent_code="RG-zeeland", centroid=(51.50, 3.61), population=49_800),
        Area("WK066401", "wijk", "Goes-Centrum", parent_code="GM0664", centroid=(51.50, 3.89), population=9_100),
        Area("WK066402", "wijk", "Goes-Oost", parent_code="GM0664", centroid=(51.50, 3.925), population=7_400),
        Area("BU06640101", "buurt", "Binnenstad", parent_code="WK066401", geometry=GOES, centroid=(51.50, 3.89)),
        Area("BU06640201", "buurt", "Oostwijk", parent_code="WK066402", geometry=GOES_OOST, centroid=(51.50, 3.925)),
    ]
    orgs = [
        Organization("org-swt", "Sociaal wijkteam Goes", "sociaal-wijkteam"),
        Organization("org-welzijn", "Welzijn Goes", "welzijnsorganisatie"),
        Organization("org-netwerk", "Buren voor Buren", "vrijwilligersnetwerk", formal=False),
        Organization("org-zorg", "Zorg Plus", "zorgaanbieder"),
        Organization("org-opvang", "Opvang Zeeland", "zorgaanbieder"),
        Organization("org-ggz", "GGZ Goes", "ggz"),
        Organization("org-mid", "Welzijn Middelburg", "welzijnsorganisatie"),
    ]
    svcs = [
        Service("svc-swt", "org-swt", "Lichte ondersteuning wijkteam", "licht", ["geldzaken", "woning"],
                serves=["GM0664"]),
        Service("svc-schuld", "org-welzijn", "Schuldhulp spreekuur", "voorliggend", ["geldzaken"],
                location=Location("loc-schuld", 51.500, 3.890, "Markt 1", "4461AB", "Goes")),
        Service("svc-maatje", "org-netwerk", "Maatjes aan huis", "informeel", ["sociaal-netwerk"],
                serves=["WK066402"]),
        Service("svc-begeleiding", "org-zorg", "Ambulante begeleiding", "maatwerk", ["zelfzorg", "geldzaken"],
                location=Location("loc-zorg", 51.5005, 3.920, "Oostplein 3", "4462AA", "Goes")),
        Service("svc-opvang", "org-opvang", "Vrouwenopvang", "maatwerk", ["relaties-thuis"], confidential=True,
                location=Location("loc-opvang", 51.501, 3.885, "Geheim 9", "4461AB", "Goes")),
        Service("svc-ggz", "org-ggz", "Inloop GGZ", "voorliggend", ["geestelijke-gezondheid"], serves=["GM0664"]),
        Service("svc-mid", "org-mid", "Buurthuis Middelburg", "voorliggend", ["sociaal-netwerk"],
                serves=["GM0687"]),
    ]
    return areas, orgs, svcs


@dataclass
class Actor:
    principal: Principal
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


ACCOUNTS = {
    # name: (role, organisation, areas)
    "swt": ("professional", "org-swt", ()),
    "welzijn": ("professional", "org-welzijn", ()),
    "netwerk": ("professional", "org-netwerk", ()),
    "zorg": ("professional", "org-zorg", ()),
    "other": ("professional", "org-mid", ()),
    "beheerder": ("beheerder", "org-welzijn", ()),
    "coordinator": ("coordinator", None, ("GM0664",)),
    "regio": ("coordinator", None, ("RG-zeeland",)),
    "admin": ("admin", None, ()),
}


def consent_for(partner: str) -> dict[str, str]:
    """Consent as the sender states it; the service records the day itself (the referral's day)."""
    return {"purpose": "Hulp zoeken bij de hulpvraag", "partnerId": partner, "method": "mondeling"}


def referral_body(service: str = "svc-schuld", partner: str = "org-welzijn", **changes: Any) -> dict[str, Any]:
    body = {"serviceId": service, "lifeDomains": ["geldzaken"], "urgency": "normaal",
            "requestText": "Alleenstaande moeder met betalingsachterstanden; wil graag hulp bij post en schulden.",
            "clientRef": "SWT-2026-0042", "contact": {"name": "Sanne", "phone": "06 1234 5678"},
            "consent": consent_for(partner), "wijkCode": "WK066401"}
    body.update(changes)
    return body
