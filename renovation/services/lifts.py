"""使用楼梯/电梯申请 (seed 003 篇5 流程 11–12): each building's lifts and staircases (kept by the manager),
bookings of a slot by the owner or the renovation lead with the signed undertaking (承诺书), the fire lift's
engineering review, cancellation. ``booking_set_status`` is the one writer of a booking's status.

No double booking: the table's exclusion constraint (``lift_booking_no_overlap``: the same lift, overlapping
``tstzrange(starts_at, ends_at)``, while under review or booked) refuses the second of two bookings at once;
the service turns the refusal into a message at the field."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text
from frontdesk.models import Building, Occupancy, Person, Unit

from ..models import Lift, LiftBooking, LiftBookingStatusChange, Renovation

S = LiftBooking.Status
MAX_SLOT_HOURS = 12


# -- lifts (the manager's list) ---------------------------------------------------------------------------

@transaction.atomic
def lift_add(*, building: Building, name: str, kind: str, actor, now=None) -> Lift:
    name = clean_text(name)
    if Lift.objects.filter(building=building, name=name).exists():
        raise ValidationError({"name": _("This building already has a lift with this name.")}, code="duplicate")
    try:
        with transaction.atomic():
            return Lift.objects.create(community_id=building.community_id, building=building, name=name, kind=kind,
                                       created_by=actor, created_at=now or timezone.now())
    except IntegrityError:
        raise ValidationError({"name": _("This building already has a lift with this name.")}, code="duplicate") from None


@transaction.atomic
def lift_set_active(*, lift: Lift, active: bool, actor) -> Lift:
    """Take a lift out of use (or back): it is never deleted, its bookings stay."""
    lift = Lift.objects.select_for_update().get(pk=lift.pk)
    if lift.is_active != active:
        lift.is_active = active
        lift.save(update_fields=["is_active"])
    return lift


# -- bookings ---------------------------------------------------------------------------------------------

def _stale(booking, message) -> ValidationError:
    """The loser of two people acting at once is told the status now and who moved it there."""
    last = booking.status_changes.select_related("actor").order_by("-at", "-id").first()
    return ValidationError(message % {"status": booking.get_status_display(),
                                      "who": last.actor.display_name if last else "—"}, code="stale")


@transaction.atomic
def booking_set_status(*, booking: LiftBooking, to: str, actor, reason: str = "", now=None, **fields) -> LiftBooking:
    """The only writer of ``LiftBooking.status``: lock, check the move, record the change."""
    now = now or timezone.now()
    booking = LiftBooking.objects.select_for_update().get(pk=booking.pk)
    if to not in booking.allowed_moves():
        raise ValidationError(_("A booking that is “%(from)s” cannot become “%(to)s”.")
                              % {"from": booking.get_status_display(), "to": S(to).label}, code="bad_move")
    reason = clean_text(reason or "")
    if to in LiftBooking.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give the reason.")}, code="reason_required")
    previous = booking.status
    for name, value in fields.items():
        setattr(booking, name, value)
    booking.status = to
    booking.status_changed_at = now
    booking.save()
    LiftBookingStatusChange.objects.create(booking=booking, from_status=previous, to_status=to, actor=actor,
                                           reason=reason[:500], at=now)
    return booking


def slot(*, day: datetime.date, start: datetime.time, end: datetime.time):
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.datetime.combine(day, start), tz),
            timezone.make_aware(datetime.datetime.combine(day, end), tz))


def _applicant(unit: Unit, applicant_kind: str, owner: Person | None, on: datetime.date):
    """(name, phone, renovation) of the applicant: a current owner of the room, or the lead of the room's
    active renovation (seed: 确认必须为业主或装修负责人)."""
    renovation = (Renovation.objects.filter(unit=unit, status__in=Renovation.ACTIVE_STATUSES)
                  .order_by("-created_at").first())
    if applicant_kind == LiftBooking.ApplicantKind.OWNER:
        if owner is None or not Occupancy.objects.filter(unit=unit, person=owner, kind=Occupancy.Kind.OWNER,
                                                         end_date__isnull=True).exists():
            raise ValidationError({"owner": _("Choose a current owner of this room.")}, code="not_owner")
        return owner.name, owner.phone, renovation
    if renovation is None:
        raise ValidationError({"applicant_kind": _("This room has no renovation on site: only the owner may apply.")},
                              code="no_renovation")
    return renovation.lead_name, renovation.lead_phone, renovation


@transaction.atomic
def booking_create(*, unit: Unit, lift: Lift, applicant_kind: str, owner: Person | None, items: str,
                   day: datetime.date, start: datetime.time, end: datetime.time, undertaking_received: bool,
                   actor, now=None) -> LiftBooking:
    """Book a slot. The fire lift waits for the engineering review and the duty manager's approval (the
    slot is held meanwhile); any other lift or staircase is booked at once. Two bookings of one lift at
    once: one wins, the other is told at the field (the database refuses the overlap)."""
    now = now or timezone.now()
    # One booking of a lift at a time: two inserts checking the exclusion constraint against each other at once
    # can deadlock (PostgreSQL then aborts one with "deadlock detected", not the overlap it could report).
    # With the lift's row locked, the second waits for the first and meets the overlap as a plain violation.
    lift = Lift.objects.select_for_update().get(pk=lift.pk)
    starts_at, ends_at = slot(day=day, start=start, end=end)
    errors = {}
    if lift.building_id != unit.building_id or not lift.is_active:
        errors["lift"] = _("Choose a lift or staircase of this building that is in use.")
    if ends_at <= starts_at:
        errors["end"] = _("The slot must end after it starts.")
    elif ends_at - starts_at > datetime.timedelta(hours=MAX_SLOT_HOURS):
        errors["end"] = _("A slot is at most %(hours)d hours.") % {"hours": MAX_SLOT_HOURS}
    elif starts_at < now - datetime.timedelta(minutes=5):
        errors["start"] = _("The slot has already begun: choose a later time.")
    if not undertaking_received:
        errors["undertaking_received"] = _("The signed undertaking (承诺书) must be handed in first.")
    if errors:
        raise ValidationError(errors)
    name, phone, renovation = _applicant(unit, applicant_kind, owner, day)
    status = S.REVIEW if lift.is_fire_lift else S.BOOKED
    booking = LiftBooking(community_id=unit.community_id, lift=lift, unit=unit, renovation=renovation,
                          applicant_kind=applicant_kind, applicant_name=name, applicant_phone=phone,
                          items=clean_text(items), starts_at=starts_at, ends_at=ends_at, undertaking_received_at=now,
                          status=status, created_by=actor, created_at=now, status_changed_at=now)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "lift_booking_no_overlap" in str(exc):
            clash = (LiftBooking.objects.filter(lift=lift, status__in=LiftBooking.HOLDING_STATUSES,
                                                starts_at__lt=ends_at, ends_at__gt=starts_at)
                     .select_related("unit").order_by("starts_at").first())
            detail = (_("This lift is already booked from %(start)s to %(end)s (room %(room)s).") % {
                "start": f"{timezone.localtime(clash.starts_at):%H:%M}", "end": f"{timezone.localtime(clash.ends_at):%H:%M}",
                "room": clash.unit.code} if clash else _("This lift is already booked for part of that time."))
            raise ValidationError({"start": detail}, code="double_booking") from None
        raise
    LiftBookingStatusChange.objects.create(booking=booking, from_status="", to_status=status, actor=actor, at=now)
    return booking


@transaction.atomic
def booking_review(*, booking: LiftBooking, passed: bool, comments: str, actor, now=None) -> LiftBooking:
    """The engineering review of a fire-lift booking (工程主管审核): passed → the duty manager's approval;
    refused → the slot is freed."""
    now = now or timezone.now()
    booking = LiftBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != S.REVIEW:
        raise _stale(booking, _("This booking is no longer awaiting review: %(who)s made it “%(status)s”."))
    if booking.created_by_id == actor.pk:
        raise ValidationError(_("Nobody reviews a booking they filed themselves."), code="same_person")
    comments = clean_text(comments or "")[:500]
    fields = {"engineering_by": actor, "engineering_at": now, "engineering_comments": comments}
    if passed:
        return booking_set_status(booking=booking, to=S.APPROVAL, actor=actor, now=now, **fields)
    if not comments:
        raise ValidationError({"comments": _("Say why it is refused.")}, code="reason_required")
    return booking_set_status(booking=booking, to=S.REFUSED, actor=actor, reason=comments, now=now, **fields)


@transaction.atomic
def booking_approve(*, booking: LiftBooking, approve: bool, reason: str = "", actor, now=None) -> LiftBooking:
    """The duty manager's approval of a fire-lift booking (当值管理员审批), by someone other than the filer
    and the engineering reviewer: approved → booked; refused (with the reason) → the slot is freed."""
    now = now or timezone.now()
    booking = LiftBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != S.APPROVAL:
        raise _stale(booking, _("This booking is not awaiting approval: %(who)s made it “%(status)s”."))
    if actor.pk in (booking.created_by_id, booking.engineering_by_id):
        raise ValidationError(_("Nobody approves a booking they filed or reviewed."), code="same_person")
    if approve:
        return booking_set_status(booking=booking, to=S.BOOKED, actor=actor, now=now, approved_by=actor,
                                  approved_at=now)
    return booking_set_status(booking=booking, to=S.REFUSED, actor=actor, reason=reason, now=now)


@transaction.atomic
def booking_cancel(*, booking: LiftBooking, reason: str, actor, now=None) -> LiftBooking:
    return booking_set_status(booking=booking, to=S.CANCELLED, actor=actor, reason=reason, now=now)
