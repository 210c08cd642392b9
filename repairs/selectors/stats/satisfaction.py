"""Satisfaction of the callbacks done in the range, per period and overall (one query)."""

from django.db.models import Avg, Count, Q

from ...models import Callback
from .periods import local_day, trunc

RATED = Q(status=Callback.Status.DONE, satisfaction__isnull=False)  # a callback done with its score (1–5)


def satisfaction(*, community_ids, since, period: str, starts: list):
    """([{"average", "count"} per period], overall average or None, number of callbacks)."""
    callbacks = Callback.objects.filter(RATED, community_id__in=community_ids, done_at__gte=since)
    found = {local_day(r["p"]): r for r in callbacks.annotate(p=trunc(period, "done_at")).values("p")
             .annotate(average=Avg("satisfaction"), n=Count("id")).order_by()}
    per_period = [{"average": round(found[d]["average"], 2) if d in found else None,
                   "count": found[d]["n"] if d in found else 0} for d in starts]
    n = sum(s["count"] for s in per_period)
    overall = round(sum((s["average"] or 0) * s["count"] for s in per_period) / n, 2) if n else None
    return per_period, overall, n
