"""The renovation app's one plug into the others, called from ``RenovationConfig.ready()``."""

from django.utils.translation import gettext_lazy as _


def register():
    # ---- hotwork and lifts (R4) ----
    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu
    from frontdesk.registry import UnitAction, register_unit_action

    from . import demo

    register_unit_action(UnitAction(key="renovation_hotwork", label=_("Hot-work permit"),
                                    url_name="renovation:hotwork_create", action="renovation.file"))
    register_unit_action(UnitAction(key="renovation_lift", label=_("Lift or stair booking"),
                                    url_name="renovation:lift_book", action="renovation.file"))
    register_menu(MenuSection(key="renovation_site", label=_("Hot work and lifts"), order=36, links=(
        MenuLink(_("Hot-work permits"), "renovation:hotwork_list"),
        MenuLink(_("Lift and stair board"), "renovation:lift_board"),
        MenuLink(_("Lift and stair bookings"), "renovation:lift_booking_list"),
        MenuLink(_("Lifts and staircases"), "renovation:lift_manage", divider=True),
    )))
    register_demo_loader(65, "renovation_hotwork_lifts", demo.load_hotwork_lifts)
    # ---- end hotwork and lifts (R4) ----
