"""Indexes for the daily summary 前台日报 at 1M tickets (issue 13 §8; docs/performance.md, "Daily summary and
today pages"):

- ``ticket_closed_idx``: the day's ticket counts read the tickets received OR closed on the day, so both date
  columns need an index for a BitmapOr (``ticket_created_idx`` exists since 0003); without it the query read
  every ticket of the communities (200k per community, ~400 ms under load; 30 ms with it).
- ``ticket_community_id_idx`` (community, id): the overdue count joins the breached running clocks to their
  tickets' community; the hash join read the heap of every ticket of the communities (33k pages for one
  community, ~370 ms), it is now an index-only scan (~55 ms).
- ``clock_running_due_idx``: the clerk's "deadlines running out" card reads the first running clocks by
  deadline; with it only those five rows are read and joined (the count is a separate scalar subquery).

Raw SQL, built CONCURRENTLY like 0003 (not atomic; not declared on the model).
"""

from django.db import migrations

INDEXES = [
    ("ticket_closed_idx", "repairs_ticket (closed_at) WHERE closed_at IS NOT NULL"),
    ("ticket_community_id_idx", "repairs_ticket (community_id, id)"),
    ("clock_running_due_idx",
     "repairs_clock (due_at, id) WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("repairs", "0008_open_indexes_with_forwarded"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                          f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        for name, definition in INDEXES
    ]
