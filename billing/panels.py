"""What billing adds to other apps' pages: the unit page's billing panel and the lookup's "pay" action
(``frontdesk.registry``), and the demo-data loader (``core.demo``)."""

from django.utils.translation import gettext_lazy as _


def _unit_panel_context(request, unit):
    from core.permissions import has_perm

    from .selectors.counter import unit_summary

    return {"unit": unit, "summary": unit_summary(unit), "can_collect": has_perm(request.user, "billing.collect")}


def register():
    """Called from ``BillingConfig.ready()``."""
    from frontdesk.registry import UnitAction, UnitPanel, register_unit_action, register_unit_panel

    register_unit_panel(UnitPanel(key="billing", title=_("Fees"), order=10, template="billing/counter/_unit_panel.html",
                                  context=_unit_panel_context, action="billing.view"))
    register_unit_action(UnitAction(key="billing", label=_("Take payment"), url_name="billing:counter",
                                    action="billing.collect"))
