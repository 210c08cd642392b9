"""交接班: the outgoing clerk hands over the desk; the incoming one reads the log,
counts the shared items, takes over the pending work, and both sign with their password.

Order: ``handover_start`` (outgoing) → ``handover_sign_outgoing`` (outgoing, password) →
``handover_accept`` (incoming, on their own session: counts, take-overs, password) which completes it.
Until the incoming clerk signs, the handover stays open and the outgoing shift is not released.
An important pending job that the incoming clerk does not take over blocks completion unless a
supervisor overrides it with a reason (``handover_override``). One open handover per community
(``Handover.Meta.constraints``). Every status move locks the row first.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from core.db import save_unique
from core.notifications import notify
from core.text import clean_text
from frontdesk.registry import handover_sources

from ..models import (
    DutyLogEntry,
    Handover,
    HandoverItemCount,
    HandoverPendingItem,
    HandoverRegisterLine,
    SharedItem,
)
from ..selectors import handover as selectors
from ..selectors.log import last_seq, open_follow_ups
from .log import entry_append


def _check_password(user, password: str, field: str = "password") -> None:
    if not password or not user.check_password(password):
        raise ValidationError({field: _("Wrong password. Type your own login password.")})


def _locked(handover: Handover) -> Handover:
    """The handover's row, locked, while it is still open (a completed one accepts no signature or override)."""
    locked = Handover.objects.select_for_update().select_related("outgoing", "incoming", "community").get(pk=handover.pk)
    if Handover.Status.COMPLETED not in Handover.TRANSITIONS[Handover.Status(locked.status)]:
        raise ValidationError(_("This handover is already completed."))
    return locked


def _already_open_message(community) -> str:
    current = selectors.handover_open(community=community)
    if current is None:
        return _("A handover is already in progress.")
    return _("A handover is already in progress: %(out)s to %(in)s, started %(at)s. Finish it first.") % {
        "out": current.outgoing.display_name, "in": current.incoming.display_name,
        "at": timezone.localtime(current.started_at).strftime("%m-%d %H:%M")}


@transaction.atomic
def handover_start(*, community, incoming, notes: str = "", actor) -> Handover:
    """The outgoing clerk (``actor``) starts handing the desk over to ``incoming``.

    Snapshots the community's open follow-ups as pending items (important ones marked)."""
    if incoming is None or not selectors.hand_over_candidates(community=community, exclude=actor).filter(pk=incoming.pk).exists():
        raise ValidationError({"incoming": _("Choose a clerk of this community other than yourself.")})
    if selectors.handover_open(community=community) is not None:
        raise ValidationError(_already_open_message(community))
    now = timezone.now()
    handover = Handover(
        community=community, outgoing=actor, incoming=incoming, started_at=now, notes=clean_text(notes),
        outgoing_assignment=selectors.current_assignment(community=community, user=actor, at=now),
        incoming_assignment=selectors.incoming_assignment(community=community, user=incoming, at=now),
    )
    handover.full_clean(validate_constraints=False)
    # A second clerk who started one at the same moment: the message names it, read once that one is committed.
    save_unique(handover, field=None, message=lazy(_already_open_message, str)(community), clean=False,
                force_insert=True)
    HandoverPendingItem.objects.bulk_create(
        HandoverPendingItem(handover=handover, entry=entry, important=entry.important)
        for entry in open_follow_ups(community=community))
    HandoverRegisterLine.objects.bulk_create(registers_snapshot(handover))
    url = reverse("duty:handover_detail", args=[handover.pk])
    transaction.on_commit(lambda: notify(
        users=[incoming], title=_("%(name)s is handing the desk over to you") % {"name": actor.display_name},
        body=_("Read the log, count the items and sign to take over."), url=url))
    return handover


@transaction.atomic
def registers_snapshot(handover: Handover) -> list[HandoverRegisterLine]:
    """The counter's registers as they stand now (visitors on site, keys out, parcels waiting, slips
    issued today…), one row per line of every registered handover source, in the sources' order."""
    rows = []
    for source in handover_sources():
        for line in source.lines(handover.community):
            rows.append(HandoverRegisterLine(
                handover=handover, source=source.key[:40], label=str(source.label)[:60], text=str(line.text)[:300],
                url=(line.url or "")[:300], sort=len(rows), confirm_required=source.confirm))
    return rows


@transaction.atomic
def handover_sign_outgoing(*, handover: Handover, password: str, actor) -> Handover:
    """The outgoing clerk signs first, from their own login."""
    handover = _locked(handover)
    if actor.pk != handover.outgoing_id:
        raise ValidationError(_("Only %(name)s, the outgoing clerk, signs here.") % {"name": handover.outgoing.display_name})
    if handover.outgoing_signed_at:
        raise ValidationError(_("You have already signed this handover."))
    _check_password(actor, password)
    handover.outgoing_signed_at = timezone.now()
    handover.save(update_fields=["outgoing_signed_at"])
    return handover


@transaction.atomic
def handover_override(*, handover: Handover, reason: str, actor) -> Handover:
    """A supervisor lets the handover complete although an important job is not taken over (reason recorded)."""
    handover = _locked(handover)
    reason = clean_text(reason)
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the handover may go ahead.")})
    if not selectors.has_important_pending(handover=handover):
        raise ValidationError(_("This handover has no important unfinished job: nothing to override."))
    if handover.override_by_id:
        raise ValidationError(_("Already overridden by %(name)s.") % {"name": handover.override_by.display_name})
    handover.override_by, handover.override_reason = actor, reason
    handover.save(update_fields=["override_by", "override_reason"])
    return handover


def late_minutes(assignment, accepted_at: datetime.datetime) -> int:
    """Minutes the incoming clerk was late: from their assignment's start to the moment they ACCEPTED
    (signed) the handover — the moment they actually took over the desk. 0 without a roster assignment."""
    if assignment is None or accepted_at <= assignment.starts_at:
        return 0
    return int((accepted_at - assignment.starts_at).total_seconds() // 60)


@transaction.atomic
def handover_accept(*, handover: Handover, counts: dict, taken: dict, read_up_to: int, password: str, actor,
                    confirmed: dict | None = None) -> Handover:
    """The incoming clerk, on their own session, confirms the items, takes over the pending work and signs.

    ``counts``: {shared item id: (counted, condition, note)} for every item in use;
    ``taken``: {pending item id: (taken_over, note)}; ``read_up_to``: the last log number shown to them;
    ``confirmed``: {register line id: (confirmed, note)} for the lines to confirm (keys out): each is
    confirmed, or not with a note saying what was found.
    Errors name the form fields (``count_<id>``, ``note_<id>``, ``take_<id>``, ``confirm_<id>``, ``password``)."""
    handover = _locked(handover)
    if actor.pk != handover.incoming_id:
        raise ValidationError(_("Only %(name)s, the incoming clerk, signs here, from their own login.") % {
            "name": handover.incoming.display_name})
    if not handover.outgoing_signed_at:
        raise ValidationError(_("%(name)s, the outgoing clerk, signs first.") % {"name": handover.outgoing.display_name})
    _check_password(actor, password)

    errors = {}
    items = list(selectors.shared_items(community=handover.community))
    rows = []
    for item in items:
        if item.pk not in counts:
            errors[f"count_{item.pk}"] = _("Count this item.")
            continue
        counted, condition, note = counts[item.pk]
        note = clean_text(note or "")
        if counted is None or counted < 0:
            errors[f"count_{item.pk}"] = _("Count this item.")
            continue
        if condition not in HandoverItemCount.Condition.values:
            errors[f"condition_{item.pk}"] = _("Choose a condition.")
            continue
        if counted < item.expected_count and condition == HandoverItemCount.Condition.OK:
            errors[f"condition_{item.pk}"] = _("Fewer than expected: mark it missing and say where it is.")
        if condition != HandoverItemCount.Condition.OK and not note:
            errors[f"note_{item.pk}"] = _("Say what is missing or damaged and why.")
        rows.append(HandoverItemCount(handover=handover, item=item, expected=item.expected_count, counted=counted,
                                      condition=condition, note=note))
    pending = list(selectors.pending_items(handover=handover))
    for p in pending:
        taken_over, note = taken.get(p.pk, (False, ""))
        p.taken_over, p.note = bool(taken_over), clean_text(note or "")
        if p.important and not p.taken_over and not handover.override_by_id:
            errors[f"take_{p.pk}"] = _(
                "Important unfinished job no. %(seq)s: take it over, or a supervisor must override the handover "
                "with a reason.") % {"seq": p.entry.seq}
    confirmed = confirmed or {}
    to_confirm = list(handover.register_lines.filter(confirm_required=True))
    for line in to_confirm:
        ok, note = confirmed.get(line.pk, (False, ""))
        line.confirmed, line.note = bool(ok), clean_text(note or "")
        if not line.confirmed and not line.note:
            errors[f"confirm_{line.pk}"] = _("Check it and tick, or say what you found instead.")
    chain_seq = last_seq(community=handover.community)
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    HandoverItemCount.objects.bulk_create(rows)
    for p in pending:
        p.save(update_fields=["taken_over", "note"])
    for line in to_confirm:
        line.save(update_fields=["confirmed", "note"])
    handover.last_entry_seq = min(max(int(read_up_to or 0), 0), chain_seq)
    handover.incoming_signed_at = now
    handover.incoming_late_minutes = late_minutes(handover.incoming_assignment, now)
    handover.status, handover.completed_at = Handover.Status.COMPLETED, now  # the move was checked by _locked
    handover.save(update_fields=["last_entry_seq", "incoming_signed_at", "incoming_late_minutes", "status",
                                 "completed_at"])
    entry_append(community=handover.community, author=actor, kind=DutyLogEntry.Kind.HANDOVER,
                 content=handover_summary(handover, rows, pending, to_confirm), occurred_at=now,
                 assignment=handover.incoming_assignment)
    url = reverse("duty:handover_detail", args=[handover.pk])
    outgoing = handover.outgoing
    transaction.on_commit(lambda: notify(
        users=[outgoing], title=_("Handover completed: you may leave"),
        body=_("%(name)s has signed and taken over the desk.") % {"name": actor.display_name}, url=url))
    return handover


def handover_summary(handover: Handover, counts: list, pending: list, confirmed: tuple = ()) -> str:
    """The text of the "handover" log entry: who to whom, items not in order, pending work taken over,
    the register lines confirmed (keys out) and those found otherwise."""
    lines = [_("Handover from %(out)s to %(in)s.") % {"out": handover.outgoing.display_name,
                                                       "in": handover.incoming.display_name}]
    ok = [c for c in counts if c.condition == HandoverItemCount.Condition.OK]
    lines.append(_("Items in order: %(n)s of %(total)s.") % {"n": len(ok), "total": len(counts)})
    for c in counts:
        if c.condition != HandoverItemCount.Condition.OK:
            lines.append(_("%(item)s: %(condition)s, counted %(counted)s of %(expected)s (%(note)s).") % {
                "item": c.item.name, "condition": c.get_condition_display(), "counted": c.counted,
                "expected": c.expected, "note": c.note})
    if pending:
        taken = [f"{p.entry.seq}" for p in pending if p.taken_over]
        left = [f"{p.entry.seq}" for p in pending if not p.taken_over]
        lines.append(_("Pending items taken over: %(n)s of %(total)s.") % {"n": len(taken), "total": len(pending)})
        if left:
            lines.append(_("Not taken over: no. %(list)s.") % {"list": ", ".join(left)})
    if confirmed:
        ok = [c for c in confirmed if c.confirmed]
        lines.append(_("Register items confirmed: %(n)s of %(total)s.") % {"n": len(ok), "total": len(confirmed)})
        for c in confirmed:
            if not c.confirmed:
                lines.append(_("%(label)s: %(text)s — not as listed (%(note)s).") % {
                    "label": c.label, "text": c.text, "note": c.note})
    if handover.incoming_late_minutes:
        lines.append(_("The incoming clerk was %(n)s minutes late.") % {"n": handover.incoming_late_minutes})
    if handover.override_by_id:
        lines.append(_("Overridden by %(name)s: %(reason)s") % {"name": handover.override_by.display_name,
                                                              "reason": handover.override_reason})
    return "\n".join(lines)


# --- shared items (radios, keys, cash float…) -----------------------------------------------------

@transaction.atomic
def shared_item_save(*, community, name: str, expected_count: int, sort_order: int = 0, is_active: bool = True,
                     item: SharedItem | None = None, actor) -> SharedItem:
    name = clean_text(name)
    item = item or SharedItem(community=community)
    if selectors.shared_item_name_taken(community=community, name=name, item=item):
        raise ValidationError({"name": _("This item is already on the list.")})
    item.name, item.expected_count, item.sort_order, item.is_active = name, expected_count, sort_order, is_active
    return save_unique(item, field="name", message=_("This item is already on the list."))
