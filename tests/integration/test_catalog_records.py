"""The catalog's storage reads hand back the domain's frozen records (``socialekaart.catalog.records``),
not loose dicts: a search, a detail, an organisation's services, the stale listings and the HSDS
reads, on each store."""
from __future__ import annotations

import dataclasses

import pytest

from graph.stores.hsds import StoreHsdsReads
from graph.stores.listings import StaleListingStore
from socialekaart.catalog.model import Organization
from socialekaart.catalog.records import (
    HsdsService,
    SearchHit,
    ServiceDetail,
    ServiceRecord,
    ServiceStamp,
    ServiceSummary,
    StaleService,
    StoredHit,
)
from socialekaart.catalog.search import ServiceFilter, ServiceQuery


def _is_record(value: object, kind: type) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type) and isinstance(value, kind)


def test_a_search_returns_hits_with_service_records(demo_runtime):
    total, hits = demo_runtime.store.search_services(ServiceQuery(area_code="GM0664", page_size=5))
    assert total > 5 and len(hits) == 5
    assert all(_is_record(hit, StoredHit) and _is_record(hit.service, ServiceRecord) for hit in hits)
    first = hits[0].service
    assert first.id and first.name and first.rung
    assert first.gemeente_code == "GM0664" or any(code[2:6] == "0664" for code in first.serves)  # in Goes
    assert isinstance(first.life_domains, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.name = "iets anders"  # type: ignore[misc]


def test_the_catalog_answers_search_hits_with_why_they_matched(demo_runtime):
    page = demo_runtime.catalog.search(q="schulden", page_size=5)
    assert page.hits and all(_is_record(hit, SearchHit) for hit in page.hits)
    assert all(hit.match is not None and hit.match_reasons and hit.rung_label for hit in page.hits)


def test_ranked_hits_are_whole_services_though_candidates_carry_only_what_ranking_reads(demo_runtime):
    # Ranking the words reads up to MAX_CANDIDATES rows with a few columns; the page is read whole.
    page = demo_runtime.catalog.search(q="schulden", page_size=5)
    for hit in page.hits:
        whole = demo_runtime.store.service(hit.service.id)
        assert whole is not None
        assert hit.service == ServiceRecord(**{f.name: getattr(whole, f.name)
                                               for f in dataclasses.fields(ServiceRecord)})
    assert any(hit.service.phone or hit.service.website for hit in page.hits)  # not only the ranking fields
    candidates = demo_runtime.store.search_candidates(ServiceQuery(any_terms=("schuld",), page_size=5))
    assert candidates and all(hit.service.phone is None and hit.service.hours == () for hit in candidates)
    assert all(hit.service.name and hit.service.rung_level is not None for hit in candidates)


def test_reading_the_page_leaves_out_a_service_no_longer_stored(demo_runtime):
    ids = [hit.service.id for hit in demo_runtime.catalog.search(q="schulden", page_size=3).hits]
    found = demo_runtime.store.services_by_id([*ids, "svc-bestaat-niet"])
    assert sorted(found) == sorted(ids)
    assert all(_is_record(service, ServiceRecord) for service in found.values())


def test_a_detail_is_a_service_detail_with_its_version(demo_runtime):
    _, hits = demo_runtime.store.search_services(ServiceQuery(area_code="GM0664", page_size=1))
    detail = demo_runtime.store.service(hits[0].service.id)
    assert _is_record(detail, ServiceDetail) and detail.version >= 1
    assert detail.id == hits[0].service.id and detail.name == hits[0].service.name
    assert demo_runtime.store.service("svc-bestaat-niet") is None


def test_an_organisation_lists_service_summaries(demo_runtime):
    _, hits = demo_runtime.store.search_services(ServiceQuery(area_code="GM0664", page_size=1))
    organization_id = hits[0].service.organization_id
    summaries = demo_runtime.store.organization_services(organization_id)
    assert summaries and all(_is_record(s, ServiceSummary) for s in summaries)
    assert hits[0].service.id in {s.id for s in summaries}


def test_stale_listings_are_stale_service_records(demo_runtime):
    stale = StaleListingStore(demo_runtime.store).stale_services("9999-12-31")  # every service is older
    assert stale and all(_is_record(s, StaleService) and isinstance(s.serves, tuple) for s in stale)
    assert len(stale) == demo_runtime.store.counts()["Service"]


def test_hsds_reads_return_hsds_records_with_their_provider(demo_runtime):
    reads = StoreHsdsReads(demo_runtime.store)
    total, services = reads.search_services(ServiceFilter(), skip=0, limit=3)
    assert total > 3 and len(services) == 3
    assert all(_is_record(s, HsdsService) and _is_record(s.organization, Organization) for s in services)
    assert all(s.organization is not None and s.organization.id == s.organization_id for s in services)
    one = reads.service(services[0].id)
    assert _is_record(one, HsdsService) and one == services[0]
    _, stamps = reads.service_stamps(ServiceFilter(), skip=0, limit=3)
    assert [s.id for s in stamps] == [s.id for s in services] and all(_is_record(s, ServiceStamp) for s in stamps)
    _, organizations = reads.search_organizations(words=(), skip=0, limit=2)
    assert organizations and all(_is_record(o, Organization) for o in organizations)
    of = reads.services_of_organizations([organizations[0].id])[organizations[0].id]
    assert all(_is_record(s, HsdsService) and s.organization == organizations[0] for s in of)
