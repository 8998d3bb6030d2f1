"""A throwaway PostgreSQL server from Debian's packages, for the tests and the benchmark.

A cluster in a temp folder, listening on 127.0.0.1 only (no Unix socket), on a free port,
with a random password (scram-sha-256), so the password-handling paths are the real ones.
It is stopped and its folder removed when the context exits, whatever happened inside.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from sqlalchemy.engine import make_url

from genai_pipeline.instance.local_processes import free_port

SUPERUSER = "genai"
# initdb and postgres refuse to run as root: as root, the server runs as Debian's user.
SERVER_USER = "postgres"


class PostgresNotInstalled(RuntimeError):
    pass


def server_bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PostgresNotInstalled("PostgreSQL's server is not installed: run `make postgres` (Debian's postgresql)")
    return Path(found[-1]).parent


def _as_server_user() -> dict:
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam(SERVER_USER)
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Starts the server; yields the URL of its `postgres` database."""
    bin_dir = server_bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="genai-postgres-"))
    data, log = folder / "data", folder / "server.log"
    password = secrets.token_urlsafe(16)
    account = _as_server_user()
    if account:
        shutil.chown(folder, account["user"], account["group"])
    try:
        (folder / "pwfile").write_text(password)
        if account:
            shutil.chown(folder / "pwfile", account["user"], account["group"])
        run = {"check": True, "capture_output": True, **account}
        subprocess.run(
            [bin_dir / "initdb", "-D", data, "-U", SUPERUSER, "--pwfile", folder / "pwfile", "--auth=scram-sha-256"],
            **run,
        )
        port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories=''"
        subprocess.run([bin_dir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"], **run)
        try:
            yield f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], **run)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """A new, empty database on the server; its URL."""
    conn = psycopg2.connect(server_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f'create database "{name}"')
    finally:
        conn.close()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)
