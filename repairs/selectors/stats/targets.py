"""The complaint target: at most two repair complaints a month per building; complaints per building
per calendar month over the last three months (one query)."""

from collections import defaultdict

from django.db.models import Count

from ...models import Ticket
from .periods import MONTH, aware, local_day, period_starts, trunc
from .volume import building_label

COMPLAINT_TARGET_PER_MONTH = 2


def complaint_targets(tickets, *, today):
    """(rows {"building", "months": [n…], "over": [bool…], "over_now"} most complaints first, [month starts])."""
    months = period_starts(MONTH, 3, today)
    index = {d: i for i, d in enumerate(months)}
    per_building = defaultdict(lambda: [0] * len(months))
    for row in (tickets.filter(kind=Ticket.Kind.COMPLAINT, created_at__gte=aware(months[0]))
                .annotate(p=trunc(MONTH, "created_at")).values("p", "community__name", "building__name")
                .annotate(n=Count("id")).order_by()):
        i = index.get(local_day(row["p"]))
        if i is not None:
            per_building[building_label(row)][i] += row["n"]
    rows = sorted(
        ({"building": name, "months": counts, "over": [n > COMPLAINT_TARGET_PER_MONTH for n in counts],
          "over_now": counts[-1] > COMPLAINT_TARGET_PER_MONTH} for name, counts in per_building.items()),
        key=lambda r: (-r["months"][-1], r["building"]))
    return rows, months
