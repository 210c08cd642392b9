"""Billing's checks in other apps' workflows: arrears are collected before a unit is transferred
(000 篇5 一 5), so an owner's move-out shows the unit's unpaid fees and asks the clerk to confirm."""

from django.db.models import Min, Sum
from django.utils.translation import gettext as _

from core.money import format_money

from .models import Bill


def arrears_before_transfer(unit) -> list[str]:
    totals = Bill.objects.filter(unit=unit, outstanding__gt=0).aggregate(total=Sum("outstanding"), oldest=Min("period"))
    if not totals["total"]:
        return []
    return [_("This unit owes %(amount)s in unpaid fees (oldest: %(month)s). Arrears are collected before a unit "
              "is transferred.") % {"amount": format_money(totals["total"]), "month": f"{totals['oldest']:%Y-%m}"}]


def register() -> None:
    from frontdesk.registry import register_move_out_check

    register_move_out_check("billing", arrears_before_transfer)
