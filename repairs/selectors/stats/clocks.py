"""Clocks on time: met before the deadline vs breached (or met late), per kind and per period (one query)."""

from collections import defaultdict

from django.db.models import Count, F, Q

from ...models import Clock
from .periods import local_day, trunc


def rate(on_time: int, late: int):
    return round(100 * on_time / (on_time + late), 1) if on_time + late else None


def on_time(*, community_ids, since, period: str, index: dict, count: int):
    """([{"kind", "label", "on_time", "late", "rate"} per clock kind], [rate or None per period])."""
    rows = (Clock.objects.filter(community_id__in=community_ids, started_at__gte=since)
            .annotate(p=trunc(period, "started_at")).values("p", "kind")
            .annotate(on_time=Count("id", filter=Q(met_at__isnull=False, breached_at__isnull=True,
                                                   met_at__lte=F("due_at"))),
                      late=Count("id", filter=Q(breached_at__isnull=False) | Q(met_at__gt=F("due_at"))))
            .order_by())
    per_kind = defaultdict(lambda: [0, 0])
    per_period = [[0, 0] for _ in range(count)]
    for row in rows:
        per_kind[row["kind"]][0] += row["on_time"]
        per_kind[row["kind"]][1] += row["late"]
        i = index.get(local_day(row["p"]))
        if i is not None:
            per_period[i][0] += row["on_time"]
            per_period[i][1] += row["late"]
    kinds = [{"kind": kind, "label": str(label), "on_time": per_kind[kind][0], "late": per_kind[kind][1],
              "rate": rate(*per_kind[kind])} for kind, label in Clock.Kind.choices]
    return kinds, [rate(*p) for p in per_period]
