"""Reads of the duty log, scoped to the user's communities, and the check of its hash chain.

Every list here costs a fixed number of queries whatever the number of rows (tests/duty/test_log.py
counts them): joins are decided once, here."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.dates import day_bounds
from frontdesk.models import Unit
from frontdesk.scoping import scope

from ..chain import _SORTED_FIELDS, GENESIS, _row_payload
from ..models import DutyLogChain, DutyLogEntry

SINCE_HANDOVER_LIMIT = 300


def units_of(community):
    return Unit.objects.filter(community=community).select_related("building", "entrance")


def _entries():
    return (DutyLogEntry.objects
            .select_related("author", "unit__building", "unit__entrance", "corrects", "follow_up_of")
            .prefetch_related(
                Prefetch("corrections", queryset=DutyLogEntry.objects.only("id", "seq", "corrects_id").order_by("seq"),
                         to_attr="correction_list"),
                Prefetch("follow_ups", queryset=DutyLogEntry.objects.only("id", "seq", "follow_up_of_id", "closes_follow_up")
                         .filter(closes_follow_up=True).order_by("seq"), to_attr="closing_list"),
            ))


CALLS_AND_VISITS = (DutyLogEntry.Kind.CALL, DutyLogEntry.Kind.VISIT)


def day_entries(*, community, date: datetime.date, kinds=()):
    """The day's log, oldest first (newest last), with authors, rooms, what each corrects and what corrects it;
    ``kinds``: only entries of those kinds. Three queries whatever the number of entries."""
    start, end = day_bounds(date)
    qs = _entries().filter(community=community, occurred_at__gte=start, occurred_at__lt=end)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("occurred_at", "seq")


def entries_since(*, community, after_seq: int, limit: int = SINCE_HANDOVER_LIMIT):
    """The log since the previous handover (what the incoming clerk reads), oldest first; the last ``limit``."""
    qs = _entries().filter(community=community, seq__gt=after_seq).order_by("-seq")[:limit]
    return sorted(qs, key=lambda e: e.seq)


def open_follow_ups(*, community):
    """Entries that asked for a follow-up and have not been closed by a later entry, important first."""
    return (DutyLogEntry.objects.filter(community=community, follow_up_needed=True)
            .exclude(follow_ups__closes_follow_up=True)
            .select_related("author", "unit__building", "unit__entrance")
            .order_by("-important", "seq"))


def last_seq(*, community) -> int:
    return DutyLogEntry.objects.filter(community=community).aggregate(m=Max("seq"))["m"] or 0


def entry_for(*, user, pk) -> DutyLogEntry:
    """One entry of the user's communities, with its author and room; a foreign one is a 404."""
    qs = DutyLogEntry.objects.select_related("community", "author", "unit__building", "unit__entrance")
    return get_object_or_404(scope(qs, user), pk=pk)


def day_last_seq(*, community, date: datetime.date) -> int:
    """The number of the day's last entry (0 when the day has none)."""
    start, end = day_bounds(date)
    return (DutyLogEntry.objects.filter(community=community, occurred_at__gte=start, occurred_at__lt=end)
            .aggregate(m=Max("seq"))["m"] or 0)


def closed_by(*, entry: DutyLogEntry) -> int | None:
    """The number of the entry that closed ``entry``'s follow-up, or None while it is open."""
    return entry.follow_ups.filter(closes_follow_up=True).values_list("seq", flat=True).first()


@dataclass(frozen=True)
class ChainReport:
    community_id: int
    checked: int
    ok: bool
    broken_seq: int | None = None
    problem: str = ""


def verify_chain(*, community, batch_size: int = 20000, using: str = "default") -> ChainReport:
    """Walk the community's log in order; stop at the first broken link.

    Reads only the hashed columns as tuples (no model instances) through a server-side cursor:
    3 years of a busy desk (~100k entries) verify in about a second (bench/duty_log.py)."""
    sha256 = hashlib.sha256
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    seq_at, prev_at = _SORTED_FIELDS.index("seq"), _SORTED_FIELDS.index("prev_hash")
    rows = (DutyLogEntry.objects.using(using).filter(community=community).order_by("seq")
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
    head = DutyLogChain.objects.using(using).filter(community=community).first()
    if head and head.last_seq != checked:
        return ChainReport(community.pk, checked, False, checked + 1,
                           _("The last %(n)s entries are missing (removed).") % {"n": head.last_seq - checked})
    return ChainReport(community.pk, checked, True)


def chain_problems(*, using: str = "default") -> list[str]:
    """Every community's chain checked (for ``core.integrity``): the first break of each, as text."""
    from frontdesk.models import Community

    problems = []
    for community in Community.objects.using(using).order_by("pk"):
        report = verify_chain(community=community, using=using)
        if not report.ok:
            problems.append(f"{community.name}: {report.problem}")
    return problems
