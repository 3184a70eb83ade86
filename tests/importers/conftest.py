"""Fixtures for the import and export tests: the import service on the real store, the shipped
Zeeland areas, and the files in ``data/`` (made by ``data/make_fixtures.py``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from graph.stores.snapshots import StoreSnapshots
from importers.demo.region import shipped_cbs_files
from socialekaart.catalog.importing import ImportService

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def imports(catalog) -> ImportService:
    return ImportService(catalog, StoreSnapshots(catalog.store))


@pytest.fixture
def zeeland(imports) -> ImportService:
    """The import service on a store holding the shipped Zeeland gemeenten, wijken and buurten."""
    from importers.cbs import import_cbs

    report = import_cbs(shipped_cbs_files(), imports)
    assert report.written and report.rejected == 0
    return ImportService(imports.catalog, imports.snapshots)  # fresh: no cached snapshots


@pytest.fixture
def fresh(imports):
    """Makes a new import service on the same store, as a second run of a command would have."""
    return lambda: ImportService(imports.catalog, imports.snapshots)


@pytest.fixture
def data() -> Path:
    return DATA
