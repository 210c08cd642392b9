"""Satisfaction of the callbacks done in the range, per period and overall (one query)."""

from django.db.models import Avg, Count, Q

from ...models import Callback
from .periods import bounds, bucket

RATED = Q(status=Callback.Status.DONE, satisfaction__isnull=False)  # a callback done with its score (1–5)


def satisfaction(*, community_ids, starts: list):
    """([{"average", "count"} per period of ``starts``], overall average or None, number of callbacks)."""
    periods = bounds(starts)
    callbacks = Callback.objects.filter(RATED, community_id__in=community_ids, done_at__gte=periods[0])
    found = {r["p"] - 1: r for r in callbacks.annotate(p=bucket("done_at", periods)).values("p")
             .annotate(average=Avg("satisfaction"), n=Count("id")).order_by()}
    per_period = [{"average": round(found[i]["average"], 2) if i in found else None,
                   "count": found[i]["n"] if i in found else 0} for i in range(len(starts))]
    n = sum(s["count"] for s in per_period)
    overall = round(sum((s["average"] or 0) * s["count"] for s in per_period) / n, 2) if n else None
    return per_period, overall, n
