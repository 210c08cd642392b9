"""装修许可证: issued by the counter once the fees and the deposit are paid (待缴费 → 装修中), numbered per
community and year without gaps (``core.numbering``: the counter row is locked in the same transaction,
so a refused or rolled-back issue gives its number back)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.numbering import next_number

from ..models import Renovation
from ..selectors.fees import payment_state
from .applications import renovation_set_status

S = Renovation.Status


def permit_number(year: int, seq: int) -> str:
    return f"ZXXK{year}{seq:05d}"


@transaction.atomic
def permit_issue(*, renovation: Renovation, actor, expected: str | None = S.PAYMENT, now=None) -> Renovation:
    now = now or timezone.now()
    today = timezone.localdate(now)
    locked = Renovation.objects.select_for_update().select_related("community", "unit").get(pk=renovation.pk)
    if expected is not None and locked.status != expected:
        # the one writer says who acted first
        return renovation_set_status(renovation=locked, to=S.IN_PROGRESS, actor=actor, expected=expected, now=now)
    if locked.status != S.PAYMENT:
        raise ValidationError(_("A permit is issued only to an approved application whose fees are paid."))
    state = payment_state(locked)
    if not state.fees_paid:
        unpaid = [fee.get_kind_display() for fee, bill in state.fees if bill is None or not bill.settled]
        raise ValidationError(_("The fees are not paid yet: %(fees)s. The cashier takes them at the counter.")
                              % {"fees": "、".join(str(u) for u in unpaid)}, code="unpaid")
    if not state.deposit_paid:
        raise ValidationError(_("The renovation deposit is not paid yet."), code="no_deposit")
    if locked.planned_end < today:
        raise ValidationError(_("The approved period ended on %(end)s: the applicant files a new application.")
                              % {"end": locked.planned_end}, code="expired")
    seq = next_number(kind="renovation_permit", scope_id=locked.community_id, year=today.year)
    return renovation_set_status(
        renovation=locked, to=S.IN_PROGRESS, actor=actor, now=now, permit_year=today.year, permit_seq=seq,
        permit_number=permit_number(today.year, seq), permit_valid_from=max(locked.planned_start, today),
        permit_valid_to=locked.planned_end, permit_issued_at=now, permit_issued_by=actor)
