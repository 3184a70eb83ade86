"""A private PostgreSQL cluster under the benchmark's data dir: initdb, pg_ctl start and stop.

Only a unix socket in a private directory (no TCP), so it never meets a system cluster or a port
another engineer uses. The binaries are Debian's (``postgresql-15``, ``postgresql-15-postgis-3``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PG_VERSION = "15"
PG_BIN = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
POSTGIS_CONTROL = Path(f"/usr/share/postgresql/{PG_VERSION}/extension/postgis.control")
DATABASE = "reference"
PACKAGES = f"postgresql-{PG_VERSION} postgresql-{PG_VERSION}-postgis-3"


def missing() -> str | None:
    """Why the reference cannot run here (None: it can)."""
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL {PG_VERSION} ontbreekt (Debian: {PACKAGES}; `make postgis` installeert ze als root)"
    if not POSTGIS_CONTROL.exists():
        return f"PostGIS 3 voor PostgreSQL {PG_VERSION} ontbreekt (Debian: postgresql-{PG_VERSION}-postgis-3)"
    return None


class Cluster:
    """``with Cluster(folder) as cluster: psycopg.connect(cluster.dsn)``; stopped at the end."""

    def __init__(self, folder: Path):
        self.folder = Path(folder).resolve()
        self.data = self.folder / "pgdata"
        self.socket_dir = self.folder / "socket"
        self.log = self.folder / "postgres.log"

    @property
    def dsn(self) -> str:
        return f"host={self.socket_dir} dbname={DATABASE} user=postgres"

    def _run(self, *args: str) -> None:
        # PostgreSQL refuses to run as root: then the cluster belongs to the 'postgres' user.
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} mislukte: {done.stdout[-1500:]}{done.stderr[-1500:]}")

    def start(self) -> "Cluster":
        reason = missing()
        if reason:
            raise RuntimeError(reason)
        if self.data.exists():  # a cluster left by a broken run: made anew, the data comes from our exports
            self.stop()
            shutil.rmtree(self.data)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        # Private: only the cluster's owner (and root) may enter, so only we reach its socket.
        for folder in (self.folder, self.socket_dir):
            folder.chmod(0o700)
            if os.geteuid() == 0:
                shutil.chown(folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        # No TCP at all; settings for a read-only benchmark of a few hundred MiB.
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
                   "-c shared_buffers=256MB -c work_mem=32MB -c max_connections=40 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c jit=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "120", "-o", options, "start")
        self._run("createdb", "-h", str(self.socket_dir), "-U", "postgres", DATABASE)
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "120", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.remove()
