"""The unit page's tickets panel (frontdesk extension point). Filled in by the intake/board work."""


def register():
    from django.utils.translation import gettext_lazy as _

    from frontdesk.registry import UnitAction, register_unit_action

    register_unit_action(UnitAction(key="repairs", label=_("Repair or complaint"), url_name="repairs:ticket_create",
                                    action="repairs.intake"))
    try:
        from .unit_panel import register as register_panel
    except ModuleNotFoundError as exc:
        if exc.name != "repairs.unit_panel":
            raise
        return
    register_panel()
