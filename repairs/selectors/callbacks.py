"""Callbacks (回访) as the clerks see them: the list by due time, the overdue count, one callback."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone

from frontdesk.scoping import scope

from ..models import Callback


def callbacks_for(user):
    """Callbacks of the user's communities (a foreign one is a 404)."""
    return scope(Callback.objects.all(), user)


def callback_list(*, user, overdue_only: bool = False, now=None):
    """Callbacks to do, the earliest deadline (so the overdue) first. Constant queries."""
    now = now or timezone.now()
    qs = (callbacks_for(user).filter(status=Callback.Status.PENDING)
          .select_related("ticket", "ticket__unit", "ticket__category", "ticket__assignee", "community")
          .annotate(attempt_count=Count("attempts"))
          .order_by("due_at", "id"))
    if overdue_only:
        qs = qs.filter(due_at__lt=now)
    return qs


def callback_overdue_count(*, user, now=None) -> int:
    return callbacks_for(user).filter(status=Callback.Status.PENDING, due_at__lt=now or timezone.now()).count()


def callback_detail(*, user, pk: int) -> Callback:
    qs = callbacks_for(user).select_related("ticket", "ticket__unit", "ticket__category", "ticket__assignee",
                                            "ticket__team", "done_by", "community")
    return get_object_or_404(qs, pk=pk)


def callback_attempts(callback: Callback) -> list:
    return list(callback.attempts.select_related("by"))
