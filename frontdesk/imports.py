"""Bulk import of rooms, people (owners, residents, tenants) and vehicles from .xlsx or .csv.

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

import codecs
import csv
import datetime
import io
import json
import logging
import os
import re
import unicodedata
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext as _, gettext_lazy, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from core import idempotency
from core.permissions import has_perm
from .scoping import community_ids
from core.text import clean_text

from . import services
from .models import Building, Community, Entrance, IdType, Occupancy, Person, Unit, Vehicle
from .selectors import ROOM_RE, normalise_query
from .validators import clean_id_document, clean_phone, clean_plate

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
EXTENSIONS = ("xlsx", "csv")
HEADER_SEARCH_ROWS = 10  # a title row or two above the header row is common in Chinese spreadsheets


class Kind:
    UNITS = "units"
    PEOPLE = "people"
    VEHICLES = "vehicles"

    choices = [
        (UNITS, gettext_lazy("Rooms (creates missing buildings and entrances)")),
        (PEOPLE, gettext_lazy("Owners, residents and tenants")),
        (VEHICLES, gettext_lazy("Vehicles")),
    ]
    values = [UNITS, PEOPLE, VEHICLES]

    # An import that creates buildings, entrances and rooms is structure work (see core.permissions).
    EXTRA_PERMISSION = {UNITS: "frontdesk.structure"}

    @classmethod
    def label(cls, value):
        return dict(cls.choices).get(value, value)


def kinds_for(user) -> list[tuple[str, str]]:
    return [(value, label) for value, label in Kind.choices if may_import(user, value)]


def may_import(user, kind: str) -> bool:
    extra = Kind.EXTRA_PERMISSION.get(kind)
    return has_perm(user, "frontdesk.import") and (extra is None or has_perm(user, extra))


# --- columns -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header written in templates: the file format is Chinese whatever the UI language
    label: str  # lazy: shown in the UI
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None
    text: bool = False  # format as text in the template (ID numbers, phones, room codes)
    help: str = ""


_ROOM_CODE = Column(
    "room", "房号", gettext_lazy("Room"), ("房间", "房屋", "房间号", "房屋编号", "房号编码", "room", "room code", "unit"),
    required=True, max_length=60, text=True, help=gettext_lazy("Required: the room code, e.g. 3-2-1502."),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.UNITS: (
        Column("building", "楼栋", gettext_lazy("Building"),
               ("楼栋号", "楼号", "栋", "栋号", "楼", "楼宇", "building", "bldg"), required=True, max_length=20, text=True,
               help=gettext_lazy("Required: as written in room codes, e.g. 3 or A.")),
        Column("entrance", "单元", gettext_lazy("Entrance"), ("单元号", "entrance"), max_length=10, text=True,
               help=gettext_lazy("Leave empty for buildings without entrances.")),
        Column("number", "房号", gettext_lazy("Room number"),
               ("房间号", "室号", "门牌号", "room", "room number", "room no", "number"), required=True, max_length=20,
               text=True, help=gettext_lazy("Required, e.g. 1502.")),
        Column("floor", "楼层", gettext_lazy("Floor"), ("层", "所在楼层", "floor"),
               help=gettext_lazy("A whole number, e.g. 15 or -1.")),
        Column("area", "建筑面积", gettext_lazy("Floor area (m²)"), ("面积", "area", "floor area"), required=True,
               help=gettext_lazy("Required, in square metres, e.g. 89.5.")),
        Column("usage", "用途", gettext_lazy("Usage"), ("房屋用途", "usage", "use"),
               help=gettext_lazy("住宅, 商铺, 办公, 车位 or 其他; empty means 住宅.")),
    ),
    Kind.PEOPLE: (
        _ROOM_CODE,
        Column("role", "身份", gettext_lazy("Role"), ("角色", "人员类型", "身份类型", "role", "kind"), required=True,
               help=gettext_lazy("Required: 业主 (owner), 住户 (resident) or 租户 (tenant).")),
        Column("name", "姓名", pgettext_lazy("person", "Name"), ("名字", "name", "full name"), required=True,
               max_length=50),
        Column("id_type", "证件类型", gettext_lazy("ID document"), ("证件", "id type", "document type", "id document"),
               help=gettext_lazy("身份证, 护照, 港澳通行证, 台胞证 or 其他; empty means 身份证.")),
        Column("id_number", "证件号码", gettext_lazy("ID number"),
               ("证件号", "身份证号", "身份证号码", "身份证", "id number", "id no"), max_length=40, text=True,
               help=gettext_lazy("Format this column as text in Excel, or the last digits are lost.")),
        Column("phone", "手机", gettext_lazy("Phone"),
               ("手机号", "手机号码", "电话", "联系电话", "联系方式", "phone", "mobile"), max_length=30, text=True),
        Column("share", "产权比例", gettext_lazy("Ownership share (%)"), ("产权份额", "份额", "share", "ownership share"),
               help=gettext_lazy("Owners only, e.g. 50; empty means 100.")),
        Column("start_date", "入住日期", gettext_lazy("Move-in date"),
               ("入住时间", "迁入日期", "move-in date", "start date"),
               help=gettext_lazy("e.g. 2024-03-01; empty means the day of the import.")),
    ),
    Kind.VEHICLES: (
        Column("plate", "车牌", gettext_lazy("Plate"), ("车牌号", "车牌号码", "plate", "plate number"), required=True,
               max_length=20, help=gettext_lazy("Required, e.g. 粤B12345 or new-energy 粤BD12345.")),
        _ROOM_CODE,
        Column("owner", "车主姓名", pgettext_lazy("vehicle", "Owner"), ("车主", "姓名", "owner", "owner name"), max_length=50,
               help=gettext_lazy("Optional: a current owner, resident or tenant of the room.")),
        Column("description", "车辆描述", gettext_lazy("Make, model and colour"),
               ("描述", "车型", "车辆信息", "品牌型号", "description", "vehicle"), max_length=100),
    ),
}

RESULT_URLS = {
    Kind.UNITS: "frontdesk:unit_list", Kind.PEOPLE: "frontdesk:person_list", Kind.VEHICLES: "frontdesk:vehicle_list",
}


def _norm_header(value) -> str:
    text = unicodedata.normalize("NFKC", clean_text(str(value or ""))).lower()
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)  # 建筑面积(㎡), 手机【必填】
    return re.sub(r"[\s*:_\-]", "", text)


def _header_index(kind: str) -> dict[str, Column]:
    index = {}
    for column in COLUMNS[kind]:
        for name in (column.header, *column.aliases):
            index.setdefault(_norm_header(name), column)
    return index


# --- reading files -------------------------------------------------------------------------------

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
    index = _header_index(kind)

    def recognised(cells):
        return {index.get(_norm_header(c)) for c in cells if not _blank(c)} - {None}

    # The header row: the first with at least two known headers (a title row may come before it).
    header_at = next((i for i, (_n, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]) if len(recognised(cells)) >= 2), 0)
    positions: dict[str, int] = {}
    ignored = []
    for position, cell in enumerate(rows[header_at][1]):
        if _blank(cell):
            continue
        column = index.get(_norm_header(cell))
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


# --- templates -----------------------------------------------------------------------------------

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


# --- batches (file + JSON sidecar) ---------------------------------------------------------------

class BatchNotFound(Exception):
    pass


@dataclass
class Batch:
    id: str
    community_id: int
    kind: str
    user_id: int
    original_name: str
    ext: str
    created_at: str
    status: str = "uploaded"  # uploaded -> imported
    imported_at: str = ""
    result_url: str = ""
    counts: dict = field(default_factory=dict)

    UPLOADED = "uploaded"
    IMPORTED = "imported"

    @staticmethod
    def directory() -> Path:
        return Path(settings.MEDIA_ROOT) / "imports"

    @property
    def data_path(self) -> Path:
        return self.directory() / f"{self.id}.{self.ext}"

    @property
    def meta_path(self) -> Path:
        return self.directory() / f"{self.id}.json"

    @property
    def preview_path(self) -> Path:
        return self.directory() / f"{self.id}.preview.json"

    @property
    def is_imported(self) -> bool:
        return self.status == self.IMPORTED

    @property
    def community(self) -> Community:
        return Community.objects.get(pk=self.community_id)

    def kind_label(self):
        return Kind.label(self.kind)

    def read(self) -> bytes:
        return self.data_path.read_bytes()

    def sheet(self) -> Sheet:
        return read_sheet(self.read(), self.ext, self.kind)

    def save(self) -> None:
        tmp = self.meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.meta_path)  # atomic: a reader never sees half a sidecar

    @classmethod
    def load(cls, batch_id) -> Batch:
        try:
            key = str(uuid.UUID(str(batch_id)))
            data = json.loads((cls.directory() / f"{key}.json").read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise BatchNotFound(batch_id) from exc
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def batch_create(*, community, kind: str, name: str, data: bytes, actor) -> Batch:
    """Store an upload that passed ``read_sheet`` (the caller checked it) and return its batch."""
    batch = Batch(
        id=str(uuid.uuid4()), community_id=community.pk, kind=kind, user_id=actor.pk,
        original_name=clean_text(Path(name).name)[:200], ext=file_extension(name), created_at=timezone.now().isoformat(),
    )
    Batch.directory().mkdir(parents=True, exist_ok=True)
    batch.data_path.write_bytes(data)
    batch.save()
    return batch


def batch_get(*, batch_id, user) -> Batch:
    """The user's own batch, in a community they still work in; anything else is BatchNotFound (a 404)."""
    batch = Batch.load(batch_id)
    if batch.user_id != user.pk or batch.community_id not in community_ids(user) or not batch.data_path.exists():
        raise BatchNotFound(batch_id)
    return batch


@dataclass
class PurgedBatch:
    id: str
    created_at: datetime.datetime
    files: list[Path]
    original_name: str = ""  # empty when the sidecar was missing or unreadable
    kind: str = ""
    status: str = ""


def batch_purge(*, older_than: datetime.timedelta, dry_run: bool = False) -> list[PurgedBatch]:
    """Delete the batches uploaded longer than ``older_than`` ago: the upload, its sidecar and its kept
    check (they hold ID numbers and phones). A batch without a readable sidecar goes by its files'
    modification time. Only ``<uuid>.*`` files are touched. Returns what was (or would be) deleted."""
    directory = Batch.directory()
    if not directory.is_dir():
        return []
    groups: dict[str, list[Path]] = {}
    for path in directory.iterdir():
        key = path.name.split(".", 1)[0]
        try:
            if str(uuid.UUID(key)) != key:
                continue
        except ValueError:
            continue
        if path.is_file():
            groups.setdefault(key, []).append(path)
    cutoff = timezone.now() - older_than
    purged = []
    for key, paths in sorted(groups.items()):
        try:
            batch = Batch.load(key)
            entry = PurgedBatch(id=key, created_at=datetime.datetime.fromisoformat(batch.created_at), files=paths,
                                original_name=batch.original_name, kind=batch.kind, status=batch.status)
            if timezone.is_naive(entry.created_at):
                entry.created_at = timezone.make_aware(entry.created_at)
        except (BatchNotFound, TypeError, ValueError):
            try:
                newest = max(path.stat().st_mtime for path in paths)
            except OSError:  # deleted meanwhile
                continue
            entry = PurgedBatch(id=key, created_at=datetime.datetime.fromtimestamp(newest, tz=datetime.timezone.utc),
                                files=paths)
        if entry.created_at >= cutoff:
            continue
        if not dry_run:
            for path in paths:
                path.unlink(missing_ok=True)
        purged.append(entry)
    return purged


# --- results -------------------------------------------------------------------------------------

@dataclass
class RowError:
    code: str
    message: str
    column: str | None = None


@dataclass
class RowResult:
    number: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def cells(self, columns):
        failing = {e.column for e in self.errors}
        return [{"value": self.values.get(c.key, ""), "error": c.key in failing} for c in columns]


@dataclass
class ImportResult:
    kind: str
    columns: list[Column]
    rows: list[RowResult] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    ignored_headers: list[str] = field(default_factory=list)
    file_error: str = ""  # the file can no longer be read (checked at upload), or the database refused the rows

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def ok_count(self) -> int:
        return self.total - self.error_count

    @property
    def is_valid(self) -> bool:
        return not self.file_error and self.error_count == 0

    def summary(self) -> str:
        c = self.counts
        if self.kind == Kind.UNITS:
            return _("Rooms: %(units)s; new buildings: %(buildings)s; new entrances: %(entrances)s.") % {
                "units": c["units"], "buildings": c["buildings"], "entrances": c["entrances"]}
        if self.kind == Kind.PEOPLE:
            return _("New people in the archive: %(new)s; people already in the archive: %(existing)s; "
                     "room links (owner, resident, tenant): %(links)s.") % {
                "new": c["people_new"], "existing": c["people_existing"], "links": c["occupancies"]}
        return _("Vehicles: %(vehicles)s.") % {"vehicles": c["vehicles"]}

    def to_dict(self) -> dict:
        return {
            "kind": self.kind, "columns": [c.key for c in self.columns], "counts": dict(self.counts),
            "ignored_headers": self.ignored_headers, "file_error": self.file_error,
            "rows": [{"number": r.number, "values": r.values, "errors": [asdict(e) for e in r.errors]} for r in self.rows],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        by_key = {c.key: c for c in COLUMNS[data["kind"]]}
        return cls(
            kind=data["kind"], columns=[by_key[k] for k in data["columns"] if k in by_key], counts=Counter(data["counts"]),
            ignored_headers=data["ignored_headers"], file_error=data.get("file_error", ""),
            rows=[RowResult(number=r["number"], values=r["values"], errors=[RowError(**e) for e in r["errors"]])
                  for r in data["rows"]],
        )


class RowInvalid(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def _service_errors(exc: ValidationError, fields: dict[str, str]) -> list[RowError]:
    """A service's ValidationError as row errors, attached to our column where the field maps to one."""
    errors = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    for name, errs in items:
        for error in errs:
            message = error.message % error.params if error.params else error.message
            errors.append(RowError(code=error.code or "invalid", message=str(message), column=fields.get(name)))
    return errors


# --- cell parsing --------------------------------------------------------------------------------

class _Row:
    """Typed access to one row's cells; problems are collected, then raised together."""

    def __init__(self, raw: dict, columns: dict[str, Column]):
        self.raw, self.columns, self.errors = raw, columns, []

    def error(self, key, code, message):
        self.errors.append(RowError(code=code, message=str(message), column=key))

    def check(self):
        if self.errors:
            raise RowInvalid(self.errors)

    def text(self, key, *, upper=False, nfkc=True) -> str:
        """The cell as clean text. NFKC (full-width digits and letters to ASCII) except for names."""
        value = self.raw.get(key)
        column = self.columns.get(key)
        text = display(value)
        text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text) if nfkc else text).strip()
        if upper:
            text = text.upper()
        if column is not None:
            if column.required and not text:
                self.error(key, "required", _("%(column)s is required.") % {"column": column.label})
            elif column.max_length and len(text) > column.max_length:
                self.error(key, "too_long", _("%(column)s has more than %(max)s characters.")
                           % {"column": column.label, "max": column.max_length})
        return text

    def decimal(self, key, *, places=2) -> Decimal | None:
        text = self.text(key).replace(",", "").replace("㎡", "").replace("%", "").strip()
        if not text:
            return None
        try:
            return Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # not a number, infinite, NaN or absurdly large
            self.error(key, "invalid_number", _("%(column)s must be a number.") % {"column": self.columns[key].label})
            return None

    def integer(self, key) -> int | None:
        text = re.sub(r"[层楼F]$", "", self.text(key, upper=True))
        if not text:
            return None
        if not re.fullmatch(r"-?\d{1,4}", text):
            self.error(key, "invalid_number",
                       _("%(column)s must be a whole number.") % {"column": self.columns[key].label})
            return None
        return int(text)

    def date(self, key) -> datetime.date | None:
        value = self.raw.get(key)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel date serial shown as a number
            return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
        text = self.text(key)
        if not text:
            return None
        match = (re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?", text)
                 or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
        try:
            if match:
                return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
        self.error(key, "invalid_date",
                   _("%(column)s is not a valid date (use 2024-03-01).") % {"column": self.columns[key].label})
        return None

    def id_number_text(self, key) -> str:
        value = self.raw.get(key)
        if isinstance(value, float) or (isinstance(value, int) and len(str(abs(value))) > 15):
            # Excel keeps 15 significant digits: an 18-digit ID typed into a number cell has lost its tail.
            self.error(key, "id_number_as_number",
                       _("The ID number was saved as a number and Excel has changed its last digits: "
                         "format the column as text and type the number again."))
            return ""
        return self.text(key, upper=True)


def _choice(row: _Row, key: str, mapping: dict[str, str], choices, default: str | None = None) -> str | None:
    text = row.text(key)
    if not text:
        return default
    probe = _norm_header(text)
    if probe in mapping:
        return mapping[probe]
    for value, label in choices:
        if probe in (_norm_header(value), _norm_header(label)):
            return value
    row.error(key, "invalid_choice", _("%(column)s must be one of: %(choices)s.")
              % {"column": row.columns[key].label, "choices": "、".join(str(label) for _value, label in choices)})
    return None


USAGES = {"住宅": "residential", "住房": "residential", "商铺": "shop", "商业": "shop", "底商": "shop", "商用": "shop",
          "办公": "office", "写字楼": "office", "车位": "parking", "车库": "parking", "其他": "other", "其它": "other"}
ROLES = {"业主": "owner", "产权人": "owner", "住户": "resident", "居住人": "resident", "家属": "resident", "租户": "tenant",
         "承租人": "tenant", "租客": "tenant"}
ID_TYPES = {"身份证": "resident_id", "居民身份证": "resident_id", "二代身份证": "resident_id", "护照": "passport",
            "港澳通行证": "hk_macau", "回乡证": "hk_macau", "港澳居民来往内地通行证": "hk_macau", "台胞证": "taiwan",
            "台湾居民来往大陆通行证": "taiwan", "其他": "other", "其它": "other"}


def _strip_suffix(text: str, pattern: str) -> str:
    stripped = re.sub(pattern, "", text)
    return stripped or text


# --- row handlers --------------------------------------------------------------------------------
#
# A handler loads what the rows refer to once (rooms by code, people by ID document, active plates,
# buildings and entrances), then checks row after row against that in memory, in the file's order,
# through the services' own builders and checks (``services.*_new``, ``clean_without_queries``).
# A row that passes is added to the in-memory archive (later rows see it, as they would see it in
# the database) and to the handler's list of rows to insert; a row that fails adds nothing.
# ``write()`` then inserts everything set-based (``bulk_create``: the history triggers still fire).

class _Handler:
    kind: str
    service_fields: dict[str, str] = {}

    def __init__(self, *, community, actor, columns: list[Column], rows: list[tuple[int, dict]], lock: bool):
        self.community, self.actor = community, actor
        self.columns = {c.key: c for c in columns}
        self.seen: dict = {}  # in-file duplicate detection: key -> first row number

    def row(self, number: int, raw: dict) -> Counter:
        """Check one row; raise RowInvalid or ValidationError, or remember its writes and return its counts."""
        raise NotImplementedError

    def write(self) -> None:
        """Insert every row that passed (inside the caller's transaction)."""
        raise NotImplementedError

    def first_seen(self, key, number) -> int | None:
        first = self.seen.setdefault(key, number)
        return None if first == number else first


class _RoomsMixin:
    def load_rooms(self):
        self.unit_ids = dict(Unit.objects.filter(community=self.community).values_list("code", "id"))
        self.units: dict[str, Unit] = {}  # the rooms the rows name, as (unsaved-looking) objects with their ids
        self.building_names = set(Building.objects.filter(community=self.community).values_list("name", flat=True))

    def unit(self, code: str) -> Unit | None:
        if code not in self.units:
            pk = self.unit_ids.get(code)
            self.units[code] = None if pk is None else Unit(id=pk, community_id=self.community.pk, code=code)
        return self.units[code]

    @staticmethod
    def room_code(text: str):
        """The room code a cell names (3-2-1502, 3栋2单元1502室, ...) and the parts it was read from."""
        query = normalise_query(text)
        match = ROOM_RE.fullmatch(query)
        return (Unit.make_code(match["b"], match["e"], match["n"]) if match else query), match

    def lock_rooms(self, rows, key="room"):
        """Lock the file's rooms, as ``occupancy_start`` locks its room, before their occupants are read."""
        ids = set()
        for _number, raw in rows:
            if text := _Row(raw, self.columns).text(key, upper=True):
                if (pk := self.unit_ids.get(self.room_code(text)[0])) is not None:
                    ids.add(pk)
        list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))

    def resolve_room(self, row: _Row, key="room") -> Unit | None:
        text = row.text(key, upper=True)
        if not text:
            return None
        code, match = self.room_code(text)
        unit = self.unit(code)
        if unit is None:
            if match and match["b"] not in self.building_names:
                row.error(key, "unknown_building", _("There is no building %(building)s in this community.")
                          % {"building": match["b"]})
            else:
                row.error(key, "unknown_room", _("There is no room %(room)s in this community.") % {"room": text})
        return unit


class UnitsHandler(_Handler):
    kind = Kind.UNITS
    service_fields = {"number": "number", "area": "area", "floor": "floor", "usage": "usage", "entrance": "entrance",
                      "building": "building"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.codes = set(Unit.objects.filter(community=self.community).values_list("code", flat=True))
        self.buildings = {b.name: b for b in Building.objects.filter(community=self.community)}
        entrances = Entrance.objects.filter(building__community=self.community).select_related("building")
        self.entrances = {(e.building.name, e.name): e for e in entrances}
        self.new_buildings: list[Building] = []
        self.new_entrances: list[Entrance] = []
        self.new_units: list[Unit] = []

    def row(self, number, raw):
        row = _Row(raw, self.columns)
        building_name = _strip_suffix(row.text("building", upper=True), r"(栋|幢|号楼|楼|座|#)$")
        entrance_name = _strip_suffix(row.text("entrance", upper=True), r"(单元|门)$")
        room_number = _strip_suffix(row.text("number", upper=True), r"(室|号)$")
        floor = row.integer("floor")
        area = row.decimal("area")
        if area is not None and area < 0:
            row.error("area", "invalid_number", _("The floor area cannot be negative."))
        usage = _choice(row, "usage", USAGES, Unit.Usage.choices, default=Unit.Usage.RESIDENTIAL)
        row.check()
        code = Unit.make_code(building_name, entrance_name or None, room_number)
        if first := self.first_seen(code, number):
            row.error("number", "duplicate_in_file",
                      _("Room %(room)s is also in row %(row)s of this file.") % {"room": code, "row": first})
        elif code in self.codes:
            row.error("number", "duplicate_archive", _("Room %(room)s is already in the archive.") % {"room": code})
        row.check()

        building = self.buildings.get(building_name)
        new_building = None
        if building is None:
            building = new_building = services.building_new(community=self.community, name=building_name)
            services.clean_without_queries(new_building)
        entrance = None
        new_entrance = None
        if entrance_name:
            entrance = self.entrances.get((building.name, entrance_name))
            if entrance is None:
                entrance = new_entrance = services.entrance_new(building=building, name=entrance_name)
                services.clean_without_queries(new_entrance)
        unit = services.unit_new(building=building, entrance=entrance, number=room_number, area=area, usage=usage,
                                 floor=floor)
        services.clean_without_queries(unit)

        counts = Counter(units=1)
        if new_building is not None:
            self.buildings[building_name] = new_building
            self.new_buildings.append(new_building)
            counts["buildings"] += 1
        if new_entrance is not None:
            self.entrances[(building.name, entrance_name)] = new_entrance
            self.new_entrances.append(new_entrance)
            counts["entrances"] += 1
        self.codes.add(code)
        self.new_units.append(unit)
        return counts

    def write(self):
        Building.objects.bulk_create(self.new_buildings)
        Entrance.objects.bulk_create(self.new_entrances)  # building ids: the rows just inserted
        Unit.objects.bulk_create(self.new_units)


def _person_token(person: Person):
    """A person's identity in the handler: the id, or the object itself for a person not saved yet."""
    return person.pk if person.pk is not None else ("new", id(person))


class PeopleHandler(_RoomsMixin, _Handler):
    kind = Kind.PEOPLE
    service_fields = {"name": "name", "id_number": "id_number", "id_type": "id_type", "phone": "phone", "share": "share",
                      "start_date": "start_date"}

    def __init__(self, *, rows, lock, **kwargs):
        super().__init__(rows=rows, lock=lock, **kwargs)
        self.load_rooms()
        if lock:
            self.lock_rooms(rows)
        self.id_owners: dict[tuple[str, str], tuple[str, int]] = {}  # (id_type, id_number) -> (name, first row)
        self.today = timezone.localdate()
        # The archive's people as person_find_or_create looks for them: by ID document, else by name and
        # phone (the lowest id first, as its .first() does). Materialised as Person objects when a row uses them.
        self.by_document: dict[tuple[str, str], int | Person] = {}
        self.by_name_phone: dict[tuple[str, str], int | Person] = {}
        self.names: dict[int, str] = {}
        people = Person.objects.filter(community=self.community).order_by("id")
        for pk, name, phone, id_type, id_number in people.values_list("id", "name", "phone", "id_type", "id_number"):
            self.names[pk] = name
            if id_number:
                self.by_document.setdefault((id_type, id_number), pk)
            if phone:
                self.by_name_phone.setdefault((name, phone), pk)
        self.materialised: dict[int, Person] = {}
        # Current occupancies: who holds which role in which room, and the owners' shares per room.
        self.active: set[tuple] = set()
        self.held: dict[int, Decimal | int] = {}
        occupancies = Occupancy.objects.filter(unit__community=self.community, end_date__isnull=True)
        for unit_id, person_id, kind, share in occupancies.values_list("unit_id", "person_id", "kind", "share"):
            self.active.add((unit_id, person_id, kind))
            if kind == Occupancy.Kind.OWNER and share is not None:
                self.held[unit_id] = self.held.get(unit_id, 0) + share
        self.new_people: list[Person] = []
        self.new_occupancies: list[Occupancy] = []

    def person(self, ref: int | Person | None) -> Person | None:
        if ref is None or isinstance(ref, Person):
            return ref
        if ref not in self.materialised:
            self.materialised[ref] = Person(id=ref, community_id=self.community.pk, name=self.names[ref])
        return self.materialised[ref]

    def find(self, probe: Person) -> Person | None:
        if probe.id_number:
            return self.person(self.by_document.get((probe.id_type, probe.id_number)))
        if probe.phone:
            return self.person(self.by_name_phone.get((probe.name, probe.phone)))
        return None

    def row(self, number, raw):
        row = _Row(raw, self.columns)
        unit = self.resolve_room(row)
        kind = _choice(row, "role", ROLES, Occupancy.Kind.choices)
        name = row.text("name", nfkc=False)
        id_type = _choice(row, "id_type", ID_TYPES, IdType.choices, default=IdType.RESIDENT_ID)
        id_number = row.id_number_text("id_number")
        if id_number and id_type:
            try:
                id_number = clean_id_document(id_type, id_number)
            except ValidationError as exc:
                for error in exc.error_list:
                    row.error("id_number", error.code or "invalid", error.message)
        phone = row.text("phone")
        try:
            phone = clean_phone(phone)
        except ValidationError as exc:
            row.error("phone", exc.error_list[0].code or "phone", exc.error_list[0].message)
        share = row.decimal("share")
        if share is not None:
            if kind and kind != Occupancy.Kind.OWNER:
                row.error("share", "share_not_owner",
                          _("Only owners have an ownership share: leave it empty for residents and tenants."))
            elif not Decimal("0") < share <= Decimal("100"):
                row.error("share", "invalid_number", _("The ownership share must be more than 0 and at most 100."))
        start_date = row.date("start_date") or self.today
        row.check()

        person_key = (id_type, id_number) if id_number else (name, phone)
        if first := self.first_seen((unit.code, kind, person_key), number):
            row.error("name", "duplicate_in_file",
                      _("The same person, room and role are in row %(row)s of this file.") % {"row": first})
        if id_number:
            other_name, other_row = self.id_owners.setdefault((id_type, id_number), (name, number))
            if other_name != name:
                row.error("id_number", "duplicate_in_file",
                          _("This ID number is given for %(name)s in row %(row)s of this file.")
                          % {"name": other_name, "row": other_row})
            elif other_row == number:
                existing = self.person(self.by_document.get((id_type, id_number)))
                if existing is not None and existing.name != name:
                    row.error("id_number", "duplicate_person", _("This ID number belongs to %(name)s in the archive.")
                              % {"name": existing.name})
        row.check()

        # person_find_or_create, against the archive in memory
        probe = services.person_new(community=self.community, name=name, id_type=id_type, id_number=id_number,
                                    phone=phone)
        person = services.person_reuse(probe=probe, existing=self.find(probe))
        created = person is None
        if created:
            person = probe
            services.clean_without_queries(person)
        elif (unit.pk, _person_token(person), kind) in self.active:
            row.error("name", "duplicate_person",
                      _("%(name)s is already recorded as %(role)s of %(room)s in the archive.")
                      % {"name": person.name, "role": Occupancy.Kind(kind).label, "room": unit.code})
            row.check()
        # occupancy_start, against the archive in memory (the rooms are locked when importing)
        occupancy = services.occupancy_new(unit=unit, person=person, kind=kind, start_date=start_date, share=share,
                                           held=self.held.get(unit.pk, 0), actor=self.actor)
        services.clean_without_queries(occupancy)

        if created:
            self.new_people.append(person)
            if person.id_number:
                self.by_document.setdefault((person.id_type, person.id_number), person)
            if person.phone:
                self.by_name_phone.setdefault((person.name, person.phone), person)
        self.active.add((unit.pk, _person_token(person), kind))
        if occupancy.share is not None:  # as the database returns the sum: numeric(5, 2)
            self.held[unit.pk] = self.held.get(unit.pk, 0) + occupancy.share.quantize(Decimal("0.01"))
        self.new_occupancies.append(occupancy)
        return Counter(people_new=int(created), people_existing=int(not created), occupancies=1)

    def write(self):
        Person.objects.bulk_create(self.new_people)
        Occupancy.objects.bulk_create(self.new_occupancies)  # person ids: the rows just inserted


class VehiclesHandler(_RoomsMixin, _Handler):
    kind = Kind.VEHICLES
    service_fields = {"plate": "plate", "unit": "room", "owner": "owner", "description": "description"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.load_rooms()
        active = Vehicle.objects.filter(community=self.community, is_active=True)
        self.plates = set(active.values_list("plate", flat=True))
        # A room's current owners, residents and tenants by name: (unit id, name) -> (person id, community id),
        # the lowest person id first.
        self.occupants: dict[tuple[int, str], tuple[int, int]] = {}
        occupancies = (Occupancy.objects.filter(unit__community=self.community, end_date__isnull=True)
                       .order_by("person_id").values_list("unit_id", "person__name", "person_id", "person__community_id"))
        for unit_id, name, *person in occupancies:
            self.occupants.setdefault((unit_id, name), tuple(person))
        self.new_vehicles: list[Vehicle] = []

    def row(self, number, raw):
        row = _Row(raw, self.columns)
        plate = row.text("plate", upper=True)
        if plate:
            try:
                plate, _new_energy = clean_plate(plate)
            except ValidationError as exc:
                row.error("plate", exc.error_list[0].code or "plate", exc.error_list[0].message)
        unit = self.resolve_room(row)
        owner_name = row.text("owner", nfkc=False)
        description = row.text("description", nfkc=False)
        row.check()

        if first := self.first_seen(plate, number):
            row.error("plate", "duplicate_in_file",
                      _("The plate %(plate)s is also in row %(row)s of this file.") % {"plate": plate, "row": first})
        elif plate in self.plates:
            row.error("plate", "duplicate_plate",
                      _("The plate %(plate)s is already registered in this community.") % {"plate": plate})
        owner = None
        if owner_name:
            if person := self.occupants.get((unit.pk, owner_name)):
                owner = Person(id=person[0], community_id=person[1], name=owner_name)
            else:
                row.error("owner", "unknown_owner", _("%(name)s is not a current owner, resident or tenant of %(room)s.")
                          % {"name": owner_name, "room": unit.code})
        row.check()
        vehicle = services.vehicle_new(community=self.community, plate=plate, unit=unit, owner=owner,
                                       description=description)
        services.clean_without_queries(vehicle)
        self.plates.add(vehicle.plate)
        self.new_vehicles.append(vehicle)
        return Counter(vehicles=1)

    def write(self):
        Vehicle.objects.bulk_create(self.new_vehicles)


HANDLERS = {Kind.UNITS: UnitsHandler, Kind.PEOPLE: PeopleHandler, Kind.VEHICLES: VehiclesHandler}


# --- running an import ---------------------------------------------------------------------------

WRITE_ATTEMPTS = 3


def _check_rows(*, sheet: Sheet, kind: str, community, actor, lock: bool) -> tuple[ImportResult, _Handler]:
    result = ImportResult(kind=kind, columns=sheet.columns, ignored_headers=sheet.ignored_headers)
    handler = HANDLERS[kind](community=community, actor=actor, columns=sheet.columns, rows=sheet.rows, lock=lock)
    for number, raw in sheet.rows:
        row = RowResult(number=number, values={key: display(value) for key, value in raw.items()})
        try:
            result.counts.update(handler.row(number, raw))
        except RowInvalid as exc:
            row.errors = exc.errors
        except ValidationError as exc:
            row.errors = _service_errors(exc, handler.service_fields)
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

        def mark_imported():
            batch.status, batch.imported_at, batch.result_url = Batch.IMPORTED, timezone.now().isoformat(), url
            batch.counts = dict(result.counts)
            batch.save()

        transaction.on_commit(mark_imported)
    return ConfirmOutcome(result=result, url=url)


def batch_is_imported(batch: Batch) -> bool:
    """The database is the truth (the sidecar is written after commit and could lag behind a crash)."""
    from core.models import IdempotencyKey

    if batch.is_imported:
        return True
    return IdempotencyKey.objects.filter(key=batch.id, user_id=batch.user_id).exists()
