"""Database-level guards shared by every app, and raw SQL read as dictionaries."""

import pgtrigger
from django.db import connection


def fetch_dicts(sql: str, params=None) -> list[dict]:
    """Run one raw SELECT; its rows as dictionaries by column name."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def append_only(prefix: str) -> list:
    """Triggers that refuse UPDATE, DELETE and TRUNCATE on a table: rows are written once, kept forever.

    Use with ``@pgtrigger.register(*append_only("duty_log"))``. A correction is a new row.
    """
    return [
        pgtrigger.Protect(name=f"{prefix}_no_update_delete", operation=pgtrigger.Update | pgtrigger.Delete),
        pgtrigger.Trigger(
            name=f"{prefix}_no_truncate",
            operation=pgtrigger.Truncate,
            level=pgtrigger.Statement,
            when=pgtrigger.Before,
            # The test runner empties tables between transactional tests: only a connection that
            # sets frontdesk.allow_truncate (config/settings/test.py does) may truncate.
            func=(
                "IF coalesce(current_setting('frontdesk.allow_truncate', true), '') = 'on' THEN RETURN NULL; END IF; "
                "RAISE EXCEPTION 'pgtrigger: TRUNCATE refused on append-only table %', TG_TABLE_NAME; RETURN NULL;"
            ),
        ),
    ]


def save_unique(obj, *, field: str | None, message, update_fields: list[str] | None = None, clean: bool = True,
                force_insert: bool | None = None):
    """``full_clean()`` then save, in a savepoint; a unique constraint that a concurrent write broke after
    the checks becomes ``message`` at ``field`` (None: on the form's top) instead of a server error.

    ``update_fields`` saves those fields of an existing row; otherwise a row without a pk is inserted
    (``force_insert``) and one with a pk is saved whole."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    if clean:
        obj.full_clean()
    if force_insert is None:
        force_insert = update_fields is None and obj.pk is None
    try:
        with transaction.atomic():
            if update_fields is not None:
                obj.save(update_fields=update_fields)
            else:
                obj.save(force_insert=force_insert)
    except IntegrityError as exc:
        raise ValidationError({field: message} if field else message) from exc
    return obj
