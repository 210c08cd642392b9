"""Database-level guards shared by every app."""

import pgtrigger


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
