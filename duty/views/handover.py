"""交接班 pages: start (outgoing), the handover page (each party signs from their own login), the
supervisor's override, the PDF record, the list, and the shared-items list (radios, keys, cash float…)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params, submit_once
from core.pdf import pdf_response
from core.permissions import require

from .. import documents
from ..forms.handover import (
    HandoverAcceptForm,
    HandoverListForm,
    HandoverStartForm,
    OverrideForm,
    PasswordForm,
    SharedItemForm,
)
from ..models import Handover
from ..selectors import handover as selectors
from ..selectors.log import entries_since, open_follow_ups
from ..services import handover as services
from .common import community_page, duty_can


@require("duty.view")
@list_params(HandoverListForm)
@community_page
def handover_list(request, choice):
    community, communities = choice.community, choice.communities
    filters = list_filters(request, HandoverListForm)
    return render(request, "duty/handover_list.html", {
        "community": community, "communities": communities, "duty_can": duty_can(request.user),
        "open": selectors.handover_open(community=community), "day": filters["day"], "late": filters["late"],
        "handovers": list(selectors.handover_list(community=community, day=filters["day"],
                                                  late=bool(filters["late"]))),
    })


@require("duty.log")
@community_page
def handover_start(request, choice):
    community, communities = choice.community, choice.communities
    current = selectors.handover_open(community=community)
    if current is not None and request.method != "POST":
        messages.warning(request, _("A handover is already in progress: finish it first."))
        return redirect("duty:handover_detail", current.pk)
    candidates = selectors.hand_over_candidates(community=community, exclude=request.user)
    initial = {}
    mine = selectors.current_assignment(community=community, user=request.user)
    successor = selectors.next_assignment(community=community, after=mine.starts_at if mine else timezone.now(),
                                          exclude_user=request.user)
    if successor is not None:
        initial["incoming"] = successor.user_id  # the person on the next assignment of the roster
    form = HandoverStartForm(request.POST or None, initial=initial, candidates=candidates)

    def perform(data):
        handover = services.handover_start(community=community, incoming=data["incoming"], notes=data["notes"],
                                           actor=request.user)
        messages.success(request, _("Handover started. Sign it, then %(name)s signs from their own login.") % {
            "name": handover.incoming.display_name})
        return reverse("duty:handover_detail", args=[handover.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/handover_start.html", {
        "form": form, "community": community, "communities": communities, "successor": successor,
        "follow_ups": list(open_follow_ups(community=community)),
        "items": list(selectors.shared_items(community=community)), "duty_can": duty_can(request.user)})


def _to_confirm(handover):
    return [line for line in handover.register_lines.all() if line.confirm_required]


def _detail_context(request, handover, **forms):
    user = request.user
    can = duty_can(user)
    is_open = handover.status == Handover.Status.OPEN
    context = {"handover": handover, "community": handover.community, "duty_can": can, "is_open": is_open,
               "is_outgoing": user.pk == handover.outgoing_id, "is_incoming": user.pk == handover.incoming_id,
               "blocking": [p for p in handover.pending_items.all() if p.important and not p.taken_over]}
    if is_open:
        context["entries"] = entries_since(
            community=handover.community, after_seq=selectors.previous_handover_seq(community=handover.community))
        context["read_up_to"] = max((e.seq for e in context["entries"]), default=0)
        if context["is_outgoing"] and not handover.outgoing_signed_at:
            context["sign_form"] = forms.get("sign_form") or PasswordForm()
        if context["is_incoming"] and can["log"]:
            context["accept_form"] = forms.get("accept_form") or HandoverAcceptForm(
                items=selectors.shared_items(community=handover.community), pending=handover.pending_items.all(),
                to_confirm=_to_confirm(handover), initial={"read_up_to": context["read_up_to"],
                         **{f"count_{i.pk}": i.expected_count for i in selectors.shared_items(community=handover.community)}})
        if can["review"] and not handover.override_by_id and any(p.important for p in handover.pending_items.all()):
            context["override_form"] = forms.get("override_form") or OverrideForm()
    return context


@require("duty.view")
def handover_detail(request, pk):
    handover = selectors.handover_detail(user=request.user, pk=pk)
    return render(request, "duty/handover_detail.html", _detail_context(request, handover))


@require("duty.log")
def handover_sign_out(request, pk):
    """The outgoing clerk signs with their password (first)."""
    handover = selectors.handover_detail(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("duty:handover_detail", pk)
    form = PasswordForm(request.POST)

    def perform(data):
        services.handover_sign_outgoing(handover=handover, password=data["password"], actor=request.user)
        messages.success(request, _("Signed. You may leave once %(name)s has signed and taken over.") % {
            "name": handover.incoming.display_name})
        return reverse("duty:handover_detail", args=[pk])

    if response := submit_once(request, form, perform):
        return response
    return render(request, "duty/handover_detail.html", _detail_context(request, handover, sign_form=form))


@require("duty.log")
def handover_accept(request, pk):
    """The incoming clerk counts the items, takes over the pending work and signs: the handover completes."""
    handover = selectors.handover_detail(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("duty:handover_detail", pk)
    form = HandoverAcceptForm(request.POST, items=selectors.shared_items(community=handover.community),
                              pending=handover.pending_items.all(), to_confirm=_to_confirm(handover))

    def perform(data):
        services.handover_accept(handover=handover, counts=form.counts(), taken=form.taken(),
                                 read_up_to=data["read_up_to"], password=data["password"], actor=request.user,
                                 confirmed=form.confirmed())
        messages.success(request, _("Handover completed: you have taken over the desk."))
        return reverse("duty:handover_detail", args=[pk])

    if response := submit_once(request, form, perform):
        return response
    return render(request, "duty/handover_detail.html", _detail_context(request, handover, accept_form=form))


@require("duty.review")
def handover_override(request, pk):
    handover = selectors.handover_detail(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("duty:handover_detail", pk)
    form = OverrideForm(request.POST)

    def perform(data):
        services.handover_override(handover=handover, reason=data["reason"], actor=request.user)
        messages.success(request, _("Override recorded: the handover may complete without the important job."))
        return reverse("duty:handover_detail", args=[pk])

    if response := submit_once(request, form, perform):
        return response
    return render(request, "duty/handover_detail.html", _detail_context(request, handover, override_form=form))


@require("duty.view")
def handover_pdf(request, pk):
    handover = selectors.handover_detail(user=request.user, pk=pk)
    return pdf_response(*documents.handover_pdf(handover=handover, user=request.user, request=request))


# --- shared items --------------------------------------------------------------------------------

@require("duty.roster")
@community_page
def items(request, choice):
    community, communities = choice.community, choice.communities
    form = SharedItemForm(request.POST or None)

    def perform(data):
        item = services.shared_item_save(community=community, name=data["name"], expected_count=data["expected_count"],
                                         sort_order=data["sort_order"] or 0, is_active=data["is_active"], actor=request.user)
        messages.success(request, _("%(item)s added.") % {"item": item.name})
        return f"{reverse('duty:items')}?community={community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/items.html", {
        "form": form, "community": community, "communities": communities, "duty_can": duty_can(request.user),
        "items": list(selectors.shared_items(community=community, active_only=False))})


@require("duty.roster")
def item_edit(request, pk):
    item = selectors.shared_item_for(user=request.user, pk=pk)
    initial = {"name": item.name, "expected_count": item.expected_count, "sort_order": item.sort_order,
               "is_active": item.is_active}
    form = SharedItemForm(request.POST or None, initial=initial)
    back = f"{reverse('duty:items')}?community={item.community_id}"

    def perform(data):
        services.shared_item_save(community=item.community, item=item, name=data["name"],
                                  expected_count=data["expected_count"], sort_order=data["sort_order"] or 0,
                                  is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Saved."))
        return back

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "duty/items_form.html", {"form": form, "item": item, "back": back,
                                                    "title": _("Edit %(item)s") % {"item": item.name}})


urlpatterns = [
    path("handovers/", handover_list, name="handover_list"),
    path("handovers/start/", handover_start, name="handover_start"),
    path("handovers/<int:pk>/", handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/sign/", handover_sign_out, name="handover_sign_out"),
    path("handovers/<int:pk>/accept/", handover_accept, name="handover_accept"),
    path("handovers/<int:pk>/override/", handover_override, name="handover_override"),
    path("handovers/<int:pk>/pdf/", handover_pdf, name="handover_pdf"),
    path("items/", items, name="items"),
    path("items/<int:pk>/", item_edit, name="item_edit"),
]
