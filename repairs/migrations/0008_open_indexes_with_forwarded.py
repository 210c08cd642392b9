"""The board's covering partial indexes (0003's ``ticket_open_newest_cov`` / ``ticket_open_activity_cov``) rebuilt
with the hand-offs' open status ``forwarded`` (issue 12).

The board filters open tickets with ``status IN OPEN_STATUS_VALUES``; since ``forwarded`` joined that set, the
old predicate (without it) no longer covers the filter, so PostgreSQL could not use these indexes at all: at 1M
tickets "sort by last activity" became a parallel sequential scan (p95 250 ms instead of ~60 ms, see
docs/performance.md, "Repairs … with the new kinds mixed in"). ``tests/repairs/test_board.py`` checks that the
predicate and ``OPEN_STATUS_VALUES`` stay equal.

Each index is built CONCURRENTLY under a new name first, then the old one is dropped and the new one renamed, so
the board never runs without it. Not atomic, as 0003.
"""

from django.db import migrations

OLD = "('accepted', 'assigned', 'completed', 'dispatched', 'in_progress', 'new', 'on_hold', 'on_site', 'reopened', 'replied')"
OPEN = ("('accepted', 'assigned', 'completed', 'dispatched', 'forwarded', 'in_progress', 'new', 'on_hold', 'on_site', "
        "'reopened', 'replied')")

COLUMNS = {
    "ticket_open_newest_cov": "(created_at DESC, id DESC) INCLUDE (community_id)",
    "ticket_open_activity_cov": "(last_activity_at DESC, id DESC) INCLUDE (community_id)",
}


def rebuild(name, columns, statuses):
    return [
        f"DROP INDEX CONCURRENTLY IF EXISTS {name}_new",
        f"CREATE INDEX CONCURRENTLY {name}_new ON repairs_ticket {columns} WHERE status IN {statuses}",
        f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        f"ALTER INDEX {name}_new RENAME TO {name}",
    ]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("repairs", "0007_handoffs_services_suggestions"),
    ]

    operations = [
        migrations.RunSQL(rebuild(name, columns, OPEN), rebuild(name, columns, OLD))
        for name, columns in COLUMNS.items()
    ]
