"""Billing's one plug into the other apps, registered by ``register()`` from ``BillingConfig.ready()``:
the unit page's fees panel and the lookup's "take payment" action (``frontdesk.registry``), the owner's
move-out check (arrears are collected before a unit is transferred), and the demo-data loader
(``core.demo``). Other apps plug into billing the other way round: they register charge sources through
``billing.interface.register_charge_source`` from their own ``extensions.register()``."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_money

DEMO_ORDER = 50  # after frontdesk (the units) and repairs


def _unit_panel_context(request, unit):
    from core.permissions import has_perm

    from .selectors.counter import unit_summary

    return {"unit": unit, "summary": unit_summary(unit), "can_collect": has_perm(request.user, "billing.collect")}


def arrears_before_transfer(unit) -> list[str]:
    """The move-out check: the unit's unpaid fees, which are collected before a unit is transferred."""
    from .selectors.arrears import unit_arrears

    total, oldest = unit_arrears(unit)
    if not total:
        return []
    return [_("This unit owes %(amount)s in unpaid fees (oldest: %(month)s). Arrears are collected before a unit "
              "is transferred.") % {"amount": format_money(total), "month": f"{oldest:%Y-%m}"}]


def register() -> None:
    from core.demo import register_demo_loader
    from core.integrity import IntegrityCheck, register_integrity_check
    from core.menu import MenuLink, MenuSection, register_menu
    from frontdesk.registry import (
        SummarySection,
        UnitAction,
        UnitPanel,
        register_move_out_check,
        register_summary_section,
        register_unit_action,
        register_unit_panel,
    )

    from . import demo
    from .selectors import summary
    from .selectors.integrity import number_problems

    register_unit_panel(UnitPanel(key="billing", title=gettext_lazy("Fees"), order=10,
                                  template="billing/counter/_unit_panel.html", context=_unit_panel_context,
                                  action="billing.view"))
    register_unit_action(UnitAction(key="billing", label=gettext_lazy("Take payment"), url_name="billing:counter",
                                    action="billing.collect"))
    register_move_out_check("billing", arrears_before_transfer)
    register_demo_loader(DEMO_ORDER, "billing", demo.load)
    register_integrity_check(IntegrityCheck(key="billing-numbers", label=gettext_lazy("Receipt and voucher numbers"),
                                            run=lambda using: number_problems(using=using)))
    register_summary_section(SummarySection(key="billing", title=gettext_lazy("Fees"), order=30,
                                            action="billing.stats", figures=summary.figures,
                                            today=summary.today_cards))
    register_menu(MenuSection(key="billing", label=gettext_lazy("Fees"), order=30, links=(
        MenuLink(gettext_lazy("Receipts"), "billing:receipt_list"),
        MenuLink(gettext_lazy("Arrears"), "billing:arrears"),
        MenuLink(gettext_lazy("Deposits"), "billing:deposit_list"),
        MenuLink(gettext_lazy("Corrections"), "billing:correction_list"),
        MenuLink(gettext_lazy("My correction requests"), "billing:correction_mine"),
        MenuLink(gettext_lazy("My daily close"), "billing:close_day"),
        MenuLink(gettext_lazy("Meter readings"), "billing:meter_grid"),
        MenuLink(gettext_lazy("Bill runs"), "billing:run_list"),
        MenuLink(gettext_lazy("Collection rate"), "billing:collection", divider=True),
        MenuLink(gettext_lazy("Daily closes"), "billing:close_list"),
        MenuLink(gettext_lazy("Fee items and rates"), "billing:feeitem_list", divider=True),
        MenuLink(gettext_lazy("Overdue reminders"), "billing:reminder_policy"),
    )))
