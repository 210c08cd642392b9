"""The front desk's extension points: unit page panels, lookup actions and badges, and move-out checks. Other apps
register theirs from their own ``extensions.register()`` (called in ``AppConfig.ready()``); frontdesk
never imports them.

    from frontdesk.registry import UnitPanel, register_unit_panel
    register_unit_panel(UnitPanel(key="repairs", title=_("Open tickets"),
                                  template="repairs/partials/_unit_panel.html",
                                  context=lambda request, unit: {"tickets": ...}, action="repairs.view"))

A panel's ``context`` must run a constant number of queries (the unit page is query-counted: ≤ 12
with every panel). Two ways keep the page within that as panels are added:
- ``lazy=True`` (the counter's registers, renovation): the page loads every lazy panel in one request
  right after it shows (like its history), so they add no query to the page itself;
- ``annotate()``: a panel of a count or a short list returns expressions (``Subquery``, ``Count``…)
  that the unit page's own query selects, and ``context(request, unit)`` reads them back from ``unit``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from core.permissions import has_perm


@dataclass(frozen=True)
class UnitPanel:
    key: str
    title: str
    template: str
    context: Callable
    order: int = 100
    action: str | None = None  # the permission needed to see it; None: anyone who may see the unit
    annotate: Callable | None = None  # () -> {attribute name: expression} added to the unit's own query
    lazy: bool = False  # loaded by the page right after it shows (one request for every lazy panel)


_registry: dict[str, UnitPanel] = {}


def register_unit_panel(panel: UnitPanel) -> None:
    _registry[panel.key] = panel


def unregister_unit_panel(key: str) -> None:
    _registry.pop(key, None)


def _visible_panels(request) -> list[UnitPanel]:
    panels = sorted(_registry.values(), key=lambda p: (p.order, p.key))
    return [p for p in panels if p.action is None or has_perm(request.user, p.action)]


def unit_panel_annotations(request) -> dict:
    """The expressions the visible panels add to the unit page's query of the unit (one query for all)."""
    annotations = {}
    for p in _visible_panels(request):
        if p.annotate is not None:
            annotations.update(p.annotate())
    return annotations


def unit_panels(request, unit, *, lazy: bool = False) -> list[dict]:
    """The panels shown with the page (``lazy=False``) or loaded right after it (``lazy=True``)."""
    return [{"key": p.key, "title": p.title, "template": p.template, "context": p.context(request, unit)}
            for p in _visible_panels(request) if p.lazy == lazy]


def has_lazy_panels(request) -> bool:
    return any(p.lazy for p in _visible_panels(request))


@dataclass(frozen=True)
class UnitAction:
    """A quick action offered next to each room in the lookup results, e.g. "log a repair":
    links to ``reverse(url_name)?<param>=<unit pk>``."""

    key: str
    label: str
    url_name: str
    param: str = "unit"
    action: str | None = None


_actions: dict[str, UnitAction] = {}


def register_unit_action(action: UnitAction) -> None:
    _actions[action.key] = action


def unregister_unit_action(key: str) -> None:
    _actions.pop(key, None)


def unit_actions(request) -> list[UnitAction]:
    return [a for a in sorted(_actions.values(), key=lambda a: a.key)
            if a.action is None or has_perm(request.user, a.action)]


@dataclass(frozen=True)
class UnitBadge:
    """A badge next to a room in the lookup results, e.g. renovation's "装修中". ``units(unit_ids)`` returns
    the ids among ``unit_ids`` that carry the badge, in ONE query for the whole page of results."""

    key: str
    label: str
    units: Callable  # units(unit_ids: list[int]) -> set[int]
    css: str = "text-bg-warning"
    action: str | None = None


_badges: dict[str, UnitBadge] = {}


def register_unit_badge(badge: UnitBadge) -> None:
    _badges[badge.key] = badge


def unregister_unit_badge(key: str) -> None:
    _badges.pop(key, None)


def unit_badges(request, units) -> None:
    """Set ``lookup_badges`` (a list of {label, css}) on each of ``units``: one query per registered badge,
    whatever the number of units."""
    ids = [u.pk for u in units]
    for unit in units:
        unit.lookup_badges = []
    if not ids:
        return
    for badge in sorted(_badges.values(), key=lambda b: b.key):
        if badge.action is not None and not has_perm(request.user, badge.action):
            continue
        marked = badge.units(ids)
        for unit in units:
            if unit.pk in marked:
                unit.lookup_badges.append({"label": badge.label, "css": badge.css})


# Checks before an owner moves out (a transfer of ownership): each returns warnings for the unit, e.g.
# billing's "arrears are collected before a unit is transferred". The move-out form shows
# them and asks the clerk to confirm they were dealt with before it records the move-out.
_move_out_checks: dict[str, Callable] = {}


def register_move_out_check(key: str, check: Callable) -> None:
    """``check(unit) -> list[str]``: warnings to settle before the unit's owner moves out."""
    _move_out_checks[key] = check


def unregister_move_out_check(key: str) -> None:
    _move_out_checks.pop(key, None)


def move_out_warnings(unit) -> list[str]:
    return [warning for key in sorted(_move_out_checks) for warning in _move_out_checks[key](unit)]


# What the counter's registers hand over at a shift change (visitors still on site, keys out, parcels
# waiting, slips issued today): the duty handover snapshots every source's lines when the outgoing
# clerk starts handing over and shows them to the incoming clerk, who must confirm the lines of a
# source with ``confirm=True`` (keys out) before the handover completes.
@dataclass(frozen=True)
class HandoverLine:
    text: str  # one line a clerk reads, no raw ids: "3-2-1502 访客 张** 2人 09:12 进入"
    url: str = ""  # where the item is dealt with


@dataclass(frozen=True)
class HandoverSource:
    key: str
    label: str
    lines: Callable  # lines(community) -> list[HandoverLine]; a constant number of queries
    confirm: bool = False  # the incoming clerk confirms each line (e.g. keys out)
    order: int = 100


_handover_sources: dict[str, HandoverSource] = {}


def register_handover_source(source: HandoverSource) -> None:
    _handover_sources[source.key] = source


def unregister_handover_source(key: str) -> None:
    _handover_sources.pop(key, None)


def handover_sources() -> list[HandoverSource]:
    return sorted(_handover_sources.values(), key=lambda s: (s.order, s.key))


# --- The manager's daily summary 前台日报 and the "today" pages -------------------------------------
# Each app registers its summary sections from its own ``extensions.register()``. A section's figures
# come from that app's selectors as a function of ``(community_ids, day)`` — never a request — in a
# constant number of queries (≤ 3, whatever the number of communities). The summary page, its frozen
# copy (``frontdesk.FrozenFigure``), its PDF and the weekly/monthly reports loop over this registry and
# import no feature app.
#
#     register_summary_section(SummarySection(
#         key="repairs", title=_("Repairs and complaints"), order=10, action="repairs.view",
#         figures=repairs.selectors.summary.figures,     # (community_ids, day) -> list[Figure]
#         today=repairs.selectors.summary.today_cards))  # (user, community_ids, day, now=None) -> list[TodayCard]

COUNT, MONEY, PERCENT = "count", "money", "percent"


@dataclass(frozen=True)
class Figure:
    """One figure of a day: its one definition lives in the selector that returns it (with a docstring)."""

    key: str  # unique across sections and stable (it is frozen): "repairs.opened", "billing.collected.cash"
    label: str  # what the manager reads: "新报修"
    value: object  # int for COUNT, Decimal for MONEY (yuan) and PERCENT (0–100, two decimals); None: not applicable
    kind: str = COUNT  # COUNT | MONEY | PERCENT
    url: str = ""  # the drill-down: the app's own list, already filtered, whose row count equals a COUNT figure
    exception: bool = False  # listed among the exceptions at the top (shown there when value is truthy)
    alert: bool = False  # past its target: shown in red
    target: object = None  # the target it is measured against, when it has one (e.g. Decimal("85") for a rate)
    better: str = "up"  # "up" | "down" | "": which direction the comparison arrows colour green
    additive: bool = True  # a day's flow that sums over days (month-to-date); False: a level read at day's end
    group: str = ""  # a sub-heading inside the section ("按类别")
    breakdown: tuple = ()  # ((dimension label, value), …), e.g. complaints by category; frozen with the figure


CARD_ITEMS = 5  # the items a "today" card lists (the page shows at most these)


@dataclass(frozen=True)
class TodayItem:
    """One line of a card. Its times are datetimes, never text: the "today" page tells them all at the one ``now``
    of the request (``core.durations``), so a row never shows two numbers computed at different moments."""

    text: str  # one line of work: "3-2-1502 漏水" (no raw ids, no UTC, no "N 分钟": that is ``due``/``since``)
    url: str  # where the work is done
    due: object = None  # an aware deadline when it has one: "还剩 12 分钟 · 14:30" / "已超时 3 小时 · 12:00" (red)
    urgent: bool = False
    since: object = None  # an aware start (asked, arrived, in since): told with ``since_label``, never as overdue
    since_label: str = ""  # a translated format with %(duration)s: "waiting %(duration)s" → "已等待 9 天"


@dataclass(frozen=True)
class TodayCard:
    """A block of a role's "today" page: a count, the few most urgent items, and the list with all of them."""

    key: str
    title: str
    count: int
    url: str = ""
    items: tuple = ()  # up to 5 TodayItem
    roles: frozenset = frozenset()  # the roles whose landing page shows it (core.permissions.Role values)
    order: int = 100


@dataclass(frozen=True)
class SummarySection:
    key: str
    title: str
    figures: Callable  # figures(community_ids: list[int], day: date) -> list[Figure]; ≤ 3 queries
    order: int = 100
    action: str | None = None  # the permission needed to see the section
    # today(user, community_ids, day, now=None) -> list[TodayCard]; ≤ 3 queries; ``now``: the page's one moment
    today: Callable | None = None


_summary_sections: dict[str, SummarySection] = {}


def register_summary_section(section: SummarySection) -> None:
    _summary_sections[section.key] = section


def unregister_summary_section(key: str) -> None:
    _summary_sections.pop(key, None)


def summary_sections() -> list[SummarySection]:
    return sorted(_summary_sections.values(), key=lambda s: (s.order, s.key))
