"""The daily round (装修巡查): an inspection with its checklist, note and photos; the violations it finds,
their re-checks and voids; the deductions from the deposit proposed for them and the manager's decision;
the escalation of repeated violations to the supervisor and manager (once per site)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import interface as billing
from core import uploads
from core.models import Role
from core.money import format_money, to_money
from core.text import clean_text

from ..models import (
    ROUND_PHOTO_MAX_BYTES,
    ROUND_PHOTO_MAX_COUNT,
    CheckItem,
    DepositDeduction,
    InspectionPhoto,
    Renovation,
    SiteInspection,
    Violation,
    ViolationChange,
)
from ..selectors.ledger import source_ref as deposit_source_ref
from .reminders import notice_send_once

ESCALATION = "violation_escalation"
ESCALATE_AT_OPEN = 2  # the second open violation on a site (or a category seen before) goes to the supervisor


def photo_check(upload) -> None:
    """A JPEG/PNG/WebP picture of at most 8 MB (checked by opening it: ``core.uploads``)."""
    uploads.photo_check(upload, max_bytes=ROUND_PHOTO_MAX_BYTES)


def photos_check(photos) -> None:
    uploads.photos_check(photos, max_count=ROUND_PHOTO_MAX_COUNT, check=photo_check)


def _locked_active(renovation) -> Renovation:
    renovation = Renovation.objects.select_for_update(of=("self",)).select_related("unit").get(pk=renovation.pk)
    if renovation.status not in Renovation.ACTIVE_STATUSES:
        raise ValidationError(_("%(unit)s is not under renovation (%(status)s).")
                              % {"unit": renovation.unit.code, "status": renovation.get_status_display()})
    return renovation


@transaction.atomic
def inspection_record(*, renovation, checks_ok, note: str = "", photos=(), violation: dict | None = None, actor,
                      now=None) -> SiteInspection:
    """Record one visit of the site; with ``violation`` (the fields of ``violation_record``) the violation
    found on it. Refuses a site that is not under renovation."""
    now = now or timezone.now()
    renovation = _locked_active(renovation)
    checks_ok = [c for c in dict.fromkeys(checks_ok or []) if c in CheckItem.values]
    try:
        photos_check(photos)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from None
    inspection = SiteInspection.objects.create(
        renovation=renovation, community_id=renovation.community_id, on_date=timezone.localdate(now), at=now,
        inspector=actor, checks_ok=checks_ok, note=clean_text(note or "")[:1000])
    for photo in photos:
        InspectionPhoto.objects.create(inspection=inspection, image=photo, uploaded_by=actor, uploaded_at=now)
    if violation:
        violation_record(renovation=renovation, inspection=inspection, actor=actor, now=now, **violation)
    return inspection


@transaction.atomic
def violation_record(*, renovation, category: str, description: str, deadline: datetime.date, inspection=None,
                     deduction=None, deduction_reason: str = "", actor, now=None) -> Violation:
    """A violation found on a site, with the deadline to correct it and, optionally, a proposed deduction
    from the deposit. The second open violation on a site, or a category found there before, escalates to
    the supervisor and manager (once per site)."""
    now = now or timezone.now()
    renovation = _locked_active(renovation)
    errors = {}
    description = clean_text(description or "").strip()
    if category not in Violation.Category.values:
        errors["category"] = _("Choose the kind of violation.")
    if not description:
        errors["description"] = _("Say what was found.")
    if deadline is None:
        errors["deadline"] = _("Give the date by which it must be corrected.")
    elif deadline < timezone.localdate(now):
        errors["deadline"] = _("The deadline cannot be in the past.")
    if deduction not in (None, ""):
        try:
            deduction = to_money(deduction)
        except (ValueError, TypeError, ArithmeticError):
            deduction = Decimal("-1")
        if deduction <= 0:
            errors["deduction"] = _("The deduction must be more than zero.")
        if not clean_text(deduction_reason or "").strip():
            errors["deduction_reason"] = _("Give the reason for the deduction.")
    else:
        deduction = None
    if errors:
        raise ValidationError(errors)
    repeat = Violation.objects.filter(renovation=renovation, category=category).exclude(
        status=Violation.Status.VOID).exists()
    violation = Violation.objects.create(
        renovation=renovation, community_id=renovation.community_id, inspection=inspection, category=category,
        description=description[:500], deadline=deadline, recorded_by=actor, recorded_at=now)
    if deduction is not None:
        deduction_propose(violation=violation, amount=deduction, reason=deduction_reason, actor=actor, now=now)
    open_count = Violation.objects.filter(renovation=renovation, status=Violation.Status.OPEN).count()
    if open_count >= ESCALATE_AT_OPEN or repeat:
        notice_send_once(
            kind=ESCALATION, key=str(renovation.pk), community_id=renovation.community_id,
            roles=(Role.SUPERVISOR, Role.MANAGER), now=now,
            title=_("Repeated violations at %(unit)s: %(n)d open") % {"unit": renovation.unit.code, "n": open_count},
            body=f"{violation.get_category_display()}: {violation.description}"[:200],
            url=reverse("renovation:site", args=[renovation.pk]))
    return violation


def violation_set_status(*, violation: Violation, to: str, actor, note: str = "", now=None) -> Violation:
    """The only writer of ``Violation.status`` (``Violation.TRANSITIONS``); the caller holds the row lock."""
    now = now or timezone.now()
    if to not in violation.allowed_moves():
        raise ValidationError(_("This violation is already %(status)s.") % {"status": violation.get_status_display()},
                              code="bad_move")
    violation.status = to
    violation.closed_at = now
    violation.save(update_fields=["status", "closed_at"])
    return violation


def _locked_violation(violation) -> Violation:
    return Violation.objects.select_for_update(of=("self",)).select_related("renovation__unit").get(pk=violation.pk)


@transaction.atomic
def violation_recheck(*, violation, corrected: bool, note: str = "", new_deadline=None, actor,
                      now=None) -> Violation:
    """Re-check a violation on site: corrected (closed), or not yet (a new deadline, recorded)."""
    now = now or timezone.now()
    violation = _locked_violation(violation)
    note = clean_text(note or "").strip()[:500]
    if violation.status != Violation.Status.OPEN:
        raise ValidationError(_("This violation is already %(status)s.") % {"status": violation.get_status_display()})
    if corrected:
        violation_set_status(violation=violation, to=Violation.Status.CORRECTED, actor=actor, now=now)
        kind = ViolationChange.Kind.RECHECK_OK
        new_deadline = None
    else:
        if new_deadline is None:
            raise ValidationError({"new_deadline": _("Give the new date by which it must be corrected.")})
        if new_deadline < timezone.localdate(now):
            raise ValidationError({"new_deadline": _("The deadline cannot be in the past.")})
        violation.deadline = new_deadline
        kind = ViolationChange.Kind.RECHECK_FAILED
    violation.rechecks += 1
    violation.save(update_fields=["deadline", "rechecks"])
    ViolationChange.objects.create(violation=violation, kind=kind, note=note, new_deadline=new_deadline, actor=actor,
                                   at=now)
    return violation


@transaction.atomic
def violation_void(*, violation, reason: str, actor, now=None) -> Violation:
    """Void a violation recorded by mistake (kept, with who and why); its proposed deduction is rejected."""
    now = now or timezone.now()
    violation = _locked_violation(violation)
    reason = clean_text(reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason.")})
    violation_set_status(violation=violation, to=Violation.Status.VOID, actor=actor, now=now)
    ViolationChange.objects.create(violation=violation, kind=ViolationChange.Kind.VOID, note=reason[:500], actor=actor,
                                   at=now)
    deduction = DepositDeduction.objects.select_for_update().filter(violation=violation,
                                                                    status=DepositDeduction.Status.PROPOSED).first()
    if deduction:
        _deduction_set_status(deduction, DepositDeduction.Status.REJECTED, actor=actor, note=reason, now=now)
    return violation


@transaction.atomic
def deduction_propose(*, violation, amount, reason: str, actor, now=None) -> DepositDeduction:
    """Propose keeping ``amount`` of the renovation deposit back for ``violation`` (the manager decides)."""
    now = now or timezone.now()
    violation = _locked_violation(violation)
    reason = clean_text(reason or "").strip()
    errors = {}
    try:
        amount = to_money(amount)
    except (ValueError, TypeError, ArithmeticError):
        amount = Decimal("-1")
    if amount <= 0:
        errors["amount"] = _("The deduction must be more than zero.")
    if not reason:
        errors["reason"] = _("Give the reason for the deduction.")
    if violation.status == Violation.Status.VOID:
        errors["__all__"] = _("This violation is void.")
    if DepositDeduction.objects.filter(violation=violation).exists():
        errors["__all__"] = _("A deduction is already proposed for this violation.")
    if errors:
        raise ValidationError(errors)
    return DepositDeduction.objects.create(violation=violation, renovation_id=violation.renovation_id,
                                           community_id=violation.community_id, amount=amount, reason=reason[:300],
                                           proposed_by=actor, proposed_at=now)


def _deduction_set_status(deduction, to, *, actor, note="", now=None):
    """The only writer of ``DepositDeduction.status`` (``DepositDeduction.TRANSITIONS``); row locked by the caller."""
    if to not in DepositDeduction.TRANSITIONS[deduction.status]:
        raise ValidationError(_("This deduction was already decided (%(status)s).")
                              % {"status": deduction.get_status_display()}, code="decided")
    deduction.status = to
    deduction.decided_by = actor
    deduction.decided_at = now or timezone.now()
    deduction.decision_note = (note or "")[:300]
    deduction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return deduction


@transaction.atomic
def deduction_decide(*, deduction, approve: bool, note: str = "", actor, now=None) -> DepositDeduction:
    """The manager approves or rejects a proposed deduction (not their own proposal). Approved deductions
    together may not exceed the renovation deposit held; none after the refund was asked of billing."""
    now = now or timezone.now()
    deduction = (DepositDeduction.objects.select_for_update(of=("self",)).select_related("renovation", "decided_by")
                 .get(pk=deduction.pk))
    if deduction.status != DepositDeduction.Status.PROPOSED:
        who = deduction.decided_by.display_name if deduction.decided_by else ""
        raise ValidationError(_("%(who)s has already decided this deduction (%(status)s).")
                              % {"who": who, "status": deduction.get_status_display()}, code="decided")
    if deduction.proposed_by_id == actor.pk:
        raise ValidationError(_("Someone else must decide a deduction you proposed."), code="own")
    note = clean_text(note or "").strip()
    if approve:
        renovation = deduction.renovation
        if renovation.refund_requests.exists():
            raise ValidationError(_("The deposit refund was already asked for: no more deductions."))
        held = sum((d.amount for d in billing.deposits_for(community=renovation.community,
                                                           source_ref=deposit_source_ref(renovation))
                    if d.kind == "renovation" and d.state == "held"), Decimal("0"))
        approved = sum(DepositDeduction.objects.filter(renovation=renovation, status=DepositDeduction.Status.APPROVED)
                       .values_list("amount", flat=True), Decimal("0"))
        if approved + deduction.amount > held:
            raise ValidationError(_("Deductions would come to more than the deposit held (%(held)s).")
                                  % {"held": format_money(held)})
    elif len(note) < 2:
        raise ValidationError({"note": _("Give the reason for rejecting it.")})
    to = DepositDeduction.Status.APPROVED if approve else DepositDeduction.Status.REJECTED
    return _deduction_set_status(deduction, to, actor=actor, note=note, now=now)
