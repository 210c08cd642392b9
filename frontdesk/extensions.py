"""Frontdesk's plugs into the shared registries; ``FrontdeskConfig.ready()`` calls ``register()``.
The extension points frontdesk offers the other apps are in ``frontdesk.registry``."""


# ---- slips (issue 11) ----
def _slips_unit_panel(request, unit):
    """The unit's latest release slips (one query) and "new slip"."""
    from django.utils import timezone

    from core.permissions import has_perm

    from .selectors.slips import unit_slips

    today = timezone.localdate()
    return {"unit": unit, "can_issue": has_perm(request.user, "slips.issue"),
            "rows": [{"slip": s, "status": s.status_on(today), "label": s.Status(s.status_on(today)).label}
                     for s in unit_slips(unit)]}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu
    from core.privacy import register_access_log_scope

    from . import demo
    from .scoping import scope

    register_demo_loader(10, "frontdesk", demo.load)
    # The archive's list exports (core.exports): streamed, or a background job when large.
    from core.exports import register_export

    from .views import exports

    register_export("frontdesk.units", exports.ACTION, exports.units_export)
    register_export("frontdesk.people", exports.ACTION, exports.people_export)
    register_export("frontdesk.vehicles", exports.ACTION, exports.vehicles_export)
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
    # ---- slips (issue 11): release slips; the registers' menu section; the gate guard's landing button
    _register_slips()
    _register_summary()
    # ---- notices (issue 12 §4): the archive 通知公告 in the menu; the demo notices
    _register_notices()


def _register_slips() -> None:
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu
    from core.models import Role

    from . import demo
    from .registry import (
        HandoverSource,
        UnitAction,
        UnitPanel,
        register_handover_source,
        register_unit_action,
        register_unit_panel,
    )
    from .selectors.slips import handover_lines

    register_menu(MenuSection(key="registers", label=_("Registers"), order=15, links=(
        MenuLink(_("New release slip"), "frontdesk:slip_create"),
        MenuLink(_("Release slips"), "frontdesk:slip_list"),
        MenuLink(_("Gate check"), "frontdesk:gate_home", home_for=frozenset({Role.GUARD})),
        MenuLink(_("Release slip settings"), "frontdesk:slip_settings"),
        # the counter's other registers in the same dropdown: one item in the bar for all of them (at 1280 px
        # four dropdowns pushed the user's button off the bar)
        MenuLink(_("Visitors on site"), "frontdesk:visitor_board", divider=True),
        MenuLink(_("Register a visitor"), "frontdesk:visitor_create"),
        MenuLink(_("Visitor log"), "frontdesk:visitor_log"),
        MenuLink(_("End-of-shift sweep"), "frontdesk:visitor_sweep"),
        MenuLink(_("Waiting parcels"), "frontdesk:parcel_list", divider=True),
        MenuLink(_("Parcel arrived"), "frontdesk:parcel_create"),
        MenuLink(_("Courier's delivery"), "frontdesk:parcel_batch"),
        MenuLink(_("Pick-up"), "frontdesk:parcel_pickup"),
        MenuLink(_("Overdue parcels"), "frontdesk:parcel_overdue"),
        MenuLink(_("Parcel reminders"), "frontdesk:parcel_settings"),
        MenuLink(_("Key register"), "frontdesk:key_list", divider=True),
        MenuLink(_("Overdue keys"), "frontdesk:key_overdue"),
        MenuLink(_("Register a public key"), "frontdesk:key_public_create"),
        # ---- survey (issue 13 §6)
        MenuLink(_("Satisfaction survey"), "frontdesk:survey_list", divider=True),
    )))
    register_unit_action(UnitAction(key="slips", label=_("Release slip"), url_name="frontdesk:slip_create",
                                    action="slips.issue"))
    register_unit_panel(UnitPanel(key="slips", title=_("Release slips"), order=30,
                                  template="frontdesk/slips/_unit_panel.html", context=_slips_unit_panel,
                                  action="slips.view", lazy=True))
    register_handover_source(HandoverSource(key="slips", label=_("Release slips issued today"),
                                            lines=handover_lines, order=40))
    register_demo_loader(15, "slips", demo.load_slips)
    # ---- visitors (issue 11) ----
    _register_visitors()


def _visitor_panel(request, unit):
    """The unit page's visitors: today's and recent ones with one-click time in/out (one query)."""
    from django.utils import timezone

    from core.permissions import has_perm

    from .selectors.visitors import unit_visitors

    return {"unit": unit, "visitors": unit_visitors(unit=unit), "today": timezone.localdate(),
            "can_register": has_perm(request.user, "visitors.register")}


def _register_visitors() -> None:
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader

    from . import demo
    from .registry import (
        HandoverSource,
        UnitAction,
        UnitPanel,
        register_handover_source,
        register_unit_action,
        register_unit_panel,
    )
    from .selectors.visitors import handover_lines

    register_unit_panel(UnitPanel(key="visitors", title=_("Visitors"), order=30,
                                  template="frontdesk/visitors/_unit_panel.html", context=_visitor_panel,
                                  action="visitors.view", lazy=True))
    register_unit_action(UnitAction(key="visitors", label=_("Visitor"), url_name="frontdesk:visitor_create",
                                    action="visitors.register"))
    register_handover_source(HandoverSource(key="visitors", label=_("Visitors still on site"), lines=handover_lines,
                                            order=10))
    register_demo_loader(15, "visitors", demo.load_visitors)

    _register_parcels()


def _register_parcels() -> None:
    # ---- parcels (issue 11) ----
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader

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

    register_unit_panel(UnitPanel(key="parcels", title=_("Parcels waiting"), template="frontdesk/parcels/_unit_panel.html",
                                  context=parcels.unit_panel, order=40, action="parcels.view", lazy=True))
    register_unit_action(UnitAction(key="parcels", label=_("Parcels"), url_name="frontdesk:parcel_pickup",
                                    action="parcels.handle"))
    register_handover_source(HandoverSource(key="parcels", label=_("Parcels waiting"), lines=parcels.handover_lines,
                                            order=30))
    register_demo_loader(14, "parcels", demo.load_parcels)
    _register_keys()


# ---- keys (issue 11) ----
def _keys_unit_panel(request, unit):
    """The keys held for the room (in the cabinet or signed out): one query."""
    from django.utils import timezone

    from core.permissions import has_perm

    from .selectors.keys import unit_keys

    return {"unit": unit, "keys": unit_keys(unit), "now": timezone.now(), "can_manage": has_perm(request.user, "keys.manage")}


def _keys_out_lines(community):
    """The handover's "keys out": every key signed out in the community, one line each (one query)."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .registry import HandoverLine
    from .selectors.keys import keys_out

    now = timezone.now()
    lines = []
    for key in keys_out([community.pk]):
        text = _("Key %(tag)s · %(where)s · %(opens)s · with %(holder)s · due back %(due)s") % {
            "tag": key.tag_no, "where": key.unit.label if key.unit_id else key.get_kind_display(), "opens": key.opens,
            "holder": key.out_movement.taker_label, "due": f"{timezone.localtime(key.due_back_at):%m-%d %H:%M}"}
        if key.due_back_at < now:
            text = _("%(line)s (overdue)") % {"line": text}
        lines.append(HandoverLine(text=text, url=reverse("frontdesk:key_detail", args=[key.pk])))
    return lines


def _register_keys() -> None:
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader

    from . import demo
    from .registry import (
        HandoverSource,
        UnitAction,
        UnitPanel,
        register_handover_source,
        register_unit_action,
        register_unit_panel,
    )

    register_unit_panel(UnitPanel(key="keys", title=_("Keys held"), order=40, template="frontdesk/keys/_unit_panel.html",
                                  context=_keys_unit_panel, action="keys.view", lazy=True))
    register_unit_action(UnitAction(key="keys", label=_("Keys"), url_name="frontdesk:key_list", param="unit",
                                    action="keys.view"))
    register_handover_source(HandoverSource(key="keys_out", label=_("Keys out"), lines=_keys_out_lines, confirm=True,
                                            order=30))
    register_demo_loader(16, "keys", demo.load_keys)


def _register_summary() -> None:
    # ---- the manager's daily summary 前台日报 (issue 13): the page loops over frontdesk.registry's sections
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu

    from . import demo

    register_menu(MenuSection(key="summary", label=_("Summaries and reports"), order=5, links=(
        MenuLink(_("Daily summary"), "frontdesk:summary"),  # the landing page links it (selectors.today)
        MenuLink(_("Daily summary archive"), "frontdesk:summary_archive"),
        MenuLink(_("Weekly and monthly reports"), "frontdesk:reports", divider=True),
        MenuLink(_("Daily summary settings"), "frontdesk:summary_settings", divider=True),
    )))
    register_demo_loader(95, "summary", demo.load_summary)
    _register_registers_summary()


def _register_registers_summary() -> None:
    """The counter's registers and move-ins/outs in the daily summary, and the clerk's today cards."""
    from django.utils.translation import gettext_lazy as _

    from .registry import SummarySection, register_summary_section
    from .selectors import summary_registers

    register_summary_section(SummarySection(key="registers", title=_("Registers"), order=60, action="visitors.view",
                                            figures=summary_registers.figures, today=summary_registers.today_cards))
    _register_survey()


# ---- survey (issue 13 §6): the half-yearly satisfaction survey 满意度调查 ----
def _survey_unit_panel(request, unit):
    """The community's latest surveys and whether the room has answered each (one query)."""
    from core.permissions import has_perm

    from .selectors.survey import unit_surveys

    return {"unit": unit, "surveys": unit_surveys(unit), "can_record": has_perm(request.user, "survey.record")}


def _register_survey() -> None:
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader

    from . import demo
    from .registry import UnitPanel, register_unit_panel

    register_unit_panel(UnitPanel(key="survey", title=_("Satisfaction survey"), order=60, lazy=True,
                                  template="frontdesk/survey/_unit_panel.html", context=_survey_unit_panel,
                                  action="survey.view"))
    register_demo_loader(17, "survey", demo.load_survey)


# ---- notices (issue 12 §4) ----
def _register_notices() -> None:
    from django.utils.translation import gettext_lazy as _

    from core.demo import register_demo_loader
    from core.menu import MenuLink, MenuSection, register_menu

    from . import demo

    register_menu(MenuSection(key="notices", label=_("Notices"), order=16, links=(
        MenuLink(_("Notices to residents"), "frontdesk:notice_list"),
        MenuLink(_("New notice"), "frontdesk:notice_create"),
        MenuLink(_("Notice templates"), "frontdesk:notice_templates", divider=True),
    )))
    register_demo_loader(17, "notices", demo.load_notices)
