"""The visitor register (访客登记): every write. An expected visitor (the owner called) is let in with one
click; an unexpected one only after the clerk asked the owner and recorded "agreed" (seed 002 第10篇 3:
对突然来访者, 要征求业主的意见后, 再放行). Time in and time out are row-locked: of two clerks clicking
at once, one records the time and the other is told who did it and when. Nothing is deleted: a wrong
entry is voided with a reason; the end-of-shift sweep records who was never checked out."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text
from frontdesk.models import Community, Unit, Visitor, VisitorStatusChange, VisitorSweep, VisitorSweepItem
from frontdesk.validators import clean_phone, normalise_plate

S = Visitor.Status


def _hhmm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


def _who(user) -> str:
    return user.display_name if user else _("the system")


@transaction.atomic
def visitor_register(*, unit: Unit, kind: str, name: str, phone: str = "", plate: str = "", people_count: int = 1,
                     purpose: str = "", called_by: str = "", expected_at: datetime.datetime | None = None,
                     actor, now=None) -> Visitor:
    """A new line of the register: "expected" (announced by the owner's call) or "asking the owner"
    (unexpected: not let in until the owner's answer is recorded)."""
    now = now or timezone.now()
    name, called_by, purpose = clean_text(name).strip(), clean_text(called_by).strip(), clean_text(purpose).strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the visitor's name.")
    if kind == Visitor.Kind.EXPECTED:
        if not called_by:
            errors["called_by"] = _("Say who called to announce the visitor.")
        if expected_at is None:
            errors["expected_at"] = _("Give the expected time of the visit.")
    elif kind != Visitor.Kind.UNEXPECTED:
        errors["kind"] = _("This is not one of the choices.")
    if errors:
        raise ValidationError(errors)
    try:
        phone = clean_phone(phone or "")
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    visitor = Visitor(
        community_id=unit.community_id, unit=unit, kind=kind,
        status=S.EXPECTED if kind == Visitor.Kind.EXPECTED else S.CONSULTING,
        name=name, phone=phone, plate=normalise_plate(plate or ""), people_count=people_count or 1,
        purpose=purpose, called_by=called_by if kind == Visitor.Kind.EXPECTED else "",
        expected_at=expected_at if kind == Visitor.Kind.EXPECTED else None, created_by=actor, created_at=now)
    visitor.full_clean()
    visitor.save()
    return visitor


def _locked(visitor: Visitor) -> Visitor:
    return Visitor.objects.select_for_update().get(pk=visitor.pk)


@transaction.atomic
def visitor_set_status(*, visitor: Visitor, to: str, actor=None, note: str = "", now=None, **fields) -> Visitor:
    """The only writer of ``Visitor.status``: lock the row, check the move against ``Visitor.TRANSITIONS``,
    save it with ``fields`` and record the change (``actor`` None: the system)."""
    now = now or timezone.now()
    visitor = _locked(visitor)
    if to not in Visitor.TRANSITIONS[visitor.status]:
        raise ValidationError(_("This visitor is “%(status)s”: that cannot be done now.")
                              % {"status": visitor.get_status_display()}, code="bad_move")
    previous = visitor.status
    for name, value in fields.items():
        setattr(visitor, name, value)
    visitor.status = to
    visitor.full_clean()
    visitor.save()
    VisitorStatusChange.objects.create(visitor=visitor, from_status=previous, to_status=to, actor=actor,
                                       note=clean_text(note)[:200], at=now)
    return visitor


@transaction.atomic
def visitor_record_answer(*, visitor: Visitor, asked_person: str, answer: str, note: str = "", actor,
                          now=None) -> Visitor:
    """The owner's answer about an unexpected visitor. "Agreed": the visitor may now be let in (time in).
    "Refused" or "could not be reached": recorded, and the visitor is turned away."""
    now = now or timezone.now()
    visitor = _locked(visitor)
    asked_person, note = clean_text(asked_person).strip(), clean_text(note).strip()
    if visitor.status != S.CONSULTING:
        raise ValidationError(_("This visitor is “%(status)s”: the owner's answer cannot be recorded now.")
                              % {"status": visitor.get_status_display()}, code="bad_move")
    if visitor.answer:
        raise ValidationError(_("%(name)s already recorded the owner's answer (%(answer)s) at %(time)s.") % {
            "name": _who(visitor.answered_by), "answer": visitor.get_answer_display(),
            "time": _hhmm(visitor.answered_at)}, code="answered")
    if answer not in Visitor.Answer.values:
        raise ValidationError({"answer": _("Choose the owner's answer.")})
    if not asked_person:
        raise ValidationError({"asked_person": _("Say whom you asked.")})
    fields = {"asked_person": asked_person, "answer": answer, "answer_note": note, "answered_at": now,
              "answered_by": actor}
    if answer == Visitor.Answer.AGREED:
        for name, value in fields.items():
            setattr(visitor, name, value)
        visitor.full_clean()
        visitor.save(update_fields=list(fields))
        return visitor
    label = Visitor.Answer(answer).label
    return visitor_set_status(visitor=visitor, to=S.REFUSED, actor=actor, now=now,
                              note=_("Owner's answer: %(answer)s") % {"answer": label}, **fields)


@transaction.atomic
def visitor_time_in(*, visitor: Visitor, actor, now=None) -> Visitor:
    """Let the visitor in (one click). Refused for an unexpected visitor until the owner's "agreed" is
    recorded; of two clerks clicking at once, the second is told who let the visitor in and when."""
    now = now or timezone.now()
    visitor = _locked(visitor)
    if visitor.status in (S.ON_SITE, S.LEFT):
        raise ValidationError(_("%(name)s already let this visitor in at %(time)s.") % {
            "name": _who(visitor.time_in_by), "time": _hhmm(visitor.time_in)}, code="already_in")
    if visitor.status == S.CONSULTING and visitor.answer != Visitor.Answer.AGREED:
        raise ValidationError(_("Not let in: an unexpected visitor enters only after the owner agreed. Call the "
                                "owner and record the answer first."), code="no_consent")
    if visitor.status not in (S.EXPECTED, S.CONSULTING):
        raise ValidationError(_("This visitor is “%(status)s”: they cannot be let in.")
                              % {"status": visitor.get_status_display()}, code="bad_move")
    return visitor_set_status(visitor=visitor, to=S.ON_SITE, actor=actor, now=now, time_in=now, time_in_by=actor)


@transaction.atomic
def visitor_time_out(*, visitor: Visitor, actor, now=None) -> Visitor:
    """The visitor leaves (one click); the second of two clicks is told who checked them out and when."""
    now = now or timezone.now()
    visitor = _locked(visitor)
    if visitor.status == S.LEFT:
        raise ValidationError(_("%(name)s already checked this visitor out at %(time)s.") % {
            "name": _who(visitor.time_out_by), "time": _hhmm(visitor.time_out)}, code="already_out")
    if visitor.status != S.ON_SITE:
        raise ValidationError(_("This visitor is “%(status)s”, not on site.")
                              % {"status": visitor.get_status_display()}, code="bad_move")
    return visitor_set_status(visitor=visitor, to=S.LEFT, actor=actor, now=now, time_out=now, time_out_by=actor)


@transaction.atomic
def visitor_mark_no_show(*, visitor: Visitor, actor=None, note: str = "", now=None) -> Visitor:
    """An expected visitor who never came (by a clerk, or by the task at the end of the expected day)."""
    visitor = _locked(visitor)
    if visitor.status != S.EXPECTED:
        raise ValidationError(_("Only an expected visitor who has not come can be marked as not come; this one is "
                                "“%(status)s”.") % {"status": visitor.get_status_display()}, code="bad_move")
    return visitor_set_status(visitor=visitor, to=S.NO_SHOW, actor=actor, note=note, now=now)


@transaction.atomic
def visitor_void(*, visitor: Visitor, reason: str, actor, now=None) -> Visitor:
    """A wrong entry: voided with the reason (kept in the register, never deleted)."""
    reason = clean_text(reason).strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason.")})
    visitor = _locked(visitor)
    if visitor.status == S.VOID:
        raise ValidationError(_("This entry is already voided."), code="void")
    return visitor_set_status(visitor=visitor, to=S.VOID, actor=actor, note=reason, now=now, void_reason=reason)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def visitor_no_shows_sweep(*, now=None) -> int:
    """Beat task (hourly): every expected visitor whose expected day is over becomes "did not come".
    Idempotent (only "expected" rows move), and it catches up after an outage."""
    now = now or timezone.now()
    cutoff = _day_start(timezone.localdate(now))
    count = 0
    for pk in Visitor.objects.filter(status=S.EXPECTED, expected_at__lt=cutoff).values_list("pk", flat=True):
        try:
            visitor_mark_no_show(visitor=Visitor(pk=pk), actor=None, now=now,
                                 note=_("The expected day ended without the visitor."))
        except ValidationError:  # let in meanwhile by a clerk
            continue
        count += 1
    return count


@transaction.atomic
def visitor_sweep_record(*, community: Community, actor=None, note: str = "", now=None) -> VisitorSweep:
    """The end-of-shift sweep: record the visitors of the community still on site (nobody checked them
    out). By a clerk (``actor``), or once a day by the evening task (``actor`` None; a second run that day
    returns the first sweep)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    if actor is None:
        existing = VisitorSweep.objects.filter(community=community, day=day, by__isnull=True).first()
        if existing is not None:
            return existing
    on_site = list(Visitor.objects.select_for_update().filter(community=community, status=S.ON_SITE)
                   .order_by("time_in", "id").values_list("pk", flat=True))
    sweep = VisitorSweep(community=community, day=day, at=now, by=actor, note=clean_text(note).strip()[:200])
    try:
        with transaction.atomic():
            sweep.save()
    except IntegrityError:  # the task ran twice at once: the first one's sweep stands
        return VisitorSweep.objects.get(community=community, day=day, by__isnull=True)
    VisitorSweepItem.objects.bulk_create([VisitorSweepItem(sweep=sweep, visitor_id=pk) for pk in on_site])
    return sweep


def visitor_sweeps_run(*, now=None) -> int:
    """Beat task at the configured evening time: one sweep per community with visitors still on site."""
    now = now or timezone.now()
    community_ids = (Visitor.objects.filter(status=S.ON_SITE).order_by().values_list("community_id", flat=True)
                     .distinct())
    count = 0
    for community in Community.objects.filter(pk__in=list(community_ids)):
        visitor_sweep_record(community=community, actor=None, now=now)
        count += 1
    return count
