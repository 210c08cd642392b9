"""Checks a restored backup must pass (registered with ``core.integrity``): receipt and voucher numbers
run 1, 2, 3 … without a gap or a repeat per community, kind and year, and end at the counter's last."""

from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from ..models import DocumentCounter, Receipt, Voucher


def number_problems(*, using: str = "default") -> list[str]:
    counters = {(c.community_id, c.kind, c.year): c.last for c in DocumentCounter.objects.using(using)}
    groups = [("receipt", row) for row in Receipt.objects.using(using).values("community_id", "year")
              .annotate(n=Count("id"), distinct=Count("seq", distinct=True), lo=Min("seq"), hi=Max("seq"))]
    groups += [(row["kind"], row) for row in Voucher.objects.using(using).values("community_id", "kind", "year")
               .annotate(n=Count("id"), distinct=Count("seq", distinct=True), lo=Min("seq"), hi=Max("seq"))]
    problems = []
    for kind, row in sorted(groups, key=lambda g: (g[1]["community_id"], g[0], g[1]["year"])):
        last = counters.get((row["community_id"], kind, row["year"]))
        if row["n"] != row["distinct"] or row["lo"] != 1 or row["hi"] != row["n"] or last != row["hi"]:
            problems.append(_("Community %(community)s, %(kind)s numbers of %(year)s: %(n)s documents numbered "
                              "%(lo)s–%(hi)s, counter at %(last)s (expected 1–%(n)s without gaps).") % {
                "community": row["community_id"], "kind": kind, "year": row["year"], "n": row["n"],
                "lo": row["lo"], "hi": row["hi"], "last": last})
    return problems
