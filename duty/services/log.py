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

GENESIS = "0" * 64
HASHED_FIELDS = ("community_id", "seq", "author_id", "assignment_id", "occurred_at", "recorded_at", "kind", "content",
                 "handling", "follow_up_needed", "important", "unit_id", "reference", "corrects_id", "follow_up_of_id",
                 "closes_follow_up", "prev_hash")


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


def entry_hash(entry: DutyLogEntry) -> str:
    payload = {field: _canonical(getattr(entry, field)) for field in HASHED_FIELDS}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


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
    chain, _created = DutyLogChain.objects.get_or_create(community=community)
    chain = DutyLogChain.objects.select_for_update().get(pk=chain.pk)
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


def verify_chain(*, community, batch_size: int = 5000) -> ChainReport:
    """Walk the community's log in order; stop at the first broken link."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    entries = DutyLogEntry.objects.filter(community=community).order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainReport(community.pk, checked, False, expected_seq,
                               _("Entry no. %(seq)s is missing (removed).") % {"seq": expected_seq})
        if entry.prev_hash != expected_prev:
            return ChainReport(community.pk, checked, False, entry.seq,
                               _("Entry no. %(seq)s does not follow the entry before it.") % {"seq": entry.seq})
        if entry_hash(entry) != entry.hash:
            return ChainReport(community.pk, checked, False, entry.seq,
                               _("Entry no. %(seq)s was altered after it was written.") % {"seq": entry.seq})
        expected_prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = DutyLogChain.objects.filter(community=community).first()
    if head and head.last_seq != checked:
        return ChainReport(community.pk, checked, False, checked + 1,
                           _("The last %(n)s entries are missing (removed).") % {"n": head.last_seq - checked})
    return ChainReport(community.pk, checked, True)


def open_follow_ups(*, community):
    """Entries that asked for a follow-up and have not been closed by a later entry."""
    return (DutyLogEntry.objects.filter(community=community, follow_up_needed=True)
            .exclude(follow_ups__closes_follow_up=True)
            .select_related("author", "unit__building", "unit__entrance")
            .order_by("seq"))
