"""The duty log (值班记录): append-only, numbered gaplessly per community, hash-chained.

``entry_append`` locks the community's chain head, so concurrent clerks get consecutive numbers
and each entry's ``prev_hash`` is the hash of the entry before it (``duty.chain``). The check of the
chain is a read: ``duty.selectors.log.verify_chain``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text

from ..chain import GENESIS, entry_hash
from ..models import DutyLogChain, DutyLogEntry
from ..selectors.log import closed_by


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
