"""Measure a proposed app change WITHOUT editing the app: an index for 1- and 2-character name fragments.

pg_trgm cannot index a LIKE pattern shorter than 3 characters, so ``lookup`` with a surname (王)
or a surname + one character (王芳) seq-scans ``frontdesk_person`` and evaluates UPPER(name) on
every row. The proposal: a GIN index on the set of 1- and 2-character substrings of UPPER(name)
(what the pg_bigm extension does, in plain SQL), and, for fragments shorter than 3 characters,
an extra ``@>`` condition the index can answer (the LIKE stays, as the exact check).

    python bench/proposal_name_grams.py apply      # create the function and index in the bench DB
    python bench/proposal_name_grams.py bench [lookup.py options]   # run bench/lookup.py with the
                                                   # extra condition patched into Person.name icontains
    python bench/proposal_name_grams.py drop       # back to the app's schema

Bench database only (frontdesk_bench, see generate.py).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import bench_url

APPLY_SQL = """
CREATE OR REPLACE FUNCTION fd_name_grams(s text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT substr(s, i, 1) AS g FROM generate_series(1, char_length(s)) i
    UNION ALL
    SELECT substr(s, i, 2) FROM generate_series(1, char_length(s) - 1) i
  ) t
$$;
CREATE INDEX IF NOT EXISTS person_name_grams ON frontdesk_person USING gin (fd_name_grams(upper(name)));
ANALYZE frontdesk_person;
"""
DROP_SQL = """
DROP INDEX IF EXISTS person_name_grams;
DROP FUNCTION IF EXISTS fd_name_grams(text);
"""


def setup():
    os.environ["DATABASE_URL"] = bench_url(None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def run_sql(sql):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql)


def patch_lookup():
    """Person.name__icontains with < 3 characters also gets ``fd_name_grams(UPPER(name)) @> ARRAY[q]``.

    In the app this would be written in frontdesk/selectors.py (see docs/performance.md)."""
    from django.db.models.lookups import IContains

    from frontdesk.models import Person

    class GramIContains(IContains):
        def as_sql(self, compiler, connection):
            sql, params = super().as_sql(compiler, connection)
            if isinstance(self.rhs, str) and 0 < len(self.rhs) < 3:
                lhs, lhs_params = self.process_lhs(compiler, connection)  # already UPPER("name")
                sql = f"({sql} AND fd_name_grams({lhs}) @> ARRAY[UPPER(%s)]::text[])"
                params = (*params, *lhs_params, self.rhs)
            return sql, params

    Person._meta.get_field("name").register_lookup(GramIContains, "icontains")


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("apply", "bench", "drop"):
        sys.exit(__doc__)
    setup()
    action = sys.argv[1]
    if action == "apply":
        run_sql(APPLY_SQL)
        print("fd_name_grams() and person_name_grams created")
    elif action == "drop":
        run_sql(DROP_SQL)
        print("person_name_grams and fd_name_grams() dropped")
    else:
        patch_lookup()
        import lookup

        lookup.main(sys.argv[2:])


if __name__ == "__main__":
    main()
