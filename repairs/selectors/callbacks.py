"""Callbacks (回访) as the clerks see them: the list by due time, the overdue count, one callback."""


from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.dates import day_bounds
from frontdesk.scoping import scope

from ..models import Callback


def callbacks_for(user):
    """Callbacks of the user's communities (a foreign one is a 404)."""
    return scope(Callback.objects.all(), user)


DISSATISFIED_BELOW = 3  # a score of 1 or 2 is dissatisfied (repairs.services.callbacks.SATISFIED_FROM)


def dissatisfied():
    """A done callback whose owner was dissatisfied (1–2: the ticket was reopened or escalated)."""
    return Q(status=Callback.Status.DONE, satisfaction__lt=DISSATISFIED_BELOW)


def escalated_open():
    """Escalated to the supervisors and the ticket not closed yet (the supervisor's work)."""
    return Q(status=Callback.Status.DONE, outcome=Callback.Outcome.ESCALATE) & ~Q(ticket__status="closed")


def callback_list(*, user, overdue_only: bool = False, now=None, show: str = "", due_by=None, done_on=None,
                  community_ids=None):
    """Callbacks to do, the earliest deadline (so the overdue) first; or (``show``) the done, dissatisfied or
    escalated ones, the latest first. ``due_by``: due before the end of that day; ``done_on``: done that day
    (the done lists default to today). Constant queries."""
    now = now or timezone.now()
    show = "overdue" if overdue_only and not show else show
    qs = (callbacks_for(user)
          .select_related("ticket", "ticket__unit", "ticket__category", "ticket__assignee", "community", "done_by")
          .annotate(attempt_count=Count("attempts")))
    if community_ids:
        qs = qs.filter(community_id__in=community_ids)
    if show in ("", "overdue"):
        qs = qs.filter(status=Callback.Status.PENDING).order_by("due_at", "id")
        if show == "overdue":
            qs = qs.filter(due_at__lt=now)
        if due_by:
            qs = qs.filter(due_at__lt=day_bounds(due_by)[1])
        return qs
    qs = qs.filter({"done": Q(status=Callback.Status.DONE), "dissatisfied": dissatisfied(),
                    "escalated": escalated_open()}[show]).order_by("-done_at", "-id")
    if show != "escalated" or done_on:
        day = done_on or timezone.localdate(now)
        start, end = day_bounds(day)
        qs = qs.filter(done_at__gte=start, done_at__lt=end)
    return qs


def callback_overdue_count(*, user, now=None) -> int:
    return callbacks_for(user).filter(status=Callback.Status.PENDING, due_at__lt=now or timezone.now()).count()


def callback_detail(*, user, pk: int) -> Callback:
    qs = callbacks_for(user).select_related("ticket", "ticket__unit", "ticket__category", "ticket__assignee",
                                            "ticket__team", "done_by", "community")
    return get_object_or_404(qs, pk=pk)


def callback_attempts(callback: Callback) -> list:
    return list(callback.attempts.select_related("by"))
