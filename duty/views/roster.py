"""Roster views: shift templates, the month grid, its status, leave and swaps, the roster PDF.

Thin: permission → form → one service call → redirect. Communities and requests come from scoped
querysets, so another community's roster or request is a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import month_days, month_of, next_month, previous_month
from core.forms import submit_once
from core.pdf import pdf_response
from core.permissions import has_perm, require
from frontdesk.scoping import choose_community, communities_of

from .. import documents
from ..forms.roster import (
    ChangeRequestForm,
    ConfirmForm,
    CopyPatternForm,
    RequestDecisionForm,
    RosterDecisionForm,
    RosterGridForm,
    ShiftTemplateForm,
)
from ..models import Roster, ShiftChangeRequest
from ..selectors import roster as selectors
from ..services import roster as services


def _community(request, community_pk):
    """The community in the URL, one of the user's (else 404), with its default shifts in place."""
    community = get_object_or_404(communities_of(request.user), pk=community_pk)
    services.shift_templates_ensure(community)
    return community


def _month(year, month):
    """The month in the URL (404 when it is none)."""
    month = month_of(year, month)
    if month is None:
        raise Http404
    return month


def _month_url(community_pk, month):
    return reverse("duty:roster_month", kwargs={"community_pk": community_pk, "year": month.year, "month": month.month})


def _perms(user):
    return {"roster": has_perm(user, "duty.roster"), "approve": has_perm(user, "duty.approve_roster"),
            "log": has_perm(user, "duty.log")}


# --- rosters -------------------------------------------------------------------------------------

@require("duty.view")
def roster_list(request):
    for community in communities_of(request.user):
        services.shift_templates_ensure(community)
    return render(request, "duty/roster_list.html", {
        "entries": selectors.roster_list(user=request.user), "perms": _perms(request.user),
        "pending_count": selectors.change_requests_pending(user=request.user).count(),
    })


def _cells_html(rows, editable: bool, codes: set[str]) -> None:
    """Each row's cells as one HTML string: 30 staff × 31 days is ~930 cells, too many for template tags
    within the page's time budget (see bench/duty_roster.py). Every value is escaped."""
    for row in rows:
        parts = []
        for c in row.cells:
            css = "flag" if c.flagged or (c.code and c.code not in codes) else ("we" if c.weekend else "")
            code = escape(c.code)
            if editable:
                parts.append(f'<td class="{css}"><input class="cell" name="c-{row.user.pk}-{c.day}" value="{code}" '
                             f'maxlength="4" autocomplete="off" aria-label="{c.day}"></td>')
            else:
                parts.append(f'<td class="{css}"><div class="ro {c.origin}">{code}</div></td>')
        row.html = mark_safe("".join(parts))


def _grid_page(request, community, month, *, grid_form=None, posted=None, status=200):
    grid = selectors.roster_grid(community=community, month=month, posted=posted)
    perms = _perms(request.user)
    can_edit = perms["roster"] and grid["editable"]
    _cells_html(grid["rows"], can_edit, {t.code for t in grid["active_templates"]})
    return render(request, "duty/roster_month.html", {
        **grid, "perms": perms, "can_edit": can_edit,
        "grid_form": grid_form or RosterGridForm(), "copy_form": CopyPatternForm(), "submit_form": ConfirmForm(),
        "previous": previous_month(month), "next": next_month(month),
    }, status=status)


@require("duty.view")
def roster_month(request, community_pk, year, month):
    community = _community(request, community_pk)
    return _grid_page(request, community, _month(year, month))


@require("duty.roster")
@require_POST
def roster_save(request, community_pk, year, month):
    community = _community(request, community_pk)
    month = _month(year, month)
    staff_ids = list(selectors.community_staff(community).values_list("pk", flat=True))
    form = RosterGridForm(request.POST, staff_ids=staff_ids, days=month_days(month))

    def perform(data):
        result = services.roster_save_grid(community=community, month=month, cells=data["cells"], actor=request.user)
        messages.success(request, _("Roster saved: %(added)s shifts added, %(removed)s removed.") % result)
        return _month_url(community.pk, month)

    if response := submit_once(request, form, perform):
        return response
    posted = form.cleaned_data.get("cells") if hasattr(form, "cleaned_data") else None
    return _grid_page(request, community, month, grid_form=form, posted=posted)


@require("duty.roster")
@require_POST
def roster_copy(request, community_pk, year, month):
    community = _community(request, community_pk)
    month = _month(year, month)
    form = CopyPatternForm(request.POST)

    def perform(data):
        result = services.roster_copy_previous(community=community, month=month, mode=data["mode"], actor=request.user)
        messages.success(request, _("Last month's pattern copied: %(added)s shifts added, %(removed)s removed.") % result)
        return _month_url(community.pk, month)

    if response := submit_once(request, form, perform):
        return response
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect(_month_url(community.pk, month))


@require("duty.roster")
@require_POST
def roster_submit(request, community_pk, year, month):
    community = _community(request, community_pk)
    month = _month(year, month)
    form = ConfirmForm(request.POST)

    def perform(data):
        services.roster_submit(community=community, month=month, actor=request.user)
        messages.success(request, _("Roster submitted to the manager."))
        return _month_url(community.pk, month)

    if response := submit_once(request, form, perform):
        return response
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect(_month_url(community.pk, month))


@require("duty.approve_roster")
def roster_decide(request, pk):
    roster = selectors.roster_for(user=request.user, pk=pk)
    form = RosterDecisionForm(request.POST or None)

    def perform(data):
        services.roster_set_status(roster=roster, to_status=data["decision"], note=data["note"], actor=request.user)
        messages.success(request, _("Roster approved.") if data["decision"] == Roster.Status.APPROVED
                         else _("Roster returned to the supervisor."))
        return _month_url(roster.community_id, roster.month)

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    grid = selectors.roster_grid(community=roster.community, month=roster.month)
    return render(request, "duty/roster_decide.html", {**grid, "form": form, "roster": roster})


@require("duty.view")
def roster_pdf(request, community_pk, year, month):
    community = _community(request, community_pk)
    month = _month(year, month)
    grid = selectors.roster_grid(community=community, month=month)
    return pdf_response(*documents.roster_pdf(grid=grid, user=request.user, request=request))


# --- shift templates -----------------------------------------------------------------------------

@require("duty.roster")
def shift_list(request, community_pk=None):
    if community_pk is None:  # the menu's link: the first of the user's communities
        first = choose_community(request, required=False).community
        if first is None:
            messages.info(request, _("You do not work in any community yet."))
            return redirect("duty:roster_list")
        return redirect("duty:shift_list", community_pk=first.pk)
    community = _community(request, community_pk)
    return render(request, "duty/shift_list.html", {"community": community, "communities": communities_of(request.user),
                                                    "templates": selectors.shift_templates(community=community)})


@require("duty.roster")
def shift_edit(request, community_pk, pk=None):
    community = _community(request, community_pk)
    template = selectors.shift_template_for(community=community, pk=pk) if pk else None
    fields = ("code", "name", "start_time", "end_time", "is_active", "sort_order")
    initial = {f: getattr(template, f) for f in fields} if template else {}
    form = ShiftTemplateForm(request.POST or None, initial=initial)
    back = reverse("duty:shift_list", kwargs={"community_pk": community.pk})

    def perform(data):
        services.shift_template_save(community=community, template=template, actor=request.user,
                                     **{f: data[f] for f in fields})
        messages.success(request, _("Saved."))
        return back

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    title = _("Shift %(name)s") % {"name": template.name} if template else _("New shift")
    return render(request, "duty/shift_form.html", {"form": form, "title": title, "back": back, "community": community})


# --- leave and swaps -----------------------------------------------------------------------------

@require("duty.view")
def request_list(request):
    return render(request, "duty/request_list.html", {
        "pending": selectors.change_requests_pending(user=request.user),
        "mine": selectors.change_requests_mine(user=request.user),
        "decided": selectors.change_requests_decided(user=request.user) if has_perm(request.user, "duty.roster") else [],
        "perms": _perms(request.user), "cancel_form": ConfirmForm(),
    })


@require("duty.log")
def request_create(request):
    form = ChangeRequestForm(request.POST or None, mine=selectors.my_future_assignments(user=request.user),
                             colleagues=selectors.colleague_assignments(user=request.user))

    def perform(data):
        services.change_request_create(requester=request.user, kind=data["kind"], assignment=data["assignment"],
                                       counterpart_assignment=data.get("counterpart_assignment"), reason=data["reason"])
        messages.success(request, _("Request sent to the supervisor."))
        return reverse("duty:request_list")

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/request_form.html", {"form": form})


@require("duty.roster")
def request_decide(request, pk):
    change = selectors.change_request_for(user=request.user, pk=pk)
    is_leave = change.kind == ShiftChangeRequest.Kind.LEAVE
    candidates = selectors.cover_candidates(community=change.assignment.community).exclude(pk=change.assignment.user_id)
    form = RequestDecisionForm(request.POST or None, candidates=candidates, is_leave=is_leave)

    def perform(data):
        services.change_request_decide(request=change, approve=data["decision"] == "approve", note=data["note"],
                                       cover_user=data.get("cover_user"), actor=request.user)
        messages.success(request, _("Request approved; the roster is updated.") if data["decision"] == "approve"
                         else _("Request rejected."))
        return reverse("duty:request_list")

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/request_decide.html", {"form": form, "change": change})


@require("duty.log")
@require_POST
def request_cancel(request, pk):
    change = selectors.change_request_for(user=request.user, pk=pk)
    form = ConfirmForm(request.POST)

    def perform(data):
        services.change_request_cancel(request=change, actor=request.user)
        messages.success(request, _("Request withdrawn."))
        return reverse("duty:request_list")

    if response := submit_once(request, form, perform):
        return response
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect("duty:request_list")


urlpatterns = [
    path("roster/", roster_list, name="roster_list"),
    path("roster/<int:community_pk>/<int:year>/<int:month>/", roster_month, name="roster_month"),
    path("roster/<int:community_pk>/<int:year>/<int:month>/save/", roster_save, name="roster_save"),
    path("roster/<int:community_pk>/<int:year>/<int:month>/copy/", roster_copy, name="roster_copy"),
    path("roster/<int:community_pk>/<int:year>/<int:month>/submit/", roster_submit, name="roster_submit"),
    path("roster/<int:community_pk>/<int:year>/<int:month>/pdf/", roster_pdf, name="roster_pdf"),
    path("roster/<int:pk>/decide/", roster_decide, name="roster_decide"),
    path("shifts/", shift_list, name="shift_list"),  # same name: reversed with or without the community
    path("shifts/<int:community_pk>/", shift_list, name="shift_list"),
    path("shifts/<int:community_pk>/new/", shift_edit, name="shift_create"),
    path("shifts/<int:community_pk>/<int:pk>/", shift_edit, name="shift_edit"),
    path("requests/", request_list, name="request_list"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/<int:pk>/decide/", request_decide, name="request_decide"),
    path("requests/<int:pk>/cancel/", request_cancel, name="request_cancel"),
]
