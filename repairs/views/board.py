"""The open-tickets board: the list with its filters (and the htmx refresh), saved filters, bulk dispatch."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import submit_once
from core.paging import page_number
from core.permissions import has_perm, require

from ..forms.board import BoardFilterForm, SavedFilterForm
from ..forms.intake import assignee_choices
from ..forms.moves import BulkDispatchForm
from ..selectors import board as selectors
from ..services import dispatch
from ..services.board import board_query, saved_filter_delete, saved_filter_save

PAGE_SIZE = 50
MAX_PAGE = 100_000  # a page number past the end shows an empty page; this keeps OFFSET within a bigint


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
    page = selectors.ticket_board_page(user=request.user, size=PAGE_SIZE, **form.filters(),
                                       number=page_number(request.GET.get("page"), max_page=MAX_PAGE))
    rows = selectors.board_rows(page.object_list, timezone.now())
    query = board_query((k, v) for k, values in request.GET.lists() for v in values)
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
        saved = saved_filter_save(user=request.user, name=data["name"], query=data["query"])
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
        return f"{reverse('repairs:board')}?{saved.query}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    if request.method == "POST":
        messages.error(request, _("Give the filter a name."))
    return redirect("repairs:board")


@require("repairs.view")
@require_POST
def board_filter_delete(request, pk):
    saved = saved_filter_delete(user=request.user, pk=pk)  # only one's own
    if saved:
        messages.success(request, _("Filter “%(name)s” removed.") % {"name": saved.name})
    return redirect("repairs:board")


@require("repairs.dispatch")
def bulk_dispatch(request):
    if request.method != "POST":
        return redirect("repairs:board")
    tickets, engineers, teams = selectors.bulk_dispatch_choices(request.user)
    form = BulkDispatchForm(request.POST, tickets=tickets, engineers=engineers, teams=teams)

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


urlpatterns = [
    path("", board, name="board"),
    path("filters/save/", board_filter_save, name="board_filter_save"),
    path("filters/<int:pk>/delete/", board_filter_delete, name="board_filter_delete"),
    path("dispatch/bulk/", bulk_dispatch, name="bulk_dispatch"),
]
