"""Reads of the hot-work permits: the scoped list with its filters, one permit's page, its files."""

import datetime

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from frontdesk.scoping import scope

from ..models import HotWorkAttachment, HotWorkPermit, HotWorkStatusChange, Renovation

S = HotWorkPermit.Status
LIST_RELATED = ("renovation__unit", "community")


def permits_for(user):
    return scope(HotWorkPermit.objects.all(), user)


def hotwork_list(*, user, community=None, status=None, day: datetime.date | None = None, q: str = "", now=None):
    """The list, newest window first. ``status`` "expired" includes issued permits whose window has passed
    (the beat task may not have run yet); "issued" excludes them."""
    now = now or timezone.now()
    qs = permits_for(user).select_related(*LIST_RELATED)
    if community:
        qs = qs.filter(community_id=community)
    if status == S.EXPIRED:
        qs = qs.filter(Q(status=S.EXPIRED) | Q(status=S.ISSUED, ends_at__lte=now))
    elif status == S.ISSUED:
        qs = qs.filter(status=S.ISSUED, ends_at__gt=now)
    elif status:
        qs = qs.filter(status=status)
    if day:
        qs = qs.filter(work_date=day)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(renovation__unit__code__icontains=q) | Q(location__icontains=q)
                       | Q(welder_name__icontains=q))
    return qs.order_by("-starts_at", "-id")


def hotwork_detail(*, user, pk: int) -> HotWorkPermit:
    qs = permits_for(user).select_related(
        "renovation__unit", "renovation__owner", "community", "created_by", "engineering_by", "safety_by",
        "approved_by", "closeout_by").prefetch_related(
        Prefetch("attachments", queryset=HotWorkAttachment.objects.order_by("kind", "id")),
        Prefetch("status_changes", queryset=HotWorkStatusChange.objects.select_related("actor").order_by("at", "id")))
    return get_object_or_404(qs, pk=pk)


def hotwork_of(*, user, pk: int) -> HotWorkPermit:
    return get_object_or_404(permits_for(user), pk=pk)


def hotwork_attachment(*, user, pk: int) -> HotWorkAttachment:
    return get_object_or_404(scope(HotWorkAttachment.objects.select_related("permit"), user, field="permit__community"),
                             pk=pk)


def active_renovation_of(*, user, unit_id) -> Renovation | None:
    """The room's renovation with works on site (permit issued), for filing hot work."""
    return (scope(Renovation.objects.select_related("unit", "owner"), user)
            .filter(unit_id=unit_id, status__in=Renovation.ACTIVE_STATUSES).order_by("-created_at").first())


def permit_for_pdf(*, user, pk: int) -> HotWorkPermit:
    return get_object_or_404(permits_for(user).select_related(
        "renovation__unit", "community", "engineering_by", "safety_by", "approved_by"), pk=pk)
