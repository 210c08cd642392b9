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
    _register_parcels()


def _register_parcels() -> None:
    # ---- parcels (issue 11) ----
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu

    from . import demo
    from .registry import (
        HandoverSource,
        UnitAction,
        UnitPanel,
        register_handover_source,
        register_unit_action,
        register_unit_panel,
    )
    from .selectors import parcels

    register_menu(MenuSection(key="registers_parcels", label=_("Parcels"), order=15, links=(
        MenuLink(_("Waiting parcels"), "frontdesk:parcel_list"),
        MenuLink(_("Parcel arrived"), "frontdesk:parcel_create"),
        MenuLink(_("Courier's delivery"), "frontdesk:parcel_batch"),
        MenuLink(_("Pick-up"), "frontdesk:parcel_pickup"),
        MenuLink(_("Overdue parcels"), "frontdesk:parcel_overdue", divider=True),
        MenuLink(_("Parcel reminders"), "frontdesk:parcel_settings"),
    )))
    register_unit_panel(UnitPanel(key="parcels", title=_("Parcels waiting"), template="frontdesk/parcels/_unit_panel.html",
                                  context=parcels.unit_panel, order=40, action="parcels.view"))
    register_unit_action(UnitAction(key="parcels", label=_("Parcels"), url_name="frontdesk:parcel_pickup",
                                    action="parcels.handle"))
    register_handover_source(HandoverSource(key="parcels", label=_("Parcels waiting"), lines=parcels.handover_lines,
                                            order=30))
    register_demo_loader(14, "parcels", demo.load_parcels)
