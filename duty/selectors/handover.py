"""Reads of the handover (交接班): handovers, the shared items counted at each one, who may take over
the desk and the roster assignments of the two clerks. Scoped to the user's communities; joins decided here."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import Role
from frontdesk.scoping import scope

from ..models import (
    Assignment,
    Handover,
    HandoverItemCount,
    HandoverPendingItem,
    HandoverRegisterLine,
    SharedItem,
)
from .log import day_bounds

LOG_ROLES = (Role.CLERK, Role.SUPERVISOR)  # duty.log: who may hand over and take over
TAKE_OVER_ROLES = (Role.CLERK,)  # who the desk is handed over to: the clerks who staff it, not a supervisor


def handovers_for(user):
    return scope(Handover.objects.select_related("community", "outgoing", "incoming", "override_by",
                                                 "incoming_assignment__shift", "outgoing_assignment__shift"), user)


def handover_open(*, community):
    return (Handover.objects.select_related("outgoing", "incoming")
            .filter(community=community, status=Handover.Status.OPEN).first())


def handover_detail(*, user, pk):
    """The handover with its counts, pending items (each with its log entry) and register lines: 4 queries."""
    qs = handovers_for(user).prefetch_related(
        Prefetch("item_counts",
                 queryset=HandoverItemCount.objects.select_related("item").order_by("item__sort_order", "item__name")),
        Prefetch("pending_items", queryset=HandoverPendingItem.objects.select_related(
            "entry__author", "entry__unit__building", "entry__unit__entrance").order_by("-important", "entry__seq")),
        Prefetch("register_lines", queryset=HandoverRegisterLine.objects.order_by("sort")),
    )
    return get_object_or_404(qs, pk=pk)


def late_handovers(*, community_ids, day):
    """Late handovers 迟到交接: handovers started on ``day`` (local) where the incoming clerk accepted after
    their shift had started (``incoming_late_minutes`` above zero), as the monthly appraisal counts them."""
    start, end = day_bounds(day)
    return Handover.objects.filter(community_id__in=community_ids, started_at__gte=start, started_at__lt=end,
                                   incoming_late_minutes__gt=0)


def handover_list(*, community, limit: int = 100, day=None, late: bool = False):
    """The community's handovers, the latest first; ``day`` and ``late``: the late ones started that day."""
    qs = Handover.objects.filter(community=community)
    if day:
        start, end = day_bounds(day)
        qs = qs.filter(started_at__gte=start, started_at__lt=end)
    if late:
        qs = qs.filter(incoming_late_minutes__gt=0)
    return (qs.select_related("outgoing", "incoming", "override_by")
            .annotate(missing=Count("item_counts", filter=Q(item_counts__condition__in=("missing", "damaged"))))
            .order_by("-started_at")[:limit])


def pending_items(*, handover: Handover):
    """The open follow-ups the handover took over (or not), each with its log entry."""
    return handover.pending_items.select_related("entry")


def has_important_pending(*, handover: Handover) -> bool:
    return handover.pending_items.filter(important=True).exists()


def previous_handover_seq(*, community) -> int:
    """The log number the last completed handover read up to (0 when none)."""
    return (Handover.objects.filter(community=community, status=Handover.Status.COMPLETED)
            .order_by("-completed_at").values_list("last_entry_seq", flat=True).first()) or 0


def shared_items(*, community, active_only: bool = True):
    qs = SharedItem.objects.filter(community=community)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "name")


def shared_item_name_taken(*, community, name: str, item: SharedItem | None = None) -> bool:
    qs = SharedItem.objects.filter(community=community, name=name)
    return (qs.exclude(pk=item.pk) if item is not None and item.pk else qs).exists()


def shared_item_for(*, user, pk) -> SharedItem:
    """One shared item of the user's communities; a foreign one is a 404."""
    return get_object_or_404(scope(SharedItem.objects.select_related("community"), user), pk=pk)


def hand_over_candidates(*, community, exclude=None):
    """The community's active clerks (who take over the desk)."""
    qs = (get_user_model().objects.filter(communities=community, is_active=True, role__in=TAKE_OVER_ROLES)
          .order_by("full_name", "username"))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def current_assignment(*, community, user, at=None):
    """The user's active roster assignment that covers ``at`` (or started last before it, within 12 hours)."""
    at = at or timezone.now()
    qs = Assignment.objects.filter(community=community, user=user, is_active=True)
    covering = qs.filter(starts_at__lte=at, ends_at__gt=at).order_by("-starts_at").first()
    if covering:
        return covering
    return qs.filter(starts_at__lte=at, starts_at__gte=at - datetime.timedelta(hours=12)).order_by("-starts_at").first()


def next_assignment(*, community, after, exclude_user=None):
    """The first active clerk's assignment of someone else starting at or after ``after`` (the successor at the desk)."""
    qs = Assignment.objects.filter(community=community, is_active=True, starts_at__gte=after,
                                   user__role__in=TAKE_OVER_ROLES).select_related("user")
    if exclude_user is not None:
        qs = qs.exclude(user=exclude_user)
    return qs.order_by("starts_at", "id").first()


def incoming_assignment(*, community, user, at=None):
    """The incoming clerk's assignment for this handover: the one starting nearest ``at`` (±12 h)."""
    at = at or timezone.now()
    window = datetime.timedelta(hours=12)
    candidates = list(Assignment.objects.filter(community=community, user=user, is_active=True,
                                                starts_at__gte=at - window, starts_at__lte=at + window))
    return min(candidates, key=lambda a: abs(a.starts_at - at), default=None)
