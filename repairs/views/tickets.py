"""The desk's side of tickets: intake, the board, the ticket page, the desk's moves, settings.
Views are thin: permission → scoped object → form → one service call → redirect."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import history_for
from core.forms import submit_once
from core.permissions import has_perm, require
from frontdesk.scoping import choose_community, community_ids, scope
from frontdesk.models import Community

from .. import selectors
from ..forms import (
    AssignForm,
    BoardFilterForm,
    BulkDispatchForm,
    CategoryForm,
    ClockSettingsForm,
    DispatchForm,
    IntakeForm,
    MoveForm,
    SavedFilterForm,
    TeamForm,
    assignee_choices,
)
from ..models import Category, Clock, SavedFilter, Team, Ticket
from ..services import dispatch, intake

PAGE_SIZE = 50
BOARD_KEYS = ("q", "status", "kind", "category", "building", "engineer", "overdue", "date_from", "date_to", "sort")


def _clocks(ticket, now):
    return [selectors.clock_state(c, now) for c in getattr(ticket, "open_clocks", [])]


BADGE = {"late": "text-bg-danger", "near": "text-bg-warning", "paused": "text-bg-secondary",
         "ok": "text-bg-light border"}


def _board_rows(tickets, now):
    """The board's rows with their labels worked out here, once per request (the same words as
    ``partials/_clock.html``): 50 rows of template includes and ``get_…_display`` calls were most of
    the list's rendering time."""
    status = {k: str(v) for k, v in Ticket.Status.choices}
    kind = {k: str(v) for k, v in Ticket.Kind.choices}
    clock_kind = {k: str(v) for k, v in Clock.Kind.choices}
    due, paused = _("due"), _("paused")
    rows = []
    for t in tickets:
        clocks = []
        for c in _clocks(t, now):
            label = clock_kind.get(c["clock"].kind, c["clock"].kind)
            if c["late"]:
                left = (_("overdue %(h)s h %(m)s min") % {"h": c["hours"], "m": c["mins"]} if c["hours"]
                        else _("overdue %(m)s min") % {"m": c["mins"]})
            elif c["days"] > 1:
                left = _("%(d)s days left") % {"d": c["days"]}
            elif c["hours"]:
                left = _("%(h)s h %(m)s min left") % {"h": c["hours"], "m": c["mins"]}
            else:
                left = _("%(m)s min left") % {"m": c["mins"]}
            text = " ".join(x for x in (label, paused if c["state"] == "paused" else "", left) if x)
            title = f"{label} · {due} {date_format(timezone.localtime(c['clock'].due_at), 'm-d H:i')}"
            clocks.append({**c, "badge": BADGE[c["state"]], "text": text, "title": title})
        rows.append({"ticket": t, "clocks": clocks, "status": status.get(t.status, t.status),
                     "kind": kind.get(t.kind, t.kind)})
    return rows


# --- the board -----------------------------------------------------------------------------------

MAX_PAGE = 100_000  # a page number past the end shows an empty page; this keeps OFFSET within a bigint


def _page_number(value) -> int:
    try:
        return min(max(1, int(value or 1)), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


@require("repairs.view")
def board(request):
    # The option lists (filter selects, dispatch select, saved filters) come in one query; the htmx
    # refresh of the list needs none of them. No COUNT: the page reads PAGE_SIZE + 1 rows.
    can_dispatch = has_perm(request.user, "repairs.dispatch")
    options = None if request.htmx else selectors.board_options(request.user, with_teams=can_dispatch)
    form = BoardFilterForm(request.GET or None, engineers=options.engineers if options else [],
                           categories=options.categories if options else [],
                           buildings=options.buildings if options else [])
    if request.htmx:  # filters are taken as given: the selector scopes the rows anyway
        for name in ("category", "building", "engineer"):
            form.fields[name].valid_value = lambda value: True
    page = selectors.ticket_board_page(user=request.user, number=_page_number(request.GET.get("page")),
                                       size=PAGE_SIZE, **form.filters())
    rows = _board_rows(page.object_list, timezone.now())
    query = urlencode([(k, v) for k, v in request.GET.items() if k in BOARD_KEYS and v])
    context = {"form": form, "page": page, "rows": rows, "query": query, "can_dispatch": can_dispatch,
               "can_intake": has_perm(request.user, "repairs.intake")}
    if request.htmx:
        return render(request, "repairs/partials/_ticket_table.html", context)
    context["saved"] = options.saved
    context["save_form"] = SavedFilterForm(initial={"query": query})
    if can_dispatch:
        context["engineer_choices"] = assignee_choices(options.engineers, options.teams, with_community=True)
    return render(request, "repairs/board.html", context)


@require("repairs.view")
def board_filter_save(request):
    form = SavedFilterForm(request.POST or None)

    def perform(data):
        query = QueryDict(data["query"] or "")
        clean = urlencode([(k, v) for k, v in query.items() if k in BOARD_KEYS and v])
        SavedFilter.objects.update_or_create(user=request.user, name=data["name"], defaults={"query": clean})
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": data["name"]})
        return f"{reverse('repairs:board')}?{clean}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    if request.method == "POST":
        messages.error(request, _("Give the filter a name."))
    return redirect("repairs:board")


@require("repairs.view")
@require_POST
def board_filter_delete(request, pk):
    saved = SavedFilter.objects.filter(pk=pk, user=request.user).first()  # only one's own
    if saved:
        saved.delete()  # a personal preference, not a record
        messages.success(request, _("Filter “%(name)s” removed.") % {"name": saved.name})
    return redirect("repairs:board")


def _bulk_form(request, data=None):
    engineers = selectors.engineers_for_user(request.user)
    teams = scope(Team.objects.filter(is_active=True).select_related("community"), request.user).order_by("name")
    tickets = selectors.tickets_for(request.user).filter(kind=Ticket.Kind.REPAIR)
    return BulkDispatchForm(data, tickets=tickets, engineers=engineers, teams=teams)


@require("repairs.dispatch")
def bulk_dispatch(request):
    if request.method != "POST":
        return redirect("repairs:board")
    form = _bulk_form(request, request.POST)

    def perform(data):
        done, failed = dispatch.dispatch_bulk(tickets=sorted(data["tickets"], key=lambda t: t.pk),
                                              assignee=data["assignee"], team=data["team"], actor=request.user,
                                              note=data["note"])
        if done:
            messages.success(request, _("Dispatched: %(numbers)s.") % {"numbers": "、".join(t.number for t in done)})
        for ticket, reason in failed:
            messages.error(request, _("%(number)s not dispatched: %(reason)s") % {"number": ticket.number, "reason": reason})
        return reverse("repairs:board") + ("?" + request.POST["query"] if request.POST.get("query") else "")

    if response := submit_once(request, form, perform):
        return response
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("repairs:board")


# --- intake --------------------------------------------------------------------------------------

@require("repairs.intake")
def ticket_create(request):
    unit = None
    unit_pk = request.GET.get("unit") or request.POST.get("unit")
    if unit_pk:
        try:
            unit = get_object_or_404(selectors.units_for(request.user), pk=int(unit_pk))
        except ValueError:
            raise Http404
    communities = Community.objects.filter(pk__in=community_ids(request.user)).order_by("name")
    if unit:
        communities = communities.filter(pk=unit.community_id)
    communities = list(communities)
    for community in communities:
        intake.categories_ensure(community=community)
    community_pks = [c.pk for c in communities]
    categories = Category.objects.filter(community__in=community_pks, is_active=True).select_related("community") \
        .order_by("community__name", "sort_order", "name")
    engineers = selectors.engineers_for_user(request.user).filter(communities__in=community_pks)
    teams = Team.objects.filter(community__in=community_pks, is_active=True).select_related("community").order_by("name")
    people = selectors.unit_people(unit=unit) if unit else []
    initial = {"unit": unit, "community": communities[0] if len(communities) == 1 else None}
    if people:
        first = people[0]
        initial.update(person=str(first.person_id), contact_name=first.person.name, contact_phone=first.person.phone)
    if not unit:
        initial["channel"] = Ticket.Channel.PHONE
    form = IntakeForm(request.POST or None, request.FILES or None, initial=initial,
                      units=selectors.units_for(request.user),
                      communities=Community.objects.filter(pk__in=community_pks).order_by("name"), categories=categories,
                      engineers=engineers, teams=teams, people=people)
    if not form.is_bound:
        others = [c for c in categories if c.community_id == (unit.community_id if unit else None)] or list(categories)
        default = next((c for c in others if c.name in (_("Plumbing"), "Plumbing")), others[0] if others else None)
        form.initial["category"] = default

    def perform(data):
        ticket = intake.ticket_create(
            community=data["community"], kind=data["kind"], channel=data["channel"], unit=data["unit"],
            location=data["location"], contact_name=data["contact_name"], contact_phone=data["contact_phone"],
            category=data["category"], description=data["description"], urgency=data["urgency"],
            appointment_start=data["appointment_start"], appointment_end=data["appointment_end"],
            is_paid=data["is_paid"], photos=data["photos"], actor=request.user)
        if data["assignee"] or data["team"]:
            try:
                if ticket.kind == Ticket.Kind.COMPLAINT:
                    dispatch.complaint_assign(ticket=ticket, team=data["team"], assignee=data["assignee"],
                                              actor=request.user)
                elif ticket.kind == Ticket.Kind.REPAIR:
                    dispatch.ticket_dispatch(ticket=ticket, assignee=data["assignee"], team=data["team"],
                                             actor=request.user)
                else:
                    raise ValidationError(_("An enquiry is answered, not dispatched: leave “Dispatch to” empty."))
            except ValidationError as exc:
                raise ValidationError({"dispatch_to": exc.messages})
            messages.success(request, _("Ticket %(number)s logged and dispatched.") % {"number": ticket.number})
        else:
            messages.success(request, _("Ticket %(number)s logged.") % {"number": ticket.number})
        return ticket.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/intake.html", {
        "form": form, "unit": unit, "people": form.person_data,
        "back": unit.get_absolute_url() if unit else reverse("repairs:board")})


# --- the ticket page and the desk's moves ---------------------------------------------------------

@require("repairs.view")
def ticket_detail(request, pk):
    ticket = selectors.ticket_detail(user=request.user, pk=pk)
    now = timezone.now()
    can_dispatch = has_perm(request.user, "repairs.dispatch")
    return render(request, "repairs/ticket_detail.html", {
        "ticket": ticket, "clocks": [selectors.clock_state(c, now) for c in ticket.all_clocks
                                     if not c.met_at and not c.cancelled_at],
        "done_clocks": [c for c in ticket.all_clocks if c.met_at or c.cancelled_at],
        "moves": dispatch.desk_moves(ticket) if can_dispatch else [], "seen": dispatch.ticket_version(ticket),
    })


@require("repairs.view")
def ticket_history(request, pk):
    ticket = get_object_or_404(selectors.tickets_for(request.user), pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(ticket)})


MOVE_TITLES = {
    "dispatch": _("Dispatch"), "assign": _("Assign to a department"), "start": _("Start handling"),
    "reply": _("Reply to the owner"), "hold": _("Put on hold"), "resume": _("Resume"), "cancel": _("Cancel the ticket"),
    "close": _("Close"),
}


def _move_form(request, ticket, move, data):
    initial = {"seen": dispatch.ticket_version(ticket)}
    if move == "dispatch":
        reassign = ticket.status in (Ticket.Status.DISPATCHED, Ticket.Status.ACCEPTED)
        return DispatchForm(data, initial=initial, engineers=selectors.engineers_for(community=ticket.community),
                            teams=selectors.teams_for(community=ticket.community),
                            note_label=_("Reason for reassigning") if reassign else None, note_required=reassign)
    if move == "assign":
        return AssignForm(data, initial=initial, teams=selectors.teams_for(community=ticket.community),
                          note_label=_("Reason for moving it") if ticket.status == Ticket.Status.ASSIGNED else None,
                          note_required=ticket.status == Ticket.Status.ASSIGNED)
    labels = {"reply": _("What the owner was told"), "hold": _("Reason (waiting for parts, for the owner…)"),
              "cancel": _("Reason for cancelling")}
    return MoveForm(data, initial=initial, note_label=labels.get(move), note_required=move in labels)


def _perform_move(request, ticket, move, data):
    common = {"ticket": ticket, "actor": request.user, "seen": data.get("seen") or None}
    note = data.get("note", "")
    if move == "dispatch":
        return dispatch.ticket_dispatch(assignee=data["assignee"], team=data["team"], note=note, **common)
    if move == "assign":
        return dispatch.complaint_assign(team=data["team"], note=note, **common)
    if move == "start":
        return dispatch.complaint_start(note=note, **common)
    if move == "reply":
        return dispatch.ticket_reply(text=note, **common)
    if move == "hold":
        return dispatch.ticket_hold(reason=note, **common)
    if move == "resume":
        return dispatch.ticket_resume(note=note, **common)
    if move == "cancel":
        return dispatch.ticket_cancel(reason=note, **common)
    return dispatch.ticket_close(note=note, **common)


@require("repairs.dispatch")
def ticket_move(request, pk, move):
    if move not in MOVE_TITLES:
        raise Http404
    ticket = get_object_or_404(selectors.tickets_for(request.user).select_related("community", "assignee", "team"),
                               pk=pk)
    form = _move_form(request, ticket, move, request.POST or None)

    def perform(data):
        done = _perform_move(request, ticket, move, data)
        messages.success(request, _("%(number)s: now “%(status)s”.") % {"number": done.number,
                                                                       "status": done.get_status_display()})
        return done.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    if request.method == "POST":
        refusals = [e for e in form.non_field_errors().as_data() if e.code in ("stale", "bad_move")]
        if refusals and (request.POST.get("from_page") or refusals[0].code == "stale"):
            # someone else moved it first (or the move no longer fits): show the ticket as it is now
            for error in refusals:
                messages.error(request, " ".join(error.messages))
            return redirect(ticket.get_absolute_url())
    title = MOVE_TITLES[move]
    if move == "dispatch" and ticket.status in (Ticket.Status.DISPATCHED, Ticket.Status.ACCEPTED):
        title = _("Reassign")
    return render(request, "repairs/ticket_move.html", {"form": form, "ticket": ticket, "move": move, "title": title})


# --- settings (repairs.manage) -------------------------------------------------------------------



@require("repairs.manage")
def manage(request):
    choice = choose_community(request, post_param="community_pk")
    community, communities = choice.community, choice.communities
    intake.categories_ensure(community=community)
    return render(request, "repairs/manage.html", {
        "community": community, "communities": communities,
        "categories": selectors.categories_for(community=community, active_only=False),
        "teams": selectors.teams_with_members(community=community),
        "clock_settings": selectors.community_clock_settings(community),
    })


@require("repairs.manage")
def manage_category(request, pk=None):
    category = get_object_or_404(scope(Category.objects.select_related("community"), request.user), pk=pk) if pk else None
    community = category.community if category else choose_community(request, post_param="community_pk").community
    initial = {"name": category.name, "sort_order": category.sort_order, "is_active": category.is_active} if category else {}
    form = CategoryForm(request.POST or None, initial=initial)

    def perform(data):
        intake.category_save(community=community, category=category, name=data["name"], sort_order=data["sort_order"],
                             is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Saved."))
        return f"{reverse('repairs:manage')}?community={community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {
        "form": form, "community": community,
        "title": _("Edit category") if category else _("New category"),
        "back": f"{reverse('repairs:manage')}?community={community.pk}"})


@require("repairs.manage")
def manage_team(request, pk=None):
    team = get_object_or_404(scope(Team.objects.select_related("community"), request.user), pk=pk) if pk else None
    community = team.community if team else choose_community(request, post_param="community_pk").community
    initial = {"name": team.name, "is_active": team.is_active, "members": list(team.members.all())} if team else {}
    form = TeamForm(request.POST or None, initial=initial, engineers=selectors.engineers_for(community=community))

    def perform(data):
        intake.team_save(community=community, team=team, name=data["name"], members=list(data["members"]),
                         is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Saved."))
        return f"{reverse('repairs:manage')}?community={community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {
        "form": form, "community": community, "title": _("Edit team") if team else _("New team or department"),
        "back": f"{reverse('repairs:manage')}?community={community.pk}"})


@require("repairs.manage")
def manage_clocks(request):
    choice = choose_community(request, post_param="community_pk")
    community, _communities = choice.community, choice.communities
    row = selectors.community_clock_settings(community)
    form = ClockSettingsForm(request.POST or None, instance=row)

    def perform(data):
        fields = ("dispatch_minutes", "onsite_urgent_minutes", "complaint_hours", "callback_end_of_day",
                  "warn_before_percent")
        intake.clock_settings_save(community=community, actor=request.user, **{f: data[f] for f in fields})
        messages.success(request, _("Saved. New deadlines use these durations; running clocks keep theirs."))
        return f"{reverse('repairs:manage')}?community={community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {
        "form": form, "community": community, "title": _("Clock settings"),
        "back": f"{reverse('repairs:manage')}?community={community.pk}"})


urlpatterns = [
    path("", board, name="board"),
    path("filters/save/", board_filter_save, name="board_filter_save"),
    path("filters/<int:pk>/delete/", board_filter_delete, name="board_filter_delete"),
    path("dispatch/bulk/", bulk_dispatch, name="bulk_dispatch"),
    path("new/", ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/history/", ticket_history, name="ticket_history"),
    path("tickets/<int:pk>/<slug:move>/", ticket_move, name="ticket_move"),
    path("manage/", manage, name="manage"),
    path("manage/categories/new/", manage_category, name="manage_category_create"),
    path("manage/categories/<int:pk>/", manage_category, name="manage_category_edit"),
    path("manage/teams/new/", manage_team, name="manage_team_create"),
    path("manage/teams/<int:pk>/", manage_team, name="manage_team_edit"),
    path("manage/clocks/", manage_clocks, name="manage_clocks"),
]
