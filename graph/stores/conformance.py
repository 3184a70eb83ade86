"""Each store implements its context's port: these functions only type-check (``mypy`` in ``make
test``), so a store that drifts from the Protocol the domain expects fails the build, not a request."""
from __future__ import annotations

from graph.stores.accounts import AccountStore
from graph.stores.catalog import CatalogUnitOfWork, GraphStore
from graph.stores.corrections import CorrectionGraphStore
from graph.stores.coverage import CoverageStore
from graph.stores.hsds import StoreHsdsReads
from graph.stores.notifications import NotificationStore
from graph.stores.referrals import ReferralStore
from graph.stores.snapshots import StoreSnapshots
from socialekaart.accounts.ports import AccountRepository
from socialekaart.catalog.corrections import CorrectionStore
from socialekaart.catalog.ports import CatalogStore, CatalogWrites, ExportReads, HsdsReads, Snapshots
from socialekaart.coverage.ports import CoverageRepository
from socialekaart.notifications.ports import OutboxStore, RecipientStore, StatusLinkStore
from socialekaart.referrals.ports import NetworkRepository, ReferralRepository
from socialekaart.referrals.rotation import ResealStore
from socialekaart.referrals.webhooks import WebhookStore


def catalog(store: GraphStore) -> CatalogStore:
    return store


def catalog_writes(uow: CatalogUnitOfWork) -> CatalogWrites:
    return uow


def snapshots(reads: StoreSnapshots) -> Snapshots:
    return reads


def exports(reads: StoreSnapshots) -> ExportReads:
    return reads


def hsds(reads: StoreHsdsReads) -> HsdsReads:
    return reads


def referrals(store: ReferralStore) -> ReferralRepository:
    return store


def reseal(store: ReferralStore) -> ResealStore:
    return store


def network(store: ReferralStore) -> NetworkRepository:
    return store


def webhooks(store: ReferralStore) -> WebhookStore:
    return store


def accounts(store: AccountStore) -> AccountRepository:
    return store


def coverage(store: CoverageStore) -> CoverageRepository:
    return store


def corrections(store: CorrectionGraphStore) -> CorrectionStore:
    return store


def notification_outbox(store: NotificationStore) -> OutboxStore:
    return store


def notification_recipients(store: NotificationStore) -> RecipientStore:
    return store


def status_links(store: NotificationStore) -> StatusLinkStore:
    return store
