"""``Clock.community``, step 3 of 3: the indexes the readers by community need (issue 14 §5, issue 13 §8;
docs/performance.md, "Clocks by community"):

- ``clock_community_started_idx`` (community, started_at): the statistics page's clocks of the last N weeks of
  the communities (it joined and hashed the whole ticket table before, ~1.1 s at 1M tickets); also the index of
  the foreign key.
- ``clock_community_running_idx``: running clocks (not met, not cancelled) by community and deadline, with what
  the daily summary's overdue count and the clerk's "today" count read (kind, paused, breached): index-only.
- ``clock_running_due_cov``: running clocks (paused ones too) by deadline with their community and ticket: the
  board's "due soonest" walks it in deadline order and stops after the page (``selectors.board``).

Raw SQL, built CONCURRENTLY like 0003 and 0009 (not atomic; not declared on the model).
"""

from django.db import migrations

RUNNING = "met_at IS NULL AND cancelled_at IS NULL"

INDEXES = [
    ("clock_community_started_idx", "repairs_clock (community_id, started_at)"),
    ("clock_community_running_idx",
     f"repairs_clock (community_id, due_at, id) INCLUDE (kind, paused_at, breached_at) WHERE {RUNNING}"),
    ("clock_running_due_cov", f"repairs_clock (due_at, id) INCLUDE (community_id, ticket_id) WHERE {RUNNING}"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("repairs", "0011_clock_community_backfill"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                          f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        for name, definition in INDEXES
    ]
