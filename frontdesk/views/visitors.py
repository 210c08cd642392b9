"""The visitor register (访客登记): the on-site-now board, register a visitor (from the lookup or the unit
page), a visitor's page (ask the owner, time in, time out, not come, void), the end-of-shift sweep, and the
log with its filters and .xlsx export."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core import privacy
from core.exports import xlsx_response
from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.permissions import has_perm, require
from frontdesk.forms.common import ReasonForm
from frontdesk.forms.visitors import AnswerForm, SweepForm, VisitorFilterForm, VisitorForm
from frontdesk.models import Visitor
from frontdesk.scoping import choose_community, communities_of
from frontdesk.selectors import visitors as selectors
from frontdesk.selectors.units import units_for
from frontdesk.services import visitors as services

from .common import form_page

PAGE_SIZE = 50
CHUNK = 2000
LOG_DEFAULT_DAYS = 30  # the log without dates shows the last 30 days


def _back(request, default: str) -> str:
    """Where a one-click action returns: the page it was clicked on (``next``), if it is ours."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _board_rows(board: dict, now) -> None:
    """Each row's links and times, made once in Python: the board may list a few hundred visitors, and a
    template tag per row (``{% url %}``, ``|date``) is what made it slow (bench/registers_visitors.py)."""
    visitor_prefix = reverse("frontdesk:visitor_detail", args=[0])[: -len("0/")]
    unit_prefix = reverse("frontdesk:unit_detail", args=[0])[: -len("0/")]
    today = timezone.localdate(now)

    def when(moment) -> str:
        local = timezone.localtime(moment)
        return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")

    for key in ("on_site", "expected", "consulting"):
        for v in board[key]:
            v.url = f"{visitor_prefix}{v.pk}/"
            v.unit_url = f"{unit_prefix}{v.unit_id}/"
            v.time_label = when(v.time_in or v.expected_at or v.created_at)


@require("visitors.view")
def visitor_board(request):
    choice = choose_community(request, all_allowed=True, remember=False)
    now = timezone.now()
    board = selectors.desk_board(community_ids=choice.ids, now=now)
    _board_rows(board, now)
    return render(request, "frontdesk/visitors/board.html", {"choice": choice, "board": board})


@require("visitors.register")
def visitor_create(request):
    unit = None
    unit_pk = request.GET.get("unit")
    if unit_pk and str(unit_pk).isdecimal() and len(str(unit_pk)) <= 18:  # not an id (abc, -5): no room chosen
        unit = get_object_or_404(units_for(request.user), pk=int(unit_pk))
    communities = communities_of(request.user)
    initial = {"kind": Visitor.Kind.UNEXPECTED}
    if unit is not None:
        initial |= {"community": unit.community_id, "room": unit.code}
    form = VisitorForm(request.POST or None, initial=initial, communities=communities,
                       units=units_for(request.user))

    def perform(data):
        visitor = services.visitor_register(
            unit=data["unit"], kind=data["kind"], name=data["name"], phone=data["phone"], plate=data["plate"],
            people_count=data["people_count"], purpose=data["purpose"], called_by=data["called_by"],
            expected_at=data["expected_at"], actor=request.user)
        if visitor.status == Visitor.Status.CONSULTING:
            messages.warning(request, _("Visitor %(name)s registered. Call the owner and record the answer before "
                                        "letting them in.") % {"name": visitor.name})
        else:
            messages.success(request, _("Expected visitor %(name)s registered.") % {"name": visitor.name})
        return visitor.get_absolute_url()

    title = _("Register a visitor for %(room)s") % {"room": unit.label} if unit else _("Register a visitor")
    back = unit.get_absolute_url() if unit else reverse("frontdesk:visitor_board")
    return form_page(request, form, perform, title=title, back=back)


def _visitor(request, pk) -> Visitor:
    return selectors.visitor_detail(user=request.user, pk=pk)


def _detail(request, visitor, *, answer_form=None, status=200):
    contacts = selectors.unit_contacts(visitor.unit) if visitor.status == Visitor.Status.CONSULTING else []
    if answer_form is None:  # the person the clerk will most likely call: the first owner
        answer_form = AnswerForm(initial={"asked_person": contacts[0].person.name} if contacts else None)
    return render(request, "frontdesk/visitors/detail.html", {
        "visitor": visitor, "changes": selectors.visitor_status_changes(visitor), "contacts": contacts,
        "answer_form": answer_form, "can_register": has_perm(request.user, "visitors.register"),
    }, status=status)


@require("visitors.view")
def visitor_detail(request, pk):
    return _detail(request, _visitor(request, pk))


@require("visitors.register")
def visitor_answer(request, pk):
    visitor = _visitor(request, pk)
    form = AnswerForm(request.POST or None)

    def perform(data):
        done = services.visitor_record_answer(visitor=visitor, asked_person=data["asked_person"],
                                              answer=data["answer"], note=data["note"], actor=request.user)
        if done.answer == Visitor.Answer.AGREED:
            messages.success(request, _("The owner agreed: %(name)s may be let in.") % {"name": done.name})
        else:
            messages.warning(request, _("Recorded (%(answer)s): %(name)s is turned away.")
                             % {"answer": done.get_answer_display(), "name": done.name})
        return done.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return _detail(request, visitor, answer_form=form)


def _one_click(request, pk, action, success):
    """Time in / time out / not come: one POST, one service call; the loser of a race is told."""
    visitor = _visitor(request, pk)
    back = _back(request, visitor.get_absolute_url())
    if request.method != "POST":
        return redirect(visitor.get_absolute_url())
    try:
        done = action(visitor=visitor, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success % {"name": done.name, "time": timezone.localtime().strftime("%H:%M")})
    return redirect(back)


@require("visitors.register")
def visitor_time_in(request, pk):
    return _one_click(request, pk, services.visitor_time_in, _("%(name)s let in at %(time)s."))


@require("visitors.register")
def visitor_time_out(request, pk):
    return _one_click(request, pk, services.visitor_time_out, _("%(name)s checked out at %(time)s."))


@require("visitors.register")
def visitor_no_show(request, pk):
    return _one_click(request, pk, services.visitor_mark_no_show, _("%(name)s marked as not come."))


@require("visitors.register")
def visitor_void(request, pk):
    visitor = _visitor(request, pk)
    form = ReasonForm(request.POST or None)

    def perform(data):
        services.visitor_void(visitor=visitor, reason=data["reason"], actor=request.user)
        messages.success(request, _("The entry of %(name)s is voided; it stays in the register.")
                         % {"name": visitor.name})
        return visitor.get_absolute_url()

    return form_page(request, form, perform, title=_("Void the entry of visitor %(name)s") % {"name": visitor.name},
                     back=visitor.get_absolute_url())


@require("visitors.register")
def visitor_sweep(request):
    choice = choose_community(request, remember=True)
    form = SweepForm(request.POST or None)

    def perform(data):
        sweep = services.visitor_sweep_record(community=choice.community, actor=request.user, note=data["note"])
        count = sweep.items.count()
        if count:
            messages.warning(request, _("Sweep recorded: %(count)d visitors not checked out; they are in the duty "
                                        "handover.") % {"count": count})
        else:
            messages.success(request, _("Sweep recorded: every visitor has been checked out."))
        return f"{reverse('frontdesk:visitor_sweep')}?community={choice.community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/visitors/sweep.html", {
        "choice": choice, "form": form, "on_site": list(selectors.on_site_now(community_ids=choice.ids)),
        "sweeps": selectors.recent_sweeps(community_ids=choice.ids)})


def _log_xlsx(request, qs) -> HttpResponse:
    """The log as .xlsx: phones always masked (an export leaves the building)."""
    rows = ((v.community.name, v.unit.label, v.name, privacy.mask_phone(v.phone), v.people_count, v.plate,
             v.get_kind_display(), v.get_status_display(), v.called_by, v.get_answer_display() if v.answer else "",
             _local(v.expected_at), _local(v.time_in), _local(v.time_out), v.purpose, v.void_reason)
            for v in qs.iterator(chunk_size=CHUNK))
    return xlsx_response("visitors.xlsx", [
        _("Community"), _("Room"), _("Visitor's name"), _("Visitor's phone"), _("Number of people"), _("Car plate"),
        _("Type"), _("Status"), _("Who called"), _("Owner's answer"), _("Expected at"), _("Time in"), _("Time out"),
        _("Purpose of the visit"), _("Reason for voiding")], rows)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@list_params(VisitorFilterForm)
@require("visitors.view")
def visitor_log(request):
    export = request.GET.get("export") == "xlsx"
    if export and not has_perm(request.user, "visitors.export"):
        return HttpResponse(status=403)
    values = list_filters(request, VisitorFilterForm)
    filters = {key: values[key] or "" for key in ("community", "building", "room", "name", "plate", "status")}
    date_from, date_to = values["date_from"], values["date_to"]
    if "date_from" not in request.GET and "date_to" not in request.GET:
        # the register's recent pages by default; clearing the dates searches the whole register
        date_from = timezone.localdate() - datetime.timedelta(days=LOG_DEFAULT_DAYS - 1)
    qs = selectors.visitor_log(user=request.user, date_from=date_from, date_to=date_to, let_in_on=values["let_in_on"],
                               registered_on=values["registered_on"], not_out_on=values["not_out_on"], **filters)
    if export:
        return _log_xlsx(request, qs)
    return render(request, "frontdesk/visitors/log.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": filters, "date_from": date_from,
        "date_to": date_to, "communities": communities_of(request.user),
        "drill_down": [(VisitorFilterForm.base_fields[name].label, values[name])
                       for name in ("registered_on", "let_in_on", "not_out_on") if values[name]],
        "statuses": Visitor.Status.choices})
