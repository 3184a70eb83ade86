"""The composition root: settings in, store and services out. Used by the app factory and the CLI.

The store is opened on first use, so a web process starts even while the store is down and
answers 503 until it is back.
"""
from __future__ import annotations

import threading

from graph import GraphStore, open_store, parse_graph_url
from socialekaart.catalog import Catalog
from socialekaart.config import Settings
from socialekaart.geocoding import make_geocoder


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
                self._catalog = Catalog(store, self.geocoder, default_radius=self.settings.search_radius_default)
            return self._catalog

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
