"""Reads of acceptance (验收): the sites waiting for it or for their deposit to settle, a site's
acceptance inspections and status history."""

from django.db.models import Count, Q

from frontdesk.scoping import scope

from ..models import Acceptance, Renovation

S = Renovation.Status
QUEUE_STATUSES = (S.ACCEPTANCE, S.ACCEPTED)


def acceptance_queue(user, *, community_ids=None, status="", q="", inspected_on=None):
    """待验收 (oldest first) and 验收通过 waiting for the deposit and close-out, with open violations counted;
    ``inspected_on``: instead, the sites inspected for acceptance that day, whatever their status now (the daily
    summary's ``sites_accepted_qs``)."""
    qs = scope(Renovation.objects.select_related("unit", "community"), user)
    if inspected_on:
        qs = qs.filter(pk__in=Acceptance.objects.filter(at__date=inspected_on).values("renovation_id"))
    else:
        qs = qs.filter(status__in=QUEUE_STATUSES)
    if community_ids is not None:
        qs = qs.filter(community_id__in=community_ids)
    if status in QUEUE_STATUSES:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(unit__code__icontains=q.replace(" ", ""))
    return (qs.annotate(open_violations=Count("violations", filter=Q(violations__status="open")))
            .order_by("status", "status_changed_at", "pk"))


def acceptances(renovation) -> list:
    return list(renovation.acceptances.select_related("inspector").order_by("at", "id"))


def status_history(renovation) -> list:
    return list(renovation.status_changes.select_related("actor").order_by("at", "id"))
