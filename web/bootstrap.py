"""The composition root: settings in, store and services out. The app factory (``web.app``), the
CLI (``web.cli``) and the benchmark (``bench/``) all build what they need from here, and nowhere else.

Nothing connects at import or construction: the store is opened on first use, so a web process
starts even while the store is down and answers 503 until it is back.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from flask import Flask, current_app

from graph import GraphStore, open_store, parse_graph_url
from graph.stores.accounts import AccountStore
from graph.stores.corrections import CorrectionGraphStore
from graph.stores.coverage import CoverageStore
from graph.stores.hsds import StoreHsdsReads
from graph.stores.listings import StaleListingStore
from graph.stores.notifications import NotificationStore
from graph.stores.referrals import ReferralStore
from graph.stores.snapshots import StoreSnapshots
from socialekaart.accounts.service import AccountService
from socialekaart.catalog.corrections import CorrectionService
from socialekaart.catalog.listings import ListingService
from socialekaart.catalog.service import STAGE_SIZE, Catalog
from socialekaart.catalog.stale import StaleListingReport
from socialekaart.coverage.gaps import Thresholds
from socialekaart.coverage.service import CoverageService
from socialekaart.notifications.outbox import NotificationWorker, OutboxSender
from socialekaart.notifications.service import NotificationService
from socialekaart.notifications.smtp import SmtpMailer, SmtpSettings
from socialekaart.notifications.status_links import StatusLinkService
from socialekaart.places.codes import area_kind_of
from socialekaart.places.geocoding import make_geocoder
from socialekaart.referrals.crypto import FieldCipher, load_cipher
from socialekaart.referrals.network import NetworkService
from socialekaart.referrals.service import ReferralService
from socialekaart.referrals.webhooks import WebhookDispatcher, WebhookRegistry
from socialekaart.shared.clock import Clock, utcnow
from socialekaart.shared.config import Settings

RUNTIME_EXTENSION = "socialekaart"
log = logging.getLogger(__name__)


class Runtime:
    def __init__(self, settings: Settings):
        self.settings = settings
        # A malformed URL stops start-up here, with a message naming the setting.
        self.location = parse_graph_url(settings.graph_url, settings.data_dir)
        self.geocoder = make_geocoder(settings.geocoder)
        self._store: GraphStore | None = None
        self._catalog: Catalog | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> GraphStore:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings)
            return self._store

    @property
    def catalog(self) -> Catalog:
        store = self.store
        with self._lock:
            if self._catalog is None:
                # Staged imports only where a transaction must fit in the server's memory: on FalkorDB
                # relabelling staged services costs more than the one query it saves (about 1 ms each).
                self._catalog = Catalog(store, self.geocoder, default_radius=self.settings.search_radius_default,
                                        lexicon_file=self.settings.lexicon_path,
                                        stage_size=STAGE_SIZE if store.connection.transaction_memory_bounded else None)
            return self._catalog

    @property
    def snapshots(self) -> StoreSnapshots:
        """Stored records for imports (what is there already), exports and listings."""
        return StoreSnapshots(self.store)

    @property
    def hsds_reads(self) -> StoreHsdsReads:
        """What the HSDS API and the HSDS export read."""
        return StoreHsdsReads(self.store)

    def listings(self, clock: Clock | None = None) -> ListingService:
        """A beheerder's listings: edits through the catalog, the stored record from the snapshots."""
        return ListingService(self.catalog, self.snapshots.service, clock=clock or utcnow)

    def stale_listings(self, clock: Clock | None = None) -> StaleListingReport:
        """Listings not checked for longer than ``stale_after_days``, per gemeente (the coordinator's view)."""
        return StaleListingReport(StaleListingStore(self.store), self._gemeenten_in,
                                  stale_after_days=self.settings.stale_after_days, clock=clock or utcnow)

    def _gemeenten_in(self, code: str) -> list[tuple[str, str]]:
        """(code, name) of the gemeenten in a regio, of a gemeente itself, or of all for ""."""
        kind = area_kind_of(code) if code else None
        if kind == "gemeente":
            area = self.store.area(code)
            return [(area.code, area.name)] if area else []
        if code and kind != "regio":
            return []
        return [(a.code, a.name) for a in self.store.child_areas(code or None, "gemeente")]

    def corrections(self, clock: Clock | None = None) -> CorrectionService:
        """Corrections from inwoners ('Klopt er iets niet?'), stored for the organisation's beheerder."""
        return CorrectionService(CorrectionGraphStore(self.store), self.catalog.service, clock=clock or utcnow)

    @property
    def started_embedded_server(self) -> bool:
        return bool(self._store and getattr(self._store.connection, "started_server", False))

    def close(self, *, stop_server_we_started: bool = False) -> None:
        with self._lock:
            if self._store is None:
                return
            connection = self._store.connection
            server = getattr(connection, "server", None)
            connection.close()
            if stop_server_we_started and server is not None and getattr(connection, "started_server", False):
                server.stop()
            self._store = None
            self._catalog = None


# -- the referral side: accounts, referrals, network figures and webhooks --------------------
REFERRALS_EXTENSION = "socialekaart.referrals"
_app_lock = threading.Lock()


class ReferralRuntime:
    def __init__(self, runtime: Runtime, *, clock: Clock | None = None, webhook_base_delay: float = 2.0,
                 mail_base_delay: float = 60.0):
        self.runtime = runtime
        self.settings = runtime.settings
        self.clock = clock or utcnow
        self.webhook_base_delay = webhook_base_delay
        self.mail_base_delay = mail_base_delay  # seconds on the clock before the first retry of a mail
        self._lock = threading.RLock()
        self._made: dict[str, Any] = {}

    def _once(self, name: str, make: Callable[[], Any]) -> Any:
        with self._lock:  # one of each, also when the first requests come in together
            if name not in self._made:
                self._made[name] = make()
            return self._made[name]

    @property
    def cipher(self) -> FieldCipher:
        return self._once("cipher", lambda: load_cipher(self.settings))

    @property
    def referral_store(self) -> ReferralStore:
        return self._once("referral_store", lambda: ReferralStore(self.runtime.store))

    @property
    def accounts(self) -> AccountService:
        return self._once("accounts", lambda: AccountService(AccountStore(self.runtime.store), clock=self.clock,
                                                             token_days=self.settings.token_days))

    @property
    def webhooks(self) -> WebhookRegistry:
        allow_private = self.settings.webhook_allow_private
        return self._once("webhooks", lambda: WebhookRegistry(self.referral_store, self.cipher, clock=self.clock,
                                                              allow_private=allow_private))

    @property
    def dispatcher(self) -> WebhookDispatcher:
        allow_private = self.settings.webhook_allow_private
        return self._once("dispatcher", lambda: WebhookDispatcher(self.webhooks.endpoints, allow_private=allow_private,
                                                                  base_delay=self.webhook_base_delay))

    @property
    def referrals(self) -> ReferralService:
        settings = self.settings
        return self._once("referrals", lambda: ReferralService(
            self.referral_store, self.cipher, clock=self.clock, receive_days=settings.referral_receive_days,
            accept_days=settings.referral_accept_days, expire_days=settings.referral_expire_days,
            notify=self._observe))

    def _observe(self, events: list[dict[str, Any]]) -> None:
        """ReferralService's one observer: webhooks and e-mail each get the events; a failure in one
        is logged and never reaches the other, nor the request."""
        for observer, name in ((self.dispatcher.publish, "webhooks"), (self.notifications.on_events, "e-mail")):
            try:
                observer(events)
            except Exception:
                log.exception("could not queue %s for referral events", name)

    # -- notifications (e-mail, status links for the inwoner) -------------------------------------
    @property
    def notification_store(self) -> NotificationStore:
        return self._once("notification_store", lambda: NotificationStore(self.runtime.store))

    @property
    def notifications(self) -> NotificationService:
        return self._once("notifications", lambda: NotificationService(
            self.notification_store, self.notification_store, clock=self.clock,
            stale_after_days=self.settings.stale_after_days, wake=self._wake_worker))

    @property
    def outbox(self) -> OutboxSender:
        settings = self.settings
        mailer = SmtpMailer(SmtpSettings(
            host=settings.smtp_host, port=settings.smtp_port, security=settings.smtp_security,
            sender=settings.smtp_from, user=settings.smtp_user, password=settings.smtp_password,
            timeout=settings.smtp_timeout_seconds)) if settings.smtp_host else None
        return self._once("outbox", lambda: OutboxSender(self.notification_store, mailer,
                                                         public_url=settings.public_url, clock=self.clock,
                                                         base_delay_seconds=self.mail_base_delay))

    @property
    def worker(self) -> NotificationWorker:
        """Sends the outbox in the background; started by ``start_worker`` (serve), not on first use."""
        return self._once("worker", lambda: NotificationWorker(
            lambda: self.outbox.send_due(),
            [lambda: self.notifications.sweep_overdue(), lambda: self.notifications.sweep_stale()]))

    def _wake_worker(self) -> None:
        with self._lock:
            worker = self._made.get("worker")
        if worker is not None:
            worker.wake()

    def start_worker(self) -> NotificationWorker:
        worker = self.worker
        worker.start()
        return worker

    @property
    def status_links(self) -> StatusLinkService:
        return self._once("status_links", lambda: StatusLinkService(
            self.notification_store, self.referrals, days=self.settings.status_link_days, clock=self.clock))

    @property
    def network(self) -> NetworkService:
        return self._once("network", lambda: NetworkService(self.referral_store, clock=self.clock))

    def close(self) -> None:
        with self._lock:
            dispatcher = self._made.get("dispatcher")
            worker = self._made.get("worker")
        if dispatcher is not None:
            dispatcher.close()
        if worker is not None:
            worker.stop()


def referral_runtime(app: Flask) -> ReferralRuntime:
    """The app's ReferralRuntime, made on first use. Tests may set ``SOCIALEKAART_CLOCK`` (a callable
    giving an aware datetime) and ``SOCIALEKAART_WEBHOOK_BASE_DELAY`` in the app config."""
    found = app.extensions.get(REFERRALS_EXTENSION)
    if found is None:
        with _app_lock:
            found = app.extensions.get(REFERRALS_EXTENSION)
            if found is None:
                found = ReferralRuntime(app.extensions[RUNTIME_EXTENSION], clock=app.config.get("SOCIALEKAART_CLOCK"),
                                        webhook_base_delay=app.config.get("SOCIALEKAART_WEBHOOK_BASE_DELAY", 2.0))
                app.extensions[REFERRALS_EXTENSION] = found
    return found


# -- the lokale inventarisatie ------------------------------------------------------------
COVERAGE_EXTENSION = "socialekaart.coverage"
# The dashboard's three requests (figures, gaps, map) share one computation for this long.
DEFAULT_CACHE_SECONDS = 30.0
_app_lock = threading.Lock()


def build_coverage_service(runtime: Runtime, *, cache_seconds: float = 0,
                           clock: Clock | None = None) -> CoverageService:
    settings = runtime.settings
    return CoverageService(CoverageStore(runtime.store), Thresholds.from_settings(settings),
                           referral_days=settings.coverage_referral_days, clock=clock or utcnow,
                           cache_seconds=cache_seconds)


def coverage_service(app: Flask) -> CoverageService:
    """The app's CoverageService. Tests may set ``SOCIALEKAART_COVERAGE_CACHE_SECONDS`` (0: always
    compute anew) and ``SOCIALEKAART_CLOCK`` in the app config."""
    found = app.extensions.get(COVERAGE_EXTENSION)
    if found is None:
        with _app_lock:
            found = app.extensions.get(COVERAGE_EXTENSION)
            if found is None:
                found = build_coverage_service(
                    app.extensions[RUNTIME_EXTENSION],
                    cache_seconds=app.config.get("SOCIALEKAART_COVERAGE_CACHE_SECONDS", DEFAULT_CACHE_SECONDS),
                    clock=app.config.get("SOCIALEKAART_CLOCK"))
                app.extensions[COVERAGE_EXTENSION] = found
    return found


def current_runtime() -> Runtime:
    """The runtime of the app handling the current request."""
    return current_app.extensions[RUNTIME_EXTENSION]
