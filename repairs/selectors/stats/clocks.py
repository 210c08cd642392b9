"""Clocks on time: met before the deadline vs breached (or met late), per kind and per period (one query,
over the covering index ``clock_stats_cov``)."""

from collections import defaultdict

from core.db import fetch_dicts

from ...models import Clock
from .periods import bounds, bucket_sql

_SQL = """
SELECT {bucket} AS p, c.kind,
       COUNT(*) FILTER (WHERE c.met_at IS NOT NULL AND c.breached_at IS NULL AND c.met_at <= c.due_at) AS on_time,
       COUNT(*) FILTER (WHERE c.breached_at IS NOT NULL OR c.met_at > c.due_at) AS late
  FROM {clock} c
 WHERE c.community_id = ANY(%(ids)s) AND c.started_at >= %(since)s
 GROUP BY 1, 2
""".format(bucket=bucket_sql("c.started_at"), clock=Clock._meta.db_table)


def rate(on_time: int, late: int):
    return round(100 * on_time / (on_time + late), 1) if on_time + late else None


def on_time(*, community_ids, starts: list):
    """([{"kind", "label", "on_time", "late", "rate"} per clock kind], [rate or None per period of ``starts``])."""
    per_kind = defaultdict(lambda: [0, 0])
    per_period = [[0, 0] for _ in starts]
    periods = bounds(starts)
    for row in fetch_dicts(_SQL, {"ids": list(community_ids), "since": periods[0], "bounds": periods}):
        for totals in (per_kind[row["kind"]], per_period[row["p"] - 1]):
            totals[0] += row["on_time"]
            totals[1] += row["late"]
    kinds = [{"kind": kind, "label": str(label), "on_time": per_kind[kind][0], "late": per_kind[kind][1],
              "rate": rate(*per_kind[kind])} for kind, label in Clock.Kind.choices]
    return kinds, [rate(*p) for p in per_period]
