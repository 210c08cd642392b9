"""The duty log (值班记录): append-only, numbered gaplessly per community, hash-chained.

``entry_append`` locks the community's chain head, so concurrent clerks get consecutive numbers
and each entry's ``prev_hash`` is the hash of the entry before it. ``verify_chain`` recomputes
every hash in order and reports the first broken link: an altered entry (its hash no longer
matches its content), a removed one (a gap in the numbers, or a ``prev_hash`` that matches nothing).
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text

from ..models import DutyLogChain, DutyLogEntry
from ..selectors.log import closed_by

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
    return json.dumps({field: _canonical(value) for field, value in zip(_SORTED_FIELDS, values)},
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


def _lock_chain(community) -> DutyLogChain:
    """The community's chain head, created on the first entry, locked until the transaction ends."""
    chain, _created = DutyLogChain.objects.get_or_create(community=community)
    return DutyLogChain.objects.select_for_update().get(pk=chain.pk)


@transaction.atomic
def entry_append(*, community, author, kind: str, content: str, handling: str = "", occurred_at=None,
                 follow_up_needed: bool = False, important: bool = False, unit=None, reference: str = "",
                 corrects: DutyLogEntry | None = None, follow_up_of: DutyLogEntry | None = None,
                 closes_follow_up: bool = False, assignment=None) -> DutyLogEntry:
    content, handling = clean_text(content), clean_text(handling)
    if not content:
        raise ValidationError({"content": _("Write what happened.")})
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("The time cannot be in the future.")})
    for related, field in ((corrects, "corrects"), (follow_up_of, "follow_up_of"), (unit, "unit")):
        if related is not None and related.community_id != community.pk:
            raise ValidationError({field: _("This belongs to another community.")})
    if closes_follow_up and follow_up_of is None:
        raise ValidationError({"follow_up_of": _("Say which entry's follow-up this closes.")})
    chain = _lock_chain(community)
    entry = DutyLogEntry(
        community=community, seq=chain.last_seq + 1, author=author, assignment=assignment, occurred_at=occurred_at,
        recorded_at=now, kind=kind, content=content, handling=handling, follow_up_needed=follow_up_needed,
        important=important, unit=unit, reference=clean_text(reference), corrects=corrects,
        follow_up_of=follow_up_of, closes_follow_up=closes_follow_up, prev_hash=chain.last_hash or GENESIS,
    )
    entry.hash = entry_hash(entry)
    entry.full_clean()
    entry.save(force_insert=True)
    chain.last_seq, chain.last_hash = entry.seq, entry.hash
    chain.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    community_id: int
    checked: int
    ok: bool
    broken_seq: int | None = None
    problem: str = ""


def verify_chain(*, community, batch_size: int = 20000) -> ChainReport:
    """Walk the community's log in order; stop at the first broken link.

    Reads only the hashed columns as tuples (no model instances) through a server-side cursor:
    3 years of a busy desk (~100k entries) verify in about a second (bench/duty_log.py)."""
    sha256 = hashlib.sha256
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    seq_at, prev_at = _SORTED_FIELDS.index("seq"), _SORTED_FIELDS.index("prev_hash")
    rows = (DutyLogEntry.objects.filter(community=community).order_by("seq")
            .values_list(*_SORTED_FIELDS, "hash").iterator(chunk_size=batch_size))
    for row in rows:
        seq, prev_hash, stored = row[seq_at], row[prev_at], row[-1]
        if seq != expected_seq:
            return ChainReport(community.pk, checked, False, expected_seq,
                               _("Entry no. %(seq)s is missing (removed).") % {"seq": expected_seq})
        if prev_hash != expected_prev:
            return ChainReport(community.pk, checked, False, seq,
                               _("Entry no. %(seq)s does not follow the entry before it.") % {"seq": seq})
        if sha256(_row_payload(row).encode()).hexdigest() != stored:
            return ChainReport(community.pk, checked, False, seq,
                               _("Entry no. %(seq)s was altered after it was written.") % {"seq": seq})
        expected_prev, expected_seq, checked = stored, expected_seq + 1, checked + 1
    head = DutyLogChain.objects.filter(community=community).first()
    if head and head.last_seq != checked:
        return ChainReport(community.pk, checked, False, checked + 1,
                           _("The last %(n)s entries are missing (removed).") % {"n": head.last_seq - checked})
    return ChainReport(community.pk, checked, True)




@transaction.atomic
def entry_correct(*, entry: DutyLogEntry, author, content: str, handling: str = "", kind: str | None = None,
                  occurred_at=None, follow_up_needed: bool = False, important: bool = False, unit=None,
                  reference: str = "") -> DutyLogEntry:
    """A correction is a new entry that references the one it corrects; the original stays as written."""
    _lock_chain(entry.community)
    return entry_append(community=entry.community, author=author, kind=kind or entry.kind, content=content,
                        handling=handling, occurred_at=occurred_at or entry.occurred_at,
                        follow_up_needed=follow_up_needed, important=important, unit=unit, reference=reference,
                        corrects=entry)


@transaction.atomic
def follow_up_close(*, entry: DutyLogEntry, author, content: str, handling: str = "", occurred_at=None,
                    kind: str | None = None) -> DutyLogEntry:
    """Close an open follow-up with a new entry (``follow_up_of`` + ``closes_follow_up``).

    The chain head is locked first, so two clerks closing the same follow-up at once get one closing
    entry and one clear message."""
    _lock_chain(entry.community)
    if not entry.follow_up_needed:
        raise ValidationError(_("Entry no. %(seq)s did not ask for a follow-up.") % {"seq": entry.seq})
    by = closed_by(entry=entry)
    if by is not None:
        raise ValidationError(_("Entry no. %(seq)s was already closed by no. %(by)s.") % {"seq": entry.seq, "by": by})
    return entry_append(community=entry.community, author=author, kind=kind or entry.kind, content=content,
                        handling=handling, occurred_at=occurred_at, unit=entry.unit, reference=entry.reference,
                        follow_up_of=entry, closes_follow_up=True)
