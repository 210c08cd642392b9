"""The worker passes' card fees (工本费) and the extensions' fees as one billing charge source
(``billing.interface.register_charge_source``): billing reads the pending charges and marks them billed
through it and imports nothing of renovation. Registered in ``extensions.register()``."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import interface as billing
from core.money import to_money

from .models import PASS_CARD_FEE, RenovationRequest, WorkerPass
from .services.passes import CHARGE_SOURCE_KEY, PASS_REF, pass_fee_mark_billed
from .services.requests import REQUEST_REF, request_fee_mark_billed


def _pending(*, community) -> list:
    """Card fees of passes awaiting payment, and fees of approved extensions awaiting payment, not yet billed."""
    fee = to_money(PASS_CARD_FEE)
    passes = (WorkerPass.objects.filter(community=community, status=WorkerPass.Status.AWAITING_PAYMENT, fee_bill="")
              .select_related("renovation__unit").order_by("id"))
    requests = (RenovationRequest.objects.filter(Q(status=RenovationRequest.Status.PAYMENT), community=community,
                                                 fee__gt=0, fee_bill="")
                .select_related("renovation__unit").order_by("id"))
    charges = [billing.PendingCharge(ref=f"{PASS_REF}{p.pk}", unit_id=p.renovation.unit_id,
                                     building_id=p.renovation.unit.building_id, amount=fee,
                                     description=_("Worker pass %(number)s card fee") % {"number": p.number})
               for p in passes]
    charges += [billing.PendingCharge(ref=f"{REQUEST_REF}{r.pk}", unit_id=r.renovation.unit_id,
                                      building_id=r.renovation.unit.building_id, amount=r.fee,
                                      description=_("Renovation extension %(number)s fee") % {"number": r.number})
                for r in requests]
    return charges


def _mark_billed(*, ref: str, bill_reference: str, actor, now=None):
    if ref.startswith(PASS_REF):
        return pass_fee_mark_billed(ref=ref, bill_reference=bill_reference, actor=actor, now=now)
    return request_fee_mark_billed(ref=ref, bill_reference=bill_reference, actor=actor, now=now)


def charge_source():
    return billing.ChargeSource(
        key=CHARGE_SOURCE_KEY, label=gettext_lazy("Worker pass card fees and extension fees waiting to be billed"),
        fee_item_code="renovation_pass", fee_item_name=gettext_lazy("Renovation passes and extensions"),
        fee_item_kind="one_off", pending=_pending, mark_billed=_mark_billed)
