"""The unit page's tickets panel: the unit's open tickets with status and clock, and "new ticket"."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import has_perm


def _context(request, unit):
    from . import selectors

    now = timezone.now()
    tickets = selectors.unit_open_tickets(unit=unit)
    return {"unit": unit, "can_intake": has_perm(request.user, "repairs.intake"),
            "rows": [{"ticket": t, "clocks": [selectors.clock_state(c, now) for c in t.open_clocks]} for t in tickets]}


def register():
    from frontdesk.registry import UnitPanel, register_unit_panel

    register_unit_panel(UnitPanel(key="repairs", title=_("Repairs and complaints"), order=20,
                                  template="repairs/partials/_unit_panel.html", context=_context,
                                  action="repairs.view"))
