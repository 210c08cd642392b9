"""How many repairs, complaints and enquiries came in per period, by category and by building
(two queries)."""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from ...models import Ticket
from .periods import local_day, trunc

K = Ticket.Kind


def building_label(row) -> str:
    """A building as the tables name it (common areas without a building are one row per community)."""
    building = row["building__name"]
    name = _("Building %(name)s") % {"name": building} if building else _("Common areas")
    return f"{row['community__name']} · {name}"  # the community by name (not its code, "CH")


def by_category(tickets, *, period: str, index: dict, count: int):
    """(per category {kind: [n per period]} for repairs and complaints, totals {kind: [n per period]} for every kind)."""
    groups = defaultdict(lambda: {K.REPAIR: [0] * count, K.COMPLAINT: [0] * count})
    totals = {kind: [0] * count for kind in K.values}  # every kind, counted apart (suggestions are not enquiries)
    for row in (tickets.annotate(p=trunc(period, "created_at")).values("p", "kind", "category__name")
                .annotate(n=Count("id")).order_by()):
        i = index.get(local_day(row["p"]))
        if i is None:
            continue
        totals.setdefault(row["kind"], [0] * count)[i] += row["n"]
        if row["kind"] in (K.REPAIR, K.COMPLAINT):
            groups[row["category__name"]][row["kind"]][i] += row["n"]
    return groups, totals


def by_building(tickets, *, period: str, index: dict, count: int):
    """Per building label {kind: [n per period]} for repairs and complaints."""
    groups = defaultdict(lambda: {K.REPAIR: [0] * count, K.COMPLAINT: [0] * count})
    for row in (tickets.filter(kind__in=[K.REPAIR, K.COMPLAINT]).annotate(p=trunc(period, "created_at"))
                .values("p", "kind", "community__name", "building__name").annotate(n=Count("id")).order_by()):
        i = index.get(local_day(row["p"]))
        if i is None:
            continue
        groups[building_label(row)][row["kind"]][i] += row["n"]
    return groups


def table_rows(groups, key_name: str = "name") -> list[dict]:
    """A table of groups, the biggest first: name, repairs and complaints per period, total, cells."""
    out = [{key_name: name, "repairs": g[K.REPAIR], "complaints": g[K.COMPLAINT],
            "total": sum(g[K.REPAIR]) + sum(g[K.COMPLAINT]),
            "cells": list(zip(g[K.REPAIR], g[K.COMPLAINT], strict=True))} for name, g in groups.items()]
    return sorted(out, key=lambda r: (-r["total"], str(r[key_name])))
