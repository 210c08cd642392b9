"""The unit page's tickets panel (frontdesk extension point). Filled in by the intake/board work."""


def register():
    try:
        from .unit_panel import register as register_panel
    except ModuleNotFoundError as exc:
        if exc.name != "repairs.unit_panel":
            raise
        return
    register_panel()
