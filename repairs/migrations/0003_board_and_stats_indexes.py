"""Indexes for the board at 1M tickets and for the statistics page (issue 3, section 8; see
docs/performance.md, "Repairs").

Raw SQL, built CONCURRENTLY (no write lock on a large ticket table), so the migration is not atomic.
They are not declared on the models: the autodetector does not see RunSQL indexes, so nothing
here changes the model state.

- ``ticket_description_trgm``: pg_trgm GIN on ``UPPER(description)``, the expression Django's
  ``description__icontains`` compares, for the board's free-text search.
- ``ticket_open_newest_cov`` / ``ticket_open_activity_cov``: the open-ticket orderings of 0002 with
  the community (the scope) included, so the board's ids-first page (``selectors.ticket_board_page``)
  is an index-only scan, however deep the page.
- ``ticket_created_idx``, ``clock_started_idx``, ``callback_done_idx``: the date columns the
  statistics page filters on (the last N weeks or months).
"""

from django.db import migrations

OPEN = "('accepted', 'assigned', 'completed', 'dispatched', 'in_progress', 'new', 'on_hold', 'on_site', 'reopened', 'replied')"

INDEXES = [
    ("ticket_description_trgm", "repairs_ticket USING gin (UPPER(description) gin_trgm_ops)"),
    ("ticket_open_newest_cov", f"repairs_ticket (created_at DESC, id DESC) INCLUDE (community_id) WHERE status IN {OPEN}"),
    ("ticket_open_activity_cov",
     f"repairs_ticket (last_activity_at DESC, id DESC) INCLUDE (community_id) WHERE status IN {OPEN}"),
    ("ticket_created_idx", "repairs_ticket (created_at)"),
    ("clock_started_idx", "repairs_clock (started_at)"),
    ("callback_done_idx", "repairs_callback (done_at) WHERE done_at IS NOT NULL"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("repairs", "0002_open_ticket_indexes"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                          f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        for name, definition in INDEXES
    ]
