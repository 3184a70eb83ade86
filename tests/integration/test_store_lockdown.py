"""The embedded store is private to the user that runs it (issue findings 4 and 7).

FalkorDB only: these test the embedded server's files, socket and backups (Neo4j keeps its own
files under neo4j-admin's control). We run as root, so what another user can do is checked from a
subprocess as ``nobody`` (setpriv), never assumed from the modes alone.
"""
from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import open_connection
from graph.backends.embedded import EmbeddedServer
from socialekaart.referrals.crypto import load_cipher, new_key
from socialekaart.shared.config import Settings
from socialekaart.shared.errors import StoreUnavailable
from web.cli import main

NOBODY = 65534


@pytest.fixture
def open_parent():
    """A folder every user may enter, as /srv or /var/lib are: only the store's own modes protect it."""
    parent = Path(tempfile.mkdtemp(prefix="sk-lockdown-"))
    parent.chmod(0o755)
    yield parent
    EmbeddedServer(parent / "data").stop()
    shutil.rmtree(parent, ignore_errors=True)


def as_nobody(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command],
                          capture_output=True, text=True, timeout=30)


def write_note_and_back_up(data_dir: Path, backup: Path) -> None:
    connection = open_connection(Settings(data_dir=data_dir))
    connection.write("CREATE (:Account {email: 'medewerker@example.nl', passwordHash: 'argon2-hash'})")
    connection.close()
    result = CliRunner().invoke(main, ["db", "backup", str(backup)],
                                env={"SOCIALEKAART_DATA_DIR": str(data_dir)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_store_files_folders_and_backups_are_private(open_parent):
    data_dir, backup = open_parent / "data", open_parent / "backups" / "sk.rdb"
    write_note_and_back_up(data_dir, backup)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    seen = 0
    for root, folders, files in os.walk(data_dir):
        for name in folders:
            assert stat.S_IMODE((Path(root) / name).stat().st_mode) == 0o700, name
        for name in files:
            info = (Path(root) / name).lstat()
            expected = 0o700 if stat.S_ISSOCK(info.st_mode) else 0o600
            assert stat.S_IMODE(info.st_mode) == expected, (name, oct(info.st_mode))
            seen += 1
    assert seen >= 5  # pid, log, lock, socket and the append-only files
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700


def test_another_user_can_neither_read_the_store_nor_connect(open_parent):
    data_dir, backup = open_parent / "data", open_parent / "sk.rdb"  # the backup beside, in an open folder
    write_note_and_back_up(data_dir, backup)
    aof = next((data_dir / "appendonlydir").glob("*.aof"))
    socket_path = EmbeddedServer(data_dir).socket_path
    assert as_nobody("true").returncode == 0  # the check itself works
    for path in (aof, data_dir / "falkordb.log", backup):
        result = as_nobody("cat", str(path))
        assert result.returncode != 0 and "Permission denied" in result.stderr, path
    connect = ("import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); "
               "s.sendall(b'PING\\r\\n'); print(s.recv(10))")
    result = as_nobody("/usr/bin/python3", "-c", connect, str(socket_path))
    assert result.returncode != 0 and "PermissionError" in result.stderr
    assert "PONG" not in result.stdout


def test_an_old_readable_data_dir_is_locked_down_on_open(open_parent):
    data_dir = open_parent / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    (data_dir / "lexicon.tsv").write_text("schuld\tgeldzaken\n")
    (data_dir / "lexicon.tsv").chmod(0o644)
    EmbeddedServer(data_dir).ensure_running()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "lexicon.tsv").stat().st_mode) == 0o600
    assert as_nobody("cat", str(data_dir / "lexicon.tsv")).returncode != 0


def long_data_dir(parent: Path) -> Path:
    return parent / ("lange-mapnaam-" * 8) / "data"


def private_socket_folder(server: EmbeddedServer) -> Path:
    """The socket's own folder; fails (and so never cleans up /tmp itself) if it is not one."""
    folder = server.socket_path.parent
    assert folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("socialekaart-"), folder
    return folder


def remove_socket_folder(folder: Path) -> None:
    if folder.is_symlink():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder)


def test_a_long_data_dir_gets_its_socket_in_a_private_folder(open_parent):
    data_dir = long_data_dir(open_parent)
    server = EmbeddedServer(data_dir)
    folder = private_socket_folder(server)
    try:
        assert server.ensure_running() is True
        info = os.lstat(folder)
        assert info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700
        assert server.socket_path.is_socket() and server.ping()
    finally:
        server.stop()
        remove_socket_folder(folder)


@pytest.mark.parametrize("how, message", [
    ("loose", "voor anderen toegankelijk"),
    ("foreign", "van een andere gebruiker"),
    ("symlink", "geen gewone map"),
])
def test_a_socket_folder_someone_else_could_control_is_refused(open_parent, how, message):
    data_dir = long_data_dir(open_parent)
    server = EmbeddedServer(data_dir)
    folder = private_socket_folder(server)
    remove_socket_folder(folder)
    try:
        if how == "symlink":
            elsewhere = open_parent / "elders"
            elsewhere.mkdir(mode=0o700)
            folder.symlink_to(elsewhere)
        else:
            folder.mkdir(mode=0o700)
            if how == "loose":
                folder.chmod(0o777)
            else:
                os.chown(folder, NOBODY, NOBODY)
        with pytest.raises(StoreUnavailable, match=message):
            server.ensure_running()
        assert server.pid() is None  # nothing was started, nothing answered
    finally:
        server.stop()
        remove_socket_folder(folder)


def test_a_key_file_in_the_data_dir_gives_a_warning_at_every_start(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="socialekaart.referrals.crypto")
    load_cipher(Settings(data_dir=tmp_path / "data"))
    load_cipher(Settings(data_dir=tmp_path / "data"))
    beside = [r for r in caplog.records if "staat in de gegevensmap" in r.getMessage()]
    assert len(beside) == 2
    caplog.clear()
    elsewhere = tmp_path / "sleutels" / "secret.key"
    elsewhere.parent.mkdir()
    elsewhere.write_text(new_key())
    load_cipher(Settings(data_dir=tmp_path / "data", secret_key_file=elsewhere))
    assert not [r for r in caplog.records if "staat in de gegevensmap" in r.getMessage()]
