"""The domain model's rules, with Dutch messages per field."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.places.codes import area_kind_of, parent_codes
from socialekaart.places.model import Area
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import local_date
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.hours import WeeklyHours


def service(**changes) -> Service:
    base = dict(id="svc-1", organization_id="org-1", name="Spreekuur", rung="voorliggend",
                life_domains=["geldzaken"], location=Location("loc-1", 51.5, 3.89))
    base.update(changes)
    return Service(**base)


def test_a_good_service_validates():
    assert service().validate().free is True


@pytest.mark.parametrize("changes, field", [
    ({"rung": "zwaar"}, "rung"),
    ({"life_domains": []}, "lifeDomains"),
    ({"life_domains": ["armoede-x"]}, "lifeDomains"),
    ({"target_groups": ["marsmannetjes"]}, "targetGroups"),
    ({"age_min": 30, "age_max": 12}, "ageMin"),
    ({"age_max": 130}, "ageMax"),
    ({"cost": "duur"}, "cost"),
    ({"serves": ["GM66"]}, "serves"),
    ({"location": None, "serves": []}, "location"),
    ({"location": Location("loc-1", 48.85, 2.35)}, "location"),  # Paris
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"id": "met spatie"}, "id"),
    ({"email": "geen-mail"}, "email"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"last_verified": date.today() + timedelta(days=3)}, "lastVerified"),
    ({"description": "a\x00b"}, "description"),
])
def test_each_rule_names_its_field(changes, field):
    with pytest.raises(ValidationError) as caught:
        service(**changes).validate()
    assert field in caught.value.errors
    assert all(isinstance(m, str) and m for m in caught.value.errors[field])


@pytest.mark.parametrize("utc, dutch_day", [
    (datetime(2026, 12, 3, 23, 30, tzinfo=timezone.utc), date(2026, 12, 4)),  # winter: UTC+1
    (datetime(2026, 7, 3, 22, 30, tzinfo=timezone.utc), date(2026, 7, 4)),    # summer: UTC+2
    (datetime(2026, 7, 3, 21, 59, tzinfo=timezone.utc), date(2026, 7, 3)),
])
def test_today_is_the_dutch_calendar_day_whatever_the_hosts_zone(utc, dutch_day):
    assert local_date(utc) == dutch_day


def test_a_listing_verified_today_in_the_netherlands_is_not_in_the_future_while_utc_is_still_yesterday():
    # 00:30 in Zeeland is 23:30 UTC the day before: a check against the host's UTC date refused the
    # date the edit form had just filled in (seen in CI after midnight).
    just_after_midnight = datetime(2026, 12, 3, 23, 30, tzinfo=timezone.utc)
    verified = service(last_verified=date(2026, 12, 4))
    assert verified.validate(today=local_date(just_after_midnight)) is verified
    with pytest.raises(ValidationError) as caught:
        verified.validate(today=date(2026, 12, 3))
    assert "lastVerified" in caught.value.errors


def test_all_problems_are_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        service(rung="x", cost="y", name="").validate()
    assert {"rung", "cost", "name"} <= set(caught.value.errors)


@pytest.mark.parametrize("code, kind", [("GM0664", "gemeente"), ("WK066401", "wijk"), ("BU06640101", "buurt"),
                                        ("GM664", None), ("BU0664010", None), ("gm0664", None)])
def test_cbs_codes(code, kind):
    assert area_kind_of(code) == kind


def test_parent_codes_from_a_buurt_code():
    assert parent_codes("BU06640101") == ("WK066401", "GM0664")


def test_area_code_must_match_its_kind():
    with pytest.raises(ValidationError) as caught:
        Area("WK066401", "gemeente", "Goes").validate()
    assert "code" in caught.value.errors and "GM0664" in caught.value.errors["code"][0]


def test_organization_kind_is_checked():
    with pytest.raises(ValidationError):
        Organization("org-1", "X", kind="bank").validate()
    assert Organization("org-1", "X", kind="vrijwilligersnetwerk", formal=False).validate()


def test_hours_parse_and_round_trip():
    hours = WeeklyHours.parse("ma-vr 09:00-17:00; za 10:00-12:00")
    assert hours.text() == "ma-vr 09:00-17:00; za 10:00-12:00"
    assert hours.is_open_at(datetime(2026, 11, 23, 10, 0))      # Monday
    assert not hours.is_open_at(datetime(2026, 11, 23, 17, 0))  # closing time is exclusive
    assert hours.is_open_at(datetime(2026, 11, 28, 11, 0))      # Saturday
    assert not hours.is_open_at(datetime(2026, 11, 29, 11, 0))  # Sunday
    assert WeeklyHours.from_minutes(hours.minutes()) == hours


@pytest.mark.parametrize("text, expected", [
    ("Maandag 9-12", "ma 09:00-12:00"),
    ("di, do 13.30 - 16.00", "di 13:30-16:00; do 13:30-16:00"),
    ("ma-wo 09:00-12:00, 13:00-17:00", "ma-wo 09:00-12:00, 13:00-17:00"),
    ("24/7", "24/7"),
    ("", ""),
])
def test_forgiving_hours(text, expected):
    assert WeeklyHours.parse(text).text() == expected


@pytest.mark.parametrize("text", ["elke dag", "ma 17:00-09:00", "xx 09:00-10:00", "vr-ma 09:00-10:00", "ma 25:00-26:00"])
def test_bad_hours_are_explained(text):
    with pytest.raises(ValidationError) as caught:
        WeeklyHours.parse(text)
    assert "ma-vr 09:00-17:00" in caught.value.message


def test_open_at_uses_dutch_local_time():
    from zoneinfo import ZoneInfo

    hours = WeeklyHours.parse("ma 09:00-10:00")
    # 08:30 UTC on a winter Monday is 09:30 in the Netherlands.
    assert hours.is_open_at(datetime(2026, 11, 23, 8, 30, tzinfo=ZoneInfo("UTC")))


def test_taxonomy_resolves_labels_codes_and_synonyms():
    assert taxonomy.resolve("lifeDomain", "Financiën") == "geldzaken"
    assert taxonomy.resolve("lifeDomain", "HUISVESTING") == "woning"
    assert taxonomy.resolve("rung", "Algemene voorziening") == "voorliggend"
    assert taxonomy.resolve("targetGroup", "GGZ-cliënten") == "ggz-clienten"
    assert taxonomy.resolve("organizationKind", "Cliëntondersteuning") == "clientondersteuning"
    assert taxonomy.resolve("lifeDomain", "ruimtevaart") is None


def test_inwoner_words_map_to_life_domains():
    assert taxonomy.life_domains_in_words("Ik heb geldzorgen") == ["geldzaken"]
    assert taxonomy.life_domains_in_words("ik voel me eenzaam") == ["sociaal-netwerk"]
    assert taxonomy.life_domains_in_words("hulp bij huiselijk geweld") == ["relaties-thuis"]
    assert taxonomy.life_domains_in_words("hallo") == []


def test_rungs_are_ordered_lightest_first_and_codes_are_unique():
    assert [r.level for r in taxonomy.RUNGS] == sorted(r.level for r in taxonomy.RUNGS)
    for terms in (taxonomy.RUNGS, taxonomy.LIFE_DOMAINS, taxonomy.TARGET_GROUPS, taxonomy.ORGANIZATION_KINDS):
        codes = [t.code for t in terms]
        assert len(codes) == len(set(codes))
    assert len(taxonomy.LIFE_DOMAINS) == 14  # the 13 ZRM domains plus opvoeding
