"""The run of an import: bulk import of rooms, people (owners, residents, tenants) and vehicles from .xlsx or .csv.

The pipeline:

1. ``batch_create``: the upload is checked (size, type, encoding, header row) and stored as
   ``MEDIA_ROOT/imports/<uuid>.<ext>`` with a JSON sidecar ``<uuid>.json`` (community, kind, user,
   original name, created at, status). No model: the sidecar is the batch's whole state, and the
   database (``core.IdempotencyKey``) is what says whether it was imported.
2. ``batch_preview``: what the rows refer to is loaded once (rooms, buildings and entrances, people
   by ID document, current occupancies and owners' shares, active plates); every row is then checked
   in memory, in the file's order, with the services' own builders and checks (``services.*_new``,
   ``person_reuse``, ``clean_without_queries``), each passing row becoming part of the archive the
   next rows are checked against. So the preview finds what the import would: bad check digits,
   unknown rooms, duplicates in the file and against the archive, shares over 100 %. Nothing is written.
3. ``batch_confirm``: the same check (the file's rooms locked first, as ``occupancy_start`` does),
   then, only if every row passed, set-based inserts (``bulk_create``) in one transaction:
   all-or-nothing. The database's constraints remain the last guarantee: if they refuse the rows (a
   concurrent write), the rows are checked again and the row at fault is shown. The batch uuid is
   claimed as an idempotency key in the same transaction, so a second POST waits for the first and
   then imports nothing.

Every write carries ``pghistory.context(source="import", batch=<uuid>)``; ``bulk_create`` fires the
history triggers like any insert, so the audit trail has every row.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from dataclasses import dataclass

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import idempotency

from .batches import Batch
from .columns import RESULT_URLS, may_import
from .files import Sheet, display
from .handlers import HANDLERS, Handler
from .rows import ImportResult, RowInvalid, RowResult, service_errors

logger = logging.getLogger(__name__)


WRITE_ATTEMPTS = 3


def _check_rows(*, sheet: Sheet, kind: str, community, actor, lock: bool) -> tuple[ImportResult, Handler]:
    result = ImportResult(kind=kind, columns=sheet.columns, ignored_headers=sheet.ignored_headers)
    handler = HANDLERS[kind](community=community, actor=actor, columns=sheet.columns, rows=sheet.rows, lock=lock)
    for number, raw in sheet.rows:
        row = RowResult(number=number, values={key: display(value) for key, value in raw.items()})
        try:
            result.counts.update(handler.row(number, raw))
        except RowInvalid as exc:
            row.errors = exc.errors
        except ValidationError as exc:
            row.errors = service_errors(exc, handler.service_fields)
        result.rows.append(row)
    return result, handler


def run_import(*, sheet: Sheet, kind: str, community, actor, batch_id: str, commit: bool) -> ImportResult:
    """Check every row against the archive; if ``commit`` and no row failed, insert them all.

    The checks read the archive once, so rows are checked in memory; the inserts are set-based, in
    one savepoint. Should the database still refuse them (someone saved the same room, plate or ID
    number in the meantime: the constraints are the last guarantee), the rows are checked again
    against the archive as it is now, which shows the clerk the row at fault."""
    with pghistory.context(source="import", batch=str(batch_id)), transaction.atomic():
        for _attempt in range(WRITE_ATTEMPTS):
            result, handler = _check_rows(sheet=sheet, kind=kind, community=community, actor=actor, lock=commit)
            if not (commit and result.is_valid):
                break
            try:
                with transaction.atomic():
                    handler.write()
                break
            except IntegrityError:  # a concurrent write: check again against the archive as it is now
                continue
            except DatabaseError:
                logger.exception("Import batch %s: the database refused the rows", batch_id)
                result.file_error = _("The database refused these rows, so nothing was imported: check the file again.")
                break
        else:
            result.file_error = _("The archive kept changing while these rows were being saved, so nothing was "
                                  "imported: check the file again.")
        if not (commit and result.is_valid):
            transaction.set_rollback(True)
    return result


def _result_url(batch: Batch) -> str:
    return f"{reverse(RESULT_URLS[batch.kind])}?{urlencode({'community': batch.community_id})}"


def _require_kind_permission(batch: Batch, actor) -> None:
    if not may_import(actor, batch.kind):
        raise PermissionDenied


def _checked(batch: Batch, actor, *, commit: bool) -> ImportResult:
    try:
        sheet = batch.sheet()
    except ValidationError as exc:  # checked at upload; only a changed parser or a damaged file gets here
        return ImportResult(kind=batch.kind, columns=[], file_error=" ".join(exc.messages))
    return run_import(sheet=sheet, kind=batch.kind, community=batch.community, actor=actor, batch_id=batch.id,
                      commit=commit)


def _save_checked(batch: Batch, result: ImportResult) -> None:
    """Keep the last check's result, so paging through 2,000 rows does not run the check again."""
    payload = {"language": get_language(), "checked_at": timezone.now().isoformat(), "result": result.to_dict()}
    tmp = batch.preview_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, batch.preview_path)


def _load_checked(batch: Batch) -> tuple[ImportResult, datetime.datetime] | None:
    try:
        payload = json.loads(batch.preview_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if payload.get("language") != get_language():  # the messages are in the language of the check
        return None
    try:
        return ImportResult.from_dict(payload["result"]), datetime.datetime.fromisoformat(payload["checked_at"])
    except (KeyError, TypeError, ValueError):
        return None


def batch_preview(*, batch: Batch, actor, refresh: bool = False) -> tuple[ImportResult, datetime.datetime]:
    """The dry run: everything the import would do, then rolled back. The result is kept with the batch
    and reused until ``refresh`` (the archive may have changed meanwhile; the confirmation checks again)."""
    _require_kind_permission(batch, actor)
    if not refresh and (cached := _load_checked(batch)):
        return cached
    result = _checked(batch, actor, commit=False)
    _save_checked(batch, result)
    return result, timezone.now()


@dataclass
class ConfirmOutcome:
    result: ImportResult | None  # None when the batch had already been imported
    url: str = ""

    @property
    def imported(self) -> bool:
        return self.result is not None and self.result.is_valid


def batch_confirm(*, batch: Batch, actor) -> ConfirmOutcome:
    """Import every row or none. The batch uuid is claimed as an idempotency key in the same
    transaction: a second confirmation waits for the first, then finds it done and imports nothing."""
    _require_kind_permission(batch, actor)
    with transaction.atomic():
        fresh, previous_url = idempotency.claim(batch.id, actor)
        if not fresh:
            return ConfirmOutcome(result=None, url=previous_url or _result_url(batch))
        result = _checked(batch, actor, commit=True)
        if not result.is_valid:
            transaction.set_rollback(True)  # also releases the claim: the clerk may try again
            _save_checked(batch, result)  # the preview shows what failed this time
            return ConfirmOutcome(result=result)
        url = _result_url(batch)
        idempotency.record_result(batch.id, actor, url)

        transaction.on_commit(lambda: batch.mark_imported(url=url, counts=result.counts))
    return ConfirmOutcome(result=result, url=url)


def batch_is_imported(batch: Batch) -> bool:
    """The database is the truth (the sidecar is written after commit and could lag behind a crash)."""
    from core.models import IdempotencyKey

    if batch.is_imported:
        return True
    return IdempotencyKey.objects.filter(key=batch.id, user_id=batch.user_id).exists()
