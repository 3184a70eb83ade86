"""Accounts, roles, personal access tokens and passwords.

- Roles: ``professional`` acts for its own organisation (sends and receives referrals),
  ``beheerder`` keeps its organisation's listings current, ``coordinator`` sees aggregate
  figures for its gemeenten or regio, ``admin`` runs the platform.
- A personal access token is random (``secrets``), shown once, stored only as its SHA-256,
  expires, and can be revoked.
- A password is stored as an argon2id hash; sign-in attempts are rate-limited.

No Flask, no database driver: the store is any object with the methods of ``AccountRepository``.
"""
from __future__ import annotations

import functools
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Iterable, Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from socialekaart.accounts.model import Account, Token
from socialekaart.accounts.ports import AccountRepository
from socialekaart.places.codes import area_kind_of
from socialekaart.shared.clock import Clock, iso, utcnow
from socialekaart.shared.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized, ValidationError
from socialekaart.shared.validation import ID_PATTERN, valid_email

ROLES = ("professional", "beheerder", "coordinator", "admin")
ROLE_LABELS = {"professional": "Professional", "beheerder": "Beheerder", "coordinator": "Coördinator",
               "admin": "Platformbeheerder"}
ROLES_WITH_ORGANIZATION = ("professional", "beheerder")
TOKEN_PREFIX = "skt_"
TOKEN_PATTERN = re.compile(r"^skt_[A-Za-z0-9_-]{20,100}$")
MAX_TOKEN_DAYS = 365
MIN_PASSWORD = 12
MAX_PASSWORD = 200
MAX_NAME = 200

@dataclass(frozen=True)
class Principal:
    """Who is acting: an account signed in with a token (or password), or the system itself."""
    account_id: str
    role: str
    organization_id: str | None = None
    areas: tuple[str, ...] = ()
    email: str = ""
    name: str = ""
    session_version: int = 0

    @classmethod
    def system(cls, name: str = "systeem") -> "Principal":
        return cls(account_id=name, role="system", name=name)

    @property
    def is_system(self) -> bool:
        return self.role == "system"

    def require(self, *roles: str, action: str = "dit") -> None:
        if self.role not in roles:
            allowed = " of ".join(ROLE_LABELS.get(r, r).lower() for r in roles if r in ROLE_LABELS) or "het systeem"
            raise Forbidden(f"Dit mag u niet met de rol {ROLE_LABELS.get(self.role, self.role).lower()}: "
                            f"{action} kan alleen als {allowed}.")


# -- tokens ----------------------------------------------------------------------------------------
def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    id: str
    account_id: str
    expires_at: str


# -- passwords -------------------------------------------------------------------------------------
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Verified when the account does not exist, so a wrong e-mail address takes as long as a wrong password."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Een wachtwoord heeft minstens {MIN_PASSWORD} tekens.", field="password")
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"Een wachtwoord heeft hoogstens {MAX_PASSWORD} tekens.", field="password")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(15)


class SignInLimiter:
    """Failed sign-ins per key (e-mail address, client address) in a sliding window.

    After ``max_failures`` failures within ``window_seconds`` an account (e-mail key) is blocked
    until the oldest failure leaves the window; a client address (``client:`` key) after
    ``client_max_failures``, higher because one address may be a whole office or a proxy. A
    successful sign-in clears the e-mail key.
    """

    def __init__(self, max_failures: int = 5, window_seconds: float = 900, *,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000,
                 client_max_failures: int | None = None):
        self.max_failures = max_failures
        self.client_max_failures = client_max_failures if client_max_failures is not None else 4 * max_failures
        self.window = window_seconds
        self.clock = clock
        self.max_keys = max_keys
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < self.window]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def check(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                recent = self._recent(key, now)
                limit = self.client_max_failures if key.startswith("client:") else self.max_failures
                if len(recent) >= limit:
                    wait = max(1, int(self.window - (now - recent[0])) + 1)
                    raise TooManyRequests("Te veel mislukte pogingen om aan te melden. Probeer het over "
                                          f"{(wait + 59) // 60} minuten opnieuw.", retry_after=wait)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.max_keys:  # bounded memory: forget the stale keys first
                for key in list(self._failures):
                    self._recent(key, now)
            for key in keys:
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class AccountService:
    def __init__(self, store: AccountRepository, *, clock: Clock = utcnow, token_days: int = 90,
                 limiter: SignInLimiter | None = None):
        self.store = store
        self.clock = clock
        self.token_days = token_days
        self.limiter = limiter or SignInLimiter()

    # -- accounts --------------------------------------------------------------------------------
    def create_account(self, *, email: str, name: str, role: str, organization_id: str | None = None,
                       areas: Iterable[str] = (), password: str | None = None) -> dict[str, Any]:
        email = normalise_email(email)
        areas = tuple(a.strip() for a in areas if a.strip())
        errors: dict[str, list[str]] = {}
        if not valid_email(email):
            errors.setdefault("email", []).append(f"{email[:60]!r} is geen geldig e-mailadres.")
        if not name or not name.strip() or len(name) > MAX_NAME:
            errors.setdefault("name", []).append(f"Een naam is verplicht (hoogstens {MAX_NAME} tekens).")
        if role not in ROLES:
            errors.setdefault("role", []).append(f"Onbekende rol {role[:30]!r}; kies uit {', '.join(ROLES)}.")
        if role in ROLES_WITH_ORGANIZATION and not organization_id:
            errors.setdefault("organizationId", []).append(
                f"Een {role} hoort bij een organisatie: geef de organisatie op.")
        if organization_id and not ID_PATTERN.match(organization_id):
            errors.setdefault("organizationId", []).append("Ongeldige organisatie-id.")
        if role == "coordinator" and not areas:
            errors.setdefault("areas", []).append("Een coördinator krijgt minstens één gemeente of regio.")
        for code in areas:
            if area_kind_of(code) not in ("gemeente", "regio"):
                errors.setdefault("areas", []).append(
                    f"{code[:30]!r} is geen gemeentecode (GM0664) of regiocode (RG-zeeland).")
        if password is not None:
            try:
                check_password_rules(password)
            except ValidationError as exc:
                errors.setdefault("password", []).append(exc.message)
        if errors:
            summary = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
            raise ValidationError(f"Het account is ongeldig. {summary}", errors=errors)
        if organization_id and not self.store.organization_exists(organization_id):
            raise NotFound(f"Er is geen organisatie met id {organization_id!r}.", field="organizationId")
        account = Account(id="acc-" + secrets.token_hex(8), email=email, name=name.strip(), role=role,
                          organization_id=organization_id, areas=tuple(areas), active=True,
                          password_hash=hash_password(password) if password else None, created_at=iso(self.clock()))
        if not self.store.create_account(account):
            raise Conflict(f"Er is al een account met e-mailadres {email}.", field="email")
        return account.public()

    def account(self, email_or_id: str) -> dict[str, Any]:
        """The account by e-mail address or id, as a dict without its password hash (``Account.public``)."""
        return self._find(email_or_id).public()

    def _find(self, email_or_id: str) -> Account:
        found = self.store.account_by_id(email_or_id) if email_or_id.startswith("acc-") \
            else self.store.account_by_email(normalise_email(email_or_id))
        if found is None:
            raise NotFound(f"Er is geen account {email_or_id[:80]!r}.", field="account")
        return found

    def set_password(self, email_or_id: str, password: str) -> None:
        account = self._find(email_or_id)
        self.store.set_password_hash(account.id, hash_password(password))

    # -- account controls (the CLI) ------------------------------------------------------------------
    def reset_password(self, email_or_id: str) -> str:
        """A new random password (shown once to whoever reset it); every session and token ends."""
        account = self._find(email_or_id)
        password = generate_password()
        self.store.set_password_hash(account.id, hash_password(password))
        self.store.raise_session_version(account.id)
        return password

    def log_out_everywhere(self, email_or_id: str) -> int:
        """End every page session and make every token of the account invalid; the new session version."""
        account = self._find(email_or_id)
        version = self.store.raise_session_version(account.id)
        if version is None:
            raise NotFound(f"Er is geen account {email_or_id[:80]!r}.", field="account")
        return version

    def set_active(self, email_or_id: str, active: bool) -> dict[str, Any]:
        """Disable (every session and token ends at once) or enable again (old tokens stay invalid)."""
        account = self._find(email_or_id)
        self.store.set_active(account.id, active)
        if not active:
            self.store.raise_session_version(account.id)
        return self._find(account.id).public()

    def delete(self, email_or_id: str) -> dict[str, Any]:
        """Remove the account and its tokens. Referrals and audit entries keep its id (not its name or
        e-mail address), so what happened stays traceable."""
        account = self._find(email_or_id)
        if not self.store.delete_account(account.id):
            raise NotFound(f"Er is geen account {email_or_id[:80]!r}.", field="account")
        return account.public()

    # -- tokens ----------------------------------------------------------------------------------
    def issue_token(self, email_or_id: str, *, days: int | None = None, name: str = "") -> IssuedToken:
        days = self.token_days if days is None else days
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise ValidationError(f"Een token is 1 tot {MAX_TOKEN_DAYS} dagen geldig.", field="days")
        if len(name) > 100:
            raise ValidationError("De naam van een token is hoogstens 100 tekens.", field="name")
        account = self._find(email_or_id)
        if not account.active:
            raise Forbidden("Dit account is uitgeschakeld.")
        token = generate_token()
        now = self.clock()
        record = Token(id="tok-" + secrets.token_hex(6), hash=hash_token(token), account_id=account.id,
                       name=name.strip(), created_at=iso(now), expires_at=iso(now + timedelta(days=days)),
                       revoked_at=None, session_version=account.session_version)
        if not self.store.create_token(record):
            raise NotFound(f"Er is geen account {email_or_id!r}.", field="account")
        return IssuedToken(token, record.id, account.id, record.expires_at)

    def revoke_token(self, token_id: str) -> None:
        if not self.store.revoke_token(token_id, iso(self.clock())):
            raise NotFound(f"Er is geen geldig token met id {token_id[:40]!r}.", field="tokenId")

    def tokens(self, email_or_id: str) -> list[Token]:
        """The account's tokens, oldest first (never the token text; its hash is not read back)."""
        return self.store.tokens_of(self._find(email_or_id).id)

    def authenticate(self, token: str | None) -> Principal:
        if not token:
            raise Unauthorized("Meld u aan: stuur een persoonlijk toegangstoken mee als "
                               "'Authorization: Bearer <token>'.")
        if not TOKEN_PATTERN.match(token):
            raise Unauthorized("Dit toegangstoken is ongeldig.")
        found = self.store.token_by_hash(hash_token(token))
        if found is None:
            raise Unauthorized("Dit toegangstoken is ongeldig.")
        record, account = found
        if record.revoked:
            raise Unauthorized("Dit toegangstoken is ingetrokken. Vraag een nieuw token aan.")
        if record.expired(self.clock()):
            raise Unauthorized(f"Dit toegangstoken is verlopen op {record.expires_at[:10]}. "
                               "Vraag een nieuw token aan.")
        if not account.active:
            raise Unauthorized("Dit account is uitgeschakeld.")
        if record.session_version != account.session_version:
            raise Unauthorized("Dit toegangstoken geldt niet meer: het account is overal afgemeld. "
                               "Vraag een nieuw token aan.")
        return principal_of(account)

    # -- passwords (sign-in on the pages) --------------------------------------------------------
    def sign_in(self, email: str, password: str, *, client: str = "") -> Principal:
        email = normalise_email(email)
        keys = (f"email:{email}", f"client:{client}") if client else (f"email:{email}",)
        self.limiter.check(*keys)
        account = self.store.account_by_email(email) if valid_email(email) else None
        ok = verify_password(account.password_hash if account else None, password or "")
        if not ok or account is None or not account.active:
            self.limiter.failed(*keys)
            raise Unauthorized("Het e-mailadres of het wachtwoord klopt niet.")
        self.limiter.succeeded(keys[0])
        return principal_of(account)


def principal_of(account: Account | Mapping[str, Any]) -> Principal:
    """Who acts for an Account, or for the public dict of one (``AccountService.account``)."""
    if isinstance(account, Account):
        return Principal(account_id=account.id, role=account.role, organization_id=account.organization_id,
                         areas=account.areas, email=account.email, name=account.name,
                         session_version=account.session_version)
    return Principal(account_id=account["id"], role=account["role"], organization_id=account.get("organization_id"),
                     areas=tuple(account.get("areas") or ()), email=account.get("email", ""),
                     name=account.get("name", ""), session_version=int(account.get("session_version") or 0))


def may_edit_service(principal: Principal, service_organization_id: str) -> bool:
    """A beheerder edits only its own organisation's services; an admin edits any."""
    if principal.role == "admin":
        return True
    return principal.role == "beheerder" and principal.organization_id == service_organization_id


# -- demo accounts ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    organization_id: str | None
    organization_name: str | None
    token: str | None  # None when asked for no tokens (make run: no tokens in logs)
    password: str | None  # only when the account was made just now
    areas: tuple[str, ...] = field(default_factory=tuple)


DEMO_DOMAIN = "demo.example.nl"


def demo_accounts(accounts: AccountService, organizations: Iterable[Any], *, prefer: str = "gm0664",
                  coordinator_areas: tuple[str, ...] = ("RG-zeeland",), token_days: int = 30,
                  with_tokens: bool = True) -> list[DemoAccount]:
    """A few demo accounts: a professional at a sociaal wijkteam, a professional at a welzijnsorganisatie,
    a beheerder of that welzijnsorganisatie and a regio coordinator. Safe to run again: existing
    accounts keep their password and get a fresh token.

    ``organizations`` are model Organizations (or dicts with id, name, kind); those whose id contains
    ``prefer`` (the demo gemeente Goes) are picked first.
    """
    orgs = [o if isinstance(o, dict) else {"id": o.id, "name": o.name, "kind": o.kind} for o in organizations]
    orgs.sort(key=lambda o: (prefer not in o["id"], o["id"]))

    def first(kind: str) -> dict[str, Any] | None:
        return next((o for o in orgs if o["kind"] == kind), None)

    swt, welzijn = first("sociaal-wijkteam"), first("welzijnsorganisatie")
    plan = [("swt", "Demo professional wijkteam", "professional", swt, ()),
            ("welzijn", "Demo professional welzijn", "professional", welzijn, ()),
            ("beheer", "Demo beheerder welzijn", "beheerder", welzijn, ()),
            ("coordinator", "Demo coördinator regio", "coordinator", None, coordinator_areas)]
    made: list[DemoAccount] = []
    for local, name, role, org, areas in plan:
        if role in ROLES_WITH_ORGANIZATION and org is None:
            continue
        email = f"{local}@{DEMO_DOMAIN}"
        password: str | None = None
        try:
            accounts.account(email)
        except NotFound:
            password = generate_password()
            accounts.create_account(email=email, name=name, role=role, organization_id=org["id"] if org else None,
                                    areas=areas, password=password)
        token = accounts.issue_token(email, days=token_days, name="demo").token if with_tokens else None
        made.append(DemoAccount(email, role, org["id"] if org else None, org["name"] if org else None,
                                token, password, tuple(areas)))
    return made
