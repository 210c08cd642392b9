"""Rows: typed access to a row's cells (problems collected, then raised together) and the check's results."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .columns import COLUMNS, Column, Kind, norm_header
from .files import display


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


def service_errors(exc: ValidationError, fields: dict[str, str]) -> list[RowError]:
    """A service's ValidationError as row errors, attached to our column where the field maps to one."""
    errors = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    for name, errs in items:
        for error in errs:
            message = error.message % error.params if error.params else error.message
            errors.append(RowError(code=error.code or "invalid", message=str(message), column=fields.get(name)))
    return errors


class Row:
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


def choice(row: Row, key: str, mapping: dict[str, str], choices, default: str | None = None) -> str | None:
    text = row.text(key)
    if not text:
        return default
    probe = norm_header(text)
    if probe in mapping:
        return mapping[probe]
    for value, label in choices:
        if probe in (norm_header(value), norm_header(label)):
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


def strip_suffix(text: str, pattern: str) -> str:
    stripped = re.sub(pattern, "", text)
    return stripped or text
