"""Export a filtered list to .xlsx: the one mechanism every list's ``?export=xlsx`` goes through.

**Streaming.** ``xlsx_response`` writes the rows into an openpyxl *write-only* workbook (each row goes to a
temporary file on disk as it is appended) and saves the workbook into a temporary file, which is sent as a
``FileResponse`` (a ``StreamingHttpResponse``) in blocks: the memory stays flat whatever the row count.
The rows should come from ``queryset.iterator(chunk_size=…)`` (with ``prefetch_related`` done per chunk).

**Large exports.** A list registers its export here (``register_export``, from the app's ``extensions.py``):
a builder ``build(user, params) -> Export`` that makes the same rows from the user and the list's query
string. ``export_response`` counts the rows: up to ``settings.EXPORT_TASK_THRESHOLD`` the file is streamed
at once; above it the user is offered a background export (``core.views.export_start`` → an ``ExportJob``
built by the ``core.tasks.export_run`` Celery task, with a progress bar and a download link).

Every cell goes through ``safe_cell``: text that a spreadsheet would read as a formula (it starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return — the OWASP CSV-injection rule) gets a leading
apostrophe, so a person named ``=HYPERLINK(…)`` stays text. Numbers stay numbers.
"""

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
PROGRESS_EVERY = 500  # rows between two progress reports of a background export


def safe_cell(value):
    """A value ready for a spreadsheet cell: numbers as they are, everything else as text that cannot
    run as a formula."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def safe_row(row) -> list:
    return [safe_cell(v) for v in row]


def write_xlsx(target, headers, rows, *, progress: Callable[[int], None] | None = None) -> int:
    """Write a one-sheet workbook into the file object ``target``; returns the number of rows written.
    ``progress(rows_so_far)`` is called every ``PROGRESS_EVERY`` rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(safe_row(headers))
    written = 0
    for row in rows:
        sheet.append(safe_row(row))
        written += 1
        if progress and written % PROGRESS_EVERY == 0:
            progress(written)
    workbook.save(target)
    return written


def xlsx_response(filename: str, headers: list[str], rows) -> FileResponse:
    """The rows as an .xlsx download, streamed from a temporary file (closed, and so removed, at the end)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download ends
    write_xlsx(spool, headers, rows)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)


# ---- registered exports (the large ones run as a task) ------------------------------------------------

@dataclass
class Export:
    """What a registered export builds from a user and a list's query string."""

    title: str  # shown on the job page ("人员 导出")
    filename: str
    headers: list
    queryset: object  # counted to choose between streaming now and a background job
    rows: Callable[[], Iterable]  # the rows, lazily (a generator over ``queryset.iterator``)
    community_ids: list[int] = field(default_factory=list)  # where the rows come from (the download's scope)


@dataclass(frozen=True)
class Exporter:
    kind: str
    action: str  # the permission needed (core.permissions)
    build: Callable  # build(user, params: QueryDict) -> Export


_EXPORTERS: dict[str, Exporter] = {}


def register_export(kind: str, action: str, build) -> None:
    _EXPORTERS[kind] = Exporter(kind, action, build)


def exporter(kind: str) -> Exporter | None:
    return _EXPORTERS.get(kind)


def list_query(params) -> str:
    """The list's query string without ``export`` and ``page`` (what a background export replays)."""
    query = params.copy()
    for name in ("export", "page"):
        query.pop(name, None)
    return query.urlencode()


def export_response(request, kind: str):
    """The list ``kind`` as .xlsx now (streamed), or, above the threshold, a page offering to build it in the
    background. The caller has checked the permission (``refusal``)."""
    from django.shortcuts import render

    from .forms import ExportStartForm

    export = _EXPORTERS[kind].build(request.user, request.GET)
    count = export.queryset.count()
    if count <= settings.EXPORT_TASK_THRESHOLD:
        return xlsx_response(export.filename, export.headers, export.rows())
    form = ExportStartForm(initial={"kind": kind, "query": list_query(request.GET)})
    return render(request, "core/exports/confirm.html", {
        "export": export, "count": count, "form": form, "threshold": settings.EXPORT_TASK_THRESHOLD,
        "back": f"{request.path}?{list_query(request.GET)}"})
