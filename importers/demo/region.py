"""The demo region: the real CBS 2015 Zeeland boundaries shipped in the package, and generated
(seeded, fictional) organisations and services placed at real PC6 centroids."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from importers.cbs import read_cbs_file
from importers.demo.generator import generate_demo
from socialekaart.catalog.model import Organization, Service
from socialekaart.places.model import Area

DEMO_SEED = 2015
REGIO_CODE = "RG-zeeland"


def shipped_cbs_files() -> list[Path]:
    folder = Path(str(resources.files("importers.demo") / "data" / "cbs"))
    return [folder / f"{kind}_2015_zeeland.geojson" for kind in ("gemeente", "wijk", "buurt")]


@dataclass(frozen=True)
class DemoRegion:
    areas: list[Area]
    organizations: list[Organization]
    services: list[Service]
    thin: list[tuple[str, str]]


def demo_region(seed: int = DEMO_SEED) -> DemoRegion:
    areas: list[Area] = []
    for path in shipped_cbs_files():
        areas.extend(read_cbs_file(path).areas)
    gemeenten = [a for a in areas if a.kind == "gemeente"]
    regio = Area(code=REGIO_CODE, kind="regio", name="Zeeland",
                 population=sum(g.population or 0 for g in gemeenten), source="demo")
    for gemeente in gemeenten:
        gemeente.parent_code = REGIO_CODE
    data = generate_demo(
        [{"code": a.code, "name": a.name, "population": a.population} for a in gemeenten],
        [{"code": a.code, "name": a.name, "parent_code": a.parent_code, "population": a.population}
         for a in areas if a.kind == "wijk"],
        seed=seed)
    return DemoRegion([regio, *areas], data.organizations, data.services, data.thin)
