"""The duty log's hash chain: what an entry's hash covers and how it is computed. Each entry carries
``sha256(its content fields + the previous entry's hash)``, so an altered or removed row breaks the chain.
Written by ``duty.services.log.entry_append``, checked by ``duty.selectors.log.verify_chain``: one
definition for both, kept apart from either so that the writer and the reader need not import each other."""

import datetime
import hashlib
import json

from .models import DutyLogEntry

GENESIS = "0" * 64
HASHED_FIELDS = ("community_id", "seq", "author_id", "assignment_id", "occurred_at", "recorded_at", "kind", "content",
                 "handling", "follow_up_needed", "important", "unit_id", "reference", "corrects_id", "follow_up_of_id",
                 "closes_follow_up", "prev_hash")


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


_SORTED_FIELDS = tuple(sorted(HASHED_FIELDS))
_UTC = datetime.UTC
_encode_str = json.encoder.encode_basestring  # the json module's own (C) escaper for ensure_ascii=False


def _payload(values) -> str:
    """json.dumps(dict(zip(_SORTED_FIELDS, values)), ensure_ascii=False, sort_keys=True), for any values."""
    return json.dumps({field: _canonical(value) for field, value in zip(_SORTED_FIELDS, values, strict=True)},
                      ensure_ascii=False, sort_keys=True)


def _hash_values(values) -> str:
    return hashlib.sha256(_payload(values).encode()).hexdigest()


def _compile_row_payload():
    """The same JSON text as ``_payload`` for rows as the database returns them (ids int or None,
    booleans, strings, aware datetimes), written out as one expression per column: no dict, no sort,
    no per-value function dispatch. Verifying 3 years (~100k entries) calls it 100k times;
    tests/duty/test_log.py checks it byte for byte against ``_payload``."""
    kinds = {f.attname: f.get_internal_type() for f in DutyLogEntry._meta.concrete_fields}
    parts = []
    for i, field in enumerate(_SORTED_FIELDS):
        kind = kinds[field]
        if kind == "BooleanField":
            expr = f'("true" if r[{i}] else "false")'
        elif kind in ("CharField", "TextField"):
            expr = f"enc(r[{i}])"
        elif kind == "DateTimeField":
            expr = f"('\"' + r[{i}].astimezone(UTC).isoformat(timespec='microseconds') + '\"')"
        else:  # integer columns and foreign keys, possibly NULL
            expr = f'("null" if r[{i}] is None else int_repr(r[{i}]))'
        parts.append(f"'\"{field}\": ' + {expr}")
    source = "def row_payload(r):\n    return '{' + " + " + ', ' + ".join(parts) + " + '}'\n"
    namespace = {"enc": _encode_str, "UTC": _UTC, "int_repr": int.__repr__}
    exec(compile(source, "<duty-log-row-payload>", "exec"), namespace)  # noqa: S102 - built from model metadata only
    return namespace["row_payload"]


_row_payload = _compile_row_payload()


def entry_hash(entry: DutyLogEntry) -> str:
    return _hash_values([getattr(entry, field) for field in _SORTED_FIELDS])
