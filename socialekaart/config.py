"""Settings, read once from ``SOCIALEKAART_*`` environment variables with sensible defaults.

A malformed value stops start-up with a ConfigError that names the setting.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from .errors import ConfigError

DEFAULT_DATA_DIR = Path("var/graph")
GEOCODER_KINDS = ("offline", "nominatim", "pdok")


@dataclass(frozen=True)
class Settings:
    graph_url: str = ""  # empty: embedded FalkorDB in data_dir
    graph_user: str | None = None
    graph_password: str | None = None
    graph_name: str = "socialekaart"
    data_dir: Path = DEFAULT_DATA_DIR
    store_timeout_seconds: float = 10.0
    connect_timeout_seconds: float = 2.0
    geocoder: str = "offline"
    tile_url: str = ""  # empty: the map shows only area outlines
    search_radius_default: int = 5000
    extra: Mapping[str, str] = field(default_factory=dict)

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ

        def text(name: str, default: str = "") -> str:
            return env.get(f"SOCIALEKAART_{name}", default).strip()

        def number(name: str, default: float, low: float, high: float) -> float:
            raw = text(name)
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise ConfigError(f"SOCIALEKAART_{name} moet een getal zijn, niet {raw!r}.") from None
            if not low <= value <= high:
                raise ConfigError(f"SOCIALEKAART_{name} moet tussen {low:g} en {high:g} liggen, niet {raw}.")
            return value

        geocoder = text("GEOCODER", "offline").lower()
        if geocoder not in GEOCODER_KINDS:
            raise ConfigError(
                f"SOCIALEKAART_GEOCODER moet een van {', '.join(GEOCODER_KINDS)} zijn, niet {geocoder!r}.")
        graph_name = text("GRAPH_NAME", "socialekaart")
        if not graph_name.replace("_", "").replace("-", "").isalnum():
            raise ConfigError("SOCIALEKAART_GRAPH_NAME mag alleen letters, cijfers, '-' en '_' bevatten.")
        return cls(
            graph_url=text("GRAPH_URL"),
            graph_user=text("GRAPH_USER") or None,
            graph_password=env.get("SOCIALEKAART_GRAPH_PASSWORD") or None,
            graph_name=graph_name,
            data_dir=Path(text("DATA_DIR") or DEFAULT_DATA_DIR),
            store_timeout_seconds=number("STORE_TIMEOUT", 10.0, 0.1, 3600),
            connect_timeout_seconds=number("CONNECT_TIMEOUT", 2.0, 0.1, 120),
            geocoder=geocoder,
            tile_url=text("TILE_URL"),
            search_radius_default=int(number("SEARCH_RADIUS", 5000, 100, 100_000)),
        )
