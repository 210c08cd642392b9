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

    register_menu(MenuSection(key="registers_keys", label=_("Key custody"), order=15, links=(
        MenuLink(_("Key register"), "frontdesk:key_list"),
        MenuLink(_("Overdue keys"), "frontdesk:key_overdue"),
        MenuLink(_("Register a public key"), "frontdesk:key_public_create", divider=True),
    )))
    register_unit_panel(UnitPanel(key="keys", title=_("Keys held"), order=40, template="frontdesk/keys/_unit_panel.html",
                                  context=_keys_unit_panel, action="keys.view"))
    register_unit_action(UnitAction(key="keys", label=_("Keys"), url_name="frontdesk:key_list", param="unit",
                                    action="keys.view"))
    register_handover_source(HandoverSource(key="keys_out", label=_("Keys out"), lines=_keys_out_lines, confirm=True,
                                            order=30))
    register_demo_loader(16, "keys", demo.load_keys)
