"""The deposit ledger's writes: the refund asked of billing (the approved deductions kept back, billing's
supervisor approves it) and the closing of the case (已结案) once the deposit is settled and every
registered close-out check (e.g. worker passes returned or marked lost) is clear."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import interface as billing
from core.text import clean_text

from ..hooks import closeout_problems
from ..models import DepositDeduction, DepositRefundRequest, Renovation
from ..selectors.ledger import ledger_for
from .applications import renovation_set_status

S = Renovation.Status


@transaction.atomic
def ledger_refund_request(*, renovation, method: str, reference: str = "", actor, now=None) -> list:
    """Ask billing to refund every renovation deposit still held, the approved deductions kept back (taken
    from the deposits in the order they were received). Returns the ``DepositRefundRequest`` rows."""
    now = now or timezone.now()
    renovation = Renovation.objects.select_for_update(of=("self",)).select_related("unit", "community").get(pk=renovation.pk)
    if renovation.status != S.ACCEPTED:
        raise ValidationError(_("The deposit is refunded after the acceptance has passed (the site is %(status)s).")
                              % {"status": renovation.get_status_display()})
    ledger = ledger_for(renovation)
    if ledger.pending_requests:
        raise ValidationError(_("A refund of this deposit is already waiting for approval."), code="pending")
    if ledger.proposed:
        raise ValidationError(_("Decide every proposed deduction first (%(n)d waiting).") % {"n": len(ledger.proposed)})
    held = [d for d in ledger.deposits if d.state == "held"]
    if not held:
        raise ValidationError(_("No renovation deposit is held for this site."))
    if ledger.deduction_total > sum((d.amount for d in held), Decimal("0")):
        raise ValidationError(_("The deductions come to more than the deposit held."))
    reasons = "；".join(f"{d.violation.get_category_display()} {d.amount}" for d in ledger.deductions)
    reason_base = _("Renovation deposit of %(unit)s after acceptance") % {"unit": renovation.unit.code}
    left = ledger.deduction_total
    rows = []
    for deposit in held:
        deduction = min(left, deposit.amount)
        left -= deduction
        reason = (_("%(reason)s; deductions: %(deductions)s") % {"reason": reason_base, "deductions": reasons}
                  if deduction else reason_base)
        request_id = billing.deposit_refund_request(deposit_id=deposit.id, actor=actor, reason=reason[:300],
                                                    deduction=str(deduction), method=method,
                                                    reference=clean_text(reference or "")[:60])
        rows.append(DepositRefundRequest.objects.create(
            renovation=renovation, community_id=renovation.community_id, deposit_id=deposit.id, request_id=request_id,
            deduction=deduction, refund=deposit.amount - deduction, requested_by=actor, requested_at=now))
    return rows


@transaction.atomic
def renovation_close(*, renovation, actor, now=None) -> Renovation:
    """已结案: only after acceptance, with the deposit settled (refunded by billing, minus the approved
    deductions) and every registered close-out check clear."""
    renovation = Renovation.objects.select_for_update().get(pk=renovation.pk)
    if renovation.status != S.ACCEPTED:
        raise ValidationError(_("Only an accepted renovation can be closed (it is %(status)s).")
                              % {"status": renovation.get_status_display()}, code="bad_move")
    ledger = ledger_for(renovation)
    problems = []
    if not ledger.settled:
        problems.append(_("The deposit is not settled yet: the refund must be approved in billing."))
    if DepositDeduction.objects.filter(renovation=renovation, status=DepositDeduction.Status.PROPOSED).exists():
        problems.append(_("A proposed deduction is still waiting for the manager."))
    problems.extend(closeout_problems(renovation))
    if problems:
        raise ValidationError(problems)
    return renovation_set_status(renovation=renovation, to=S.CLOSED, actor=actor, now=now)
