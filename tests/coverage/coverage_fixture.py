"""A small hand-built region whose coverage, reach and gap figures are worked out by hand in the tests.

Testregio (RG-test):
- Eerstedorp (GM0001, 3,500 inwoners)
  - Wijk 01 Noord (WK000101, 2,500; 0-14: 400)
    - Noord-A (BU00010101, 1,000; 0-14: 100), centroid (52.000, 5.000)
    - Noord-B (BU00010102, 1,500; 0-14: 300), centroid (52.020, 5.000)
  - Wijk 02 Zuid (WK000102, 1,000; 0-14: 250)
    - Zuid-A (BU00010201, 1,000; 0-14: 250), centroid (51.980, 5.000)
- Tweedorp (GM0002, 2,050)
  - Wijk 01 Tweedorp (WK000201, 2,000; 0-14: 500)
    - Tweedorp-Centrum (BU00020101, 2,000; 0-14: 500), centroid (52.100, 5.100)
  - Wijk 02 Bedrijven (WK000202, 50 inwoners, no buurten), centroid (52.120, 5.120)

Services (rung, leefgebieden, organisation (formal?), where):
- s-maatjes: informeel, sociaal netwerk; Vrijwilligers Eerstedorp (informal); at (52.000, 5.004) in Noord-A.
- s-buurthuis: voorliggend, sociaal netwerk + tijdsbesteding; Welzijn Eerstedorp (formal); at (51.980, 5.000), Zuid-A.
- s-wijkteam: licht, sociaal netwerk + geldzaken; Sociaal wijkteam (formal); werkgebied GM0001.
- s-schuldhulp: maatwerk, geldzaken; Zorg Eerstedorp (formal); at (52.000, 5.008) in Noord-A and werkgebied
  WK000102; wachttijd 6 weken; last checked 2025-06-01.
- s-geldmaatje: informeel, geldzaken; Vrijwilligers Eerstedorp; werkgebied WK000101; wachttijd 2; never checked.
- s-opvoedpunt: voorliggend, opvoeding; Welzijn Eerstedorp; at (52.000, 5.000) in Noord-A; last checked 2024-01-15.
- s-tw-buurthuis: voorliggend, sociaal netwerk; Welzijn Tweedorp (formal); at (52.100, 5.100).
- s-tw-burenhulp: eigen-kracht, sociaal netwerk; Burenhulp Tweedorp (informal); werkgebied GM0002.
- s-tw-maatjes: informeel, sociaal netwerk; Burenhulp Tweedorp; werkgebied WK000201.

Referrals (``REFERRALS``), all from the wijkteam, for geldzaken, from inwoners of Zuid: six to
s-schuldhulp declined for geen capaciteit, four to s-schuldhulp accepted, one to s-geldmaatje
declined as buiten werkgebied.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.places.model import Area

# 'Now' for the coverage figures: referrals of the last year count; stale is older than 365 days.
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 1)
# When the referrals are made: a Monday, 10:00 Dutch time.
REFERRALS_START = datetime(2026, 10, 5, 8, 0, tzinfo=timezone.utc)

NOORD_A = (52.000, 5.000)
NOORD_B = (52.020, 5.000)
ZUID_A = (51.980, 5.000)
TWEEDORP = (52.100, 5.100)
BEDRIJVEN = (52.120, 5.120)
MAATJES = (52.000, 5.004)
BUURTHUIS = (51.980, 5.000)
SCHULDHULP = (52.000, 5.008)
OPVOEDPUNT = (52.000, 5.000)
TW_BUURTHUIS = (52.100, 5.100)


def box(lat: float, lon: float, half_lat: float = 0.005, half_lon: float = 0.01) -> str:
    s, n, w, e = lat - half_lat, lat + half_lat, lon - half_lon, lon + half_lon
    return (f'{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}')


def ages(children: int) -> dict[str, int]:
    return {"0-14": children}


def areas() -> list[Area]:
    return [
        Area("RG-test", "regio", "Testregio"),
        Area("GM0001", "gemeente", "Eerstedorp", parent_code="RG-test", population=3500, centroid=(52.0, 5.0),
             geometry=box(52.0, 5.0, 0.03, 0.02)),
        Area("WK000101", "wijk", "Wijk 01 Noord", parent_code="GM0001", population=2500, age_groups=ages(400),
             centroid=(52.01, 5.0), geometry=box(52.01, 5.0, 0.015)),
        Area("WK000102", "wijk", "Wijk 02 Zuid", parent_code="GM0001", population=1000, age_groups=ages(250),
             centroid=ZUID_A, geometry=box(*ZUID_A)),
        Area("BU00010101", "buurt", "Noord-A", parent_code="WK000101", population=1000, age_groups=ages(100),
             centroid=NOORD_A, geometry=box(*NOORD_A)),
        Area("BU00010102", "buurt", "Noord-B", parent_code="WK000101", population=1500, age_groups=ages(300),
             centroid=NOORD_B, geometry=box(*NOORD_B)),
        Area("BU00010201", "buurt", "Zuid-A", parent_code="WK000102", population=1000, age_groups=ages(250),
             centroid=ZUID_A, geometry=box(*ZUID_A)),
        Area("GM0002", "gemeente", "Tweedorp", parent_code="RG-test", population=2050, centroid=TWEEDORP,
             geometry=box(52.11, 5.11, 0.02, 0.02)),
        Area("WK000201", "wijk", "Wijk 01 Tweedorp", parent_code="GM0002", population=2000, age_groups=ages(500),
             centroid=TWEEDORP, geometry=box(*TWEEDORP)),
        Area("WK000202", "wijk", "Wijk 02 Bedrijven", parent_code="GM0002", population=50, centroid=BEDRIJVEN,
             geometry=box(*BEDRIJVEN)),
        Area("BU00020101", "buurt", "Tweedorp-Centrum", parent_code="WK000201", population=2000,
             age_groups=ages(500), centroid=TWEEDORP, geometry=box(*TWEEDORP)),
    ]


def organizations() -> list[Organization]:
    return [
        Organization("org-swt", "Sociaal wijkteam Eerstedorp", "sociaal-wijkteam"),
        Organization("org-welzijn", "Welzijn Eerstedorp", "welzijnsorganisatie"),
        Organization("org-vrijwillig", "Vrijwilligers Eerstedorp", "vrijwilligersnetwerk", formal=False),
        Organization("org-zorg", "Zorg Eerstedorp", "zorgaanbieder"),
        Organization("org-welzijn2", "Welzijn Tweedorp", "welzijnsorganisatie"),
        Organization("org-buren2", "Burenhulp Tweedorp", "burgerinitiatief", formal=False),
    ]


def _at(name: str, point: tuple[float, float]) -> Location:
    return Location(f"loc-{name}", point[0], point[1], f"{name.title()}straat 1", None, "Eerstedorp")


def services() -> list[Service]:
    return [
        Service("s-maatjes", "org-vrijwillig", "Maatjes Noord", "informeel", ["sociaal-netwerk"],
                location=_at("maatjes", MAATJES), last_verified=date(2026, 5, 1)),
        Service("s-buurthuis", "org-welzijn", "Buurthuis Zuid", "voorliggend", ["sociaal-netwerk", "tijdsbesteding"],
                location=_at("buurthuis", BUURTHUIS), last_verified=date(2026, 9, 1)),
        Service("s-wijkteam", "org-swt", "Wijkteam Eerstedorp", "licht", ["sociaal-netwerk", "geldzaken"],
                serves=["GM0001"], last_verified=date(2026, 10, 1)),
        Service("s-schuldhulp", "org-zorg", "Schuldhulpverlening", "maatwerk", ["geldzaken"],
                location=_at("schuldhulp", SCHULDHULP), serves=["WK000102"], wait_weeks=6,
                last_verified=date(2025, 6, 1)),
        Service("s-geldmaatje", "org-vrijwillig", "Geldmaatje Noord", "informeel", ["geldzaken"],
                serves=["WK000101"], wait_weeks=2),
        Service("s-opvoedpunt", "org-welzijn", "Opvoedpunt", "voorliggend", ["opvoeding"],
                location=_at("opvoedpunt", OPVOEDPUNT), last_verified=date(2024, 1, 15)),
        Service("s-tw-buurthuis", "org-welzijn2", "Buurthuis Tweedorp", "voorliggend", ["sociaal-netwerk"],
                location=_at("twbuurthuis", TW_BUURTHUIS), last_verified=date(2026, 8, 1)),
        Service("s-tw-burenhulp", "org-buren2", "Burenhulp-app Tweedorp", "eigen-kracht", ["sociaal-netwerk"],
                serves=["GM0002"], last_verified=date(2026, 8, 1)),
        Service("s-tw-maatjes", "org-buren2", "Maatjes Tweedorp", "informeel", ["sociaal-netwerk"],
                serves=["WK000201"], last_verified=date(2026, 8, 1)),
    ]


# (service, partner organisation, the receiver's steps after sending)
REFERRALS: list[tuple[str, str, list[tuple[str, str | None]]]] = (
    [("s-schuldhulp", "org-zorg", [("ontvangen", None), ("afgewezen", "geen-capaciteit")])] * 6
    + [("s-schuldhulp", "org-zorg", [("ontvangen", None), ("geaccepteerd", None)])] * 4
    + [("s-geldmaatje", "org-vrijwillig", [("ontvangen", None), ("afgewezen", "buiten-werkgebied")])]
)
# Accounts: name -> (role, organisation, areas)
ACCOUNTS = {
    "swt": ("professional", "org-swt", ()),
    "zorg": ("professional", "org-zorg", ()),
    "vrijwillig": ("professional", "org-vrijwillig", ()),
    "coordinator": ("coordinator", None, ("GM0001",)),
    "tweedorp": ("coordinator", None, ("GM0002",)),
    "regio": ("coordinator", None, ("RG-test",)),
    "admin": ("admin", None, ()),
}
