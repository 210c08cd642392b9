"""The repairs app's one plug into the others, called from ``RepairsConfig.ready()``: the unit page's
tickets panel and its "repair or complaint" action, the lookup's quick actions (a ticket, a paid service),
the demo data."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Role
from core.permissions import has_perm


def _unit_panel(request, unit):
    """The unit's open tickets with status and clocks, and "new ticket" (two queries)."""
    from .selectors.clocks import clock_badges
    from .selectors.tickets import unit_open_tickets

    now = timezone.now()
    return {"unit": unit, "can_intake": has_perm(request.user, "repairs.intake"),
            "can_handoff": has_perm(request.user, "repairs.handoff"),
            "rows": [{"ticket": t, "clocks": clock_badges(t.open_clocks, now)} for t in unit_open_tickets(unit=unit)]}


def register():
    from billing import interface as billing_interface
    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu
    from frontdesk.registry import (
        SummarySection,
        UnitAction,
        UnitPanel,
        register_summary_section,
        register_unit_action,
        register_unit_panel,
    )

    from . import charges, demo
    from .selectors import summary

    register_unit_action(UnitAction(key="repairs", label=_("Repair or complaint"), url_name="repairs:ticket_create",
                                    action="repairs.intake"))
    register_unit_action(UnitAction(key="handoff", label=_("Utility hand-off"), url_name="repairs:handoff_create",
                                    action="repairs.handoff"))
    register_unit_action(UnitAction(key="repairs_service", label=_("Book a paid service"),
                                    url_name="repairs:service_book", action="repairs.intake"))
    register_unit_panel(UnitPanel(key="repairs", title=_("Repairs and complaints"), order=20,
                                  template="repairs/partials/_unit_panel.html", context=_unit_panel,
                                  action="repairs.view"))
    register_summary_section(SummarySection(key="repairs", title=_("Repairs and complaints"), order=10,
                                            action="repairs.view", figures=summary.figures,
                                            today=summary.today_cards))
    register_demo_loader(40, "repairs", demo.load)
    register_demo_loader(41, "repairs-handoffs", demo.load_handoffs)
    billing_interface.register_charge_source(charges.charge_source())
    billing_interface.register_charge_source(charges.handoff_charge_source())
    register_menu(MenuSection(key="repairs", label=_("Repairs and complaints"), order=20, links=(
        MenuLink(_("New ticket"), "repairs:ticket_create"),
        MenuLink(_("Open tickets"), "repairs:board"),
        MenuLink(_("Overdue clocks"), "repairs:overdue"),
        MenuLink(_("My tickets"), "repairs:work_list", home_for=frozenset({Role.ENGINEER})),
        MenuLink(_("Callbacks"), "repairs:callback_list"),
        MenuLink(_("Statistics"), "repairs:stats"),
        MenuLink(_("New utility hand-off"), "repairs:handoff_create", divider=True),
        MenuLink(_("Hand-off providers and fees"), "repairs:provider_list"),
        MenuLink(_("Paid services' price list"), "repairs:service_prices"),
        MenuLink(_("Categories, teams and clocks"), "repairs:manage", divider=True),
    )))
