"""Reads of extensions (装修延期) and additional works (增加项目): the lists and a request's page."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from frontdesk.scoping import scope

from ..models import RenovationRequest


def requests_for(user):
    return scope(RenovationRequest.objects.all(), user).select_related("renovation__unit", "community")


def request_list(user, *, kind: str, community=None, status="", q=""):
    """One kind's list, newest first (one query per page)."""
    qs = requests_for(user).filter(kind=kind)
    if community:
        qs = qs.filter(community_id=int(community))
    if status == "open":
        qs = qs.filter(status__in=RenovationRequest.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(renovation__number__iexact=q)
                       | Q(renovation__unit__code__iexact=q.replace(" ", "")) | Q(applicant_name__icontains=q))
    return qs.order_by("-created_at", "-id")


def request_detail(*, user, pk) -> RenovationRequest:
    return get_object_or_404(requests_for(user).select_related("created_by", "reviewed_by", "approved_by"), pk=pk)


def request_changes(request) -> list:
    return list(request.status_changes.select_related("actor").order_by("at", "id"))
