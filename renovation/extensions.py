"""The renovation app's one plug into the others, called from ``RenovationConfig.ready()``: the menu, the
unit page's 装修 panel, the lookup's actions and 装修中 badge, the fees and pass charges as billing charge
sources, the guard's pass check, the reminders, the demo data."""

from django.utils.translation import gettext_lazy as _

from core.permissions import has_perm


def _unit_panel(request, unit):
    """The unit's open (or latest) application and its permit (one query)."""
    from .selectors.applications import open_for_unit

    renovation = open_for_unit(unit)
    return {"unit": unit, "renovation": renovation, "can_file": has_perm(request.user, "renovation.file"),
            "can_view": has_perm(request.user, "renovation.view")}


def _passes_out(renovation):
    """Close-out check: every worker pass is back (returned or reported lost) before the case closes."""
    from django.utils.translation import gettext

    from .selectors.passes import passes_out

    out = passes_out(renovation)
    if not out:
        return []
    return [gettext("Worker passes still out: %(numbers)s. Each is returned or reported lost before the case "
                    "closes.") % {"numbers": ", ".join(p.number for p in out)}]


def _active_units(unit_ids):
    from .selectors.applications import active_unit_ids

    return active_unit_ids(unit_ids)


def register():
    from billing import interface as billing_interface
    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu
    from core.models import Role
    from frontdesk.registry import (
        SummarySection,
        UnitAction,
        UnitBadge,
        UnitPanel,
        register_summary_section,
        register_unit_action,
        register_unit_badge,
        register_unit_panel,
    )

    from . import demo, pass_charges
    from .hooks import ReminderSource, register_closeout_check, register_reminder_source
    from .selectors import reminders, summary
    from .services import fees

    register_summary_section(SummarySection(key="renovation", title=_("Renovation"), order=50,
                                            action="renovation.view", figures=summary.figures))
    register_menu(MenuSection(key="renovation", label=_("Renovation"), order=30, links=(
        MenuLink(_("New application"), "renovation:create"),
        MenuLink(_("Applications"), "renovation:list"),
        MenuLink(_("Active sites"), "renovation:active"),
        MenuLink(_("Worker passes"), "renovation:pass_list", divider=True),
        MenuLink(_("Extensions"), "renovation:extension_list"),
        MenuLink(_("Additional works"), "renovation:works_list"),
        MenuLink(_("Hot-work permits"), "renovation:hotwork_list"),
        MenuLink(_("Lift and stair board"), "renovation:lift_board"),
        MenuLink(_("Lift and stair bookings"), "renovation:lift_booking_list"),
        MenuLink(_("Daily round sheet"), "renovation:round_sheet", divider=True),
        MenuLink(_("Violations"), "renovation:violation_list"),
        MenuLink(_("Acceptance and deposit"), "renovation:acceptance_list"),
        MenuLink(_("Lifts and staircases"), "renovation:lift_manage", divider=True),
    )))
    register_menu(MenuSection(key="gate", label=_("Gate"), order=5, links=(
        MenuLink(_("Check a worker pass"), "renovation:gate_home", home_for=frozenset({Role.GUARD})),
    )))
    register_unit_action(UnitAction(key="renovation", label=_("Renovation"), url_name="renovation:create",
                                    action="renovation.file"))
    register_unit_action(UnitAction(key="renovation_hotwork", label=_("Hot-work permit"),
                                    url_name="renovation:hotwork_create", action="renovation.file"))
    register_unit_action(UnitAction(key="renovation_lift", label=_("Lift or stair booking"),
                                    url_name="renovation:lift_book", action="renovation.file"))
    register_unit_badge(UnitBadge(key="renovation", label=_("Under renovation"), units=_active_units))
    register_unit_panel(UnitPanel(key="renovation", title=_("Renovation"), order=30,
                                  template="renovation/partials/_unit_panel.html", context=_unit_panel,
                                  action="renovation.view", lazy=True))
    for source in fees.charge_sources():
        billing_interface.register_charge_source(source)
    billing_interface.register_charge_source(pass_charges.charge_source())
    register_reminder_source(ReminderSource(kind="permit_expiring", collect=reminders.permits_expiring,
                                            label=_("Permits ending within 3 days")))
    register_reminder_source(ReminderSource(kind="sites_not_inspected", collect=reminders.sites_not_inspected,
                                            label=_("Sites not inspected by 16:00")))
    register_reminder_source(ReminderSource(kind="passes_expiring", collect=reminders.passes_expiring,
                                            label=_("Worker passes ending within 3 days")))
    register_reminder_source(ReminderSource(kind="acceptance_overdue", collect=reminders.acceptances_overdue,
                                            label=_("Acceptance overdue")))
    register_closeout_check("passes", _passes_out)
    register_demo_loader(50, "renovation", demo.load)
    register_demo_loader(62, "renovation-rounds", demo.load_rounds)
    register_demo_loader(65, "renovation_hotwork_lifts", demo.load_hotwork_lifts)
    register_demo_loader(70, "renovation-passes", demo.load_passes)
