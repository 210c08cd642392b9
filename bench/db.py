"""Database plumbing shared by the benchmarks: each runs in its own database on the server that
``DATABASE_URL`` names (created when missing; never the development database)."""

import os
from urllib.parse import urlsplit, urlunsplit


def bench_url(explicit: str | None, database: str) -> str:
    """``explicit`` if given, else ``DATABASE_URL``'s server with ``database`` as the database name."""
    if explicit:
        return explicit
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontdesk"))
    return urlunsplit(base._replace(path=f"/{database}"))


def ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(dbname)))
    admin.close()
