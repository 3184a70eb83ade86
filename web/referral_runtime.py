"""Composition of the referral side: accounts, referrals, network figures and webhooks on the
runtime's store. Built on first use (nothing connects at import), shared by the app and the CLI."""
from __future__ import annotations

import threading
from typing import Any, Callable

from flask import Flask

from graph.accounts import AccountStore
from graph.referrals import ReferralStore
from socialekaart.accounts import AccountService, Clock, utcnow
from socialekaart.crypto import FieldCipher, load_cipher
from socialekaart.network import NetworkService
from socialekaart.referral_service import ReferralService
from socialekaart.webhooks import WebhookDispatcher, WebhookRegistry

from .runtime import Runtime

EXTENSION = "socialekaart.referrals"
_app_lock = threading.Lock()


class ReferralRuntime:
    def __init__(self, runtime: Runtime, *, clock: Clock | None = None, webhook_base_delay: float = 2.0):
        self.runtime = runtime
        self.settings = runtime.settings
        self.clock = clock or utcnow
        self.webhook_base_delay = webhook_base_delay
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
        return self._once("webhooks", lambda: WebhookRegistry(self.referral_store, self.cipher, clock=self.clock))

    @property
    def dispatcher(self) -> WebhookDispatcher:
        return self._once("dispatcher", lambda: WebhookDispatcher(self.webhooks.endpoints,
                                                                  base_delay=self.webhook_base_delay))

    @property
    def referrals(self) -> ReferralService:
        settings = self.settings
        return self._once("referrals", lambda: ReferralService(
            self.referral_store, self.cipher, clock=self.clock, receive_days=settings.referral_receive_days,
            accept_days=settings.referral_accept_days, expire_days=settings.referral_expire_days,
            notify=self.dispatcher.publish))

    @property
    def network(self) -> NetworkService:
        return self._once("network", lambda: NetworkService(self.referral_store, clock=self.clock))

    def close(self) -> None:
        with self._lock:
            dispatcher = self._made.get("dispatcher")
        if dispatcher is not None:
            dispatcher.close()


def referral_runtime(app: Flask) -> ReferralRuntime:
    """The app's ReferralRuntime, made on first use. Tests may set ``SOCIALEKAART_CLOCK`` (a callable
    giving an aware datetime) and ``SOCIALEKAART_WEBHOOK_BASE_DELAY`` in the app config."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        with _app_lock:
            found = app.extensions.get(EXTENSION)
            if found is None:
                found = ReferralRuntime(app.extensions["socialekaart"], clock=app.config.get("SOCIALEKAART_CLOCK"),
                                        webhook_base_delay=app.config.get("SOCIALEKAART_WEBHOOK_BASE_DELAY", 2.0))
                app.extensions[EXTENSION] = found
    return found
