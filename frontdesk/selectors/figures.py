"""Counting several figures of a day in ONE query, whatever the number of communities (the summary sections
are held to three queries). Each figure keeps its one definition — a queryset returned by its app's selector
(``visitors_registered_qs``…) — and is counted here as a correlated subquery per community."""

from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery, Value, Window
from django.db.models.functions import Coalesce

from ..models import Community
from ..registry import CARD_ITEMS


def count_subquery(qs, community_field: str = "community_id"):
    """``qs`` counted for the community of the outer row."""
    counted = (qs.filter(**{community_field: OuterRef("pk")}).order_by().values(community_field)
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def counts(community_ids, querysets: dict, *, per_community: bool = False) -> dict:
    """``{name: count}`` of each queryset in ``querysets`` (a name → queryset, or → (queryset, community field)),
    added up over ``community_ids`` (or ``{community id: {name: count}}`` with ``per_community``): one query."""
    annotations = {}
    for name, qs in querysets.items():
        qs, field = qs if isinstance(qs, tuple) else (qs, "community_id")
        annotations[name] = count_subquery(qs, field)
    rows = Community.objects.filter(pk__in=list(community_ids)).values("pk", **annotations) if community_ids else []
    if per_community:
        return {row["pk"]: {name: row[name] for name in querysets} for row in rows}
    totals = dict.fromkeys(querysets, 0)
    for row in rows:
        for name in querysets:
            totals[name] += row[name]
    return totals


def first_with_total(qs, n: int = CARD_ITEMS) -> tuple[list, int]:
    """A "today" card's first ``n`` rows of ``qs`` and how many there are in all, in one query. The count is a
    scalar subquery, not a window count: a window materialised every matching row with its joins before the
    limit (24k running clocks at 1M tickets, ~250 ms); now only the first rows are read and joined. A grouped
    queryset (aggregate annotations) keeps the window count."""
    if any(getattr(a, "contains_aggregate", False) for a in qs.query.annotations.values()):
        rows = list(qs.annotate(total=Window(Count("id")))[:n])
    else:
        count = qs.order_by().values(n=Func(F("id"), function="COUNT", output_field=IntegerField()))
        rows = list(qs.annotate(total=Subquery(count))[:n])
    return rows, (rows[0].total if rows else 0)
