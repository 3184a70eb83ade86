"""Key rotation: re-seal every sealed field, and recompute every look-up hash, with the first key.

The operator puts the new key first (``SOCIALEKAART_SECRET_KEY=new,old``), runs
``socialekaart keys rotate``, and may then drop the old key. Until then every key opens and every
key finds (``FieldCipher.blind_indexes``), so nothing is missed halfway. A record that changed
between reading and writing is left for the next run, never overwritten; running it again is safe.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from socialekaart.referrals.crypto import FieldCipher
from socialekaart.referrals.records import SealedMessage, SealedReferral, WebhookSecret

PAGE = 500
# field -> the associated-data suffix it was sealed with (``<referral id>/<suffix>``)
SEALED = {"request_enc": "request", "contact_enc": "contact", "client_ref_enc": "client-ref",
          "consent_purpose_enc": "consent-purpose", "legal_basis_reason_enc": "legal-basis-reason"}


class ResealStore(Protocol):
    def sealed_page(self, after_id: str, limit: int) -> list[SealedReferral]: ...
    def reseal(self, referral_id: str, before: SealedReferral, after: dict[str, Any]) -> bool:
        """Write ``after`` (changed fields) only if those fields still hold what ``before`` read."""
    def sealed_messages(self, after_id: str, limit: int) -> list[SealedMessage]: ...
    def reseal_message(self, message_id: str, before: str, after: str) -> bool: ...
    def webhook_secrets(self) -> list[WebhookSecret]: ...
    def reseal_webhook(self, organization_id: str, before: str, after: str) -> bool: ...


@dataclass
class RotationReport:
    referrals: int = 0  # re-sealed now
    already: int = 0  # already under the first key
    changed_meanwhile: int = 0  # left for the next run
    webhooks: int = 0
    messages: int = 0  # messages on referrals, re-sealed now


def rotate(store: ResealStore, cipher: FieldCipher) -> RotationReport:
    report = RotationReport()
    after_id = ""
    while page := store.sealed_page(after_id, PAGE):
        for row in page:
            after = _resealed(row, cipher)
            if not after:
                report.already += 1
            elif store.reseal(row.id, row, after):
                report.referrals += 1
            else:
                report.changed_meanwhile += 1
        after_id = page[-1].id
    after_id = ""
    while messages := store.sealed_messages(after_id, PAGE):
        for message in messages:
            sealed = message.text_enc
            if cipher.sealed_with_primary(sealed):
                continue
            context = f"{message.referral_id}/message/{message.id}"
            if store.reseal_message(message.id, sealed, cipher.seal(cipher.open(sealed, context), context) or ""):
                report.messages += 1
            else:
                report.changed_meanwhile += 1
        after_id = messages[-1].id
    for hook in store.webhook_secrets():
        secret, context = hook.secret_enc, f"webhook/{hook.organization_id}"
        if secret and not cipher.sealed_with_primary(secret):
            if store.reseal_webhook(hook.organization_id, secret, cipher.seal(cipher.open(secret, context), context)
                                    or ""):
                report.webhooks += 1
    return report


def _resealed(row: SealedReferral, cipher: FieldCipher) -> dict[str, Any]:
    """The changed fields of one referral ({} when all use the first key already)."""
    rid = row.id
    changes: dict[str, Any] = {}
    for name, suffix in SEALED.items():
        sealed = getattr(row, name)
        if not cipher.sealed_with_primary(sealed):
            context = f"{rid}/{suffix}"
            changes[name] = cipher.seal(cipher.open(sealed, context), context)
    if row.client_ref_enc is not None:
        client_ref = cipher.open(row.client_ref_enc, f"{rid}/client-ref") or ""
        fresh = cipher.blind_index(client_ref, row.from_org_id or "")
        if fresh != row.client_ref_hash:
            changes["client_ref_hash"] = fresh
    return changes
