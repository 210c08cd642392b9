"""Notices to residents, read: the archive (search by text and date), a notice's page with its history and
posting checklist, the templates, the entrances a notice may be posted at, and the PDF's pages."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from frontdesk.models import (
    Entrance,
    Notice,
    NoticePosting,
    NoticeSms,
    NoticeStatusChange,
    NoticeTemplate,
)
from frontdesk.scoping import scope

S = Notice.Status


def notices_for(user):
    return scope(Notice.objects.select_related("community"), user)


def notice_list(*, user, community: str | None = None, status: str | None = None, q: str | None = None,
                date_from: datetime.date | None = None, date_to: datetime.date | None = None):
    """The archive, newest first: a text in the number, title or text; a posting period touching the dates."""
    qs = notices_for(user).select_related("created_by")
    if community:
        qs = qs.filter(community_id=int(community))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(body__icontains=q))
    if date_from:
        qs = qs.filter(post_to__gte=date_from)
    if date_to:
        qs = qs.filter(post_from__lte=date_to)
    return qs.order_by("-created_at", "-id")


def notice_detail(*, user, pk: int) -> Notice:
    """A notice of the user's communities with its history and checklist (a foreign one is a 404)."""
    qs = notices_for(user).select_related("created_by", "approved_by", "template").prefetch_related(
        Prefetch("status_changes", queryset=NoticeStatusChange.objects.select_related("actor").order_by("at", "id")),
        Prefetch("postings", queryset=NoticePosting.objects.select_related(
            "entrance__building", "posted_by", "taken_down_by")),
    ).annotate(sms_sent=Count("sms", filter=Q(sms__message__isnull=False), distinct=True))
    return get_object_or_404(qs, pk=pk)


def notice_entrances(notice: Notice) -> list[Entrance]:
    """The entrances chosen for a notice, in building order (one query)."""
    return list(Entrance.objects.filter(pk__in=notice.entrance_ids, building__community_id=notice.community_id)
                .select_related("building").order_by("building__sort_order", "building__name", "name"))


def posting_for(*, user, pk: int) -> NoticePosting:
    return get_object_or_404(scope(NoticePosting.objects.select_related("notice"), user, field="notice__community"),
                             pk=pk)


def community_entrances(community) -> list[Entrance]:
    return list(Entrance.objects.filter(building__community=community).select_related("building")
                .order_by("building__sort_order", "building__name", "name"))


def templates_for(*, user, community=None):
    qs = scope(NoticeTemplate.objects.select_related("community", "updated_by"), user)
    if community is not None:
        qs = qs.filter(community=community)
    return qs.order_by("community__name", "name")


def template_detail(*, user, pk: int) -> NoticeTemplate:
    return get_object_or_404(templates_for(user=user), pk=pk)


def sms_count(notice: Notice) -> int:
    return NoticeSms.objects.filter(notice=notice, message__isnull=False).count()
