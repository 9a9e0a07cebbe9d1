"""Check the services a CI test run needs, and create the PostgreSQL database if missing.

Usage: python .ci/ensure_services.py POSTGRES_URL REDIS_URL
Exits non-zero with a clear message when PostgreSQL, Redis or chromium is missing: in CI a
missing service is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from urllib.parse import urlsplit, urlunsplit


def _fail(message: str) -> None:
    print(f"ensure_services: {message}", file=sys.stderr)
    sys.exit(1)


def ensure_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/") or "gonghui"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    last_error: Exception | None = None
    for _ in range(15):  # a freshly started cluster needs a few seconds
        try:
            with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)
                ).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
                    print(f"ensure_services: created database {dbname}")
                version = conn.execute("SHOW server_version").fetchone()
            print(f"ensure_services: PostgreSQL {version[0] if version else '?'} ok ({dbname})")
            return
        except psycopg.OperationalError as exc:
            last_error = exc
            time.sleep(1)
    _fail(f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is not answering: {last_error}")


def ensure_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        _fail(f"Redis at {url} is not answering: {exc}")
    print("ensure_services: Redis ok")


def ensure_chromium() -> None:
    path = os.environ.get("GONGHUI_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.exists(path) or shutil.which("chromium")):
        _fail(f"chromium not found at {path}; install Debian's chromium (apt-get install chromium)")
    print(f"ensure_services: chromium ok ({path})")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        _fail("usage: ensure_services.py POSTGRES_URL REDIS_URL")
    ensure_postgres(sys.argv[1])
    ensure_redis(sys.argv[2])
    ensure_chromium()
