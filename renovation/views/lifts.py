"""Lift and stair use (使用楼梯/电梯申请): the manager's list of each building's lifts, booking a slot from a
room, the day board of booked slots, the bookings list, the fire lift's review, cancellation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.permissions import has_perm, require
from frontdesk.forms.common import ReasonForm
from frontdesk.scoping import choose_community, communities_of

from ..forms.hotwork import ReviewForm
from ..forms.lifts import BoardForm, BookingApprovalForm, BookingFilterForm, BookingForm, LiftForm
from ..models import LiftBooking
from ..selectors import lifts as selectors
from ..services import lifts as services
from .hotwork import room_unit

PAGE_SIZE = 50


@require("renovation.lifts")
def lift_manage(request):
    choice = choose_community(request, remember=True)
    buildings = selectors.buildings_with_lifts(user=request.user, community_id=choice.community.pk)
    form = LiftForm(request.POST or None, buildings=buildings)

    def perform(data):
        lift = services.lift_add(building=data["building"], name=data["name"], kind=data["kind"], actor=request.user)
        messages.success(request, _("%(name)s added.") % {"name": lift.name})
        return f"{reverse('renovation:lift_manage')}?community={choice.community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "renovation/lift_manage.html", {"choice": choice, "buildings": buildings, "form": form})


@require("renovation.lifts")
@require_POST
def lift_toggle(request, pk):
    lift = selectors.lift_of(user=request.user, pk=pk)
    # the wanted state is in the form (not "the opposite of now"): a double click does not flip it back
    active = request.POST.get("active", "1" if not lift.is_active else "0") == "1"
    lift = services.lift_set_active(lift=lift, active=active, actor=request.user)
    messages.success(request, (_("%(name)s is in use again.") if lift.is_active else _("%(name)s taken out of use."))
                     % {"name": lift.name})
    return redirect(f"{reverse('renovation:lift_manage')}?community={lift.community_id}")


@list_params(BoardForm)
@require("renovation.view")
def lift_board(request):
    values = list_filters(request, BoardForm)
    choice = choose_community(request, remember=True)
    day = values["day"] or timezone.localdate()
    rows = selectors.day_board(user=request.user, community_id=choice.community.pk, day=day,
                               building_id=values["building"])
    return render(request, "renovation/lift_board.html", {
        "choice": choice, "day": day, "rows": rows, "building": values["building"] or "",
        "can_file": has_perm(request.user, "renovation.file")})


@require("renovation.file")
def lift_book(request):
    unit, room_form = room_unit(request)
    if unit is None:
        return render(request, "renovation/choose_room.html", {
            "form": room_form, "title": _("Lift or stair booking"), "back": reverse("renovation:lift_board")})
    form = BookingForm(request.POST or None, lifts=selectors.unit_lifts(unit), owners=selectors.unit_owners(unit))

    def perform(data):
        booking = services.booking_create(
            unit=unit, lift=data["lift"], applicant_kind=data["applicant_kind"], owner=data["owner"],
            items=data["items"], day=data["day"], start=data["start"], end=data["end"],
            undertaking_received=data["undertaking_received"], actor=request.user)
        if booking.status == LiftBooking.Status.REVIEW:
            messages.success(request, _("The fire lift is held for this slot until the engineering review and "
                                        "the duty manager's approval."))
        else:
            messages.success(request, _("Booked."))
        return f"{reverse('renovation:lift_board')}?community={unit.community_id}&day={booking.starts_at:%Y-%m-%d}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "renovation/form.html", {
        "form": form, "back": reverse("renovation:lift_board"),
        "title": _("Lift or stair booking for %(room)s") % {"room": unit.code},
        "intro": _("Only the owner or the renovation lead may apply; the signed undertaking (承诺书) goes to the "
                   "lobby assistant.")})


@list_params(BookingFilterForm)
@require("renovation.view")
def lift_booking_list(request):
    values = list_filters(request, BookingFilterForm)
    qs = selectors.booking_list(user=request.user, community=values["community"], status=values["status"],
                                day=values["day"], q=values["q"] or "")
    return render(request, "renovation/lift_booking_list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": values, "statuses": LiftBooking.Status.choices,
        "communities": communities_of(request.user)})


def _detail(request, pk, **forms):
    booking = selectors.booking_detail(user=request.user, pk=pk)
    S = LiftBooking.Status
    return render(request, "renovation/lift_booking_detail.html", {
        "booking": booking,
        "review": booking.status == S.REVIEW and has_perm(request.user, "renovation.review"),
        "approve": booking.status == S.APPROVAL and has_perm(request.user, "renovation.duty_approve"),
        "approval_form": forms.get("approval_form") or BookingApprovalForm(),
        "cancel": booking.status in (S.REVIEW, S.APPROVAL, S.BOOKED) and has_perm(request.user, "renovation.file"),
        "review_form": forms.get("review_form") or ReviewForm(),
        "cancel_form": forms.get("cancel_form") or ReasonForm(),
    })


@require("renovation.view")
def lift_booking_detail(request, pk):
    return _detail(request, pk)


@require("renovation.review")
@require_POST
def lift_booking_review(request, pk):
    booking = selectors.booking_of(user=request.user, pk=pk)
    form = ReviewForm(request.POST)

    def perform(data):
        services.booking_review(booking=booking, passed=data["decision"] == "pass", comments=data["comments"],
                                actor=request.user)
        messages.success(request, _("Review recorded."))
        return booking.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, pk, review_form=form)


@require("renovation.duty_approve")
@require_POST
def lift_booking_approve(request, pk):
    booking = selectors.booking_of(user=request.user, pk=pk)
    form = BookingApprovalForm(request.POST)

    def perform(data):
        done = services.booking_approve(booking=booking, approve=data["decision"] == "approve", reason=data["reason"],
                                        actor=request.user)
        messages.success(request, _("Booked.") if done.status == LiftBooking.Status.BOOKED
                         else _("The booking was refused: the slot is free again."))
        return booking.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, pk, approval_form=form)


@require("renovation.file")
@require_POST
def lift_booking_cancel(request, pk):
    booking = selectors.booking_of(user=request.user, pk=pk)
    form = ReasonForm(request.POST)

    def perform(data):
        services.booking_cancel(booking=booking, reason=data["reason"], actor=request.user)
        messages.success(request, _("Booking cancelled: the slot is free again."))
        return booking.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    return _detail(request, pk, cancel_form=form)


urlpatterns = [
    path("lifts/", lift_manage, name="lift_manage"),
    path("lifts/<int:pk>/toggle/", lift_toggle, name="lift_toggle"),
    path("lifts/board/", lift_board, name="lift_board"),
    path("lifts/book/", lift_book, name="lift_book"),
    path("lifts/bookings/", lift_booking_list, name="lift_booking_list"),
    path("lifts/bookings/<int:pk>/", lift_booking_detail, name="lift_booking_detail"),
    path("lifts/bookings/<int:pk>/review/", lift_booking_review, name="lift_booking_review"),
    path("lifts/bookings/<int:pk>/approve/", lift_booking_approve, name="lift_booking_approve"),
    path("lifts/bookings/<int:pk>/cancel/", lift_booking_cancel, name="lift_booking_cancel"),
]
