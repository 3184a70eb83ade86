"""Erasure that erases (privacy finding 3). Open referrals nobody touched within the retention are
closed as 'verlopen' and anonymised too. On the embedded store, after ``referrals anonymise`` and
``db expire``, no file in the data dir and no back-up holds an erased value in a form the product's
own key can still open (the append-only files are rewritten, put-aside folders and old back-ups expire)."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.backends.embedded import EmbeddedServer
from socialekaart.referrals.crypto import DecryptionFailed, FieldCipher
from socialekaart.referrals.lifecycle import OPEN_STATES
from socialekaart.shared.config import Settings
from socialekaart.shared.errors import NotFound
from tests.referrals.referral_helpers import SECRET_KEY, FakeClock, consent_for, referral_body, region
from tests.referrals.test_referral_privacy import raw_referrals
from web.bootstrap import ReferralRuntime, Runtime
from web.cli import main

PRIVATE = ("request_enc", "contact_enc", "client_ref_enc", "client_ref_hash", "consent_purpose_enc")
STEPS = {"verzonden": ("swt", "verzonden"), "ontvangen": ("welzijn", "ontvangen"),
         "geaccepteerd": ("welzijn", "geaccepteerd"), "wachtlijst": ("welzijn", "wachtlijst"),
         "gestart": ("welzijn", "gestart")}
PATH = {"verzonden": ["verzonden"], "ontvangen": ["verzonden", "ontvangen"],
        "geaccepteerd": ["verzonden", "ontvangen", "geaccepteerd"],
        "wachtlijst": ["verzonden", "ontvangen", "geaccepteerd", "wachtlijst"],
        "gestart": ["verzonden", "ontvangen", "geaccepteerd", "gestart"], "concept": []}


def open_referral_in(rr, principals, status: str, clock) -> str:
    body = referral_body(consent=consent_for("org-welzijn"))
    rid = rr.referrals.create(principals["swt"], body)["id"]
    for target in PATH[status]:
        clock.advance(minutes=5)
        rr.referrals.transition(principals[STEPS[target][0]], rid, target)
    return rid


def test_old_open_referrals_are_closed_as_verlopen_and_anonymised_and_concepts_anonymised(rr, actors, clock):
    principals = {name: actor.principal for name, actor in actors.items()}
    start = clock()
    stale = {status: open_referral_in(rr, principals, status, clock) for status in OPEN_STATES}
    rr.referrals.post_message(principals["welzijn"], stale["gestart"], MESSAGE)
    clock.set(start + timedelta(days=700))
    fresh = open_referral_in(rr, principals, "gestart", clock)  # touched within the retention
    rr.referrals.post_message(principals["swt"], fresh, MESSAGE)
    clock.set(start + timedelta(days=800))

    done = rr.referrals.anonymise(months=24)

    assert sorted(done) == sorted(stale.values())
    for status, rid in stale.items():
        detail = rr.referrals.get(principals["swt"], rid)
        assert detail["anonymised_at"] and detail["contact"] is None and detail["request_text"] is None
        if status == "concept":  # never sent: anonymised, not closed (closed, the receiver would see it)
            assert detail["status"] == "concept"
            continue
        assert detail["status"] == "verlopen", status
        assert detail["anonymised_at"] and detail["contact"] is None and detail["request_text"] is None
        assert detail["closed_at"] and detail["events"][-1]["to"] == "verlopen"
        assert detail["events"][-1]["from"] == status
    # The concept was never sent: the receiver still does not see it.
    with pytest.raises(NotFound):
        rr.referrals.get(principals["welzijn"], stale["concept"])
    received = rr.referrals.list(principals["welzijn"], box="received", page_size=100)
    assert stale["concept"] not in {item["id"] for item in received.items}
    assert set(stale.values()) - {stale["concept"]} <= {item["id"] for item in received.items}
    kept = rr.referrals.get(principals["swt"], fresh)
    assert kept["status"] == "gestart" and kept["contact"] == {"name": "Sanne", "phone": "06 1234 5678"}
    nodes = {node["id"]: node for node in raw_referrals(rr.runtime)}
    assert not any(nodes[rid].get(name) for rid in stale.values() for name in PRIVATE)
    # Messages are erased with the referral: that there was one, and when, stays; the text goes.
    erased = rr.referrals.get(principals["swt"], stale["gestart"])["messages"]
    assert len(erased) == 1 and erased[0]["text"] is None and erased[0]["anonymised"] is True
    assert [m["text"] for m in rr.referrals.get(principals["swt"], fresh)["messages"]] == [MESSAGE]
    texts = {row["referral_id"]: row["text_enc"] for row in rr.runtime.store.connection.read(
        "MATCH (m:ReferralMessage) RETURN m.referral_id AS referral_id, m.text_enc AS text_enc")}
    assert texts[stale["gestart"]] is None and texts[fresh]
    assert rr.referrals.anonymise(months=24) == []


# -- every copy on disk ------------------------------------------------------------------------------
TOKEN = re.compile(rb"v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{20,}")
FIELDS = ("request", "contact", "client-ref", "consent-purpose", "legal-basis-reason")
MESSAGE = "Intake gepland op dinsdag; zij neemt haar post mee."
PLAIN = (b"betalingsachterstanden", b"06 1234 5678", b"Sanne", b"SWT-2026-0042", b"Intake gepland op dinsdag")


def openable(paths: list[Path], referral_ids: list[str],
             messages: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
    """(file, field) for every sealed value in these files that the key opens for one of the referrals
    (``messages``: per referral the ids of its messages, sealed as ``<referral>/message/<id>``)."""
    cipher = FieldCipher.from_text(SECRET_KEY)
    found = []
    for path in paths:
        data = path.read_bytes()
        for plain in PLAIN:
            assert plain not in data, (path, plain)  # never in the clear, erased or not
        for token in set(TOKEN.findall(data)):
            for rid in referral_ids:
                for suffix in (*FIELDS, *(f"message/{mid}" for mid in (messages or {}).get(rid, []))):
                    try:
                        cipher.open(token.decode(), f"{rid}/{suffix}")
                    except DecryptionFailed:
                        continue
                    found.append((str(path), suffix.split("/")[0]))
    return found


def every_file(*folders: Path) -> list[Path]:
    return [Path(root) / name for folder in folders for root, _, files in os.walk(folder) for name in files
            if not (Path(root) / name).is_socket()]


@pytest.fixture
def own_store():
    parent = Path(tempfile.mkdtemp(prefix="sk-erasure-"))
    yield parent / "data", parent / "backups"
    EmbeddedServer(parent / "data").stop()
    shutil.rmtree(parent, ignore_errors=True)


def test_no_copy_on_disk_still_opens_after_anonymising_and_expiry(own_store, monkeypatch):
    data_dir, backups = own_store
    monkeypatch.setenv("SOCIALEKAART_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SOCIALEKAART_SECRET_KEY", SECRET_KEY)
    monkeypatch.delenv("SOCIALEKAART_GRAPH_URL", raising=False)
    runtime = Runtime(Settings(data_dir=data_dir, secret_key=SECRET_KEY))
    runtime.store.init_schema()
    areas, orgs, svcs = region()
    runtime.catalog.save(areas=areas, organizations=orgs, services=svcs)
    now = datetime.now(timezone.utc)
    clock = FakeClock(now - timedelta(days=3 * 365))
    rr = ReferralRuntime(runtime, clock=clock)
    principals = {}
    for name, role in (("swt", "professional"), ("welzijn", "professional")):
        rr.accounts.create_account(email=f"{name}@test.example.nl", name=name, role=role,
                                   organization_id=f"org-{name}", areas=())
        principals[name] = rr.accounts.authenticate(rr.accounts.issue_token(f"{name}@test.example.nl").token)
    old = [open_referral_in(rr, principals, "gestart", clock) for _ in range(2)]
    rr.referrals.transition(principals["welzijn"], old[0], "afgerond", outcome="geholpen")
    clock.set(now)
    recent = open_referral_in(rr, principals, "ontvangen", clock)
    notes = {rid: [rr.referrals.post_message(principals["welzijn"], rid, MESSAGE)["id"]] for rid in (old[1], recent)}
    rr.close()
    runtime.close()

    cli = CliRunner()
    backup = backups / "voor-anonimiseren.rdb"
    assert cli.invoke(main, ["db", "backup", str(backup)]).exit_code == 0
    restored = cli.invoke(main, ["db", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    # The scan sees what it looks for: before erasing, the old values open in the data dir and back-up.
    assert openable(every_file(data_dir, backups), old)
    assert ("message" in {suffix for _, suffix in openable(every_file(data_dir, backups), old, notes)})

    result = cli.invoke(main, ["referrals", "anonymise", "--older-than", "24m"])
    assert result.exit_code == 0, result.output
    assert "2 doorverwijzing(en) geanonimiseerd" in result.output and "herschreven" in result.output
    # Within the back-up retention the old copies are still there, and say so …
    assert openable(every_file(backups), old)
    assert cli.invoke(main, ["db", "expire", "--older-than", "30d", "--backups", str(backups)]).output \
        .endswith("0 oude kopie(ën) verwijderd.\n")
    # … after it (31 days on) they go: the back-up and the folder the restore put aside.
    month_ago = time.time() - 31 * 86400
    os.utime(backup, (month_ago, month_ago))
    for folder in data_dir.glob("appendonlydir.voor-herstel-*"):
        folder.rename(data_dir / f"appendonlydir.voor-herstel-{time.strftime('%Y%m%d-%H%M%S', time.localtime(month_ago))}")
    expired = cli.invoke(main, ["db", "expire", "--older-than", "30d", "--backups", str(backups)])
    assert expired.exit_code == 0 and "2 oude kopie(ën) verwijderd" in expired.output, expired.output
    assert cli.invoke(main, ["db", "backup", str(backups / "na-anonimiseren.rdb")]).exit_code == 0

    files = every_file(data_dir, backups)
    assert any(path.suffix == ".rdb" for path in files) and not list(data_dir.glob("appendonlydir.*herstel*"))
    assert openable(files, old, notes) == []
    # The referral still in use stays readable from the very same files, its message too.
    assert {suffix for _, suffix in openable(files, [recent], notes)} >= {"request", "contact", "client-ref", "message"}
    bad = cli.invoke(main, ["db", "expire", "--older-than", "een maand"])
    assert bad.exit_code != 0 and "30d" in bad.output
