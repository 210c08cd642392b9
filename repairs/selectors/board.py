"""The open-tickets board: its rows, a page of them without a COUNT, its option lists, saved filters,
and what the bulk dispatch offers."""

import datetime
import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from core.dates import day_bounds
from core.models import Role
from core.permissions import sees_all_communities
from frontdesk.models import Building, Community, Unit
from frontdesk.scoping import scope
from frontdesk.selectors.search import ROOM_RE, normalise_query

from ..models import OPEN_STATUS_VALUES, Category, Clock, SavedFilter, Team, Ticket
from .clocks import clock_badges
from .manage import ENGINEER_ROLES
from .stats.periods import aware
from .tickets import open_clocks, tickets_for, with_board_joins

SORTS = {  # "due" (due soonest) is ordered by the earliest open clock, see ticket_board
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "activity": ("-last_activity_at", "-id"),
}


def _board_filter(qs, *, user, status="", kind="", category=None, building=None, engineer=None, overdue=False,
                  date_from=None, date_to=None, q="", open_only=True, closed_on=None, channel=(), community=(),
                  sort="newest", depth=None):
    if status == "all":
        pass
    elif status:
        qs = qs.filter(status=status)
    elif open_only:
        # a sorted list: the same IN list as the open-ticket partial indexes' predicate
        qs = qs.filter(status__in=sorted(OPEN_STATUS_VALUES))
    if kind == "tickets":
        qs = qs.filter(kind__in=[Ticket.Kind.REPAIR, Ticket.Kind.COMPLAINT])
    elif kind:
        qs = qs.filter(kind=kind)
    if community:
        qs = qs.filter(community_id__in=community)
    if channel:
        qs = qs.filter(channel__in=channel)
    if closed_on:
        qs = qs.filter(closed_at__gte=aware(closed_on), closed_at__lt=aware(closed_on + datetime.timedelta(days=1)))
    if category:
        qs = qs.filter(category=category)
    if building:
        qs = qs.filter(building=building)
    if engineer:
        qs = qs.filter(assignee=engineer)
    if overdue:
        qs = qs.filter(is_overdue=True)
    if date_from:  # ranges, not ``__date``: the created_at indexes answer them
        qs = qs.filter(created_at__gte=day_bounds(date_from)[0])
    if date_to:
        qs = qs.filter(created_at__lt=day_bounds(date_to)[1])
    q = (q or "").strip()
    room = ROOM_RE.fullmatch(normalise_query(q)) if q else None
    if room and room["e"]:  # a full room code (3-2-1502, 3栋2单元1502): the unit's own index answers it
        # per community: the unique (community, code) index, not a scan of every unit for the code
        communities = scope(Community.objects.all(), user, field="pk").values("pk")
        qs = qs.filter(unit__in=Unit.objects.filter(community__in=communities,
                                                    code=Unit.make_code(room["b"], room["e"], room["n"])).values("pk"))
    elif q:
        qs = _free_text(qs, q, sort=sort, depth=depth)
    return qs


# A text the trigram indexes can look up and that few tickets contain: four letters or digits in a row (a phone's
# last 4 digits), or three letters (物业费). pg_trgm splits words at anything else, so shorter runs ("漏水", "3-2",
# "1-1") give only padded trigrams that nearly every row has; and three digits ("138", "150") are in ~1 % of the
# phones and room codes, so a page of them is found sooner by the single OR's walk than by the union below, whose
# room-code part walks on its own.
INDEXED_TEXT = re.compile(r"[^\W_]{4}|[^\W\d_]{3}")


def _free_text(qs, q, *, sort, depth):
    """The board's free-text search: the text anywhere in the description, the room code or the location (each
    ignoring case), anywhere in the contact phone (a phone's last digits), or the whole ticket number (ignoring
    case).

    For a page of the board (``depth``: how many rows of ``sort`` the page needs, offset included) and a text
    the indexes narrow down (``INDEXED_TEXT``), the ticket's own columns and the room code are searched apart,
    each for its first ``depth`` rows in the board's order, and the page is taken from the union of the two. Each
    part then has a plan of its own: the ticket's columns are one BitmapOr of their indexes for a rare text (a
    phone's last 4 digits: the matching tickets only, not a walk through every open ticket; migrations
    repairs/0003, 0010), or a walk in the board's order that stops at the ``depth``-th match for a common one;
    the room code is the tickets of the few units whose code contains the text (the units' trigram index, then
    the tickets by room), or a walk that looks up each ticket's unit when many codes match (``1502``).
    In one OR the room code either needs a join to every walked ticket's unit, or, as ``unit_id = ANY(ARRAY(<the
    units>))``, read the tickets of thousands of units (seconds at 1M tickets) when many codes match.
    Other texts keep the single OR (with a join to the unit): no index narrows them, and the walk in the board's
    order stops at the page's last match at once for a common word."""
    on_ticket = Q(description__icontains=q) | Q(contact_phone__contains=q) | Q(number__iexact=q) | Q(
        location__icontains=q)
    in_room = Q(unit__in=Unit.objects.filter(code__icontains=q).values("pk"))
    if depth is None or not INDEXED_TEXT.search(q):
        return qs.filter(on_ticket | Q(unit__code__icontains=q))
    first = [_board_order(qs.filter(part), sort).values("pk")[:depth] for part in (on_ticket, in_room)]
    return qs.filter(_any_of("pk", Subquery(first[0].union(first[1]))))


def _any_of(field, ids):
    """``field = ANY(ARRAY(ids))`` (``ids``: a one-column subquery expression): the array is an InitPlan computed
    once, its ids looked up by index."""
    return Func(F(field), Func(ids, function="ARRAY"), arg_joiner=" = ANY(", template="%(expressions)s)",
                output_field=BooleanField())


def _board_order(qs, sort):
    if sort == "due":
        next_due = Clock.objects.filter(ticket=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True) \
            .order_by().values("ticket").annotate(m=Min("due_at")).values("m")
        return qs.annotate(next_due=Subquery(next_due)).order_by(F("next_due").asc(nulls_last=True), "-created_at",
                                                                 "-id")
    return qs.order_by(*SORTS.get(sort, SORTS["newest"]))


def ticket_board(*, user, sort="newest", **filters):
    """The open-tickets board: one query for the rows (with room, category, engineer, team), one for
    their open clocks, whatever the page size. ``filters``: see ``_board_filter``."""
    qs = _board_filter(tickets_for(user), user=user, **filters)
    return with_board_joins(_board_order(qs, sort)).prefetch_related(open_clocks())


@dataclass
class BoardPage:
    """One page of the board without a COUNT: ``size + 1`` rows are read, the extra one only says
    whether there is a next page. ``total`` is known only on the last page."""

    number: int
    size: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1

    @property
    def total(self):
        return None if self.has_next else self.start_index + len(self.object_list)

    @property
    def start_index(self):
        return (self.number - 1) * self.size


def _due_page_ids(qs, start: int, stop: int) -> RawSQL:
    """The ids of ``qs`` (filtered tickets) from ``start`` to ``stop`` in "due soonest" order (``_board_order``:
    earliest running deadline first, tickets without a running clock last, then newest first), reading only
    what the page needs. Two branches, each limited to ``stop`` rows, then merged:

    - tickets with a running clock: the running clocks in deadline order (``clock_running_due_cov``, migration
      repairs/0012), each kept only if no running clock of its ticket is earlier (so it is the ticket's
      earliest: one row per ticket, at its next deadline), joined to its ticket for the filters;
    - tickets without a running clock, newest first (the open list's covering index).

    Before, every ticket of the filter had its next deadline computed and was sorted (50k open tickets at 1M,
    ~150–250 ms)."""
    running = Q(met_at__isnull=True, cancelled_at__isnull=True)
    # one INNER join to a running clock (due_at is never NULL: a filter that no missing clock can pass)
    clocked = (qs.filter(clocks__due_at__isnull=False, clocks__met_at__isnull=True, clocks__cancelled_at__isnull=True)
               .annotate(next_due=F("clocks__due_at"), clock_id=F("clocks__id")))
    earlier = Clock.objects.filter(running, ticket=OuterRef("pk")).filter(
        Q(due_at__lt=OuterRef("next_due")) | Q(due_at=OuterRef("next_due"), pk__lt=OuterRef("clock_id")))
    clocked = clocked.filter(~Exists(earlier)).order_by("next_due", "-created_at", "-id")
    unclocked = (qs.filter(~Exists(Clock.objects.filter(running, ticket=OuterRef("pk"))))
                 .annotate(next_due=Value(None, output_field=DateTimeField())).order_by("-created_at", "-id"))
    parts, params = [], []
    for part in (clocked, unclocked):
        sql, part_params = part.values_list("id", "next_due", "created_at")[:stop].query.sql_with_params()
        parts.append(f"({sql})")
        params += part_params
    return RawSQL(f"SELECT u.id FROM ({' UNION ALL '.join(parts)}) u "
                  "ORDER BY u.next_due ASC NULLS LAST, u.created_at DESC, u.id DESC OFFSET %s LIMIT %s",
                  (*params, start, stop - start))


def ticket_board_page(*, user, number=1, size=50, sort="newest", **filters) -> BoardPage:
    """A page of the board in two queries, whatever the page size or how deep the page: the rows with
    their joins, then their open clocks. The rows query picks the page's ids first, in a subquery that
    walks an index (for the open list an index-only scan of migration 0003's covering index, so a deep
    OFFSET reads no table rows; for "due soonest" the running clocks by deadline, ``_due_page_ids``), then
    joins only those rows."""
    number = max(1, number)
    start, stop = (number - 1) * size, number * size + 1
    filtered = _board_filter(tickets_for(user), user=user, sort=sort, depth=stop, **filters)
    if sort == "due":
        ids = _due_page_ids(filtered, start, stop)
    else:
        ids = Subquery(_board_order(filtered, sort).values("pk")[start:stop])
    # ``id = ANY(ARRAY(ids))``, not ``id IN (ids)``: the array is an InitPlan computed once, and its ids are
    # looked up in the primary key. With ``IN`` and the seven joins of the row query, PostgreSQL (past
    # join_collapse_limit) hashed the whole joined ticket table against the page's ids (seconds at 1M).
    qs = with_board_joins(_board_order(Ticket.objects.filter(_any_of("pk", ids)), sort)).prefetch_related(open_clocks())
    rows = list(qs)
    return BoardPage(number=number, size=size, object_list=rows[:size], has_next=len(rows) > size)


@dataclass(frozen=True)
class Option:
    """An entry of one of the board's option lists (category, building, engineer, team, saved filter)."""

    pk: int
    name: str
    community_id: int | None = None
    community_name: str = ""
    query: str = ""

    @property
    def display_name(self):  # engineers, as User.display_name
        return self.name

    @property
    def community(self):  # teams in ``forms.assignee_choices``
        return SimpleNamespace(pk=self.community_id, name=self.community_name)


@dataclass
class BoardOptions:
    categories: list
    buildings: list
    engineers: list
    teams: list
    saved: list


def board_options(user, *, with_teams=True) -> BoardOptions:
    """Every option list of the board page in one query (a UNION ALL): the filter's categories,
    buildings and engineers, the dispatch select's teams, and the user's saved filters. Each part
    keeps its own order (row_number over the same ORDER BY as the single-list selectors)."""
    def part(qs, tag, order, *, name, community=None, community_name=None, query=None):
        return qs.order_by().annotate(
            o_tag=Value(tag), o_rank=Window(RowNumber(), order_by=order), o_pk=F("pk"), o_name=name,
            o_community=F(community) if community else Value(None, output_field=IntegerField()),
            o_community_name=F(community_name) if community_name else Value(""),
            o_query=F(query) if query else Value(""),
        ).values_list("o_tag", "o_rank", "o_pk", "o_name", "o_community", "o_community_name", "o_query")

    User = get_user_model()
    engineers = User.objects.filter(is_active=True, role__in=ENGINEER_ROLES)
    if not sees_all_communities(user):
        mine = Community.staff.through.objects.filter(user_id=user.pk).values("community_id")
        engineers = engineers.filter(pk__in=Community.staff.through.objects.filter(community_id__in=mine)
                                     .values("user_id"))
    name = Case(When(full_name="", then=F("username")), default=F("full_name"))
    parts = [
        part(scope(Category.objects.filter(is_active=True), user), "c",
             [F("community__name"), F("sort_order"), F("name")], name=F("name"),
             community="community_id", community_name="community__name"),
        part(scope(Building.objects.all(), user), "b", [F("community_id"), F("sort_order"), F("name")],
             name=F("name"), community="community_id", community_name="community__name"),
        part(engineers, "e", [F("full_name"), F("pk")], name=name),
        part(SavedFilter.objects.filter(user=user), "s", [F("name")], name=F("name"), query="query"),
    ]
    if with_teams:
        parts.append(part(scope(Team.objects.filter(is_active=True), user), "t", [F("name"), F("pk")],
                          name=F("name"), community="community_id", community_name="community__name"))
    lists = {"c": [], "b": [], "e": [], "t": [], "s": []}
    for tag, _rank, pk, name, community, community_name, query in sorted(
            parts[0].union(*parts[1:], all=True), key=lambda r: (r[0], r[1])):
        lists[tag].append(Option(pk=pk, name=name, community_id=community, community_name=community_name,
                                 query=query))
    return BoardOptions(categories=lists["c"], buildings=lists["b"], engineers=lists["e"], teams=lists["t"],
                        saved=lists["s"])


def categories_for_user(user):
    return scope(Category.objects.filter(is_active=True), user).select_related("community").order_by(
        "community__name", "sort_order", "name")


def engineers_for_user(user):
    if user.is_superuser or user.role == Role.ADMIN:
        qs = get_user_model().objects.all()
    else:
        mine = Community.staff.through.objects.filter(user_id=user.pk).values("community_id")
        qs = get_user_model().objects.filter(communities__in=mine)
    return qs.filter(is_active=True, role__in=ENGINEER_ROLES).distinct().order_by("full_name")


def buildings_for_user(user):
    return scope(Building.objects.select_related("community"), user).order_by("community_id", "sort_order", "name")


def saved_filters(*, user):
    return SavedFilter.objects.filter(user=user).order_by("name")


def bulk_dispatch_choices(user):
    """What the board's bulk dispatch offers: (the user's repairs, engineers, active teams)."""
    teams = scope(Team.objects.filter(is_active=True).select_related("community"), user).order_by("name")
    return tickets_for(user).filter(kind=Ticket.Kind.REPAIR), engineers_for_user(user), teams


def board_rows(tickets, now) -> list[dict]:
    """The board's rows with their labels worked out here, once per request (status, type, the clocks'
    badges): 50 rows of template includes and ``get_…_display`` calls were most of the list's rendering time."""
    status = {k: str(v) for k, v in Ticket.Status.choices}
    kind = {k: str(v) for k, v in Ticket.Kind.choices}
    clock_kind = {k: str(v) for k, v in Clock.Kind.choices}
    return [{"ticket": t, "clocks": clock_badges(getattr(t, "open_clocks", []), now, kind_labels=clock_kind),
             "status": status.get(t.status, t.status), "kind": kind.get(t.kind, t.kind)} for t in tickets]
