"""Field encryption for referral data at rest (AES-256-GCM) and keyed look-up hashes.

A sealed value reads ``v1.<key id>.<base64url(nonce + ciphertext)>``. The associated data
binds it to one record and field (``referral-id/contact``), so a ciphertext copied onto another
referral or field does not open. Several keys may be given (comma-separated): the first seals,
all open, so a key can be rotated without re-encrypting at once; ``socialekaart keys rotate``
(socialekaart/referrals/rotation.py) then re-seals everything with the first.

``blind_index`` gives a keyed HMAC of a value (a client reference), so the store can find
records by it without holding the value itself; ``blind_indexes`` gives it under every configured
key, so a look-up also finds what was written under an older key.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError, SocialeKaartError

log = logging.getLogger(__name__)
VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_FILE_NAME = "secret.key"
SETTING = "SOCIALEKAART_SECRET_KEY"


class DecryptionFailed(SocialeKaartError):
    """A sealed value does not open with any known key (wrong key, or the value was tampered with)."""


def new_key() -> str:
    """A fresh random key as base64url text, fit for SOCIALEKAART_SECRET_KEY."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")


def _decode_key(text: str, where: str) -> bytes:
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise ConfigError(f"{where} moet een sleutel van 32 bytes zijn in base64url "
                          "(maak er een met: python -c \"import secrets,base64;"
                          "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())\").")
    return raw


def _derive(master: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=f"socialekaart/{purpose}".encode()).derive(master)


class FieldCipher:
    def __init__(self, keys: list[bytes]):
        if not keys:
            raise ConfigError(f"{SETTING}: geen sleutel opgegeven.")
        self._aeads: dict[str, AESGCM] = {}
        for master in keys:
            key_id = hashlib.sha256(master).hexdigest()[:8]
            self._aeads.setdefault(key_id, AESGCM(_derive(master, "field-encryption")))
        self._primary = hashlib.sha256(keys[0]).hexdigest()[:8]
        self._index_keys = list(dict.fromkeys(_derive(master, "blind-index") for master in keys))
        self._index_key = self._index_keys[0]

    @classmethod
    def from_text(cls, text: str, where: str = SETTING) -> "FieldCipher":
        return cls([_decode_key(part, where) for part in text.split(",") if part.strip()])

    # -- text ------------------------------------------------------------------------------------
    def seal(self, plaintext: str | None, context: str) -> str | None:
        if plaintext is None:
            return None
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aeads[self._primary].encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{VERSION}.{self._primary}.{body}"

    def open(self, token: str | None, context: str) -> str | None:
        if token is None:
            return None
        try:
            version, key_id, body = token.split(".", 2)
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (ValueError, binascii.Error):
            raise DecryptionFailed("Een versleuteld veld is beschadigd.") from None
        aead = self._aeads.get(key_id)
        if version != VERSION or aead is None:
            raise DecryptionFailed("Een versleuteld veld is met een onbekende sleutel versleuteld.")
        try:
            return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode("utf-8")
        except InvalidTag:
            raise DecryptionFailed("Een versleuteld veld opent niet: verkeerde sleutel of gewijzigde gegevens.") \
                from None

    # -- structured values -----------------------------------------------------------------------
    def seal_json(self, value: Any, context: str) -> str | None:
        return None if value is None else self.seal(json.dumps(value, ensure_ascii=False, sort_keys=True), context)

    def open_json(self, token: str | None, context: str) -> Any:
        text = self.open(token, context)
        return None if text is None else json.loads(text)

    # -- look-up hashes --------------------------------------------------------------------------
    def blind_index(self, value: str, scope: str) -> str:
        """The same value in the same scope (an organisation) gives the same hash; nothing else does."""
        return self._hmac(self._index_key, value, scope)

    def blind_indexes(self, value: str, scope: str) -> list[str]:
        """The hash under every configured key, the first key's first: for look-ups during a rotation."""
        return [self._hmac(key, value, scope) for key in self._index_keys]

    @staticmethod
    def _hmac(key: bytes, value: str, scope: str) -> str:
        message = f"{scope}\x00{value.strip()}".encode("utf-8")
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def sealed_with_primary(self, token: str | None) -> bool:
        """Whether a sealed value already uses the first key (None counts as done)."""
        return token is None or token.split(".", 2)[1:2] == [self._primary]


def load_cipher(settings: Settings) -> FieldCipher:
    """The cipher from SOCIALEKAART_SECRET_KEY, else SOCIALEKAART_SECRET_KEY_FILE, else a key file
    in the data dir that is made on first use (fine for development; set the key in production)."""
    if settings.secret_key:
        return FieldCipher.from_text(settings.secret_key)
    if settings.secret_key_file is not None:
        path = Path(settings.secret_key_file)
        if not path.is_file():
            raise ConfigError(f"SOCIALEKAART_SECRET_KEY_FILE: het bestand {path} bestaat niet.")
        _warn_if_beside_the_data(path, settings.data_dir)
        return FieldCipher.from_text(path.read_text(encoding="utf-8"), "SOCIALEKAART_SECRET_KEY_FILE")
    path = Path(settings.data_dir) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it just now
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(new_key() + "\n")
            log.warning("Geen %s ingesteld: nieuwe sleutel gemaakt in %s.", SETTING, path)
    _warn_if_beside_the_data(path, settings.data_dir)
    return FieldCipher.from_text(path.read_text(encoding="utf-8"), str(path))


def _warn_if_beside_the_data(key_file: Path, data_dir: Path) -> None:
    """A key next to the data it protects ends up in the same backup or copy: say so at every start."""
    if Path(key_file).resolve().is_relative_to(Path(data_dir).resolve()):
        log.warning("De sleutel voor de versleutelde velden staat in de gegevensmap (%s): wie de gegevensmap "
                    "of een kopie ervan heeft, kan alles lezen. Bewaar de sleutel elders "
                    "(SOCIALEKAART_SECRET_KEY of SOCIALEKAART_SECRET_KEY_FILE, zie docs/privacy.md).", key_file)
