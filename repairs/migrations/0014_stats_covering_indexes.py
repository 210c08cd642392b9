"""Covering indexes for the statistics page (issue 14 §5; docs/performance.md, "Statistics by ids"):

- ``ticket_stats_cov`` (community, created_at) with kind, category and building: the three ticket counts of
  ``selectors.stats.volume`` read the index only (92 + 95 + 57 ms → 30 + 28 + 12 ms for 8 weeks of five
  communities at 1M tickets, with the periods found by ``width_bucket``).
- ``clock_stats_cov`` (community, started_at) with what ``selectors.stats.clocks`` counts: index-only too.
  It replaces ``clock_community_started_idx`` (same leading columns; also the foreign key's index).

Raw SQL, built CONCURRENTLY like 0012 (not atomic; not declared on the model). Run ANALYZE after
deploying it, as after 0013 (docs/operations.md).
"""

from django.db import migrations

INDEXES = [
    ("ticket_stats_cov", "repairs_ticket (community_id, created_at) INCLUDE (kind, category_id, building_id)"),
    ("clock_stats_cov", "repairs_clock (community_id, started_at) INCLUDE (kind, met_at, breached_at, due_at, id)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("repairs", "0013_board_search_indexes"),
    ]

    operations = [
        *(migrations.RunSQL(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                            f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
          for name, definition in INDEXES),
        migrations.RunSQL("DROP INDEX CONCURRENTLY IF EXISTS clock_community_started_idx",
                          "CREATE INDEX CONCURRENTLY IF NOT EXISTS clock_community_started_idx "
                          "ON repairs_clock (community_id, started_at)"),
    ]
