"""Parse ``SOCIALEKAART_GRAPH_URL`` into where the store lives. One setting picks the backend."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from socialekaart.shared.errors import ConfigError

SETTING = "SOCIALEKAART_GRAPH_URL"
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
REDIS_SCHEMES = ("redis", "rediss")
EMBEDDED_SCHEME = "falkordb+embedded"


@dataclass(frozen=True)
class GraphLocation:
    backend: str  # "falkordb" or "neo4j"
    embedded: bool
    url: str  # for neo4j/redis: the URL without credentials
    data_dir: Path | None = None
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: int | str | None = None

    def describe(self) -> str:
        """A safe description for logs and /health: never contains a password."""
        if self.embedded:
            return f"falkordb (ingebouwd, {self.data_dir})"
        return f"{self.backend} ({self.url})"


def _bad(url: str, why: str) -> ConfigError:
    shown = url.split("@")[-1] if "@" in url else url
    return ConfigError(f"{SETTING} is ongeldig ({shown!r}): {why}. Voorbeelden: leeg (ingebouwde FalkorDB), "
                       "falkordb+embedded:///pad/naar/data, redis://localhost:6379, bolt://localhost:7687, "
                       "neo4j+s://cluster.example:7687.")


def parse_graph_url(url: str, default_data_dir: Path) -> GraphLocation:
    url = (url or "").strip()
    if not url:
        return GraphLocation("falkordb", True, EMBEDDED_SCHEME, data_dir=default_data_dir.resolve())
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _bad(url, f"kan niet gelezen worden ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme == EMBEDDED_SCHEME:
        if parts.netloc:
            raise _bad(url, "een ingebouwde FalkorDB heeft geen host; gebruik drie slashes")
        if not parts.path:
            raise _bad(url, "geef de map voor de gegevens op")
        return GraphLocation("falkordb", True, EMBEDDED_SCHEME, data_dir=Path(unquote(parts.path)).resolve())
    if scheme not in REDIS_SCHEMES + NEO4J_SCHEMES:
        raise _bad(url, f"onbekend schema {scheme or '(geen)'!r}")
    if not parts.hostname:
        raise _bad(url, "de host ontbreekt")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    clean = f"{scheme}://{parts.hostname}{f':{port}' if port else ''}{parts.path or ''}"
    if scheme in REDIS_SCHEMES:
        db_text = parts.path.strip("/") or "0"
        if not db_text.isdigit():
            raise _bad(url, "het databasenummer na de / moet een getal zijn")
        return GraphLocation("falkordb", False, clean, host=parts.hostname, port=port or 6379,
                             user=user, password=password, database=int(db_text))
    database = parts.path.strip("/") or None
    return GraphLocation("neo4j", False, clean, host=parts.hostname, port=port or 7687,
                         user=user, password=password, database=database)
