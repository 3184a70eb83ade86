"""Settings, read once from ``SOCIALEKAART_*`` environment variables with sensible defaults.

A malformed value stops start-up with a ConfigError that names the setting.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from socialekaart.shared.disclosure import MIN_PERIOD_DAYS
from socialekaart.shared.errors import ConfigError

DEFAULT_DATA_DIR = Path("var/graph")
GEOCODER_KINDS = ("offline", "nominatim", "pdok")
SMTP_SECURITY = ("starttls", "tls", "geen")  # STARTTLS on a plain port, implicit TLS (465), or neither


@dataclass(frozen=True)
class Settings:
    graph_url: str = field(default="", repr=False)  # empty: embedded FalkorDB in data_dir (may hold a password)
    graph_user: str | None = None
    graph_password: str | None = field(default=None, repr=False)
    graph_name: str = "socialekaart"
    data_dir: Path = DEFAULT_DATA_DIR
    store_timeout_seconds: float = 10.0  # one statement of the CLI, imports and coordinator computations
    connect_timeout_seconds: float = 2.0
    # One statement on the web request path (searches, pages, referrals): a stopped or hung store
    # gives 503 within this, never a hanging request. See docs/operations.md.
    request_timeout_seconds: float = 1.5
    geocoder: str = "offline"
    tile_url: str = ""  # empty: the map shows only area outlines
    search_radius_default: int = 5000
    # The region's own search lexicon (socialekaart/catalog/lexicon.py); None: <data_dir>/lexicon.tsv
    # when that file exists, else the shipped default.
    lexicon_file: Path | None = None
    # Referrals: key for field encryption (base64url, 32 bytes; several comma-separated for rotation,
    # the first encrypts) or a file holding it. Neither: a key file is made in data_dir (development).
    secret_key: str = field(default="", repr=False)
    secret_key_file: Path | None = None
    # Working days after sending before a referral counts as overdue (not received / not accepted),
    # and after which it expires (verlopen).
    referral_receive_days: int = 2
    referral_accept_days: int = 5
    referral_expire_days: int = 20
    token_days: int = 90  # default lifetime of a personal access token
    # Webhooks to private, loopback or link-local addresses (a partner inside your own network, development).
    webhook_allow_private: bool = False
    # Lokale inventarisatie (issue 6): thresholds of the gap indicators, see socialekaart/gaps.py.
    reach_threshold_m: int = 1500  # informal and voorliggend help farther than this is out of reach
    reach_share_threshold: float = 0.5  # a gap when at least this share of inwoners is out of reach
    supply_below_median_factor: float = 0.5  # a gap below this factor times the regional median per 1,000
    stale_after_days: int = 365  # a listing not verified for longer is stale
    maatwerk_share_threshold: float = 0.8  # a gap when at least this share of referrals goes to maatwerk
    maatwerk_min_referrals: int = 10  # ... and there were at least this many referrals
    capacity_declines_min: int = 5  # a gap from this many declines for capacity (or werkgebied)
    never_referred_min_referrals: int = 20  # 'never referred to' only in gemeenten with this many referrals
    gap_min_population: int = 100  # wijken with fewer inwoners get no population-based gaps
    coverage_referral_days: int = 365  # referral signals over this many days back
    # Notifications (docs/operations.md): where links in e-mails and status links point, and the SMTP
    # server. No smtp_host: mails wait in the outbox, nothing is sent.
    public_url: str = "http://127.0.0.1:5000"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_from: str = "socialekaart@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_timeout_seconds: float = 10.0
    status_link_days: int = 90  # a status link for the inwoner works this long, unless revoked sooner
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def lexicon_path(self) -> Path:
        """Where the region's search lexicon is read from (it need not exist: then the default)."""
        return self.lexicon_file or self.data_dir / "lexicon.tsv"

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

        def flag(name: str) -> bool:
            raw = text(name).lower()
            if raw in ("", "0", "false", "nee", "no", "off", "uit"):
                return False
            if raw in ("1", "true", "ja", "yes", "on", "aan"):
                return True
            raise ConfigError(f"SOCIALEKAART_{name} moet aan (1, true, ja) of uit (0, false, nee) zijn, niet {raw!r}.")

        geocoder = text("GEOCODER", "offline").lower()
        if geocoder not in GEOCODER_KINDS:
            raise ConfigError(
                f"SOCIALEKAART_GEOCODER moet een van {', '.join(GEOCODER_KINDS)} zijn, niet {geocoder!r}.")
        graph_name = text("GRAPH_NAME", "socialekaart")
        smtp_security = text("SMTP_SECURITY", "starttls").lower()
        if smtp_security not in SMTP_SECURITY:
            raise ConfigError(f"SOCIALEKAART_SMTP_SECURITY moet een van {', '.join(SMTP_SECURITY)} zijn, "
                              f"niet {smtp_security!r}.")
        public_url = text("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        if not public_url.startswith(("https://", "http://")):
            raise ConfigError(f"SOCIALEKAART_PUBLIC_URL moet met https:// beginnen, niet {public_url!r}.")
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
            request_timeout_seconds=number("REQUEST_TIMEOUT", 1.5, 0.1, 3600),
            geocoder=geocoder,
            tile_url=text("TILE_URL"),
            search_radius_default=int(number("SEARCH_RADIUS", 5000, 100, 100_000)),
            lexicon_file=Path(text("LEXICON_FILE")) if text("LEXICON_FILE") else None,
            secret_key=env.get("SOCIALEKAART_SECRET_KEY", "").strip(),
            secret_key_file=Path(text("SECRET_KEY_FILE")) if text("SECRET_KEY_FILE") else None,
            referral_receive_days=int(number("REFERRAL_RECEIVE_DAYS", 2, 1, 60)),
            referral_accept_days=int(number("REFERRAL_ACCEPT_DAYS", 5, 1, 60)),
            referral_expire_days=int(number("REFERRAL_EXPIRE_DAYS", 20, 1, 260)),
            token_days=int(number("TOKEN_DAYS", 90, 1, 365)),
            webhook_allow_private=flag("WEBHOOK_ALLOW_PRIVATE"),
            reach_threshold_m=int(number("REACH_THRESHOLD_M", 1500, 100, 50_000)),
            reach_share_threshold=number("REACH_SHARE_THRESHOLD", 0.5, 0.01, 1.0),
            supply_below_median_factor=number("SUPPLY_BELOW_MEDIAN_FACTOR", 0.5, 0.01, 1.0),
            stale_after_days=int(number("STALE_AFTER_DAYS", 365, 1, 3650)),
            maatwerk_share_threshold=number("MAATWERK_SHARE_THRESHOLD", 0.8, 0.01, 1.0),
            maatwerk_min_referrals=int(number("MAATWERK_MIN_REFERRALS", 10, 1, 100_000)),
            capacity_declines_min=int(number("CAPACITY_DECLINES_MIN", 5, 1, 100_000)),
            never_referred_min_referrals=int(number("NEVER_REFERRED_MIN_REFERRALS", 20, 1, 100_000)),
            gap_min_population=int(number("GAP_MIN_POPULATION", 100, 0, 1_000_000)),
            coverage_referral_days=int(number("COVERAGE_REFERRAL_DAYS", 365, MIN_PERIOD_DAYS, 3660)),
            public_url=public_url,
            smtp_host=text("SMTP_HOST"),
            smtp_port=int(number("SMTP_PORT", 587, 1, 65535)),
            smtp_security=smtp_security,
            smtp_from=text("SMTP_FROM", "socialekaart@localhost"),
            smtp_user=text("SMTP_USER") or None,
            smtp_password=env.get("SOCIALEKAART_SMTP_PASSWORD") or None,
            smtp_timeout_seconds=number("SMTP_TIMEOUT", 10.0, 0.1, 300),
            status_link_days=int(number("STATUS_LINK_DAYS", 90, 1, 365)),
        )
