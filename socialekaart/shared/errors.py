"""Errors the domain raises. Each carries a Dutch message fit to show to a person.

Only ``web/`` turns these into HTTP statuses; the CLI prints ``message`` and exits non-zero.
"""
from __future__ import annotations

from typing import Any


class SocialeKaartError(Exception):
    """Base of every error socialekaart raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # Per-field messages, e.g. {"postcode": ["Onbekende postcode ..."]}.
        self.errors = errors or ({field: [message]} if field else {})


class ValidationError(SocialeKaartError):
    """Input does not meet the rules (format, range, required field)."""


class NotFound(SocialeKaartError):
    """The thing asked for does not exist."""


class Unauthorized(SocialeKaartError):
    """No valid sign-in: the token is missing, unknown, expired or revoked."""


class Forbidden(SocialeKaartError):
    """Signed in, but this account may not do this (wrong role or organisation)."""


class TooManyRequests(SocialeKaartError):
    """Too many attempts in a short time (e.g. sign-in); try again later."""

    def __init__(self, message: str, *, retry_after: int = 60, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Conflict(SocialeKaartError):
    """The request clashes with the current state (e.g. an illegal transition)."""


class PreconditionFailed(Conflict):
    """The caller changed an older version than the stored one (If-Match, the version in a form).

    ``current``: the stored record as it is now (e.g. a catalog ``ServiceDetail``), so the caller
    can show what changed."""

    def __init__(self, message: str, *, current: Any = None, **kwargs):
        super().__init__(message, **kwargs)
        self.current = current


class ConfigError(SocialeKaartError):
    """A setting is malformed; the message names the setting."""


class StoreUnavailable(SocialeKaartError):
    """The graph store cannot be reached or does not answer in time."""


class StoreCorrupt(SocialeKaartError):
    """The store's data dir is locked by something else or its files are damaged."""


class ImportRejected(SocialeKaartError):
    """An import file is refused as a whole: too large, unsafe archive, wrong encoding, broken JSON."""
