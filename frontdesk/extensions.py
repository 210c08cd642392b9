"""Frontdesk's plugs into the shared registries; ``FrontdeskConfig.ready()`` calls ``register()``.
The extension points frontdesk offers the other apps are in ``frontdesk.registry``."""


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu
    from core.privacy import register_access_log_scope

    from . import demo
    from .scoping import scope

    register_demo_loader(10, "frontdesk", demo.load)
    # The access log (core) shows supervisors the entries of their own communities.
    register_access_log_scope(scope)
    register_menu(MenuSection(key="frontdesk", label=_("Archive"), order=10, dropdown=False, links=(
        MenuLink(_("Units"), "frontdesk:unit_list"),
        MenuLink(_("People"), "frontdesk:person_list"),
        MenuLink(_("Vehicles"), "frontdesk:vehicle_list"),
    )))
    register_menu(MenuSection(key="frontdesk-tools", label=_("Import"), order=90, dropdown=False, links=(
        MenuLink(_("Import"), "frontdesk:import_upload"),
        MenuLink(_("Access log"), "core:access_log"),
    )))
