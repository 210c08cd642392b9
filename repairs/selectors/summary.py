"""The repairs section of the daily summary 前台日报 and the repairs cards of the "today" pages.

Every figure is defined once, here, in the docstring of the function that counts it; each one's drill-down
URL opens the app's own list (the board, the overdue clocks, the callbacks) filtered to exactly the rows
it counts. ``figures`` runs three queries whatever the number of communities (tickets, clocks, callbacks:
conditional aggregation), ``today_cards`` at most three."""

import datetime
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import durations
from core.dates import day_bounds
from core.models import Role
from frontdesk.registry import PERCENT, Figure, TodayCard, TodayItem
from frontdesk.selectors.figures import first_with_total

from ..models import Callback, Clock, Ticket
from .callbacks import DISSATISFIED_BELOW, dissatisfied, escalated_open
from .clocks import breached_running
from .stats.satisfaction import RATED
from .stats.volume import building_label
from .work import due_label, work_list

K = Ticket.Kind
EXCEPTIONS, DAY, REPORTS = "exceptions", "day", "reports"
CALLS_AND_VISITS = (Ticket.Channel.PHONE, Ticket.Channel.WALK_IN)
TICKET_KINDS = (K.REPAIR, K.COMPLAINT)


def suggestion_kinds() -> list[str]:
    """The kind counted as suggestions (seed 002's weekly statistics): the SUGGESTION kind, counted apart from
    enquiries as in the statistics (an installation without it counts its enquiries-or-suggestions)."""
    return ["suggestion"] if "suggestion" in K.values else ["enquiry"]


def list_url(name: str, community_ids, **params) -> str:
    """The drill-down: ``name`` reversed, with the filters and the communities in the query string."""
    pairs = []
    for k, v in [*params.items(), ("community", sorted(community_ids))]:
        pairs += [(k, x) for x in (v if isinstance(v, list | tuple) else [v]) if x not in (None, "")]
    return f"{reverse(name)}?{urlencode(pairs)}"


# --- the definitions ---------------------------------------------------------------------------------

def _ticket_counts(community_ids, day) -> list[dict]:
    """One query: per (kind, channel, category, building) the tickets received on ``day`` and those closed on
    ``day``; every ticket figure below is a sum over these rows."""
    start, end = day_bounds(day)
    received = Q(created_at__gte=start, created_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    return list(Ticket.objects.filter(community_id__in=community_ids).filter(received | closed)
                .values("kind", "channel", "category__name", "community__name", "building__name")
                .annotate(received=Count("id", filter=received), closed=Count("id", filter=closed)).order_by())


def _sum(rows, field, *, by=None, when=lambda r: True):
    total, parts = 0, Counter()
    for r in rows:
        if when(r) and r[field]:
            total += r[field]
            if by:
                parts[by(r)] += r[field]
    return total, tuple(sorted(parts.items(), key=lambda p: (-p[1], p[0])))


def calls_visits(rows):
    """Calls and visits logged 来电来访: tickets of every kind (repairs, complaints, enquiries) received on the
    day by phone or at the desk; by channel."""
    channel = dict(Ticket.Channel.choices)
    return _sum(rows, "received", by=lambda r: str(channel[r["channel"]]),
                when=lambda r: r["channel"] in CALLS_AND_VISITS)


def opened(rows):
    """New tickets 新报修/投诉: repairs and complaints received on the day (any channel, any status now); by kind."""
    kind = dict(K.choices)
    return _sum(rows, "received", by=lambda r: str(kind[r["kind"]]), when=lambda r: r["kind"] in TICKET_KINDS)


def closed(rows):
    """Closed tickets 已关闭: repairs, complaints and enquiries closed on the day (status "closed"); by kind."""
    kind = dict(K.choices)
    return _sum(rows, "closed", by=lambda r: str(kind.get(r["kind"], r["kind"])))


def complaints(rows):
    """New complaints 新投诉: complaints received on the day; by category."""
    return _sum(rows, "received", by=lambda r: r["category__name"], when=lambda r: r["kind"] == K.COMPLAINT)


def complaint_hot_spots(rows):
    """Complaint hot spots 投诉热点: the day's new complaints by building and category ("<building> · <category>")."""
    return _sum(rows, "received", by=lambda r: f"{building_label(r)} · {r['category__name']}",
                when=lambda r: r["kind"] == K.COMPLAINT)


def complaints_by_area(rows):
    """Complaints per area 分区投诉: the day's new complaints by building (common areas as one), summed over a
    month against the limit of 2 per building (``stats.targets.COMPLAINT_TARGET_PER_MONTH``)."""
    return _sum(rows, "received", by=building_label, when=lambda r: r["kind"] == K.COMPLAINT)


def suggestions(rows):
    """Suggestions 建议: tickets of the suggestion kind received on the day; by category."""
    kinds = suggestion_kinds()
    return _sum(rows, "received", by=lambda r: r["category__name"], when=lambda r: r["kind"] in kinds)


def _overdue_counts(community_ids) -> dict:
    """One query: running clocks past their deadline (``clocks.breached_running``) per clock kind."""
    return dict(breached_running().filter(community_id__in=community_ids)
                .values_list("kind").annotate(n=Count("id")).order_by())


def overdue(counts):
    """Overdue deadlines 超时未办: clocks breached and still running now (dispatch, on site, appointment,
    complaint, callback), a level read at the moment of reading; by clock kind."""
    labels = dict(Clock.Kind.choices)
    parts = tuple((str(labels[k]), counts[k]) for k in Clock.Kind.values if counts.get(k))
    return sum(counts.values()), parts


def complaints_late(counts):
    """Complaints past their clock 投诉超时: complaint clocks (24 h by default) breached and still running."""
    return counts.get(Clock.Kind.COMPLAINT, 0)


def _callback_counts(community_ids, day, now) -> dict:
    """One query: the day's callbacks done, dissatisfied, their average score, and those missing."""
    start, end = day_bounds(day)
    done_today = Q(status=Callback.Status.DONE, done_at__gte=start, done_at__lt=end)
    missing = Q(status=Callback.Status.PENDING, due_at__lt=min(now, end))
    # only the rows some count reads (callback_done_idx | callback_list_idx), not every callback of the communities
    return Callback.objects.filter(done_today | missing, community_id__in=community_ids).aggregate(
        done=Count("id", filter=done_today),
        dissatisfied=Count("id", filter=done_today & dissatisfied()),
        average=Avg("satisfaction", filter=done_today & RATED),
        rated=Count("id", filter=done_today & RATED),
        missing=Count("id", filter=missing),
    )


def callbacks_missing(counts):
    """Callbacks missing 回访未做: callbacks still to do whose deadline has passed, by the end of the day (for
    today: by now)."""
    return counts["missing"]


def callbacks_done(counts):
    """Callbacks done 回访完成: callbacks recorded as done on the day."""
    return counts["done"]


def dissatisfied_callbacks(counts):
    """Dissatisfied callbacks 回访不满意: callbacks done on the day with a score of 1 or 2 (below
    ``DISSATISFIED_BELOW``): the ticket was reopened or escalated."""
    return counts["dissatisfied"]


def satisfaction(counts):
    """Average satisfaction 平均满意度: the mean score (1–5) of the day's callbacks done with a score (``stats.
    satisfaction.RATED``, as the statistics page averages them), as a percentage of the full score (5 = 100 %),
    two decimals; None when no callback was done. The score itself is in the breakdown."""
    if not counts["rated"]:
        return None, ()
    average = Decimal(str(counts["average"]))
    percent = (average * 20).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return percent, ((_("average score (of 5)"), str(average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))),
                     (_("callbacks rated"), counts["rated"]))


def figures(community_ids, day) -> list[Figure]:
    """The repairs section of ``day`` for ``community_ids``: three queries."""
    community_ids = list(community_ids)
    if not community_ids:
        return []
    now = timezone.now()
    rows = _ticket_counts(community_ids, day)
    clocks = _overdue_counts(community_ids)
    callbacks = _callback_counts(community_ids, day, now)
    d = day.isoformat()
    end = day_bounds(day)[1]
    board = "repairs:board"

    def board_url(**params):
        return list_url(board, community_ids, status="all", **params)

    def callbacks_url(**params):
        return list_url("repairs:callback_list", community_ids, **params)

    n_overdue, by_clock = overdue(clocks)
    n_calls, by_channel = calls_visits(rows)
    n_opened, opened_by_kind = opened(rows)
    n_closed, closed_by_kind = closed(rows)
    n_complaints, by_category = complaints(rows)
    _n, hot = complaint_hot_spots(rows)
    _n, by_area = complaints_by_area(rows)
    n_suggestions, suggestions_by_category = suggestions(rows)
    percent, score = satisfaction(callbacks)
    kinds = suggestion_kinds()
    exception = {"exception": True, "better": "down", "additive": False, "group": _("Exceptions")}
    reports = {"group": _("Reports")}
    return [
        Figure(key="repairs.overdue", label=_("Overdue deadlines"), value=n_overdue, breakdown=by_clock,
               url=list_url("repairs:overdue", community_ids), alert=n_overdue > 0, **exception),
        Figure(key="repairs.complaints_late", label=_("Complaints past their deadline"),
               value=complaints_late(clocks), alert=complaints_late(clocks) > 0,
               url=list_url("repairs:overdue", community_ids, kind=Clock.Kind.COMPLAINT), **exception),
        Figure(key="repairs.callbacks_missing", label=_("Callbacks overdue, not done"),
               value=callbacks_missing(callbacks), alert=callbacks_missing(callbacks) > 0,
               url=callbacks_url(show="overdue" if end > now else "", due_by=d), **exception),
        Figure(key="repairs.dissatisfied", label=_("Dissatisfied callbacks"), value=dissatisfied_callbacks(callbacks),
               alert=dissatisfied_callbacks(callbacks) > 0,
               url=callbacks_url(show="dissatisfied", done_on=d), **{**exception, "additive": True}),
        Figure(key="repairs.calls_visits", label=_("Calls and visits logged"), value=n_calls, breakdown=by_channel,
               url=board_url(date_from=d, date_to=d, channel=CALLS_AND_VISITS)),
        Figure(key="repairs.opened", label=_("New repairs and complaints"), value=n_opened, breakdown=opened_by_kind,
               url=board_url(kind="tickets", date_from=d, date_to=d)),
        Figure(key="repairs.closed", label=_("Tickets closed"), value=n_closed, breakdown=closed_by_kind,
               url=board_url(closed_on=d)),
        Figure(key="repairs.complaints", label=_("New complaints"), value=n_complaints, breakdown=by_category,
               better="down", url=board_url(kind=K.COMPLAINT, date_from=d, date_to=d)),
        Figure(key="repairs.callbacks_done", label=_("Callbacks done"), value=callbacks_done(callbacks),
               url=callbacks_url(show="done", done_on=d)),
        Figure(key="repairs.satisfaction", label=_("Average satisfaction (score of 5 as %)"), value=percent,
               kind=PERCENT, breakdown=score, additive=False, url=callbacks_url(show="done", done_on=d)),
        Figure(key="repairs.complaints.hot_spots", label=_("Complaint hot spots (building · category)"),
               value=n_complaints, breakdown=hot, better="down",
               url=board_url(kind=K.COMPLAINT, date_from=d, date_to=d), **reports),
        Figure(key="repairs.repair_complaints.by_area", label=_("Complaints per building"), value=n_complaints,
               breakdown=by_area, better="down", url=board_url(kind=K.COMPLAINT, date_from=d, date_to=d), **reports),
        Figure(key="repairs.suggestions", label=_("Suggestions"), value=n_suggestions,
               breakdown=suggestions_by_category, better="", url=board_url(kind=kinds[0], date_from=d, date_to=d),
               **reports),
    ]


# --- the "today" cards -------------------------------------------------------------------------------

DUE_SOON = datetime.timedelta(hours=2)  # "即将超时": running clocks due within this coming window


def _place(ticket) -> str:
    return ticket.unit.code if ticket.unit_id else ticket.location


def clocks_running_out(community_ids, now, window: datetime.timedelta = DUE_SOON):
    """即将超时: clocks running (not met, cancelled, paused or breached) due after ``now`` and within ``window``,
    the soonest deadline first. Those already late are ``clocks_overdue``, never here."""
    return (Clock.objects.filter(community_id__in=community_ids, met_at__isnull=True, cancelled_at__isnull=True,
                                 paused_at__isnull=True, breached_at__isnull=True,
                                 due_at__gt=now, due_at__lte=now + window)
            .select_related("ticket__unit", "ticket__category").order_by("due_at", "id"))


def clocks_overdue(community_ids):
    """超时未办: clocks breached and still running (``breached_running``, as the overdue list and the summary's
    ``repairs.overdue``), the oldest deadline first as on the overdue list."""
    return (breached_running().filter(community_id__in=community_ids)
            .select_related("ticket__unit", "ticket__category").order_by("due_at", "id"))


def _clock_item(c, kinds, now) -> TodayItem:
    """A clock of a card: running, its deadline (told by the page); paused, how late or early it was when paused
    ("已暂停 已超时 12 分钟"), which does not grow while it stands still."""
    text = f"{c.ticket.number} {_place(c.ticket)} {c.ticket.category.name} · {kinds[c.kind]}"
    if c.paused_at:
        return TodayItem(text=f"{text} · {_('paused')} {durations.seconds_text((c.due_at - c.paused_at).total_seconds())}",
                         url=c.ticket.get_absolute_url())
    return TodayItem(text=text, url=c.ticket.get_absolute_url(), due=c.due_at, urgent=now >= c.warn_at)


def callbacks_due_today(community_ids, day):
    """Callbacks to do due by the end of the day (the overdue ones first)."""
    return (Callback.objects.filter(community_id__in=community_ids, status=Callback.Status.PENDING,
                                    due_at__lt=day_bounds(day)[1])
            .select_related("ticket__unit", "ticket__category").order_by("due_at", "id"))


def today_cards(user, community_ids, day, now=None) -> list[TodayCard]:
    """The repairs cards of ``user``'s "today" page: a clerk's deadlines already missed, those running out within
    ``DUE_SOON`` and callbacks due, an engineer's work orders, a supervisor's escalations. At most three queries.
    The items carry their deadlines (``due``), told by the page at its one ``now``; no minutes in their text."""
    community_ids = list(community_ids)
    if not community_ids:
        return []
    now = now or timezone.now()
    cards = []
    kinds = dict(Clock.Kind.choices)
    if user.role == Role.CLERK:
        late, total = first_with_total(clocks_overdue(community_ids))
        cards.append(TodayCard(
            key="repairs.overdue", title=_("Overdue deadlines"), count=total, order=9,
            roles=frozenset({Role.CLERK}), url=list_url("repairs:overdue", community_ids),
            items=tuple(_clock_item(c, kinds, now) for c in late)))
        clocks, total = first_with_total(clocks_running_out(community_ids, now))
        cards.append(TodayCard(
            key="repairs.clocks", title=_("Deadlines running out"), count=total, order=10,
            roles=frozenset({Role.CLERK}), url=list_url("repairs:board", community_ids, sort="due"),
            items=tuple(_clock_item(c, kinds, now) for c in clocks)))
        callbacks, total = first_with_total(callbacks_due_today(community_ids, day))
        cards.append(TodayCard(
            key="repairs.callbacks", title=_("Callbacks due today"), count=total, order=20,
            roles=frozenset({Role.CLERK}),
            url=list_url("repairs:callback_list", community_ids, due_by=day.isoformat()),
            items=tuple(TodayItem(
                text=f"{c.ticket.number} {_place(c.ticket)} {c.ticket.category.name}",
                url=reverse("repairs:callback_detail", args=[c.pk]), due=c.due_at, urgent=c.due_at <= now)
                for c in callbacks)))
    elif user.role == Role.ENGINEER:
        tickets, total = first_with_total(work_list(user=user).filter(community_id__in=community_ids))
        cards.append(TodayCard(
            key="repairs.work", title=_("My work orders"), count=total, order=10, roles=frozenset({Role.ENGINEER}),
            url=reverse("repairs:work_list"),
            items=tuple(TodayItem(
                # a paused clock (on hold) is told as paused, not as a deadline running late (``due_label``)
                text=" · ".join(x for x in (f"{t.number} {_place(t)} {t.category.name}",
                                            str(t.get_urgency_display()) if t.urgency == Ticket.Urgency.URGENT else "",
                                            due_label(t, now)[0] if t.next_paused_at else "") if x),
                url=reverse("repairs:work_ticket", args=[t.pk]), due=None if t.next_paused_at else t.next_due,
                urgent=t.is_overdue or t.urgency == Ticket.Urgency.URGENT) for t in tickets)))
    elif user.role == Role.SUPERVISOR:
        escalated, total = first_with_total(
            Callback.objects.filter(escalated_open(), community_id__in=community_ids)
            .select_related("ticket__unit", "ticket__category").order_by("-done_at", "-id"))
        cards.append(TodayCard(
            key="repairs.escalations", title=_("Escalations"), count=total, order=40,
            roles=frozenset({Role.SUPERVISOR}),
            url=list_url("repairs:callback_list", community_ids, show="escalated"),
            items=tuple(TodayItem(
                text=f"{c.ticket.number} {_place(c.ticket)} {c.ticket.category.name} · "
                     + _("satisfaction %(n)s/5") % {"n": c.satisfaction},
                url=reverse("repairs:callback_detail", args=[c.pk]), urgent=True) for c in escalated)))
    return cards


__all__ = ["DISSATISFIED_BELOW", "figures", "today_cards"]
