"""Rewrite the collection rate's running totals from the bills and moves themselves (``billing.collection_totals``).

The triggers keep them; this is the repair after a difference was found (``manage.py collection_totals
--rebuild``). The two tables are locked against writers (EXCLUSIVE: readers go on) for the time of the rewrite;
a write waiting on them adds its change after it, to the rebuilt totals."""

from django.db import connection, transaction

from ..collection_totals import REBUILD_SQL


@transaction.atomic
def collection_totals_rebuild() -> None:
    with connection.cursor() as cursor:
        cursor.execute(REBUILD_SQL)
