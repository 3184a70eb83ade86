"""The import snapshots and export reads (``graph/stores/snapshots.py``) and the catalog's list of areas
hand back the domain's records, not loose dicts: a service as a ``StoredService`` with its own
``Location``, an organisation as an ``Organization``, an area as an ``Area``, on each store."""
from __future__ import annotations

import dataclasses
import json

import pytest

from graph.stores.snapshots import StoreSnapshots
from socialekaart.catalog.importing import service_fields, stored_service_fields
from socialekaart.catalog.model import Location, Organization
from socialekaart.catalog.records import StoredService
from socialekaart.places.model import Area


def _is_record(value: object, kind: type) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type) and isinstance(value, kind)


@pytest.fixture
def reads(demo_runtime) -> StoreSnapshots:
    return StoreSnapshots(demo_runtime.store)


def test_every_service_is_a_stored_service_with_its_own_location(demo_runtime, reads):
    services = list(reads.all_services())
    assert len(services) == demo_runtime.store.counts()["Service"]
    assert all(_is_record(s, StoredService) for s in services)
    assert [s.id for s in services] == sorted(s.id for s in services)
    located = [s for s in services if s.location is not None]
    assert located and len(located) < len(services)  # some only have a werkgebied
    assert all(_is_record(s.location, Location) and s.location.id for s in located)
    assert all(s.serves for s in services if s.location is None)
    assert all(isinstance(s.life_domains, tuple) and s.life_domains for s in services)
    with pytest.raises(dataclasses.FrozenInstanceError):
        services[0].name = "iets anders"  # type: ignore[misc]


def test_a_confidential_service_keeps_its_address_on_its_location_not_on_the_record(reads):
    hidden = [s for s in reads.all_services() if s.confidential and s.location is not None]
    assert hidden
    for service in hidden:
        assert service.address is None and service.point_kind == "wijk"  # the public point: the wijk centre
        assert service.location is not None and service.location.address
        assert (service.lat, service.lon) != (service.location.lat, service.location.lon)


def test_located_services_and_located_only_are_the_services_with_a_location(reads):
    located = list(reads.located_services())
    assert located and all(_is_record(s, StoredService) and s.location is not None for s in located)
    assert [s.id for s in reads.all_services(located_only=True)] == [s.id for s in located]
    assert {s.id for s in located} == {s.id for s in reads.all_services() if s.location is not None}


def test_services_by_id_and_one_service(reads):
    first, second = list(reads.all_services())[:2]
    found = reads.services([first.id, second.id, "svc-bestaat-niet"])
    assert found == {first.id: first, second.id: second}  # ids not stored are left out
    assert reads.service(first.id) == first
    assert reads.service("svc-bestaat-niet") is None


def test_a_stored_service_compares_with_the_fields_an_import_brings(demo_runtime, reads):
    region = demo_runtime.demo_region
    ours = next(s for s in region.services if s.location is not None and not s.confidential)
    org = next(o for o in region.organizations if o.id == ours.organization_id)
    stored = reads.service(ours.id)
    assert stored is not None
    assert stored_service_fields(stored).keys() == service_fields(ours, org).keys()
    assert stored_service_fields(stored)["location"] == {
        "id": ours.location.id, "address": ours.location.address, "postcode": ours.location.postcode,
        "city": ours.location.city, "lat": ours.location.lat, "lon": ours.location.lon}


def test_organizations_are_organizations(demo_runtime, reads):
    region = demo_runtime.demo_region
    ids = [o.id for o in region.organizations[:5]]
    found = reads.organizations([*ids, "org-bestaat-niet"])
    assert sorted(found) == sorted(ids)
    assert all(_is_record(o, Organization) for o in found.values())
    ours = region.organizations[0]
    assert (found[ours.id].name, found[ours.id].kind, found[ours.id].formal) == (ours.name, ours.kind, ours.formal)


def test_areas_are_areas_with_geometry_and_kerncijfers(reads):
    codes = reads.area_codes()
    assert isinstance(codes, set) and "GM0664" in codes
    goes = reads.areas(["GM0664", "GM9999"])
    assert list(goes) == ["GM0664"] and _is_record(goes["GM0664"], Area)
    area = goes["GM0664"]
    assert (area.kind, area.name) == ("gemeente", "Goes")
    assert area.geometry and json.loads(area.geometry)["type"] in ("Polygon", "MultiPolygon")
    assert area.centroid is not None and area.population and area.age_groups


@pytest.mark.parametrize("kind", ["gemeente", "wijk", "buurt"])
def test_areas_of_a_kind_are_areas_ordered_by_code(reads, kind):
    areas = reads.areas_of_kind(kind)
    assert areas and all(_is_record(a, Area) and a.kind == kind and a.geometry for a in areas)
    assert [a.code for a in areas] == sorted(a.code for a in areas)
    assert {a.code for a in areas} <= reads.area_codes()


def test_the_catalog_store_lists_areas_with_geometry_only_when_asked(demo_runtime, reads):
    store = demo_runtime.store
    plain, full = store.areas("buurt"), store.areas("buurt", with_geometry=True)
    assert plain and all(_is_record(a, Area) and a.kind == "buurt" and a.geometry is None for a in plain)
    assert [a.code for a in plain] == [a.code for a in full] == [a.code for a in reads.areas_of_kind("buurt")]
    assert all(a.geometry for a in full)
    assert [dataclasses.replace(a, geometry=None, source="cbs") for a in reads.areas_of_kind("buurt")] == \
        [dataclasses.replace(a, source="cbs") for a in plain]  # the same areas (the list reads no source)
