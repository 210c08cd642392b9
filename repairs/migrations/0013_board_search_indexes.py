"""Indexes for the board's free-text search at 1M tickets (issue 14 §5; docs/performance.md, "Board search by
phone tail").

The search (``repairs.selectors.board.free_text_matches``) ORs the description, the room code, the location,
the contact phone and the ticket number. With an index for every arm PostgreSQL answers a rare string (a phone's
last 4 digits) with a BitmapOr of the matching tickets instead of walking all the open tickets:

- ``ticket_location_trgm``: pg_trgm GIN on ``UPPER(location)`` (what ``location__icontains`` compares);
- ``ticket_phone_trgm``: pg_trgm GIN on ``contact_phone`` (``contact_phone__contains``, case-sensitive);
- ``ticket_number_upper_idx``: B-tree on ``UPPER(number)`` (``number__iexact``);
- ``unit_code_trgm``: pg_trgm GIN on the units' ``UPPER(code)``: the room-code arm is
  ``unit_id = ANY(ARRAY(<units whose code contains the text>))``, computed once from this index (a sequential
  scan of 100k units otherwise). It is on the frontdesk table but only the board's search needs it.

The description's index (``ticket_description_trgm``) exists since 0003. Raw SQL, built CONCURRENTLY like 0003
(not atomic; not declared on the models).
"""

from django.db import migrations

INDEXES = [
    ("ticket_location_trgm", "repairs_ticket USING gin (UPPER(location) gin_trgm_ops)"),
    ("ticket_phone_trgm", "repairs_ticket USING gin (contact_phone gin_trgm_ops)"),
    ("ticket_number_upper_idx", "repairs_ticket (UPPER(number))"),
    ("unit_code_trgm", "frontdesk_unit USING gin (UPPER(code) gin_trgm_ops)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("repairs", "0012_clock_community_indexes"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                          f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        for name, definition in INDEXES
    ]
