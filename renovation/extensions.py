"""The renovation app's one plug into the others, called from ``RenovationConfig.ready()``."""

from django.utils.translation import gettext_lazy as _


def register():
    # ---- rounds, acceptance, ledger (R3) ----
    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu

    from . import demo
    from .hooks import ReminderSource, register_reminder_source
    from .selectors import reminders

    register_menu(MenuSection(key="renovation-rounds", label=_("Renovation rounds"), order=31, links=(
        MenuLink(_("Daily round sheet"), "renovation:round_sheet"),
        MenuLink(_("Violations"), "renovation:violation_list"),
        MenuLink(_("Acceptance and deposit"), "renovation:acceptance_list"),
    )))
    register_reminder_source(ReminderSource(kind="permit_expiring", collect=reminders.permits_expiring,
                                            label=_("Permits ending within 3 days")))
    register_reminder_source(ReminderSource(kind="sites_not_inspected", collect=reminders.sites_not_inspected,
                                            label=_("Sites not inspected by 16:00")))
    register_reminder_source(ReminderSource(kind="acceptance_overdue", collect=reminders.acceptances_overdue,
                                            label=_("Acceptance overdue")))
    register_demo_loader(62, "renovation-rounds", demo.load_rounds)
    # ---- end rounds, acceptance, ledger (R3) ----
