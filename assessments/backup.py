"""Consistent backups of the whole database while the server runs, and restores.

SQLite: the online backup API copies a consistent snapshot page by page without stopping writers.
PostgreSQL: pg_dump (a consistent snapshot by MVCC) in its custom format; pg_restore --clean.

Backup files hold password hashes, session keys and API token digests: they are created with mode
0600 (owner only), whatever the umask.

After a restore every session and every API token is revoked (`revoke_credentials`): the backup
holds the sessions and tokens that existed when it was taken, including those ended or revoked
since, and nothing records which were. Everyone signs in again and creates new tokens.
"""

import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _postgres_env(settings_dict: dict) -> tuple[list[str], dict]:
    args = ["--host", settings_dict.get("HOST") or "127.0.0.1", "--port", str(settings_dict.get("PORT") or 5432),
            "--username", settings_dict.get("USER") or "postgres", "--dbname", settings_dict["NAME"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return str(candidates[-1])


OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR  # 0600


def _create_private(path: Path) -> None:
    """An empty file readable and writable by its owner only (or an existing one made so)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    os.close(descriptor)
    os.chmod(path, OWNER_ONLY)


def backup(*, path: Path, alias: str = "default") -> None:
    connection = connections[alias]
    vendor = connection.vendor
    path.parent.mkdir(parents=True, exist_ok=True)
    if vendor in ("sqlite", "postgresql"):
        _create_private(path)
    if vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif vendor == "postgresql":
        args, env = _postgres_env(connection.settings_dict)
        result = subprocess.run([_tool("pg_dump"), "--format=custom", "--file", str(path), *args],  # noqa: S603
                                env=env, capture_output=True, text=True, check=False)
        if result.returncode:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"backups of {vendor} databases are not supported")
    os.chmod(path, OWNER_ONLY)  # pg_dump may have replaced the file


def restore(*, path: Path, alias: str = "default") -> None:
    if not path.exists():
        raise BackupError(f"{path}: no such backup file")
    connection = connections[alias]
    vendor = connection.vendor
    if vendor == "sqlite":
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{path} is not a SQLite backup")
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif vendor == "postgresql":
        connection.close()
        args, env = _postgres_env(connection.settings_dict)
        result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",  # noqa: S603
                                 "--single-transaction", *args, str(path)],
                                env=env, capture_output=True, text=True, check=False)
        if result.returncode:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"restoring {vendor} databases is not supported")


def revoke_credentials(*, alias: str = "default") -> tuple[int, int]:
    """End every session and delete every API token; returns (sessions, tokens) removed. Also empties
    the shared cache, whose rate-limit counters and render locks came back from the backup."""
    from django.contrib.sessions.models import Session
    from django.core.cache import caches

    from api.models import ApiToken

    sessions, _ = Session.objects.using(alias).all().delete()
    tokens, _ = ApiToken.objects.using(alias).all().delete()
    caches["shared"].clear()
    return sessions, tokens
