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


def setup_django_for_timing(url: str, *, test_client: bool = True, warm_requests: int = 2) -> None:
    """Point Django at ``url`` and set it up as the timing benches need it: production-like (no DEBUG
    query log, quiet logs and warnings), with the test environment when the test ``Client`` is used.

    Like a web process in its steady state (``config/wsgi.py``), the long-lived objects are frozen out of
    the garbage collector: once now and once after ``warm_requests`` requests (the benches' untimed
    warm-up; a web process waits for ``core.memory.WARM_REQUESTS``)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import warnings

    warnings.filterwarnings("ignore")
    import django

    django.setup()
    from core.memory import freeze_after_warmup

    freeze_after_warmup(requests=warm_requests)
    if test_client:
        from django.test.utils import setup_test_environment

        setup_test_environment(debug=False)


def base_dataset(args, url: str) -> None:
    """The frontdesk data set under a generator's own (``bench/generate.py`` with the generator's
    ``--units`` and ``--communities``), or with ``--reuse`` the one already in ``url``; Django is set
    up on ``url`` either way."""
    if not args.reuse:
        import generate

        generate.main(["--units", str(args.units), "--people", str(int(args.units * 1.5)),
                       "--vehicles", str(int(args.units * 0.6)), "--communities", str(args.communities),
                       "--database-url", url])
    else:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        import django

        django.setup()
