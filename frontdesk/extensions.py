"""The unit page's extension point. Other apps contribute panels (open tickets, arrears, renovation,
keys) by registering here in their ``AppConfig.ready()``; frontdesk never imports them.

    from frontdesk.extensions import UnitPanel, register_unit_panel
    register_unit_panel(UnitPanel(key="repairs", title=_("Open tickets"),
                                  template="repairs/partials/_unit_panel.html",
                                  context=lambda request, unit: {"tickets": ...}, action="repairs.view"))

A panel's ``context`` must run a constant number of queries (the unit page is query-counted).
"""

from dataclasses import dataclass
from typing import Callable

from core.permissions import has_perm


@dataclass(frozen=True)
class UnitPanel:
    key: str
    title: str
    template: str
    context: Callable
    order: int = 100
    action: str | None = None  # the permission needed to see it; None: anyone who may see the unit


_registry: dict[str, UnitPanel] = {}


def register_unit_panel(panel: UnitPanel) -> None:
    _registry[panel.key] = panel


def unregister_unit_panel(key: str) -> None:
    _registry.pop(key, None)


def unit_panels(request, unit) -> list[dict]:
    panels = sorted(_registry.values(), key=lambda p: (p.order, p.key))
    return [
        {"key": p.key, "title": p.title, "template": p.template, "context": p.context(request, unit)}
        for p in panels
        if p.action is None or has_perm(request.user, p.action)
    ]
