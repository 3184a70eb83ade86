"""The accounts context's records: an ``Account`` and a personal access ``Token``, as the repository
(``ports.AccountRepository``) takes and returns them. Plain values, no storage, no web."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from socialekaart.shared.clock import parse_iso


@dataclass(frozen=True)
class Account:
    """An account. ``password_hash`` (argon2id) stays inside the accounts context: ``public()`` is
    what leaves it."""
    id: str
    email: str
    name: str
    role: str
    organization_id: str | None = None
    areas: tuple[str, ...] = ()
    active: bool = True
    password_hash: str | None = field(default=None, repr=False)
    created_at: str = ""
    # Raised by "log out everywhere", a password reset and disabling: sessions and tokens made under
    # an older version no longer count.
    session_version: int = 0

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def public(self) -> dict[str, Any]:
        """The account for callers outside the context (CLI, pages, API): without its password hash."""
        return {"id": self.id, "email": self.email, "name": self.name, "role": self.role,
                "organization_id": self.organization_id, "areas": list(self.areas), "active": self.active,
                "created_at": self.created_at, "has_password": self.has_password,
                "session_version": self.session_version}


@dataclass(frozen=True)
class Token:
    """A personal access token as stored: its SHA-256 (``hash``), never its text. ``hash`` is only
    written; reads leave it empty."""
    id: str
    account_id: str
    expires_at: str
    name: str = ""
    created_at: str = ""
    revoked_at: str | None = None
    hash: str = field(default="", repr=False)
    session_version: int = 0  # the account's session version when the token was issued

    @property
    def revoked(self) -> bool:
        return bool(self.revoked_at)

    def expired(self, now: datetime) -> bool:
        """Expired at ``now``; a token without an expiry date counts as expired."""
        return not self.expires_at or parse_iso(self.expires_at) <= now

    def usable_at(self, now: datetime) -> bool:
        return not self.revoked and not self.expired(now)
