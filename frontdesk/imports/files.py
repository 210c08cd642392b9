"""Reading uploads: size and type, CSV encodings, the header row, the rows; and the empty template workbook."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from core.text import clean_text

from .columns import COLUMNS, Column, Kind, header_index, norm_header

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
EXTENSIONS = ("xlsx", "csv")
HEADER_SEARCH_ROWS = 10  # a title row or two above the header row is common in Chinese spreadsheets


@dataclass
class Sheet:
    columns: list[Column]  # the recognised columns, in the kind's order
    rows: list[tuple[int, dict]]  # (row number as the clerk sees it in the file, {column key: raw cell value})
    ignored_headers: list[str] = field(default_factory=list)


def file_extension(name: str) -> str:
    return Path(name or "").suffix.lower().lstrip(".")


def check_upload(name: str, size: int) -> str:
    """Size and type by name; returns the extension or raises ValidationError."""
    ext = file_extension(name)
    if ext in ("xls", "et", "wps"):
        raise ValidationError(_("Old Excel (.xls) files cannot be read: open the file in Excel or WPS and save it as .xlsx."),
                              code="xls")
    if ext not in EXTENSIONS:
        raise ValidationError(_("Choose an Excel (.xlsx) or CSV (.csv) file."), code="file_type")
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_BYTES:
        raise ValidationError(_("The file is too large (%(size)s MB); the limit is %(limit)s MB. Split it into several files.")
                              % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}, code="too_large")
    return ext


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else GB18030 (Chinese Excel's CSV)."""
    if data.startswith(codecs.BOM_UTF8):
        data, encodings = data[len(codecs.BOM_UTF8):], ("utf-8",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The text encoding of this CSV file was not recognised: save it as \"CSV UTF-8\"."), code="encoding")


def _csv_rows(data: bytes):
    text = decode_csv(data)
    if "\x00" in text:
        raise ValidationError(_("This does not look like a CSV file."), code="file_type")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise ValidationError(_("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num},
                              code="csv") from exc


def _xlsx_rows(data: bytes):
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(_("This file is not an Excel .xlsx workbook."), code="file_type")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) for broken files
        raise ValidationError(_("This Excel file could not be read. Open it in Excel or WPS and save it again as .xlsx."),
                              code="unreadable") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def read_sheet(data: bytes, ext: str, kind: str) -> Sheet:
    """Parse the whole file: find the header row, map the columns, keep non-empty rows. File-level
    problems (unreadable, no header, missing required columns, too many rows) raise ValidationError."""
    rows = []
    for number, cells in _xlsx_rows(data) if ext == "xlsx" else _csv_rows(data):
        if all(_blank(c) for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise ValidationError(_("The file has more than %(max)s rows: split it into several files.") % {"max": MAX_ROWS},
                                  code="too_many_rows")
    if not rows:
        raise ValidationError(_("The file is empty."), code="empty")
    index = header_index(kind)

    def recognised(cells):
        return {index.get(norm_header(c)) for c in cells if not _blank(c)} - {None}

    # The header row: the first with at least two known headers (a title row may come before it).
    header_at = next((i for i, (_n, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]) if len(recognised(cells)) >= 2), 0)
    positions: dict[str, int] = {}
    ignored = []
    for position, cell in enumerate(rows[header_at][1]):
        if _blank(cell):
            continue
        column = index.get(norm_header(cell))
        if column is None or column.key in positions:
            ignored.append(clean_text(str(cell)))
        else:
            positions[column.key] = position
    missing = [c for c in COLUMNS[kind] if c.required and c.key not in positions]
    if missing:
        raise ValidationError(
            _("Required columns are missing: %(columns)s. Download the template for \"%(kind)s\" and copy your data into it.")
            % {"columns": "、".join(c.header for c in missing), "kind": Kind.label(kind)},
            code="missing_column",
        )
    columns = [c for c in COLUMNS[kind] if c.key in positions]
    data_rows = []
    for number, cells in rows[header_at + 1:]:
        values = {c.key: (cells[positions[c.key]] if positions[c.key] < len(cells) else None) for c in columns}
        if not all(_blank(v) for v in values.values()):
            data_rows.append((number, values))
    if not data_rows:
        raise ValidationError(_("The file has a header row but no data rows."), code="no_rows")
    if len(data_rows) > MAX_ROWS:
        raise ValidationError(_("The file has more than %(max)s rows: split it into several files.") % {"max": MAX_ROWS},
                              code="too_many_rows")
    return Sheet(columns=columns, rows=data_rows, ignored_headers=ignored)


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ", "minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return clean_text(str(value))


def template_workbook(kind: str) -> bytes:
    """An empty workbook with the kind's header row; text columns are formatted as text so that
    Excel keeps 18-digit ID numbers and leading zeros."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(Kind.label(kind))[:31]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for position, column in enumerate(COLUMNS[kind], start=1):
        cell = sheet.cell(row=1, column=position, value=column.header)
        cell.font = bold
        if column.required:
            cell.fill = fill
        note = " ".join(str(s) for s in (column.label, column.help) if s)
        cell.comment = Comment(note, "frontdesk")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, 2 * len(column.header) + 4, 22 if column.text else 0)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(2, 1002):  # column styles alone are not honoured by every spreadsheet program
                sheet.cell(row=row, column=position).number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
