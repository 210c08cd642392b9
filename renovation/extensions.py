"""The renovation app's one plug into the others, called from ``RenovationConfig.ready()``."""

from django.utils.translation import gettext_lazy as _


def register():
    # ---- passes, extensions, additional works ----
    from billing import interface as billing_interface
    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu
    from core.models import Role

    from . import demo, pass_charges

    billing_interface.register_charge_source(pass_charges.charge_source())
    register_demo_loader(70, "renovation-passes", demo.load_passes)
    register_menu(MenuSection(key="renovation-passes", label=_("Renovation passes and changes"), order=36, links=(
        MenuLink(_("Worker passes"), "renovation:pass_list"),
        MenuLink(_("Extensions"), "renovation:extension_list"),
        MenuLink(_("Additional works"), "renovation:works_list"),
    )))
    register_menu(MenuSection(key="gate", label=_("Gate"), order=5, links=(
        MenuLink(_("Check a worker pass"), "renovation:gate_home", home_for=frozenset({Role.GUARD})),
    )))
    # ---- end passes, extensions, additional works ----
