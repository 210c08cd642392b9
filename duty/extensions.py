"""The duty app's one plug into the others, called from ``DutyConfig.ready()``. Duty adds nothing to the
unit page, the lookup or the move-out checks; it registers its menu, the log's hash-chain check for a
restored backup, and its demo data loader (after frontdesk's)."""


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader
    from core.integrity import IntegrityCheck, register_integrity_check
    from core.menu import MenuLink, MenuSection, register_menu
    from frontdesk.registry import SummarySection, register_summary_section

    from . import demo
    from .selectors import summary
    from .selectors.log import chain_problems

    register_demo_loader(50, "duty", demo.load)
    register_summary_section(SummarySection(key="duty", title=_("Duty"), order=40, action="duty.view",
                                            figures=summary.figures, today=summary.today_cards))
    register_integrity_check(IntegrityCheck(key="duty-log-chain", label=_("Duty log hash chain"),
                                            run=lambda using: chain_problems(using=using)))
    register_menu(MenuSection(key="duty", label=_("Duty"), order=40, links=(
        MenuLink(_("Duty log"), "duty:today"),
        MenuLink(_("Handovers"), "duty:handover_list"),
        MenuLink(_("Rosters"), "duty:roster_list"),
        MenuLink(_("Leave and swaps"), "duty:request_list"),
        MenuLink(_("Shifts"), "duty:shift_list"),
        MenuLink(_("Shared items"), "duty:items"),
        MenuLink(_("Supervisor review"), "duty:supervisor", divider=True),
        MenuLink(_("Days to sign"), "duty:signoff_days"),
        MenuLink(_("Nonconformities"), "duty:nonconformity_list"),
        MenuLink(_("Monthly appraisal"), "duty:appraisal"),
    )))
