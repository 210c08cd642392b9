"""Gapless document numbers per kind, community and year (one slip one number).

    with transaction.atomic():
        seq = next_number(kind="release_slip", scope_id=community.pk, year=today.year)
        slip = ReleaseSlip.objects.create(..., year=today.year, seq=seq, number=f"FX{today.year}{seq:05d}")

The increment is one upsert that locks the counter row until the caller's transaction ends: two
issuers at once queue on the row, and a rollback gives the number back, so the numbers issued are
1, 2, 3 … with no gap and no duplicate. Must be called inside ``transaction.atomic``.
"""

from django.db import connection, transaction

from .models import NumberSequence


def next_number(*, kind: str, scope_id: int, year: int) -> int:
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("next_number() must run inside transaction.atomic()")
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, scope_id, year, last) VALUES (%s, %s, %s, 1) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (kind, scope_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [kind, scope_id, year])
        return cursor.fetchone()[0]
