"""A throwaway PostgreSQL cluster for tests: the machine's own binaries, 127.0.0.1, removed after.

:func:`find_binaries` looks for ``initdb`` and ``postgres`` on ``PATH`` and in Debian's
``/usr/lib/postgresql/<version>/bin``. :class:`Cluster` runs ``initdb`` (trust authentication, no
fsync) and ``postgres`` on a free loopback port with ``fsync=off``; both refuse to run as root, so
a root test run starts them as the ``postgres`` system user, in a folder of its own under the
system's temporary directory. :meth:`Cluster.stop` shuts the server down and removes the folder.

Where no PostgreSQL is installed the tests that need it skip with one line naming what to
install; with ``CI=true`` in the environment they fail instead, so CI never passes without them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

__all__ = ["Cluster", "find_binaries", "missing_postgres"]

SERVER_USER = "postgres"  # Debian's system user for the server
DATABASE_USER = "newsdesk"
MISSING = (
    "PostgreSQL tests skipped: no initdb/postgres binaries on PATH or in /usr/lib/postgresql/*/bin"
    " (install Debian's postgresql-15: apt-get install postgresql-15)"
)


def find_binaries() -> Path | None:
    """Return the folder holding ``initdb`` and ``postgres``, newest version first; None if none."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).parent] if on_path else []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = [p for p in debian.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: -int(p.name))]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    return None


def missing_postgres() -> None:
    """Skip the calling test (one clear line), or fail it under ``CI=true``."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(MISSING.replace("skipped", "cannot be skipped in CI"), pytrace=False)
    pytest.skip(MISSING)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A running throwaway server; :attr:`url` reaches its ``newsdesk`` database as superuser."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """The libpq URL of the cluster's ``newsdesk`` database."""
        return f"postgresql://{DATABASE_USER}@127.0.0.1:{self.port}/{DATABASE_USER}"

    @classmethod
    def start(cls, binaries: Path, *, timeout: float = 60.0) -> Cluster:
        """Create and start a cluster; raise RuntimeError with the server's output on failure."""
        as_root = os.geteuid() == 0
        folder = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        user = pwd.getpwnam(SERVER_USER) if as_root else None
        if user is not None:
            os.chown(folder, user.pw_uid, user.pw_gid)
        data, log = folder / "data", folder / "server.log"
        uid, gid = (user.pw_uid, user.pw_gid) if user else (None, None)
        groups: list[int] | None = [] if user else None
        try:
            subprocess.run(
                [
                    *(str(binaries / "initdb"), "-D", str(data), "-U", DATABASE_USER),
                    "--auth=trust",
                    *("-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
                cwd=folder,
                user=uid,
                group=gid,
                extra_groups=groups,
            )
        except subprocess.CalledProcessError as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"initdb failed: {error.stderr.decode(errors='replace')}") from None
        port = free_port()
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(port),
            "unix_socket_directories": str(folder),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            "logging_collector": "off",
        }
        options = [item for name, value in settings.items() for item in ("-c", f"{name}={value}")]
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(binaries / "postgres"), "-D", str(data), *options],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=folder,
                start_new_session=True,
                user=uid,
                group=gid,
                extra_groups=groups,
            )
        cluster = cls(folder, port, process)
        cluster._wait_ready(timeout, log)
        return cluster

    def _wait_ready(self, timeout: float, log: Path) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                maintenance = self.url.rsplit("/", 1)[0] + "/postgres"
                with psycopg.connect(maintenance, connect_timeout=2, autocommit=True) as db:
                    db.execute(f"CREATE DATABASE {DATABASE_USER}")
                    return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    output = log.read_text(errors="replace")
                    self.stop()
                    raise RuntimeError(f"postgres did not start: {output}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Shut the server down (fast mode, then kill) and remove its folder."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        with contextlib.suppress(OSError):
            shutil.rmtree(self.folder)
